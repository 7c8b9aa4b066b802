// Each group of CLI commands lives in its own file and registers itself on the root app here.
// Commands parse flags, call the core API, and print; they hold no journal logic of their own.
// A command reports failure by throwing empathic::Error; main() turns it into a one-line
// message and an exit status.
#pragma once

#include <CLI/CLI.hpp>

namespace empathic::cli {

void add_classify_command(CLI::App& app);  // cmd_classify.cpp
void add_journal_commands(CLI::App& app);  // cmd_journal.cpp: add, list, show, edit, ...
void add_reflect_commands(CLI::App& app);  // cmd_reflect.cpp: reflect, answer
void add_model_commands(CLI::App& app);    // cmd_model.cpp: model pull|add|list|info|use|remove
void add_eval_command(CLI::App& app);      // cmd_eval.cpp: eval (quality report)
void add_serve_command(CLI::App& app);     // cmd_serve.cpp: serve

}  // namespace empathic::cli
