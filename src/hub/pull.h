// `empathic model pull`: downloading a model from the hub into the store, whole or not at all.
//
// Protocol (see model_store.h for the store's invariants):
//  1. Take the pull lock models/.partial/<org>--<name>.lock (one pull of a model at a time).
//  2. Ask the hub about config.json; the commit it names pins every other file to the same
//     snapshot. Then tokenizer.json, tokenizer_config.json and special_tokens_map.json (the
//     last two when present) and the chosen ONNX file (plus its external-data file if any).
//  3. Download each into the staging folder models/.partial/<org>--<name>/ as PATH.part,
//     resuming from what an earlier attempt left; check its size and, for large files, its
//     sha256 against the hub's published value; rename PATH.part to PATH.
//     .pull.json in the staging folder records the commit and each file's ETag, so that a
//     partial file is resumed only against the same remote file.
//  4. Write .empathic-model.json and put the staging folder in place in one step.
// On a broken or unreachable network the staging folder is kept, so the same command
// resumes; on any other failure (404, 401, checksum mismatch) it is deleted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "hub/hub_client.h"

namespace empathic::hub {

/// What to pull.
struct PullRequest {
    std::string id;                 // "org/name"
    std::string revision = "main";  // branch, tag or commit
    std::string variant;            // "quantized", "full", or "" = quantized when published
};

/// Told what a pull is doing; the CLI draws a progress bar from it. Default: silent.
class PullObserver {
  public:
    virtual ~PullObserver() = default;
    /// A file's download begins (`resumed_from` bytes were already there).
    virtual void file_started(const std::string& path, std::optional<std::uint64_t> size,
                              std::uint64_t resumed_from) {}
    virtual void file_progress(std::uint64_t done, std::optional<std::uint64_t> total) {}
    virtual void file_finished(const std::string& path, std::uint64_t size) {}
    /// The download of the current file stopped with an error.
    virtual void file_failed() {}
    /// Something the user should know ("no quantized file; pulling the full model").
    virtual void notice(const std::string& message) {}
};

struct PullResult {
    std::string id;
    std::filesystem::path folder;
    std::string commit;  // "" when the hub did not name one
    std::string onnx_file;
    std::uint64_t size_bytes = 0;        // of the installed folder
    std::uint64_t downloaded_bytes = 0;  // in this run
};

/// Checks a variant name ("", "quantized", "full"); throws Error(InvalidInput) otherwise.
void check_variant(const std::string& variant);

/// Downloads and installs a model (see the protocol above). Throws HubUnreachable when the
/// endpoint cannot be reached or HF_HUB_OFFLINE is set, TransferInterrupted when a transfer
/// broke off (run again to resume), and Error with a message saying what to do otherwise.
PullResult pull_model(const PullRequest& request, const HubSettings& hub, PullObserver& observer);

}  // namespace empathic::hub
