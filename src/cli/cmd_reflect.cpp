// CLI commands: reflect. (Placeholder until this command group lands.)
#include "cli/commands.h"

namespace empathic::cli {

void add_reflect_commands(CLI::App& app) { (void)app; }

}  // namespace empathic::cli
