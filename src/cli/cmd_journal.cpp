// CLI commands: journal. (Placeholder until this command group lands.)
#include "cli/commands.h"

namespace empathic::cli {

void add_journal_commands(CLI::App& app) { (void)app; }

}  // namespace empathic::cli
