#include "core/fs_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace empathic {
namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCode::NotFound, "cannot read " + path.string());
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

void write_file_atomically(const fs::path& path, std::string_view contents) {
    if (path.has_parent_path()) fs::create_directories(path.parent_path());
    auto temp = path;
    temp += ".tmp-" + std::to_string(::getpid());
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw Error(ErrorCode::Unavailable,
                    "cannot write " + temp.string() + ": " + std::strerror(errno));
    }
    std::size_t written = 0;
    while (written < contents.size()) {
        auto n = ::write(fd, contents.data() + written, contents.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            ::close(fd);
            fs::remove(temp);
            throw Error(ErrorCode::Unavailable,
                        "cannot write " + path.string() + ": " + std::strerror(err));
        }
        written += static_cast<std::size_t>(n);
    }
    ::fsync(fd);
    ::close(fd);
    fs::rename(temp, path);
}

}  // namespace empathic
