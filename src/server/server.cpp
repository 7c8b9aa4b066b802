#include "server/server.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "core/error.h"
#include "core/log.h"
#include "core/paths.h"
#include "journal/journal.h"
#include "reflect/journal_reflector.h"
#include "server/api.h"
#include "server/errors.h"
#include "server/routes.h"
#include "server/tagging_queue.h"

namespace empathic::server {
namespace fs = std::filesystem;
namespace {

/// When this thread started on its current request (set before routing, read by the logger).
thread_local std::chrono::steady_clock::time_point t_started;

/// Worker threads answering requests: enough for a browser's parallel connections plus
/// polling, which each hold a thread while kept alive.
constexpr std::size_t kWorkerThreads = 16;

/// Headers on every response: nothing may be loaded from elsewhere, nothing may frame us.
const httplib::Headers kSecurityHeaders = {
    {"Content-Security-Policy",
     "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
     "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
};

/// A request id: the caller's X-Request-Id when it is short and plain, else 12 random hex
/// digits.
std::string make_request_id(const httplib::Request& req) {
    std::string given = req.get_header_value("X-Request-Id");
    bool plain = !given.empty() && given.size() <= 64 &&
                 given.find_first_not_of(
                     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789-_.") == std::string::npos;
    if (plain) return given;

    thread_local std::mt19937_64 random{std::random_device{}()};
    return fmt::format("{:012x}", random() & 0xffffffffffffULL);
}

/// The host part of a Host header or an origin's authority ("[::1]:8080" -> "::1").
std::string host_part(std::string authority) {
    if (authority.starts_with("[")) {
        auto close = authority.find(']');
        return close == std::string::npos ? authority : authority.substr(1, close - 1);
    }
    auto colon = authority.find(':');
    return colon == std::string::npos ? authority : authority.substr(0, colon);
}

bool is_loopback(const std::string& host) {
    if (host == "localhost") return true;
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
    return false;
}

/// Refuses requests that a web page elsewhere could make through the user's browser: a Host
/// that is not loopback (DNS rebinding) or an Origin that is not this server's kind of address.
void check_caller(const httplib::Request& req) {
    std::string host = req.get_header_value("Host");
    if (!host.empty() && !is_loopback(host_part(host))) {
        throw Error(ErrorCode::InvalidInput,
                    "this server answers only requests addressed to 127.0.0.1 or localhost");
    }
    std::string origin = req.get_header_value("Origin");
    if (!origin.empty() && origin != "null") {
        auto scheme_end = origin.find("://");
        std::string authority =
            scheme_end == std::string::npos ? origin : origin.substr(scheme_end + 3);
        if (!is_loopback(host_part(authority))) {
            throw Error(ErrorCode::InvalidInput,
                        "requests from other web sites are refused; open the journal at its own "
                        "address");
        }
    }
}

/// The JSON body for an error that httplib produced itself (no route, body too large, ...).
nlohmann::json library_error(const httplib::Request& req, int status, std::size_t max_body) {
    switch (status) {
        case 404:
            return error_body(error_code_name(ErrorCode::NotFound),
                              "no such route: " + req.method + " " + req.path +
                                  " (the API is described at /openapi.yaml)");
        case 413:
            return error_body(
                error_code_name(ErrorCode::TooLarge),
                fmt::format("the request body is larger than the limit of {} bytes", max_body));
        case 400:
        case 414:
        case 416:
            return error_body(error_code_name(ErrorCode::InvalidInput),
                              "the HTTP request is malformed");
        default:
            return error_body(error_code_name(ErrorCode::Internal),
                              "the server could not answer this request");
    }
}

/// The page served at / when the web app was not built: says how to build it.
constexpr const char* kNoWebAppPage =
    "<!doctype html><meta charset=utf-8><title>Empathic</title>"
    "<p>The web app is not built. Run <code>make build</code> (it needs Node.js and npm) and "
    "start <code>empathic serve</code> again. The JSON API works meanwhile; it is described at "
    "<a href=/openapi.yaml>/openapi.yaml</a>.</p>";

/// Installs the hooks every request goes through: request id, caller check, JSON errors and
/// the request log.
void install_hooks(httplib::Server& http, std::size_t max_body) {
    http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
        t_started = std::chrono::steady_clock::now();
        std::string id = make_request_id(req);
        log::set_request_id(id);
        res.set_header("X-Request-Id", id);
        set_current_route("-");
        try {
            check_caller(req);
        } catch (...) {
            HttpError error = error_from_exception(std::current_exception());
            send_json(res, error.status, error.body);
            return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });

    http.set_error_handler([max_body](const httplib::Request& req, httplib::Response& res) {
        if (!res.has_header("X-Request-Id")) res.set_header("X-Request-Id", log::request_id());
        if (!res.body.empty()) return;  // a handler already wrote its JSON error
        send_json(res, res.status, library_error(req, res.status, max_body));
    });

    http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
        auto elapsed = std::chrono::steady_clock::now() - t_started;
        double ms = std::chrono::duration<double, std::milli>(elapsed).count();
        // No API route ran: a file of the web app when it succeeded, "-" otherwise.
        std::string route = current_route() == "-" && res.status < 400 ? "static" : current_route();
        EMP_LOG_INFO("server", "{} {} {} {:.1f}ms", req.method, route, res.status, ms);
        log::set_request_id("-");
        set_current_route("-");
    });
}

/// Serves the built web app at /, or a page that says how to build it.
void mount_web_app(httplib::Server& http, const fs::path& configured) {
    fs::path dir = configured.empty() ? find_web_dir() : configured;
    http.set_file_extension_and_mimetype_mapping("yaml", "application/yaml");
    http.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
    http.set_file_extension_and_mimetype_mapping("webmanifest", "application/manifest+json");

    if (!dir.empty() && fs::is_regular_file(dir / "index.html")) {
        http.set_mount_point("/", dir.string(), {{"Cache-Control", "no-cache"}});
        EMP_LOG_INFO("server", "web app from {}", dir.string());
        return;
    }
    EMP_LOG_WARN("server", "web app not found (looked for index.html); serving the API only");
    http.Get("/", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(kNoWebAppPage, "text/html; charset=utf-8");
    });
}

}  // namespace

