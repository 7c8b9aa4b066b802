// Where Empathic keeps its files. Everything lives under one folder, $EMPATHIC_HOME
// (default ~/.local/share/empathic): the journal database, config.json, installed models
// under models/<org>/<name>/. Nothing is written outside it.
#pragma once

#include <filesystem>

namespace empathic::paths {

/// $EMPATHIC_HOME, or $XDG_DATA_HOME/empathic, or ~/.local/share/empathic.
std::filesystem::path home();
/// Overrides home() for this process (the --home flag of the CLI and server).
void set_home(const std::filesystem::path& dir);
/// home()/models: installed models, one folder per hub id (org/name).
std::filesystem::path models_dir();
/// Read-only product data shipped with Empathic (label sets, question bank, seeds, catalogue):
/// $EMPATHIC_DATA_DIR, else <binary dir>/data, else <binary dir>/../share/empathic, else the
/// source tree's data/ (for builds run in place).
std::filesystem::path data_dir();

}  // namespace empathic::paths
