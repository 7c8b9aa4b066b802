#include "hub/pull.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "core/error.h"
#include "core/fs_util.h"
#include "core/log.h"
#include "core/paths.h"
#include "hub/model_store.h"
#include "hub/sha256.h"

namespace empathic::hub {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

/// Holds the pull lock of one model for the lifetime of the object.
class PullLock {
  public:
    PullLock(const fs::path& path, const std::string& id) : path_(path) {
        fs::create_directories(path.parent_path());
        fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd_ < 0) {
            throw Error(ErrorCode::Unavailable,
                        "cannot create " + path.string() + ": check the permissions of the folder");
        }
        if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            ::close(fd_);
            throw Error(ErrorCode::Conflict, "another `empathic model pull " + id +
                                                 "` is running; wait for it to finish");
        }
    }
    ~PullLock() {
        ::close(fd_);  // releases the lock; the lock file stays (harmless, reused next time)
    }
    PullLock(const PullLock&) = delete;
    PullLock& operator=(const PullLock&) = delete;

  private:
    fs::path path_;
    int fd_ = -1;
};

/// A file of the model to download, and whether the model is unusable without it.
struct Wanted {
    std::string path;
    bool required;
};

json read_record(const fs::path& path) {
    try {
        if (fs::exists(path)) return json::parse(read_file(path));
    } catch (const std::exception&) {
    }
    return json::object();
}

/// Whether a file finished in an earlier run can be kept: same ETag, size and checksum.
bool finished_earlier(const fs::path& dest, const RemoteFile& remote, const json& record) {
    std::error_code ec;
    if (!fs::is_regular_file(dest, ec)) return false;
    auto files = record.value("files", json::object());
    if (!files.contains(remote.path) || files[remote.path].value("etag", "") != remote.etag ||
        !files[remote.path].value("done", false)) {
        return false;
    }
    if (remote.size && fs::file_size(dest, ec) != *remote.size) return false;
    return remote.sha256.empty() || sha256_file(dest) == remote.sha256;
}

/// Whether a staging folder holds any downloaded bytes worth resuming.
bool holds_downloads(const fs::path& staging) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(staging, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code size_ec;
        if (it->is_regular_file(size_ec) && it->path().filename() != kPullRecordName &&
            it->file_size(size_ec) > 0) {
            return true;
        }
    }
    return false;
}

}  // namespace

void check_variant(const std::string& variant) {
    if (!variant.empty() && variant != "quantized" && variant != "full") {
        throw Error(ErrorCode::InvalidInput,
                    "unknown variant '" + variant +
                        "': use --variant quantized (smaller, faster) or --variant full");
    }
}