void require_loopback(const std::string& host) {
    if (is_loopback(host)) return;
    throw Error(ErrorCode::InvalidInput,
                "refusing to listen on '" + host +
                    "': Empathic runs as a single-user journal with no accounts yet, so it only "
                    "listens on this machine (127.0.0.1, ::1 or localhost). Serving other "
                    "machines will be possible once user accounts exist.");
}

fs::path find_web_dir() {
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("EMPATHIC_WEB_DIR"); env && *env) candidates.push_back(env);
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        candidates.push_back(exe.parent_path() / "web");
        candidates.push_back(exe.parent_path() / "../share/empathic/web");
    }
#ifdef EMPATHIC_WEB_BUILD_DIR
    candidates.push_back(EMPATHIC_WEB_BUILD_DIR);
#endif
    for (const fs::path& dir : candidates) {
        if (fs::is_regular_file(dir / "index.html", ec)) return fs::weakly_canonical(dir, ec);
    }
    return {};
}

void run_server(const ServerOptions& options) {
    require_loopback(options.host);

    // SIGINT and SIGTERM are taken by one thread (below) that stops the server cleanly; every
    // thread started from here on inherits the blocked mask.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    // The journal and its background tagging.
    std::unique_ptr<Journal> journal = Journal::open();
    reflect::attach_reflector(*journal);
    TaggingQueue queue(*journal);

    // The HTTP server: hooks, API routes, web app.
    httplib::Server http;
    http.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
    http.set_payload_max_length(options.max_body_bytes);
    http.set_default_headers(kSecurityHeaders);
    // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which would let a second
    // server bind the same port and silently take half of the requests.
    http.set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    install_hooks(http, options.max_body_bytes);

    Api api(http);
    add_classify_routes(api);
    add_journal_routes(api, queue);
    add_labelset_routes(api, queue);
    api.get("/api", [&api](const ApiRequest&) {
        return ApiResponse{
            {{"name", "empathic"}, {"openapi", "/openapi.yaml"}, {"routes", api.routes()}}};
    });
    mount_web_app(http, options.web_dir);

    // Bind first, so a taken port is reported before anything starts.
    int port = options.port;
    if (port == 0) {
        port = http.bind_to_any_port(options.host);
    } else if (!http.bind_to_port(options.host, port)) {
        port = -1;
    }
    if (port <= 0) {
        throw Error(ErrorCode::Unavailable,
                    fmt::format("cannot listen on {}:{}; is another program using that port? "
                                "Choose another with --port",
                                options.host, options.port));
    }
    EMP_LOG_INFO("server", "listening on {}:{}", options.host, port);
    if (options.on_listening) options.on_listening(options.host, port);

    // Serve until a stop signal arrives.
    queue.start();
    std::atomic<bool> finished{false};
    std::atomic<bool> signalled{false};
    std::thread stopper([&] {
        int signal = 0;
        sigwait(&stop_signals, &signal);
        signalled = true;
        if (!finished) EMP_LOG_INFO("server", "stopping (signal {})", signal);
        http.stop();
    });
    http.listen_after_bind();

    // listen_after_bind() also returns on its own failure: then wake the stopper thread.
    finished = true;
    if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
    queue.stop();
    EMP_LOG_INFO("server", "stopped");
}

}  // namespace empathic::server
