// CLI commands: serve. (Placeholder until this command group lands.)
#include "cli/commands.h"

namespace empathic::cli {

void add_serve_command(CLI::App& app) { (void)app; }

}  // namespace empathic::cli