PullResult pull_model(const PullRequest& request, const HubSettings& hub, PullObserver& observer) {
    check_model_id(request.id);
    check_variant(request.variant);
    if (request.revision.empty() ||
        request.revision.find_first_of(" \t\r\n") != std::string::npos) {
        throw Error(ErrorCode::InvalidInput,
                    "'" + request.revision + "' is not a revision: give a branch, tag or commit");
    }
    if (hub.offline) {
        throw HubUnreachable("HF_HUB_OFFLINE is set, so nothing is downloaded: unset it to pull " +
                             request.id +
                             ", or install a model folder copied from elsewhere with `empathic "
                             "model add PATH`");
    }

    // One pull per model at a time; the staging folder's name is stable so a rerun resumes.
    std::string flat = request.id;
    flat.replace(flat.find('/'), 1, "--");
    PullLock lock(staging_root() / (flat + ".lock"), request.id);
    fs::path staging = staging_root() / flat;
    HubClient client(hub);
    PullResult result;
    result.id = request.id;

    try {
        // config.json first: it tells whether the model exists and which commit to pin.
        auto config = client.stat(request.id, request.revision, "config.json");
        if (!config) {
            throw Error(ErrorCode::NotFound,
                        fmt::format("model {} has no config.json at revision '{}' on {} (or "
                                    "does not exist): check the id; `empathic model pull` with "
                                    "no id lists recommended models",
                                    request.id, request.revision, hub.endpoint));
        }
        std::string pinned = config->commit.empty() ? request.revision : config->commit;
        result.commit = config->commit;

        fs::create_directories(staging);
        json record = read_record(staging / kPullRecordName);
        if (record.value("commit", "") != pinned) {
            // Partial files of another snapshot cannot be resumed.
            fs::remove_all(staging);
            fs::create_directories(staging);
            record = json{{"id", request.id}, {"commit", pinned}, {"files", json::object()}};
        }

        // Ask about every file before downloading any, so a missing one fails fast.
        std::vector<RemoteFile> files{*config};
        for (const Wanted& wanted :
             {Wanted{"tokenizer.json", true}, Wanted{"tokenizer_config.json", false},
              Wanted{"special_tokens_map.json", false}}) {
            auto remote = client.stat(request.id, pinned, wanted.path);
            if (remote) {
                files.push_back(*remote);
            } else if (wanted.required) {
                throw http_error(404, "EntryNotFound", request.id, request.revision, wanted.path,
                                 hub);
            }
        }

        std::string onnx =
            request.variant == "full" ? "onnx/model.onnx" : "onnx/model_quantized.onnx";
        auto model_file = client.stat(request.id, pinned, onnx);
        if (!model_file && request.variant.empty()) {
            observer.notice(request.id +
                            " publishes no quantized ONNX file; pulling the full "
                            "one (onnx/model.onnx)");
            onnx = "onnx/model.onnx";
            model_file = client.stat(request.id, pinned, onnx);
        }
        if (!model_file) {
            throw http_error(404, "EntryNotFound", request.id, request.revision, onnx, hub);
        }
        files.push_back(*model_file);
        result.onnx_file = onnx;
        // Models over 2 GB keep their weights in an external-data file next to the graph.
        if (auto data = client.stat(request.id, pinned, onnx + "_data")) files.push_back(*data);

        // Download, resume and verify each file inside the staging folder.
        for (const RemoteFile& remote : files) {
            fs::path dest = staging / remote.path;
            fs::path part = dest;
            part += ".part";
            if (finished_earlier(dest, remote, record)) continue;
            fs::remove(dest);

            auto& entry = record["files"][remote.path];
            if (!entry.is_object() || entry.value("etag", "") != remote.etag) fs::remove(part);
            entry = json{{"etag", remote.etag}, {"done", false}};
            write_file_atomically(staging / kPullRecordName, record.dump(2));

            std::error_code ec;
            std::uint64_t before = fs::exists(part, ec) ? fs::file_size(part, ec) : 0;
            observer.file_started(remote.path, remote.size, before);
            try {
                client.fetch(remote, part, request.id, request.revision,
                             [&](std::uint64_t done, std::optional<std::uint64_t> total) {
                                 observer.file_progress(done, total);
                             });
            } catch (...) {
                observer.file_failed();
                throw;
            }
            std::uint64_t got = fs::file_size(part);
            result.downloaded_bytes += got - std::min(got, before);

            if (remote.size && got != *remote.size) {
                observer.file_failed();
                throw Error(ErrorCode::Unavailable,
                            fmt::format("{} of {} arrived with {} bytes instead of {}; nothing "
                                        "was installed: pull again",
                                        remote.path, request.id, got, *remote.size));
            }
            if (!remote.sha256.empty()) {
                auto actual = sha256_file(part);
                if (actual != remote.sha256) {
                    observer.file_failed();
                    throw Error(
                        ErrorCode::Unavailable,
                        fmt::format("{} of {} failed its checksum (the hub publishes "
                                    "sha256 {}, the download has {}); it was discarded "
                                    "and nothing was installed: pull again, and if it "
                                    "fails again, the server at {} is serving a damaged "
                                    "file",
                                    remote.path, request.id, remote.sha256, actual, hub.endpoint));
                }
            }
            fs::rename(part, dest);
            entry["done"] = true;
            write_file_atomically(staging / kPullRecordName, record.dump(2));
            observer.file_finished(remote.path, got);
        }

        // Leftovers of an earlier pull of another variant are not part of this model.
        std::set<std::string> wanted_paths{kPullRecordName};
        for (const RemoteFile& remote : files) wanted_paths.insert(remote.path);
        std::vector<fs::path> leftovers;
        for (const auto& item : fs::recursive_directory_iterator(staging)) {
            auto relative = fs::relative(item.path(), staging).generic_string();
            if (item.is_regular_file() && !wanted_paths.count(relative)) {
                leftovers.push_back(item.path());
            }
        }
        for (const auto& path : leftovers) fs::remove(path);

        // What arrived must be a usable model folder (not, say, a proxy's error pages).
        check_model_folder(staging);

        // Record the origin and checksums, then put the model in place in one step.
        json manifest_files = json::array();
        for (const RemoteFile& remote : files) {
            fs::path dest = staging / remote.path;
            manifest_files.push_back(
                {{"path", remote.path},
                 {"size", fs::file_size(dest)},
                 {"sha256", remote.sha256.empty() ? sha256_file(dest) : remote.sha256}});
        }
        json manifest{{"id", request.id},        {"origin", "hub"}, {"revision", request.revision},
                      {"commit", result.commit}, {"onnx", onnx},    {"files", manifest_files}};
        write_file_atomically(staging / kManifestName, manifest.dump(2) + "\n");
        fs::remove(staging / kPullRecordName);
        install_staged_folder(staging, request.id);
    } catch (const HubUnreachable&) {
        // Keep what arrived: the same command resumes once the network is back.
        std::error_code ec;
        if (!holds_downloads(staging)) fs::remove_all(staging, ec);
        throw;
    } catch (const TransferInterrupted&) {
        throw;
    } catch (...) {
        std::error_code ec;
        fs::remove_all(staging, ec);
        throw;
    }

    result.folder = installed_folder(request.id);
    result.size_bytes = folder_size(result.folder);
    EMP_LOG_INFO("hub", "pulled {} ({} bytes downloaded)", request.id, result.downloaded_bytes);
    return result;
}

}  // namespace empathic::hub
