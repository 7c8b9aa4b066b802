#include "hub/hub_client.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>

#include "core/log.h"

namespace empathic::hub {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxRedirects = 5;
constexpr int kTransferAttempts = 4;
constexpr long kConnectTimeoutSeconds = 15;

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string trim(std::string_view text) {
    auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return "";
    auto end = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(begin, end - begin + 1));
}

bool is_hex_sha256(std::string_view text) {
    return text.size() == 64 && std::all_of(text.begin(), text.end(), [](unsigned char c) {
               return std::isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
           });
}

std::string megabytes(std::uint64_t bytes) {
    return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
}

void ensure_curl_initialised() {
    static const bool initialised = [] {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        return true;
    }();
    (void)initialised;
}

/// The response headers of the last response of a request (headers of redirects are dropped).
struct Headers {
    std::map<std::string, std::string> values;  // lower-case names

    std::string get(const std::string& name) const {
        auto it = values.find(name);
        return it == values.end() ? "" : it->second;
    }
};

size_t collect_header(char* buffer, size_t size, size_t count, void* user) {
    auto* headers = static_cast<Headers*>(user);
    std::string_view line(buffer, size * count);
    if (line.rfind("HTTP/", 0) == 0) {
        headers->values.clear();  // a new response (after a redirect or 100 Continue) begins
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
        headers->values[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
    }
    return size * count;
}

/// One libcurl easy handle with its header list, freed together.
class Request {
  public:
    Request(const std::string& url, const HubSettings& hub, bool send_token) {
        ensure_curl_initialised();
        handle_ = curl_easy_init();
        if (!handle_) throw Error(ErrorCode::Internal, "libcurl could not create a handle");
        curl_easy_setopt(handle_, CURLOPT_URL, url.c_str());
        curl_easy_setopt(handle_, CURLOPT_USERAGENT, "empathic");
        curl_easy_setopt(handle_, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds);
        curl_easy_setopt(handle_, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(handle_, CURLOPT_LOW_SPEED_TIME, hub.stall_seconds);
        curl_easy_setopt(handle_, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(handle_, CURLOPT_ERRORBUFFER, error_);
        curl_easy_setopt(handle_, CURLOPT_HEADERFUNCTION, collect_header);
        curl_easy_setopt(handle_, CURLOPT_HEADERDATA, &headers_);
        // Sizes and checksums are those of the raw bytes: never ask for a compressed answer.
        add_header("Accept-Encoding: identity");
        if (send_token && !hub.token.empty()) add_header("Authorization: Bearer " + hub.token);
    }
    ~Request() {
        curl_slist_free_all(list_);
        curl_easy_cleanup(handle_);
    }
    Request(const Request&) = delete;
    Request& operator=(const Request&) = delete;

    void add_header(const std::string& header) { list_ = curl_slist_append(list_, header.c_str()); }

    CURLcode perform() {
        curl_easy_setopt(handle_, CURLOPT_HTTPHEADER, list_);
        error_[0] = '\0';
        return curl_easy_perform(handle_);
    }

    long status() const {
        long code = 0;
        curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &code);
        return code;
    }

    /// libcurl's detailed message for the last failure, or its generic one.
    std::string error_text(CURLcode code) const {
        return error_[0] ? std::string(error_) : std::string(curl_easy_strerror(code));
    }

    CURL* handle() { return handle_; }
    const Headers& headers() const { return headers_; }

  private:
    CURL* handle_ = nullptr;
    curl_slist* list_ = nullptr;
    Headers headers_;
    char error_[CURL_ERROR_SIZE] = {};
};

bool is_unreachable(CURLcode code) {
    switch (code) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT: return true;
        default: return false;
    }
}

HubUnreachable unreachable(const HubSettings& hub, const std::string& detail) {
    return HubUnreachable(fmt::format(
        "could not reach {}: {}; check your network (or HF_ENDPOINT), or install a model "
        "folder copied from elsewhere with `empathic model add PATH`",
        hub.endpoint, detail));
}

/// State of one GET: where the bytes go and what the server answered.
struct Transfer {
    Request* request = nullptr;
    std::FILE* out = nullptr;
    std::uint64_t offset = 0;  // bytes of the file before this transfer's first byte
    bool checked = false;      // the answer's status has been looked at
    bool to_file = false;      // the body is the file's bytes (200 or 206)
    bool bad_range = false;    // a 206 that does not start where we asked
    std::string error_body;    // the start of an error answer's body
    std::optional<std::uint64_t> total;
    const ProgressFn* progress = nullptr;
};

bool check_answer(Transfer& t) {
    t.checked = true;
    long status = t.request->status();
    if (status == 206) {
        // "Content-Range: bytes START-END/TOTAL" must start where the partial file ends.
        auto range = t.request->headers().get("content-range");
        auto space = range.find(' ');
        auto dash = range.find('-');
        if (space == std::string::npos || dash == std::string::npos ||
            std::strtoull(range.c_str() + space + 1, nullptr, 10) != t.offset) {
            t.bad_range = true;
            return false;
        }
        t.to_file = true;
    } else if (status == 200) {
        // The server ignored the range: the whole file follows, so start the part over.
        if (t.offset > 0) {
            std::fflush(t.out);
            if (::ftruncate(::fileno(t.out), 0) != 0) return false;
            std::fseek(t.out, 0, SEEK_SET);
            t.offset = 0;
        }
        t.to_file = true;
    }
    return true;
}

size_t write_body(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    size_t bytes = size * count;
    if (!t->checked && !check_answer(*t)) return 0;
    if (!t->to_file) {
        if (t->error_body.size() < 2048) t->error_body.append(data, std::min<size_t>(bytes, 2048));
        return bytes;
    }
    return std::fwrite(data, 1, bytes, t->out);
}

int report_progress(void* user, curl_off_t, curl_off_t now, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(user);
    if (t->progress && *t->progress && t->to_file) {
        (*t->progress)(t->offset + static_cast<std::uint64_t>(now), t->total);
    }
    return 0;
}

std::uint64_t size_of(const fs::path& path) {
    std::error_code ec;
    auto size = fs::file_size(path, ec);
    return ec ? 0 : size;
}

bool is_transfer_break(CURLcode code) {
    switch (code) {
        case CURLE_PARTIAL_FILE:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM: return true;
        default: return false;
    }
}

}  // namespace

