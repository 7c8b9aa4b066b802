// The NLI engine: zero-shot scoring with an ONNX cross-encoder (see README, "Scoring
// contract", and scoring.h for the arithmetic, chunking and evidence). A model is a folder in
// the model hub's layout (model_folder.h):
//   config.json, tokenizer.json, [tokenizer_config.json], [special_tokens_map.json],
//   onnx/model.onnx and/or onnx/model_quantized.onnx
//
// An NliEngine owns its tokenizer and ONNX session; the scorer inside borrows both. It is
// immutable after loading and safe to call from several threads at once.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "nlp/engine.h"
#include "nlp/model_folder.h"
#include "nlp/pair_scorer.h"
#include "nlp/scoring.h"
#include "nlp/tokenizer.h"

namespace empathic {

struct NliOptions {
    /// Intra-op threads for ONNX Runtime; 0 lets it choose.
    int threads = 0;
    /// Load onnx/model_quantized.onnx when present (true) or onnx/model.onnx (false).
    bool prefer_quantized = true;
    /// Most (premise, hypothesis) pairs per run of the model.
    std::size_t batch_size = 32;
    /// Score sentences separately so each tag points at its sentence (scoring.h).
    bool sentence_evidence = true;
};

/// Resolves a model name: an existing folder path as is, otherwise a hub id ("org/name")
/// looked up under paths::models_dir(). Throws Error(NotFound) saying how to install it.
std::filesystem::path resolve_model_folder(const std::string& model);

/// Loads a model folder (or hub id) as an Engine. Throws Error(ModelError) naming the missing
/// or broken file, or the missing entailment label.
std::unique_ptr<Engine> load_nli_engine(const std::string& model, const NliOptions& options = {});

/// The engine load_nli_engine returns, for callers that want to know what was loaded.
class NliEngine : public Engine {
  public:
    /// Takes a read model folder, its tokenizer and a scorer (the ONNX session, or a stand-in
    /// in tests).
    NliEngine(ModelFolder folder, std::unique_ptr<Tokenizer> tokenizer,
              std::unique_ptr<PairScorer> scorer, const NliOptions& options = {});

    /// Normalizes the request (its warnings go into the result) and scores it.
    Classification classify(const ClassifyRequest& request) override;

    std::string kind() const override { return "nli"; }
    std::string model_id() const override { return folder_.id; }

    /// The folder the model came from, and which ONNX file was loaded.
    const ModelFolder& folder() const { return folder_; }

  private:
    ModelFolder folder_;
    std::unique_ptr<Tokenizer> tokenizer_;
    std::unique_ptr<PairScorer> scorer_;
    ZeroShotScorer zero_shot_;
};

}  // namespace empathic
