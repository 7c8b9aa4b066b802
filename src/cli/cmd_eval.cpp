// CLI commands: eval. (Placeholder until this command group lands.)
#include "cli/commands.h"

namespace empathic::cli {

void add_eval_command(CLI::App& app) { (void)app; }

}  // namespace empathic::cli