bool env_flag_is_true(std::string_view value) {
    auto v = lower(trim(value));
    return v == "1" || v == "true" || v == "yes" || v == "on";
}

HubSettings HubSettings::from_environment() {
    HubSettings hub;
    if (const char* endpoint = std::getenv("HF_ENDPOINT"); endpoint && *endpoint) {
        hub.endpoint = trim(endpoint);
    }
    while (!hub.endpoint.empty() && hub.endpoint.back() == '/') hub.endpoint.pop_back();
    if (const char* token = std::getenv("HF_TOKEN"); token && *token) hub.token = trim(token);
    if (const char* offline = std::getenv("HF_HUB_OFFLINE")) {
        hub.offline = env_flag_is_true(offline);
    }
    if (const char* stall = std::getenv("EMPATHIC_HUB_STALL_SECONDS"); stall && *stall) {
        hub.stall_seconds = std::max(1L, std::strtol(stall, nullptr, 10));
    }
    return hub;
}

std::string resolve_url(const std::string& endpoint, const std::string& repo,
                        const std::string& revision, const std::string& path) {
    ensure_curl_initialised();
    auto escape = [](const std::string& text) {
        char* escaped = curl_easy_escape(nullptr, text.c_str(), static_cast<int>(text.size()));
        std::string out = escaped ? escaped : "";
        curl_free(escaped);
        return out;
    };

    // Each path segment is escaped on its own so that "onnx/model.onnx" keeps its slash; the
    // revision is one segment even when it contains slashes ("refs/pr/5").
    std::string escaped_path;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string::npos) slash = path.size();
        if (!escaped_path.empty()) escaped_path += '/';
        escaped_path += escape(path.substr(start, slash - start));
        start = slash + 1;
    }
    return endpoint + "/" + repo + "/resolve/" + escape(revision) + "/" + escaped_path;
}

