// The one thing the scoring contract needs from an inference library: logits for a batch of
// encoded (premise, hypothesis) pairs. The ONNX Runtime session implements it
// (src/nlp/onnx_session.h); tests implement it with known logits, so the contract's arithmetic
// is checked without a model.
#pragma once

#include <cstddef>
#include <vector>

#include "nlp/tokenizer.h"

namespace empathic {

/// Logits of a batch, row-major: `rows` pairs by `cols` NLI classes (as in config.json).
struct LogitMatrix {
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::vector<float> values;

    /// The logit of class `col` for pair `row`.
    float at(std::size_t row, std::size_t col) const { return values[row * cols + col]; }
};

class PairScorer {
  public:
    virtual ~PairScorer() = default;

    /// Runs the classifier on a batch of encoded pairs of possibly different lengths (the
    /// implementation pads them) and returns one row of logits per pair, in input order.
    /// Padding must not change a pair's logits. Safe to call from several threads at once.
    virtual LogitMatrix score(const std::vector<const Encoding*>& batch) const = 0;

    /// Number of NLI classes per row (3 for entailment / neutral / contradiction models).
    virtual std::size_t num_classes() const = 0;
};

}  // namespace empathic
