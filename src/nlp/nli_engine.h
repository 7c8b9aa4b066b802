// The NLI engine: zero-shot scoring with an ONNX cross-encoder (see README, "Scoring
// contract"). A model is a folder in the model hub's layout:
//   config.json, tokenizer.json, [tokenizer_config.json], [special_tokens_map.json],
//   onnx/model.onnx and/or onnx/model_quantized.onnx
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "nlp/engine.h"

namespace empathic {

struct NliOptions {
    /// Intra-op threads for ONNX Runtime; 0 lets it choose.
    int threads = 0;
    /// Load onnx/model_quantized.onnx when present (true) or onnx/model.onnx (false).
    bool prefer_quantized = true;
};

/// Resolves a model name: an existing folder path as is, otherwise a hub id ("org/name")
/// looked up under paths::models_dir(). Throws Error(NotFound) saying how to install it.
std::filesystem::path resolve_model_folder(const std::string& model);

/// Loads a model folder (or hub id) as an Engine. Throws Error(ModelError) naming the missing
/// or broken file, or the missing entailment label.
std::unique_ptr<Engine> load_nli_engine(const std::string& model, const NliOptions& options = {});

}  // namespace empathic