std::string url_origin(std::string_view url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return "";
    auto scheme = lower(url.substr(0, scheme_end));
    auto rest = url.substr(scheme_end + 3);
    auto authority = lower(rest.substr(0, rest.find_first_of("/?#")));
    if (auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);

    // A port follows the last ':' unless that colon is inside an IPv6 address "[...]".
    auto colon = authority.rfind(':');
    auto bracket = authority.rfind(']');
    bool has_port = colon != std::string::npos && (bracket == std::string::npos || colon > bracket);
    if (!has_port) authority += scheme == "https" ? ":443" : scheme == "http" ? ":80" : "";
    return scheme + "://" + authority;
}

std::string absolute_url(std::string_view base, std::string_view location) {
    if (location.find("://") != std::string_view::npos) return std::string(location);
    auto scheme_end = base.find("://");
    if (location.rfind("//", 0) == 0)
        return std::string(base.substr(0, scheme_end + 1)) + std::string(location);
    auto path_start = base.find('/', scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
    std::string root(base.substr(0, path_start));
    if (location.rfind('/', 0) == 0) return root + std::string(location);
    auto query = base.find_first_of("?#");
    auto dir_end = base.substr(0, query).rfind('/');
    if (dir_end == std::string_view::npos || dir_end < path_start)
        return root + "/" + std::string(location);
    return std::string(base.substr(0, dir_end + 1)) + std::string(location);
}

std::string strip_etag(std::string_view etag) {
    auto value = trim(etag);
    if (value.rfind("W/", 0) == 0) value.erase(0, 2);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
    }
    return value;
}

Error http_error(long status, std::string_view error_code, const std::string& repo,
                 const std::string& revision, const std::string& path, const HubSettings& hub) {
    bool gated = error_code == "GatedRepo";
    if (gated || ((status == 401 || status == 403) && error_code != "RepoNotFound")) {
        if (hub.token.empty()) {
            return Error(ErrorCode::InvalidInput,
                         fmt::format("{} is gated or private (HTTP {}): accept its conditions on "
                                     "its page at {}, then set HF_TOKEN to an access token of "
                                     "your account and pull again",
                                     repo, status, hub.endpoint));
        }
        return Error(ErrorCode::InvalidInput,
                     fmt::format("{} refused access (HTTP {}) with the HF_TOKEN given: check "
                                 "that the token is valid and that your account has accepted "
                                 "the model's conditions",
                                 repo, status));
    }
    if (error_code == "RepoNotFound" || (status == 401 && error_code.empty())) {
        return Error(ErrorCode::NotFound,
                     fmt::format("model {} was not found at {} (HTTP {}): check the id "
                                 "(`empathic model pull` with no id lists recommended models); "
                                 "a private model also needs HF_TOKEN",
                                 repo, hub.endpoint, status));
    }
    if (error_code == "RevisionNotFound") {
        return Error(ErrorCode::NotFound,
                     fmt::format("model {} has no revision '{}' (HTTP {}): leave out --revision "
                                 "for the main branch, or give an existing branch, tag or commit",
                                 repo, revision, status));
    }
    if (status == 404) {
        return Error(ErrorCode::NotFound,
                     fmt::format("model {} has no file {} at revision '{}' (HTTP 404): it may "
                                 "not be an ONNX export; pick one that has an onnx/ folder, such "
                                 "as those `empathic model pull` lists",
                                 repo, path, revision));
    }
    if (status == 429 || status >= 500) {
        return Error(ErrorCode::Unavailable,
                     fmt::format("{} answered HTTP {} for {} of {}: the hub is busy or failing; "
                                 "try again in a few minutes",
                                 hub.endpoint, status, path, repo));
    }
    return Error(ErrorCode::Unavailable,
                 fmt::format("{} answered HTTP {} for {} of {}; try again later, or install a "
                             "model folder copied from elsewhere with `empathic model add PATH`",
                             hub.endpoint, status, path, repo));
}

