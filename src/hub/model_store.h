// Installed models: the folders under paths::models_dir(), one per hub id, in the hub's layout
//   models/<org>/<name>/config.json, tokenizer.json, [tokenizer_config.json],
//   [special_tokens_map.json], onnx/model*.onnx, .empathic-model.json
// and the protocol that keeps each of them whole.
//
// Invariants:
//  - A folder models/<org>/<name>/ exists only when it is complete and verified. Everything
//    is first assembled in a staging folder under models/.partial/ (same file system), then
//    put in place with one rename (or an atomic exchange with the folder it replaces). A
//    killed process leaves at most a staging folder, which is never read as a model.
//  - A folder added with add_model_folder() has loaded and scored one pair before it was put
//    in place (unless its caller skipped the self-check); a refused folder leaves nothing.
//  - Folders whose name starts with '.' are never models (.partial holds staging folders,
//    pull locks and folders on their way out).
//  - .empathic-model.json records where a model came from (hub revision and commit, or the
//    folder it was added from) and each file's size and sha256. Models copied in by hand
//    without it are still listed and usable.
//  - Which model tags the journal is config.json's "model" (src/app/config.h); this file
//    changes it only through use_model() and remove_model(), and resets the engine cache.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace empathic::hub {

/// Name of the record Empathic keeps in each installed model folder.
inline constexpr const char* kManifestName = ".empathic-model.json";
/// Name of the record a pull keeps in its staging folder (see pull.h).
inline constexpr const char* kPullRecordName = ".pull.json";

/// What `model list` and `model info` show about an installed model.
struct InstalledModel {
    std::string id;  // "org/name"
    std::filesystem::path folder;
    std::uint64_t size_bytes = 0;
    std::string architecture;  // config.json "architectures"[0], e.g. DebertaV2ForSequence...
    std::string model_type;    // config.json "model_type", e.g. "deberta-v2"
    std::vector<std::string> labels;      // config.json id2label, in id order
    std::vector<std::string> languages;   // from the record or the catalogue; empty = unknown
    std::vector<std::string> onnx_files;  // relative paths, e.g. "onnx/model_quantized.onnx"
    std::string license;
    std::string origin;    // "hub" or "folder" (or "" when Empathic did not install it)
    std::string revision;  // hub revision asked for, and the commit it resolved to
    std::string commit;
    bool in_use = false;  // the model config.json names for tagging
};

/// Checks that `id` is a hub id "org/name" made of letters, digits, '.', '_' and '-', not
/// starting with '.'; throws Error(InvalidInput) saying what is wrong otherwise.
void check_model_id(const std::string& id);

/// paths::models_dir()/<org>/<name> (the id is checked first).
std::filesystem::path installed_folder(const std::string& id);

/// Checks that a folder holds a usable model: config.json (valid JSON with id2label or
/// label2id), tokenizer.json, and onnx/model.onnx or onnx/model_quantized.onnx. Throws
/// Error(ModelError) naming the first missing or broken file and what to do.
void check_model_folder(const std::filesystem::path& folder);

/// An interrupted pull waiting in the staging area to be resumed.
struct PartialDownload {
    std::string id;
    std::uint64_t bytes = 0;  // downloaded so far
};

/// Interrupted pulls, sorted by id (`empathic model pull ID` resumes each).
std::vector<PartialDownload> list_partial_downloads();

/// Installed models, sorted by id.
std::vector<InstalledModel> list_installed_models();

/// One installed model. Throws Error(NotFound) saying how to install it.
InstalledModel describe_installed_model(const std::string& id);

/// Checks that `model` names something that can tag entries, as a label set's engine or a
/// classify request's model may: "" or "default" (the configured engine), "lexical", an
/// installed model id, or a model folder path (starting with '/' or '.'). Cheap: loads nothing.
/// Throws Error(NotFound) saying how to install a missing model, Error(InvalidInput) for a
/// malformed id, Error(ModelError) for a folder that is not a model.
void check_model_choice(const std::string& model);

/// Puts a complete staging folder in place as model `id`, replacing an installed copy
/// atomically. The staging folder must be on the same file system (under models/.partial/).
void install_staged_folder(const std::filesystem::path& staging, const std::string& id);

/// How add_model_folder() treats an installed model of the same id and an unusable folder.
struct AddFolderOptions {
    bool replace = false;    // replace an installed model with the same id
    bool self_check = true;  // load the copy and score one pair (self_check_model) first
};

/// Copies a model folder from elsewhere (e.g. a USB stick) into the store as `id`; a
/// folder with model*.onnx at its top level is rearranged into the hub layout. Unless
/// `options.self_check` is false, the copy must pass self_check_model() before it is
/// installed. Throws Error(Conflict) when `id` is installed and `options.replace` is false,
/// and the check's Error when the folder is unusable; either way nothing is installed and no
/// staging folder is left. Error messages name `source`, never the staging copy.
InstalledModel add_model_folder(const std::filesystem::path& source, const std::string& id,
                                const AddFolderOptions& options = {});

/// An id for a folder added without one: "local/<folder name>" with unusual characters
/// replaced.
std::string default_id_for_folder(const std::filesystem::path& source);

/// Removes an installed model. When it was the model in use, the journal goes back to the
/// lexical engine; returns true in that case.
bool remove_model(const std::string& id);

/// Sets the model that tags the journal ("lexical" for the offline engine) and forgets loaded
/// engines. The model must be installed (or be an existing folder).
void use_model(const std::string& id);

/// The model config.json names for tagging, or "" for the lexical engine.
std::string model_in_use();

/// The result of loading a model and scoring one pair with it.
struct SelfCheck {
    double load_ms = 0;  // reading the folder, the tokenizer and the ONNX graph
    double pair_ms = 0;  // tokenising one (entry, hypothesis) pair and one forward pass
    std::string engine;  // the engine's kind, "nli"
};

/// Loads an installed model (or a model folder) with the NLI engine and scores one sentence
/// against one label, timing both. Throws the engine's Error when the model is unusable.
SelfCheck self_check_model(const std::string& id_or_folder);

/// Total size of the regular files under `folder`.
std::uint64_t folder_size(const std::filesystem::path& folder);

/// paths::models_dir()/.partial: staging folders and locks.
std::filesystem::path staging_root();

}  // namespace empathic::hub
