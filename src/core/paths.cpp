#include "core/paths.h"

#include <unistd.h>

#include <cstdlib>
#include <optional>

namespace empathic::paths {
namespace fs = std::filesystem;
namespace {

std::optional<fs::path>& home_override() {
    static std::optional<fs::path> value;
    return value;
}

fs::path executable_dir() {
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::current_path() : exe.parent_path();
}

}  // namespace

fs::path home() {
    if (home_override()) return *home_override();
    if (const char* env = std::getenv("EMPATHIC_HOME"); env && *env) return env;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
        return fs::path(xdg) / "empathic";
    }
    const char* user_home = std::getenv("HOME");
    return fs::path(user_home && *user_home ? user_home : ".") / ".local/share/empathic";
}

void set_home(const fs::path& dir) {
    home_override() = dir;
}

fs::path models_dir() {
    return home() / "models";
}

fs::path data_dir() {
    if (const char* env = std::getenv("EMPATHIC_DATA_DIR"); env && *env) return env;
    auto exe_dir = executable_dir();
    for (const auto& candidate :
         {exe_dir / "data", exe_dir / "../share/empathic", fs::path(EMPATHIC_SOURCE_DATA_DIR)}) {
        if (fs::is_directory(candidate)) return fs::weakly_canonical(candidate);
    }
    return fs::path(EMPATHIC_SOURCE_DATA_DIR);
}

}  // namespace empathic::paths