HubClient::HubClient(HubSettings settings) : settings_(std::move(settings)) {}

std::optional<RemoteFile> HubClient::stat(const std::string& repo, const std::string& revision,
                                          const std::string& path) {
    if (settings_.offline) {
        throw HubUnreachable(
            "HF_HUB_OFFLINE is set, so nothing is downloaded: unset it to pull " + repo +
            ", or install a model folder copied from elsewhere with `empathic model add PATH`");
    }
    std::string url = resolve_url(settings_.endpoint, repo, revision, path);
    const std::string endpoint_origin = url_origin(settings_.endpoint);

    for (int hop = 0; hop <= kMaxRedirects; ++hop) {
        // Ask about the file without following redirects: a redirect to a download host
        // carries the large file's checksum and size itself.
        Request request(url, settings_, /*send_token=*/url_origin(url) == endpoint_origin);
        curl_easy_setopt(request.handle(), CURLOPT_NOBODY, 1L);
        curl_easy_setopt(request.handle(), CURLOPT_FOLLOWLOCATION, 0L);
        CURLcode code = request.perform();
        if (code != CURLE_OK) {
            if (is_unreachable(code) || code == CURLE_OPERATION_TIMEDOUT) {
                throw unreachable(settings_, request.error_text(code));
            }
            throw Error(ErrorCode::Unavailable,
                        fmt::format("asking {} about {} of {} failed: {}; try again",
                                    settings_.endpoint, path, repo, request.error_text(code)));
        }
        long status = request.status();
        const Headers& headers = request.headers();
        std::string linked_etag = headers.get("x-linked-etag");

        if (status >= 300 && status < 400) {
            std::string location = headers.get("location");
            if (location.empty()) break;
            std::string target = absolute_url(url, location);
            bool off_endpoint = url_origin(target) != endpoint_origin;
            if (linked_etag.empty() && !off_endpoint) {
                // The hub itself moved the file (a renamed repository): ask again there.
                EMP_LOG_DEBUG("hub", "{} of {} moved on the endpoint; following", path, repo);
                url = target;
                continue;
            }
            RemoteFile file;
            file.path = path;
            file.url = target;
            file.on_endpoint = !off_endpoint;
            file.etag = strip_etag(linked_etag.empty() ? headers.get("etag") : linked_etag);
            if (auto size = headers.get("x-linked-size"); !size.empty()) {
                file.size = std::strtoull(size.c_str(), nullptr, 10);
            }
            file.commit = headers.get("x-repo-commit");
            if (is_hex_sha256(file.etag)) file.sha256 = lower(file.etag);
            return file;
        }

        if (status == 200) {
            RemoteFile file;
            file.path = path;
            file.url = url;
            file.on_endpoint = true;
            file.etag = strip_etag(linked_etag.empty() ? headers.get("etag") : linked_etag);
            auto size = headers.get("x-linked-size");
            if (size.empty()) size = headers.get("content-length");
            if (!size.empty()) file.size = std::strtoull(size.c_str(), nullptr, 10);
            file.commit = headers.get("x-repo-commit");
            // A small file's ETag is its git blob id (40 hex digits), not a sha256.
            if (is_hex_sha256(file.etag)) file.sha256 = lower(file.etag);
            return file;
        }

        std::string error_code = headers.get("x-error-code");
        if (status == 404 && (error_code == "EntryNotFound" || error_code.empty())) {
            return std::nullopt;
        }
        throw http_error(status, error_code, repo, revision, path, settings_);
    }
    throw Error(ErrorCode::Unavailable,
                fmt::format("{} redirected the request for {} of {} too often or without a "
                            "target; try again later",
                            settings_.endpoint, path, repo));
}

