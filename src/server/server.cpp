#include "server/server.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <optional>
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

/// How long a stop signal waits for running requests and the tagger before the process exits
/// anyway.
constexpr std::chrono::seconds kStopGrace{3};

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

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

/// Whether the request says it carries a body.
bool has_body(const httplib::Request& req) {
    if (req.has_header("Transfer-Encoding")) return true;
    std::string length = req.get_header_value("Content-Length");
    return !length.empty() && length != "0";
}

/// A refusal decided before routing: its status and JSON error code.
struct Refusal {
    int status;
    const char* code;
    std::string message;
};

/// Refuses requests that a web page elsewhere could make through the user's browser, and
/// bodies the server will not read:
///  - a Host that is not loopback (DNS rebinding);
///  - an Origin other than the server's own (http:// and the Host the request was sent to):
///    other sites, other ports of this machine, https, and "null" (sandboxed frames, files).
///    Requests without an Origin (curl, scripts) are not from a web page and pass;
///  - a body that is not declared JSON: a page elsewhere can send text/plain or form bodies
///    without asking the browser first, but not application/json;
///  - a body sent in chunks (Transfer-Encoding): httplib 0.11 reads those whole without the
///    body limit, so they are refused before anything is read.
std::optional<Refusal> check_caller(const httplib::Request& req, std::size_t max_body) {
    std::string host = req.get_header_value("Host");
    if (!host.empty() && !is_loopback(host_part(host))) {
        return Refusal{400, "invalid_input",
                       "this server answers only requests addressed to 127.0.0.1 or localhost"};
    }
    if (req.has_header("Origin") && !iequals(req.get_header_value("Origin"), "http://" + host)) {
        return Refusal{403, "forbidden",
                       "requests from other web pages are refused; open the journal at its own "
                       "address"};
    }
    if (req.has_header("Transfer-Encoding")) {
        return Refusal{411, "length_required",
                       fmt::format("request bodies sent in chunks are not accepted; send the "
                                   "body with a Content-Length (at most {} bytes)",
                                   max_body)};
    }
    if (has_body(req)) {
        std::string type = req.get_header_value("Content-Type");
        std::string media = type.substr(0, type.find(';'));
        while (!media.empty() && media.back() == ' ') media.pop_back();
        if (!iequals(media, "application/json")) {
            return Refusal{415, "unsupported_media_type",
                           "request bodies must be JSON sent with Content-Type: "
                           "application/json"};
        }
    }
    return std::nullopt;
}

/// The JSON body for an error that httplib produced itself (no route, body too large, ...).
/// `allowed`: the methods the path answers, for a 405.
nlohmann::json library_error(const httplib::Request& req, int status, std::size_t max_body,
                             const std::string& allowed) {
    switch (status) {
        case 404:
            return error_body(error_code_name(ErrorCode::NotFound),
                              "no such route: " + req.method + " " + req.path +
                                  " (the API is described at /openapi.yaml)");
        case 405:
            return error_body("method_not_allowed", req.method + " is not answered at " + req.path +
                                                        "; this route answers " + allowed +
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

/// Installs the hooks every request goes through: request id, caller check, JSON errors (405
/// with Allow for a known path asked with another method) and the request log.
void install_hooks(httplib::Server& http, const Api& api, std::size_t max_body) {
    http.set_pre_routing_handler([max_body](const httplib::Request& req, httplib::Response& res) {
        t_started = std::chrono::steady_clock::now();
        std::string id = make_request_id(req);
        log::set_request_id(id);
        res.set_header("X-Request-Id", id);
        set_current_route("-");
        if (std::optional<Refusal> refusal = check_caller(req, max_body)) {
            // The body is left unread: the client is told to close the connection (httplib
            // answers "Connection: close" when the request asked for it; the Request is its
            // own non-const object, handed to this hook as const).
            if (has_body(req)) {
                auto& request = const_cast<httplib::Request&>(req);
                request.headers.erase("Connection");
                request.set_header("Connection", "close");
            }
            send_json(res, refusal->status, error_body(refusal->code, refusal->message));
            return httplib::Server::HandlerResponse::Handled;
        }

        // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112,
        // section 6.3), but httplib 0.11 would read one until the client closes, without the
        // body limit (or wait for its read timeout when the client sends nothing, as curl -X
        // POST does). Saying so spares both.
        if (!req.has_header("Content-Length")) {
            const_cast<httplib::Request&>(req).set_header("Content-Length", "0");
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });

    http.set_error_handler([&api, max_body](const httplib::Request& req, httplib::Response& res) {
        if (!res.has_header("X-Request-Id")) res.set_header("X-Request-Id", log::request_id());
        if (!res.body.empty()) return;  // a handler already wrote its JSON error

        std::string allowed = res.status == 404 ? api.allowed_methods(req.path) : "";
        if (!allowed.empty()) {
            res.status = 405;
            res.set_header("Allow", allowed);
        }
        send_json(res, res.status, library_error(req, res.status, max_body, allowed));
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
    Api api(http);
    install_hooks(http, api, options.max_body_bytes);
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

    // Serve until a stop signal arrives. The stopper thread then stops accepting and gives
    // requests and the tagger kStopGrace to finish; a request still running after that (a long
    // classification, a client sending its body slowly) does not keep the process alive.
    queue.start();
    std::mutex stop_mutex;
    std::condition_variable stop_cv;
    bool finished = false;  // guarded by stop_mutex: listening and tagging have ended
    std::atomic<bool> signalled{false};
    std::thread stopper([&] {
        int signal = 0;
        sigwait(&stop_signals, &signal);
        signalled = true;
        std::unique_lock lock(stop_mutex);
        if (finished) return;  // woken by run_server itself after a failed listen
        EMP_LOG_INFO("server", "stopping (signal {})", signal);
        http.stop();
        if (!stop_cv.wait_for(lock, kStopGrace, [&] { return finished; })) {
            EMP_LOG_WARN("server",
                         "requests or connections were still open {} s after the stop signal; "
                         "exiting without waiting for them",
                         kStopGrace.count());
            _exit(0);
        }
    });
    http.listen_after_bind();
    queue.stop();

    // listen_after_bind() also returns on its own failure: then wake the stopper thread.
    {
        std::lock_guard lock(stop_mutex);
        finished = true;
    }
    stop_cv.notify_all();
    if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
    EMP_LOG_INFO("server", "stopped");
}

}  // namespace empathic::server
