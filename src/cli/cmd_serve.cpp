// CLI commands: serve. Parses the flags and hands over to the server (src/server/server.h).
#include <cstdio>

#include "cli/commands.h"
#include "server/server.h"

namespace empathic::cli {

void add_serve_command(CLI::App& app) {
    auto options = std::make_shared<server::ServerOptions>();
    CLI::App* cmd =
        app.add_subcommand("serve", "Serve the journal's web app and JSON API on this machine");
    cmd->add_option("--port", options->port, "Port to listen on (0 picks a free one)")
        ->default_val(8080)
        ->check(CLI::Range(0, 65535));
    cmd->add_option("--host", options->host,
                    "Address to listen on; only loopback (127.0.0.1, ::1, localhost) until "
                    "accounts exist")
        ->default_val("127.0.0.1");
    cmd->add_option("--web", options->web_dir,
                    "Folder of the built web app (default: found "
                    "next to the binary)");
    cmd->add_option("--max-body", options->max_body_bytes, "Largest request body, in bytes")
        ->default_val(server::kDefaultMaxBodyBytes)
        ->check(CLI::Range(std::size_t{1024}, std::size_t{64} << 20));

    cmd->callback([options] {
        options->on_listening = [](const std::string& host, int port) {
            std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
            std::printf("Empathic is serving your journal at http://%s:%d/\n", shown.c_str(), port);
            std::fflush(stdout);
        };
        server::run_server(*options);
    });
}

}  // namespace empathic::cli
