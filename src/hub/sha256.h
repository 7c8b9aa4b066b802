// SHA-256 checksums (libsodium), as the hub publishes them for large files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace empathic::hub {

/// SHA-256 of `data`, as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

/// SHA-256 of a file's bytes, read in blocks, as 64 lower-case hex digits. Throws
/// Error(NotFound) naming the file when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace empathic::hub
