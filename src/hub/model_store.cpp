#include "hub/model_store.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "app/config.h"
#include "app/engines.h"
#include "core/error.h"
#include "core/fs_util.h"
#include "core/log.h"
#include "core/paths.h"
#include "hub/catalogue.h"
#include "hub/sha256.h"
#include "nlp/engine.h"
#include "nlp/nli_engine.h"

namespace empathic::hub {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

bool is_name_char(unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-';
}

bool is_name(const std::string& part) {
    return !part.empty() && part.size() <= 96 && part.front() != '.' &&
           std::all_of(part.begin(), part.end(), [](unsigned char c) { return is_name_char(c); });
}

json read_json_or_null(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return nullptr;
    try {
        return json::parse(read_file(path));
    } catch (const std::exception&) {
        return nullptr;
    }
}

void fsync_path(const fs::path& path, bool directory) {
    int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

std::vector<std::string> onnx_files_in(const fs::path& folder) {
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& item : fs::directory_iterator(folder / "onnx", ec)) {
        if (item.is_regular_file() && item.path().extension() == ".onnx") {
            files.push_back("onnx/" + item.path().filename().string());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

InstalledModel describe_folder(const std::string& id, const fs::path& folder,
                               const std::string& in_use, const Catalogue* catalogue) {
    InstalledModel model;
    model.id = id;
    model.folder = folder;
    model.size_bytes = folder_size(folder);
    model.onnx_files = onnx_files_in(folder);
    model.in_use = !in_use.empty() && (in_use == id || fs::path(in_use) == folder);

    json config = read_json_or_null(folder / "config.json");
    if (config.is_object()) {
        if (auto it = config.find("architectures");
            it != config.end() && it->is_array() && !it->empty() && (*it)[0].is_string()) {
            model.architecture = (*it)[0].get<std::string>();
        }
        model.model_type = config.value("model_type", "");
        if (auto it = config.find("id2label"); it != config.end() && it->is_object()) {
            std::vector<std::pair<long, std::string>> labels;
            for (const auto& [key, value] : it->items()) {
                if (value.is_string()) labels.emplace_back(std::atol(key.c_str()), value);
            }
            std::sort(labels.begin(), labels.end());
            for (auto& [index, label] : labels) model.labels.push_back(label);
        }
    }

    json record = read_json_or_null(folder / kManifestName);
    if (record.is_object()) {
        model.origin = record.value("origin", "");
        model.revision = record.value("revision", "");
        model.commit = record.value("commit", "");
        model.license = record.value("license", "");
        model.languages = record.value("languages", std::vector<std::string>{});
    }
    if (catalogue) {
        if (const auto* entry = catalogue->find(id)) {
            if (model.languages.empty()) model.languages = entry->languages;
            if (model.license.empty()) model.license = entry->license;
        }
    }
    return model;
}

/// `error` with the staging copy's paths in its message put back as the user's own: `moved`
/// are the staged paths of files that were rearranged into onnx/, each with its original path.
/// A refusal then names the folder the user gave, not a folder they have never seen.
Error in_source_terms(const Error& error, const fs::path& staging, const fs::path& source,
                      const std::vector<std::pair<fs::path, fs::path>>& moved) {
    std::string message = error.what();
    auto replace_all = [&message](const std::string& from, const std::string& to) {
        for (auto at = message.find(from); at != std::string::npos;
             at = message.find(from, at + to.size())) {
            message.replace(at, from.size(), to);
        }
    };
    for (const auto& [staged, original] : moved) replace_all(staged.string(), original.string());
    replace_all(staging.string(), source.string());
    return Error(error.code(), message);
}

/// The catalogue, or none when it cannot be read (listing must work without it).
std::optional<Catalogue> try_catalogue() {
    try {
        return load_catalogue();
    } catch (const std::exception& e) {
        EMP_LOG_WARN("hub", "model catalogue unavailable: {}", e.what());
        return std::nullopt;
    }
}

}  // namespace

void check_model_id(const std::string& id) {
    auto slash = id.find('/');
    if (slash == std::string::npos || id.find('/', slash + 1) != std::string::npos ||
        !is_name(id.substr(0, slash)) || !is_name(id.substr(slash + 1))) {
        throw Error(ErrorCode::InvalidInput,
                    "'" + id +
                        "' is not a model id: write it as ORG/NAME, as on the hub "
                        "(letters, digits, '.', '_' and '-'), e.g. Xenova/nli-deberta-v3-xsmall");
    }
}

fs::path installed_folder(const std::string& id) {
    check_model_id(id);
    return paths::models_dir() / id;
}

fs::path staging_root() {
    return paths::models_dir() / ".partial";
}

std::uint64_t folder_size(const fs::path& folder) {
    std::uint64_t total = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(folder, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code size_ec;
        if (it->is_regular_file(size_ec)) total += it->file_size(size_ec);
    }
    return total;
}

void check_model_folder(const fs::path& folder) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
        throw Error(ErrorCode::NotFound, folder.string() + " is not a folder");
    }
    json config = read_json_or_null(folder / "config.json");
    if (!config.is_object()) {
        throw Error(ErrorCode::ModelError,
                    (folder / "config.json").string() +
                        " is missing or not valid JSON: a model folder needs the config.json "
                        "of the model it was exported from");
    }
    if (!config.contains("id2label") && !config.contains("label2id")) {
        throw Error(ErrorCode::ModelError,
                    (folder / "config.json").string() +
                        " has no id2label or label2id: it is not an NLI classifier");
    }
    if (!fs::is_regular_file(folder / "tokenizer.json", ec)) {
        throw Error(ErrorCode::ModelError, folder.string() +
                                               " has no tokenizer.json: copy it from the model's "
                                               "repository next to config.json");
    }
    if (!fs::is_regular_file(folder / "onnx" / "model.onnx", ec) &&
        !fs::is_regular_file(folder / "onnx" / "model_quantized.onnx", ec)) {
        throw Error(ErrorCode::ModelError,
                    folder.string() +
                        " has no onnx/model.onnx or onnx/model_quantized.onnx: "
                        "Empathic needs the model's ONNX export");
    }
}

std::vector<InstalledModel> list_installed_models() {
    std::vector<InstalledModel> models;
    auto root = paths::models_dir();
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return models;

    auto catalogue = try_catalogue();
    auto in_use = model_in_use();
    for (const auto& org : fs::directory_iterator(root, ec)) {
        auto org_name = org.path().filename().string();
        if (!org.is_directory() || !is_name(org_name)) continue;
        std::error_code inner;
        for (const auto& name : fs::directory_iterator(org.path(), inner)) {
            auto model_name = name.path().filename().string();
            if (!name.is_directory() || !is_name(model_name)) continue;
            if (!fs::exists(name.path() / "config.json")) continue;
            models.push_back(describe_folder(org_name + "/" + model_name, name.path(), in_use,
                                             catalogue ? &*catalogue : nullptr));
        }
    }
    std::sort(models.begin(), models.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    return models;
}

std::vector<PartialDownload> list_partial_downloads() {
    std::vector<PartialDownload> partials;
    std::error_code ec;
    for (const auto& item : fs::directory_iterator(staging_root(), ec)) {
        // A pull's staging folder carries a record naming the model (see pull.h).
        json record = read_json_or_null(item.path() / kPullRecordName);
        if (!item.is_directory() || !record.is_object() || !record.contains("id")) continue;
        auto bytes = folder_size(item.path());
        if (bytes > 0) partials.push_back({record.value("id", ""), bytes});
    }
    std::sort(partials.begin(), partials.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    return partials;
}

namespace {

/// An installed model's folder; throws Error(NotFound) saying how to install it.
fs::path require_installed(const std::string& id) {
    auto folder = installed_folder(id);
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
        throw Error(ErrorCode::NotFound,
                    "model " + id + " is not installed: `empathic model pull " + id +
                        "` downloads it, `empathic model add PATH` installs a copied folder, "
                        "and `empathic model list` shows what is installed");
    }
    return folder;
}

/// Whether `name` is written as a folder path rather than an id ("/media/usb/nli", "./nli").
bool names_a_folder(const std::string& name) {
    std::error_code ec;
    return !name.empty() && (name.front() == '/' || name.front() == '.') &&
           fs::is_directory(name, ec);
}

}  // namespace

void check_model_choice(const std::string& model) {
    if (model.empty() || model == "default" || model == kLexicalEngineName) return;
    if (names_a_folder(model)) {
        check_model_folder(model);
        return;
    }
    require_installed(model);
}

InstalledModel describe_installed_model(const std::string& id) {
    auto folder = require_installed(id);
    auto catalogue = try_catalogue();
    return describe_folder(id, folder, model_in_use(), catalogue ? &*catalogue : nullptr);
}

void install_staged_folder(const fs::path& staging, const std::string& id) {
    auto target = installed_folder(id);
    fs::create_directories(target.parent_path());
    fsync_path(staging, true);

    // Nothing there yet: one rename makes the model appear whole.
    std::error_code ec;
    if (!fs::exists(target, ec)) {
        fs::rename(staging, target);
        fsync_path(target.parent_path(), true);
        EMP_LOG_INFO("hub", "installed model {}", id);
        return;
    }

    // Replacing an installed copy: exchange the two folders in one step where the kernel and
    // file system allow it, so readers see the old model or the new one, never neither.
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
        fs::remove_all(staging, ec);  // now holds the old copy
    } else {
        auto old = staging_root() /
                   (".old-" + std::to_string(::getpid()) + "-" +
                    std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        fs::rename(target, old);
        fs::rename(staging, target);
        fs::remove_all(old, ec);
    }
    fsync_path(target.parent_path(), true);
    EMP_LOG_INFO("hub", "replaced model {}", id);
}

std::string default_id_for_folder(const fs::path& source) {
    auto name = fs::weakly_canonical(source).filename().string();
    for (auto& c : name) {
        if (!is_name_char(static_cast<unsigned char>(c))) c = '-';
    }
    while (!name.empty() && name.front() == '.') name.erase(0, 1);
    if (name.empty()) name = "model";
    return "local/" + name;
}

InstalledModel add_model_folder(const fs::path& source_given, const std::string& id,
                                const AddFolderOptions& options) {
    check_model_id(id);
    std::error_code ec;
    if (!fs::is_directory(source_given, ec)) {
        throw Error(ErrorCode::NotFound, source_given.string() +
                                             " is not a folder: give the folder that holds the "
                                             "model's config.json, tokenizer.json and onnx/");
    }
    // Messages name the folder as the user wrote it, less a trailing '/' ("usb/nli/").
    fs::path source = source_given.has_filename() || !source_given.has_parent_path()
                          ? source_given
                          : source_given.parent_path();
    auto target = installed_folder(id);
    if (fs::exists(target, ec) && !options.replace) {
        throw Error(ErrorCode::Conflict,
                    "model " + id +
                        " is already installed: remove it first (`empathic model "
                        "remove " +
                        id +
                        "`), or add the folder under another id "
                        "with --id ORG/NAME");
    }

    // Copy into a staging folder first, rearranged into the hub layout where needed.
    fs::create_directories(staging_root());
    auto staging = staging_root() / ("add-" + std::to_string(::getpid()));
    fs::remove_all(staging, ec);
    try {
        fs::copy(source, staging, fs::copy_options::recursive);
        std::vector<std::pair<fs::path, fs::path>> moved;  // staged path, the user's path
        for (const char* name : {"model.onnx", "model_quantized.onnx"}) {
            if (fs::is_regular_file(staging / name) && !fs::exists(staging / "onnx" / name)) {
                fs::create_directories(staging / "onnx");
                fs::rename(staging / name, staging / "onnx" / name);
                moved.emplace_back(staging / "onnx" / name, source / name);
            }
        }

        // The copy must hold every file and, unless told otherwise, load and score a pair:
        // a model that cannot tag is refused here rather than when the journal first uses it.
        try {
            check_model_folder(staging);
            if (options.self_check) self_check_model(staging.string());
        } catch (const Error& e) {
            throw in_source_terms(e, staging, source, moved);
        }

        // Record where it came from and each file's checksum.
        json files = json::array();
        for (const auto& item : fs::recursive_directory_iterator(staging)) {
            if (!item.is_regular_file()) continue;
            auto relative = fs::relative(item.path(), staging).generic_string();
            if (relative == kManifestName) continue;
            files.push_back({{"path", relative},
                             {"size", item.file_size()},
                             {"sha256", sha256_file(item.path())}});
        }
        json record = read_json_or_null(staging / kManifestName);
        if (!record.is_object()) record = json::object();
        record["id"] = id;
        record["origin"] = "folder";
        record["added_from"] = fs::weakly_canonical(source).string();
        record["files"] = files;
        write_file_atomically(staging / kManifestName, record.dump(2) + "\n");

        install_staged_folder(staging, id);
    } catch (const fs::filesystem_error& e) {
        fs::remove_all(staging, ec);
        throw Error(ErrorCode::Unavailable,
                    "copying " + source.string() + " failed: " + e.code().message() +
                        "; check the disk space and permissions, then try again");
    } catch (...) {
        fs::remove_all(staging, ec);
        throw;
    }
    reset_engines();
    return describe_installed_model(id);
}

bool remove_model(const std::string& id) {
    auto folder = installed_folder(id);
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
        throw Error(ErrorCode::NotFound,
                    "model " + id + " is not installed (`empathic model list` shows what is)");
    }

    // Move it out of sight first so that a half-deleted folder is never read as a model.
    fs::create_directories(staging_root());
    auto doomed = staging_root() / (".removing-" + std::to_string(::getpid()));
    fs::remove_all(doomed, ec);
    fs::rename(folder, doomed);
    fs::remove_all(doomed, ec);
    fs::remove(folder.parent_path(), ec);  // the org folder, when it is now empty

    bool was_in_use = false;
    Config config = Config::load();
    auto configured = config.get("model", "");
    if (configured.is_string() && (configured.get<std::string>() == id ||
                                   fs::path(configured.get<std::string>()) == folder)) {
        config.erase("model");
        config.save();
        was_in_use = true;
    }
    reset_engines();
    EMP_LOG_INFO("hub", "removed model {}", id);
    return was_in_use;
}

void use_model(const std::string& id) {
    Config config = Config::load();
    if (id == kLexicalEngineName) {
        config.erase("model");
    } else {
        std::error_code ec;
        bool is_folder = fs::is_directory(id, ec) && id.find('/') != std::string::npos &&
                         (id.front() == '/' || id.front() == '.');
        if (is_folder) {
            check_model_folder(id);
            config.set("model", fs::weakly_canonical(id).string());
        } else {
            describe_installed_model(id);  // throws NotFound with what to do
            config.set("model", id);
        }
    }
    config.save();
    reset_engines();
    EMP_LOG_INFO("hub", "tagging model set to {}", id);
}

SelfCheck self_check_model(const std::string& id_or_folder) {
    using Clock = std::chrono::steady_clock;
    auto ms = [](Clock::duration d) {
        return std::chrono::duration<double, std::milli>(d).count();
    };
    SelfCheck check;

    auto start = Clock::now();
    auto engine = load_nli_engine(id_or_folder);
    auto loaded = Clock::now();
    check.load_ms = ms(loaded - start);

    // One short sentence and one label: a single pair through the tokenizer and the model.
    ClassifyRequest request;
    request.text = "I finally finished the project, and I am proud of it.";
    request.labels = {"pride"};
    std::vector<std::string> warnings;
    request = normalize_request(std::move(request), warnings);
    auto scored = Clock::now();
    engine->classify(request);
    check.pair_ms = ms(Clock::now() - scored);
    check.engine = engine->kind();
    return check;
}

std::string model_in_use() {
    auto value = Config::load().get("model", "");
    return value.is_string() ? value.get<std::string>() : "";
}

}  // namespace empathic::hub
