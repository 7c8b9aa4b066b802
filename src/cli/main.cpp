// empathic: the command-line entry point. Only wiring: global flags, the command groups of
// commands.h, and the one place where errors become messages and exit statuses.
//
// Exit statuses: 0 ok; 2 the user's mistake (bad input, not found, too large, conflict);
// 3 an outside failure (network, unusable model); 70 a bug in Empathic.
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "core/error.h"
#include "core/log.h"
#include "core/paths.h"

namespace {

int exit_status(empathic::ErrorCode code) {
    using empathic::ErrorCode;
    switch (code) {
        case ErrorCode::InvalidInput:
        case ErrorCode::NotFound:
        case ErrorCode::Conflict:
        case ErrorCode::TooLarge: return 2;
        case ErrorCode::Unavailable:
        case ErrorCode::ModelError: return 3;
        case ErrorCode::Internal: return 70;
    }
    return 70;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Empathic: a private journal that understands feelings."};
    app.require_subcommand(1);
    app.set_version_flag("--version", "empathic " EMPATHIC_VERSION);

    std::string home;
    app.add_option("--home", home,
                   "Journal folder (default $EMPATHIC_HOME or "
                   "~/.local/share/empathic)");
    std::string log_level;
    app.add_option("--log", log_level, "Log level: debug, info, warn, error, off");
    app.parse_complete_callback([&] {
        if (!home.empty()) empathic::paths::set_home(home);
        empathic::log::Level level;
        if (!log_level.empty() && empathic::log::parse_level(log_level, level)) {
            empathic::log::set_level(level);
        }
    });

    empathic::cli::add_classify_command(app);
    empathic::cli::add_journal_commands(app);
    empathic::cli::add_reflect_commands(app);
    empathic::cli::add_model_commands(app);
    empathic::cli::add_eval_command(app);
    empathic::cli::add_serve_command(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version end here too (status 0); every real parse error is the
        // user's mistake, so it gets the same status as other bad input.
        return app.exit(e) == 0 ? 0 : 2;
    } catch (const empathic::Error& e) {
        std::fprintf(stderr, "empathic: %s\n", e.what());
        return exit_status(e.code());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "empathic: internal error: %s (please report this)\n", e.what());
        return 70;
    }
    return 0;
}
