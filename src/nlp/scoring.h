// The zero-shot scoring contract (DESIGN.md section 1), independent of any inference library.
//
// For each label the hypothesis is the template filled with the label; every (premise,
// hypothesis) pair goes through a PairScorer, in batches. Then:
//  - multi-label (or a single label in either mode): per label, softmax over (contradiction,
//    entailment) and keep the entailment probability;
//  - single-label: softmax over the labels' entailment logits, so the scores sum to 1.
// Softmaxes are computed in double precision. Labels come back sorted by score, descending;
// ties keep the input order.
//
// Long entries: a text over the model's limit is cut into sentence-aligned chunks that fit
// (chunking.h) and every chunk is scored. A label's score is its maximum over the chunks in
// multi-label mode (one passage that shows the feeling is enough), and the mean of the chunks'
// distributions in single-label mode (which keeps the sum at 1).
//
// Evidence: for each label, the span of the text that supports it best. First the best chunk
// (the one with the label's highest score; for a short text, the whole text). Then, when
// sentence evidence is on and that chunk has two or more sentences, each of its sentences is
// scored against the label as a premise of its own, and the evidence is the sentence with the
// highest entailment probability (entailment against contradiction, or the entailment logit
// for a model without a contradiction class, in either mode: whether a
// sentence supports a label does not depend on the other labels). Reported scores stay those
// of the whole text or of the chunks. Sentence evidence adds one pair per sentence of the best
// chunk per label, roughly doubling the work for a short entry; turn it off where only scores
// matter. A short entry's chunk and sentence pairs go to the model together.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "nlp/engine.h"
#include "nlp/pair_scorer.h"
#include "nlp/tokenizer.h"

namespace empathic {

/// What the contract needs to know about the model, and how to batch.
struct ScoringSetup {
    /// Row index of the entailment logit (from config.json).
    std::size_t entailment_index = 0;
    /// Row index of the contradiction logit; needed for multi-label scoring.
    std::optional<std::size_t> contradiction_index;
    /// Most tokens a pair may have (special tokens included); 0 means no limit.
    std::size_t max_length = 512;
    /// Most pairs per run of the model.
    std::size_t batch_size = 32;
    /// Score sentences separately to point each tag at its sentence (see above).
    bool sentence_evidence = true;
};

/// Softmax of `logits` in double precision (max subtracted first).
std::vector<double> softmax(const std::vector<double>& logits);

/// Multi-label score of one label: the entailment probability of softmax(contradiction,
/// entailment).
double entailment_probability(double contradiction_logit, double entailment_logit);

/// Applies the contract with a tokenizer and a scorer, both owned by the caller and required to
/// outlive it. Const and safe to call from several threads when the scorer is.
class ZeroShotScorer {
  public:
    ZeroShotScorer(const Tokenizer& tokenizer, const PairScorer& scorer, ScoringSetup setup);

    /// Scores a normalized request (normalize_request). Fills sequence, labels, scores,
    /// evidence, multi_label and hypothesis_template; the caller fills engine and model.
    /// Throws Error(InvalidInput) when the template and a label leave no room for the text,
    /// Error(ModelError) when multi-label scoring needs a contradiction class the model lacks.
    Classification classify(const ClassifyRequest& request) const;

    const ScoringSetup& setup() const { return setup_; }

  private:
    const Tokenizer& tokenizer_;
    const PairScorer& scorer_;
    ScoringSetup setup_;
};

}  // namespace empathic
