// Small file helpers that keep the journal's files whole when the process is killed.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace empathic {

/// Reads a whole file; throws Error(NotFound) naming it when it cannot be opened.
std::string read_file(const std::filesystem::path& path);

/// Writes `contents` to a temporary file beside `path`, fsyncs it and renames it over `path`,
/// so readers see the old file or the new one, never a mix. Creates parent folders.
void write_file_atomically(const std::filesystem::path& path, std::string_view contents);

}  // namespace empathic
