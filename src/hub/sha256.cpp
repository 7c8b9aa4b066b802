#include "hub/sha256.h"

#include <sodium.h>

#include <array>
#include <fstream>
#include <vector>

#include "core/error.h"

namespace empathic::hub {
namespace {

std::string to_hex(const unsigned char* digest) {
    std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
    sodium_bin2hex(hex.data(), hex.size(), digest, crypto_hash_sha256_BYTES);
    return std::string(hex.data());
}

void ensure_sodium() {
    static const int status = sodium_init();
    if (status < 0) throw Error(ErrorCode::Internal, "libsodium failed to initialise");
}

}  // namespace

std::string sha256_hex(std::string_view data) {
    ensure_sodium();
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return to_hex(digest);
}

std::string sha256_file(const std::filesystem::path& path) {
    ensure_sodium();
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCode::NotFound, "cannot read " + path.string());

    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    std::vector<char> block(1 << 20);
    while (in) {
        in.read(block.data(), block.size());
        auto got = in.gcount();
        if (got > 0) {
            crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(block.data()),
                                      static_cast<unsigned long long>(got));
        }
    }
    if (in.bad()) throw Error(ErrorCode::Unavailable, "reading " + path.string() + " failed");

    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state, digest);
    return to_hex(digest);
}

}  // namespace empathic::hub
