#include "nlp/model_folder.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "core/error.h"
#include "core/fs_util.h"
#include "core/paths.h"
#include "core/utf8.h"

namespace empathic {
namespace fs = std::filesystem;
namespace {

// Limit used when neither config file gives one (what BERT-family models were trained with).
constexpr std::size_t kDefaultMaxLength = 512;

// tokenizer_config.json uses a huge number (1e30) to say "no limit".
constexpr double kNoLimitThreshold = 1e7;

// Model types whose position table reserves the first two rows (padding_idx + 1), so a
// max_position_embeddings of 514 allows 512 tokens.
constexpr std::array<std::string_view, 8> kOffsetPositionTypes = {
    "roberta",    "xlm-roberta", "xlm-roberta-xl", "camembert",
    "longformer", "mpnet",       "data2vec-text",  "ibert"};

bool starts_with(const std::string& text, std::string_view prefix) {
    return text.compare(0, prefix.size(), prefix) == 0;
}

nlohmann::json read_json(const fs::path& file) {
    try {
        return nlohmann::json::parse(read_file(file));
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorCode::ModelError, file.string() + " is not valid JSON (" + e.what() +
                                               "); download the model again");
    }
}

// Class names by index from id2label ({"0": "name"}) or, failing that, label2id.
std::vector<std::string> class_names(const nlohmann::json& config, const std::string& source) {
    std::vector<std::pair<long long, std::string>> indexed;
    auto malformed = [&](const char* key) {
        return Error(ErrorCode::ModelError, source + ": \"" + key +
                                                "\" is malformed; it must map class indices "
                                                "0..n-1 to names");
    };
    if (config.contains("id2label") && config["id2label"].is_object() &&
        !config["id2label"].empty()) {
        for (const auto& [key, value] : config["id2label"].items()) {
            if (!value.is_string()) throw malformed("id2label");
            try {
                indexed.emplace_back(std::stoll(key), value.get<std::string>());
            } catch (const std::exception&) {
                throw malformed("id2label");
            }
        }
    } else if (config.contains("label2id") && config["label2id"].is_object() &&
               !config["label2id"].empty()) {
        for (const auto& [key, value] : config["label2id"].items()) {
            if (!value.is_number_integer()) throw malformed("label2id");
            indexed.emplace_back(value.get<long long>(), key);
        }
    } else {
        throw Error(ErrorCode::ModelError,
                    source +
                        " has no id2label or label2id, so the entailment class is "
                        "unknown; an NLI model's config.json lists its classes");
    }

    std::sort(indexed.begin(), indexed.end());
    std::vector<std::string> names;
    for (std::size_t i = 0; i < indexed.size(); ++i) {
        if (indexed[i].first != static_cast<long long>(i)) {
            throw malformed(config.contains("id2label") ? "id2label" : "label2id");
        }
        names.push_back(indexed[i].second);
    }
    return names;
}

// "org/name" when `dir` lies under the models folder, else the folder's own name.
std::string model_id_of(const fs::path& dir) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(dir, ec);
    if (ec) canonical = dir;
    fs::path models = fs::weakly_canonical(paths::models_dir(), ec);
    if (!ec) {
        fs::path relative = canonical.lexically_relative(models);
        if (!relative.empty() && *relative.begin() != ".." && relative != ".") {
            return relative.generic_string();
        }
    }
    return canonical.filename().string();
}

}  // namespace