void HubClient::fetch(const RemoteFile& file, const fs::path& part, const std::string& repo,
                      const std::string& revision, const ProgressFn& progress) {
    if (settings_.offline) {
        throw HubUnreachable("HF_HUB_OFFLINE is set, so nothing is downloaded");
    }
    fs::create_directories(part.parent_path());
    std::string last_failure;

    for (int attempt = 1; attempt <= kTransferAttempts; ++attempt) {
        // What is already there decides where this attempt starts.
        std::uint64_t offset = size_of(part);
        if (file.size && offset > *file.size) {
            fs::remove(part);
            offset = 0;
        }
        if (file.size && offset == *file.size) return;

        std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(part.c_str(), "ab"),
                                                            &std::fclose);
        if (!out) {
            throw Error(ErrorCode::Unavailable,
                        "cannot write " + part.string() + ": check the disk and its permissions");
        }

        // Unbuffered: libcurl hands over blocks of kilobytes, and what arrived is on disk
        // (and resumable) even when the process is killed.
        std::setvbuf(out.get(), nullptr, _IONBF, 0);

        Request request(file.url, settings_, /*send_token=*/file.on_endpoint);
        Transfer transfer;
        transfer.request = &request;
        transfer.out = out.get();
        transfer.offset = offset;
        transfer.total = file.size;
        transfer.progress = &progress;
        if (offset > 0) {
            request.add_header(fmt::format("Range: bytes={}-", offset));
            EMP_LOG_INFO("hub", "resuming {} of {} at byte {}", file.path, repo, offset);
        }
        // A small file is fetched from the resolve URL, which may still redirect; libcurl
        // drops the Authorization header when a redirect leaves the endpoint's host.
        curl_easy_setopt(request.handle(), CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(request.handle(), CURLOPT_MAXREDIRS, static_cast<long>(kMaxRedirects));
        curl_easy_setopt(request.handle(), CURLOPT_WRITEFUNCTION, write_body);
        curl_easy_setopt(request.handle(), CURLOPT_WRITEDATA, &transfer);
        curl_easy_setopt(request.handle(), CURLOPT_XFERINFOFUNCTION, report_progress);
        curl_easy_setopt(request.handle(), CURLOPT_XFERINFODATA, &transfer);
        curl_easy_setopt(request.handle(), CURLOPT_NOPROGRESS, 0L);
        CURLcode code = request.perform();
        if (code == CURLE_OK && !transfer.checked) check_answer(transfer);  // an empty body
        std::fflush(out.get());
        ::fsync(::fileno(out.get()));
        out.reset();
        long status = request.status();

        // The server answered with an error instead of bytes.
        if (code == CURLE_OK && !transfer.to_file) {
            if (status == 416) {
                // The range does not fit the file any more: the partial file is stale.
                fs::remove(part);
                last_failure = "the server refused to resume";
                continue;
            }
            throw http_error(status, request.headers().get("x-error-code"), repo, revision,
                             file.path, settings_);
        }
        if (transfer.bad_range) {
            fs::remove(part);
            last_failure = "the server resumed at the wrong place";
            continue;
        }
        if (code == CURLE_OK) {
            std::uint64_t have = size_of(part);
            if (!file.size || have == *file.size) return;
            last_failure = fmt::format("the connection closed after {} of {}", megabytes(have),
                                       megabytes(*file.size));
            continue;
        }
        if (is_unreachable(code) && size_of(part) == 0) {
            throw unreachable(settings_, request.error_text(code));
        }
        if (!is_transfer_break(code) && !is_unreachable(code)) {
            throw Error(ErrorCode::Unavailable,
                        fmt::format("downloading {} of {} failed: {}; try again", file.path, repo,
                                    request.error_text(code)));
        }
        last_failure = request.error_text(code);
        EMP_LOG_WARN("hub", "transfer of {} broke off (attempt {}): {}", file.path, attempt,
                     last_failure);
    }

    throw TransferInterrupted(fmt::format(
        "the download of {} of {} was interrupted ({}) after {}{}; what arrived is kept: run "
        "the same command again to resume",
        file.path, repo, last_failure, megabytes(size_of(part)),
        file.size ? " of " + megabytes(*file.size) : std::string()));
}

}  // namespace empathic::hub
