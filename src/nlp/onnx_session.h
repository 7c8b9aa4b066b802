// The ONNX Runtime side of the NLI engine: one process-wide Ort::Env (created on first use,
// after checking that the loaded runtime serves the API version Empathic was compiled
// against, and with ONNX Runtime's own log lines routed into core/log.h), and one session per
// loaded model, which pads a batch of encodings and returns the logits.
//
// ONNX Runtime headers are included only by onnx_session.cpp, which initialises the C++ API
// by hand (ORT_API_MANUAL_INIT) so an incompatible runtime is an error message, not a crash.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "nlp/pair_scorer.h"

namespace empathic {

/// Version string of the ONNX Runtime library in use ("1.30.0"). Throws Error(Unavailable)
/// when the library is older than the API version Empathic was built against.
std::string onnx_runtime_version();

/// Session options.
struct OnnxSessionOptions {
    /// Intra-op threads; 0 lets ONNX Runtime choose (one per core).
    int threads = 0;
};

/// An ONNX NLI classifier: inputs input_ids and attention_mask, token_type_ids when the graph
/// has it (read from the graph, so models without it work), output logits [batch, classes].
class OnnxPairScorer : public PairScorer {
  public:
    /// Loads `onnx_file`. `num_classes` is the number of classes config.json lists and
    /// `pad_id` the tokenizer's padding id. Throws Error(ModelError) when the file is
    /// unreadable or not a classifier with the expected inputs.
    OnnxPairScorer(const std::filesystem::path& onnx_file, std::size_t num_classes, int64_t pad_id,
                   const OnnxSessionOptions& options = {});
    ~OnnxPairScorer() override;

    /// Pads the batch to its longest encoding (pad id, type 0, mask 0) and runs it once.
    LogitMatrix score(const std::vector<const Encoding*>& batch) const override;

    std::size_t num_classes() const override { return num_classes_; }

    /// Input names the graph declares, in order (for diagnostics and tests).
    const std::vector<std::string>& input_names() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::size_t num_classes_;
};

}  // namespace empathic
