// Talking to the model hub over HTTP: where it is, what it says about a file, and fetching a
// file's bytes with resume. Only this file and hub_client.cpp know about HTTP (libcurl).
//
// The hub serves each file of a repository at ENDPOINT/ORG/NAME/resolve/REVISION/PATH. A small
// file is answered directly (200, ETag = its git blob id). A large file is answered with a
// redirect to a download host, and the redirect carries the file's sha256 in X-Linked-Etag and
// its size in X-Linked-Size; X-Repo-Commit names the commit the revision resolved to. Errors
// carry X-Error-Code (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo).
//
// The access token (HF_TOKEN) is sent only to the endpoint itself, never to a download host a
// redirect points to, and is never logged.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace empathic::hub {

/// The single documented default of HF_ENDPOINT: the public model hub.
inline constexpr const char* kDefaultEndpoint = "https://huggingface.co";

/// Where the hub is and how to talk to it, from the hub's usual environment variables.
struct HubSettings {
    std::string endpoint = kDefaultEndpoint;  // base address, without a trailing slash
    std::string token;                        // HF_TOKEN; empty when unset; never logged
    bool offline = false;                     // HF_HUB_OFFLINE: no network access at all
    /// Seconds without a single byte before a transfer counts as broken.
    long stall_seconds = 30;

    /// Reads HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE (and EMPATHIC_HUB_STALL_SECONDS).
    static HubSettings from_environment();
};

/// True for "1", "true", "yes", "on" in any case: how the hub's tools read boolean variables.
bool env_flag_is_true(std::string_view value);

/// The hub could not be reached at all: no network, a name that does not resolve, a refused
/// connection, or HF_HUB_OFFLINE. `model pull --if-online` turns this one into a notice.
class HubUnreachable : public Error {
  public:
    explicit HubUnreachable(const std::string& message) : Error(ErrorCode::Unavailable, message) {}
};

/// A transfer broke off after it had started; the bytes that arrived are kept so that running
/// the same command again resumes instead of starting over.
class TransferInterrupted : public Error {
  public:
    explicit TransferInterrupted(const std::string& message)
        : Error(ErrorCode::Unavailable, message) {}
};

/// What the hub publishes about one file of a repository at a revision.
struct RemoteFile {
    std::string path;                   // inside the repository, e.g. "onnx/model.onnx"
    std::string url;                    // where its bytes are fetched
    bool on_endpoint = true;            // url is on the endpoint (so the token may go there)
    std::string etag;                   // as published, without quotes or W/
    std::string sha256;                 // lower-case hex; known for large (LFS) files only
    std::optional<std::uint64_t> size;  // bytes, when published
    std::string commit;                 // the commit the revision resolved to, when published
};

/// Called while bytes arrive: bytes of the file present so far, and its total when known.
using ProgressFn = std::function<void(std::uint64_t done, std::optional<std::uint64_t> total)>;

/// ENDPOINT/REPO/resolve/REVISION/PATH with the revision and path segments percent-encoded.
std::string resolve_url(const std::string& endpoint, const std::string& repo,
                        const std::string& revision, const std::string& path);

/// "scheme://host:port" of a URL, lower-cased, with the scheme's default port made explicit;
/// empty when `url` is not absolute.
std::string url_origin(std::string_view url);

/// `location` (absolute, host-relative "/x" or path-relative "x") made absolute against `base`.
std::string absolute_url(std::string_view base, std::string_view location);

/// A header value without surrounding quotes and without a weak-validator prefix "W/".
std::string strip_etag(std::string_view etag);

/// The error a hub answer means, with what to do about it. `status` is the HTTP status,
/// `error_code` the X-Error-Code header ("" when absent), `what` names the file or model.
Error http_error(long status, std::string_view error_code, const std::string& repo,
                 const std::string& revision, const std::string& path, const HubSettings& hub);

/// A client for one endpoint. Not shared between threads.
class HubClient {
  public:
    explicit HubClient(HubSettings settings);

    const HubSettings& settings() const { return settings_; }

    /// Asks the hub about PATH of REPO at REVISION (a HEAD request, following the hub's own
    /// redirects, e.g. for a renamed repository, but not a redirect to a download host).
    /// Returns nullopt when the repository exists but has no such file. Throws HubUnreachable
    /// when the endpoint cannot be reached, and the Error of http_error() for other answers.
    std::optional<RemoteFile> stat(const std::string& repo, const std::string& revision,
                                   const std::string& path);

    /// Fetches `file` into `part`, continuing from the bytes `part` already holds (an HTTP
    /// Range request); starts over when the server ignores the range. Retries a broken
    /// transfer a few times, then throws TransferInterrupted, keeping what arrived.
    /// `repo` and `revision` only name things in error messages.
    void fetch(const RemoteFile& file, const std::filesystem::path& part, const std::string& repo,
               const std::string& revision, const ProgressFn& progress);

  private:
    HubSettings settings_;
};

}  // namespace empathic::hub
