// Reading an NLI model folder in the model hub's layout:
//   config.json                 model_type, id2label / label2id, max_position_embeddings
//   tokenizer.json              the tokenizer (tokenizer.h)
//   tokenizer_config.json       optional: model_max_length, tokenizer_class
//   special_tokens_map.json     optional
//   onnx/model.onnx             the classifier, float32
//   onnx/model_quantized.onnx   optional int8 variant, preferred when present unless the caller
//                               asks for full precision
// Nothing here touches ONNX Runtime; the ONNX file is only located.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace empathic {

/// Where the NLI classes sit in the model's output row.
struct NliClasses {
    /// Class names by output index (id2label, or label2id inverted).
    std::vector<std::string> names;
    /// The class whose lower-case name starts with "entail".
    std::size_t entailment = 0;
    /// The class whose lower-case name starts with "contra", else "not_entail..." (two-way
    /// models), else absent (then only single-label scoring is possible).
    std::optional<std::size_t> contradiction;
};

/// Everything Empathic reads from a model folder.
struct ModelFolder {
    /// The folder itself.
    std::filesystem::path dir;
    /// Hub id ("org/name") when the folder lies under paths::models_dir(), else its name.
    std::string id;
    /// The tokenizer (always present in a readable folder).
    std::filesystem::path tokenizer_json;
    /// Empty when the folder has none.
    std::filesystem::path tokenizer_config_json;
    /// The ONNX file that will be loaded (quantized or not, see above).
    std::filesystem::path onnx_file;
    /// True when onnx_file is model_quantized.onnx.
    bool quantized = false;
    /// config.json's model_type ("bert", "roberta", ...); empty when absent.
    std::string model_type;
    /// Where entailment and contradiction sit in the output.
    NliClasses classes;
    /// Most tokens a (premise, hypothesis) pair may have, special tokens included.
    std::size_t max_length = 512;
};

/// Finds the NLI classes in a parsed config.json. Throws Error(ModelError) naming `source`
/// when the labels are missing or malformed, or when none of them is an entailment label.
NliClasses find_nli_classes(const nlohmann::json& config, const std::string& source);

/// The pair length limit: tokenizer_config.json's model_max_length when it is a real limit,
/// capped by config.json's max_position_embeddings (less the 2 positions RoBERTa-style models
/// reserve); 512 when neither says.
std::size_t find_max_length(const nlohmann::json& config, const nlohmann::json& tokenizer_config);

/// Reads a model folder. Throws Error(ModelError) naming the missing or malformed file, or
/// saying that the model has no entailment label.
ModelFolder read_model_folder(const std::filesystem::path& dir, bool prefer_quantized);

}  // namespace empathic
