// `empathic serve`: the HTTP server of the journal — the JSON API, the endpoint shaped like
// the Hugging Face inference API, and the web app's static files — over the same core API as
// the CLI (src/journal, src/app). main() only wires; this is the whole server.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

namespace empathic::server {

/// Largest request body accepted (1 MiB): room for the largest entry (kMaxEntryBytes) even with
/// every character escaped in JSON.
inline constexpr std::size_t kDefaultMaxBodyBytes = 1 << 20;

struct ServerOptions {
    /// Address to listen on. Only loopback addresses are accepted until accounts exist.
    std::string host = "127.0.0.1";
    /// Port; 0 picks a free one (reported through on_listening).
    int port = 8080;
    std::size_t max_body_bytes = kDefaultMaxBodyBytes;
    /// Folder of the built web app; empty = find_web_dir().
    std::filesystem::path web_dir;
    /// Called once the socket is bound, with the actual port.
    std::function<void(const std::string& host, int port)> on_listening;
};

/// Throws Error(InvalidInput) unless `host` is a loopback address (127.0.0.0/8, ::1,
/// localhost): the server is single-user and has no accounts yet.
void require_loopback(const std::string& host);

/// The built web app: $EMPATHIC_WEB_DIR, else <binary dir>/web, else
/// <binary dir>/../share/empathic/web, else the build tree's web output (for builds run in
/// place). Returns an empty path when none holds an index.html.
std::filesystem::path find_web_dir();

/// Opens the journal in paths::home(), starts the tagging queue and serves until SIGINT or
/// SIGTERM. Throws Error when the host is refused or the port cannot be bound.
void run_server(const ServerOptions& options);

}  // namespace empathic::server
