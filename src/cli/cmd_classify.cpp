// CLI commands: classify. (Placeholder until this command group lands.)
#include "cli/commands.h"

namespace empathic::cli {

void add_classify_command(CLI::App& app) { (void)app; }

}  // namespace empathic::cli