NliClasses find_nli_classes(const nlohmann::json& config, const std::string& source) {
    NliClasses classes;
    classes.names = class_names(config, source);

    std::optional<std::size_t> entailment;
    std::optional<std::size_t> not_entailment;
    for (std::size_t i = 0; i < classes.names.size(); ++i) {
        std::string name = utf8::lower(classes.names[i]);
        if (starts_with(name, "entail") && !entailment) entailment = i;
        if (starts_with(name, "contra") && !classes.contradiction) classes.contradiction = i;
        if ((starts_with(name, "not_entail") || starts_with(name, "not entail") ||
             starts_with(name, "non_entail") || starts_with(name, "non-entail")) &&
            !not_entailment) {
            not_entailment = i;
        }
    }
    if (!entailment) {
        std::string listed;
        for (const auto& name : classes.names) listed += (listed.empty() ? "" : ", ") + name;
        throw Error(ErrorCode::ModelError,
                    source + " has no entailment label (its classes are: " + listed +
                        "); zero-shot tagging needs an NLI model whose classes include "
                        "\"entailment\"");
    }
    classes.entailment = *entailment;
    if (!classes.contradiction) classes.contradiction = not_entailment;
    return classes;
}

std::size_t find_max_length(const nlohmann::json& config, const nlohmann::json& tokenizer_config) {
    std::optional<std::size_t> limit;
    auto cap = [&](double value) {
        if (value <= 0 || value >= kNoLimitThreshold) return;
        auto n = static_cast<std::size_t>(value);
        limit = limit ? std::min(*limit, n) : n;
    };

    if (tokenizer_config.is_object() && tokenizer_config.contains("model_max_length") &&
        tokenizer_config["model_max_length"].is_number()) {
        cap(tokenizer_config["model_max_length"].get<double>());
    }
    if (config.is_object() && config.contains("max_position_embeddings") &&
        config["max_position_embeddings"].is_number()) {
        double positions = config["max_position_embeddings"].get<double>();
        std::string type = config.value("model_type", "");
        bool offset = std::find(kOffsetPositionTypes.begin(), kOffsetPositionTypes.end(), type) !=
                      kOffsetPositionTypes.end();
        cap(offset ? positions - 2 : positions);
    }
    return limit.value_or(kDefaultMaxLength);
}

ModelFolder read_model_folder(const fs::path& dir, bool prefer_quantized) {
    ModelFolder folder;
    folder.dir = dir;
    folder.id = model_id_of(dir);
    auto missing = [&](const std::string& what) {
        return Error(ErrorCode::ModelError, "model folder " + dir.string() + " has no " + what +
                                                "; download the model again or pick a complete "
                                                "folder");
    };
    if (!fs::is_directory(dir)) {
        throw Error(ErrorCode::NotFound, "model folder " + dir.string() + " does not exist");
    }

    // config.json: the NLI classes and the position limit.
    fs::path config_file = dir / "config.json";
    if (!fs::is_regular_file(config_file)) throw missing("config.json");
    nlohmann::json config = read_json(config_file);
    folder.model_type = config.value("model_type", "");
    folder.classes = find_nli_classes(config, config_file.string());

    // Tokenizer files.
    folder.tokenizer_json = dir / "tokenizer.json";
    if (!fs::is_regular_file(folder.tokenizer_json)) throw missing("tokenizer.json");
    nlohmann::json tokenizer_config = nlohmann::json::object();
    if (fs::is_regular_file(dir / "tokenizer_config.json")) {
        folder.tokenizer_config_json = dir / "tokenizer_config.json";
        tokenizer_config = read_json(folder.tokenizer_config_json);
    }
    folder.max_length = find_max_length(config, tokenizer_config);

    // The ONNX file: onnx/ as the hub exports it; the folder root is accepted too.
    for (const fs::path& sub : {dir / "onnx", dir}) {
        fs::path full = sub / "model.onnx";
        fs::path quantized = sub / "model_quantized.onnx";
        bool has_full = fs::is_regular_file(full);
        bool has_quantized = fs::is_regular_file(quantized);
        if (has_quantized && (prefer_quantized || !has_full)) {
            folder.onnx_file = quantized;
            folder.quantized = true;
            break;
        }
        if (has_full) {
            folder.onnx_file = full;
            break;
        }
    }
    if (folder.onnx_file.empty()) throw missing("onnx/model.onnx (nor onnx/model_quantized.onnx)");
    return folder;
}

}  // namespace empathic
