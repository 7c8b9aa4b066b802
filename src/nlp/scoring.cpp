#include "nlp/scoring.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <string>

#include "core/error.h"
#include "core/log.h"
#include "nlp/chunking.h"

namespace empathic {
namespace {

// Fewer premise tokens than this is no room for a meaningful premise.
constexpr std::size_t kMinPremiseTokens = 8;

// Scores of every premise for every label: scores[premise][label], by the request's mode.
using ScoreTable = std::vector<std::vector<double>>;

// Runs all (premise, label) pairs in as few batches as possible and turns their logits into
// per-premise label scores.
ScoreTable score_premises(const std::string& text, const std::vector<Span>& premises,
                          const std::vector<std::string>& hypotheses, bool per_label,
                          const Tokenizer& tokenizer, const PairScorer& scorer,
                          const ScoringSetup& setup) {
    const std::size_t num_labels = hypotheses.size();
    const std::size_t num_pairs = premises.size() * num_labels;

    // Encode every pair; pair p is premise p / num_labels with label p % num_labels.
    std::vector<Encoding> encodings(num_pairs);
    for (std::size_t p = 0; p < num_pairs; ++p) {
        const Span& span = premises[p / num_labels];
        std::string_view premise(text.data() + span.start, span.end - span.start);
        encodings[p] = tokenizer.encode_pair(premise, hypotheses[p % num_labels], setup.max_length);
    }

    // Batch pairs of similar length together so little padding is run.
    std::vector<std::size_t> order(num_pairs);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return encodings[a].ids.size() < encodings[b].ids.size();
    });
    const std::size_t batch_size = std::max<std::size_t>(1, setup.batch_size);
    std::vector<std::vector<double>> logits(num_pairs);
    for (std::size_t first = 0; first < num_pairs; first += batch_size) {
        std::size_t last = std::min(num_pairs, first + batch_size);
        std::vector<const Encoding*> batch;
        for (std::size_t k = first; k < last; ++k) batch.push_back(&encodings[order[k]]);
        LogitMatrix out = scorer.score(batch);
        if (out.rows != batch.size() || out.cols != scorer.num_classes()) {
            throw Error(ErrorCode::ModelError,
                        "the model returned logits of shape [" + std::to_string(out.rows) + ", " +
                            std::to_string(out.cols) + "] for " + std::to_string(batch.size()) +
                            " pairs; it is not an NLI "
                            "classifier with the classes its config.json lists");
        }
        for (std::size_t k = first; k < last; ++k) {
            auto& row = logits[order[k]];
            for (std::size_t c = 0; c < out.cols; ++c) row.push_back(out.at(k - first, c));
        }
    }

    // Logits -> scores, per premise.
    ScoreTable table(premises.size(), std::vector<double>(num_labels));
    for (std::size_t i = 0; i < premises.size(); ++i) {
        const auto* row = &logits[i * num_labels];
        if (per_label) {
            for (std::size_t j = 0; j < num_labels; ++j) {
                table[i][j] = entailment_probability(row[j][*setup.contradiction_index],
                                                     row[j][setup.entailment_index]);
            }
        } else {
            std::vector<double> entail(num_labels);
            for (std::size_t j = 0; j < num_labels; ++j) {
                entail[j] = row[j][setup.entailment_index];
            }
            table[i] = softmax(entail);
        }
    }
    return table;
}

// Index of the premise with the highest score for `label` (the first one on ties).
std::size_t best_premise(const ScoreTable& table, std::size_t label) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < table.size(); ++i) {
        if (table[i][label] > table[best][label]) best = i;
    }
    return best;
}

}  // namespace

std::vector<double> softmax(const std::vector<double>& logits) {
    if (logits.empty()) return {};
    double top = *std::max_element(logits.begin(), logits.end());
    std::vector<double> out(logits.size());
    double sum = 0.0;
    for (std::size_t i = 0; i < logits.size(); ++i) {
        out[i] = std::exp(logits[i] - top);
        sum += out[i];
    }
    for (double& value : out) value /= sum;
    return out;
}

double entailment_probability(double contradiction_logit, double entailment_logit) {
    return softmax({contradiction_logit, entailment_logit})[1];
}

ZeroShotScorer::ZeroShotScorer(const Tokenizer& tokenizer, const PairScorer& scorer,
                               ScoringSetup setup)
    : tokenizer_(tokenizer), scorer_(scorer), setup_(setup) {
    std::size_t classes = scorer_.num_classes();
    bool contradiction_ok = !setup_.contradiction_index || *setup_.contradiction_index < classes;
    if (setup_.entailment_index >= classes || !contradiction_ok) {
        throw Error(ErrorCode::ModelError,
                    "the model's config.json names class indices beyond its " +
                        std::to_string(classes) +
                        " outputs; the folder mixes files of "
                        "different models");
    }
}

Classification ZeroShotScorer::classify(const ClassifyRequest& request) const {
    auto started = std::chrono::steady_clock::now();
    const std::size_t num_labels = request.labels.size();
    const bool per_label = request.multi_label || num_labels == 1;
    if (per_label && !setup_.contradiction_index) {
        throw Error(ErrorCode::ModelError,
                    "this model has no contradiction class, so it cannot score labels one by "
                    "one; use single-label mode (--single-label) with two or more labels");
    }

    // Hypotheses, and the premise budget they leave.
    std::vector<std::string> hypotheses;
    std::size_t longest_hypothesis = 0;
    for (const auto& label : request.labels) {
        hypotheses.push_back(make_hypothesis(request.hypothesis_template, label));
        longest_hypothesis =
            std::max(longest_hypothesis, tokenizer_.count_tokens(hypotheses.back()));
    }
    std::size_t budget = request.text.size() + 1;  // no limit: every text fits
    if (setup_.max_length > 0) {
        std::size_t taken = longest_hypothesis + tokenizer_.pair_special_tokens();
        if (taken + kMinPremiseTokens > setup_.max_length) {
            throw Error(ErrorCode::InvalidInput,
                        "the template with the longest label takes " + std::to_string(taken) +
                            " of the model's " + std::to_string(setup_.max_length) +
                            " tokens, leaving no room for the text; use a shorter template or "
                            "shorter labels");
        }
        budget = setup_.max_length - taken;
    }

    // Premises: the chunks that carry the scores, then (optionally) the sentences that carry
    // the evidence.
    ChunkPlan plan = plan_chunks(request.text, tokenizer_, budget);
    if (plan.chunks.empty()) plan.chunks.push_back({0, request.text.size()});
    std::vector<Span> premises = plan.chunks;
    bool sentence_evidence = setup_.sentence_evidence && plan.pieces.size() >= 2 &&
                             plan.pieces.size() <= setup_.max_evidence_sentences;
    if (sentence_evidence) premises.insert(premises.end(), plan.pieces.begin(), plan.pieces.end());
    ScoreTable table =
        score_premises(request.text, premises, hypotheses, per_label, tokenizer_, scorer_, setup_);
    const std::size_t num_chunks = plan.chunks.size();

    // Aggregate over chunks: max per label (multi-label), mean distribution (single-label).
    std::vector<double> scores(num_labels, 0.0);
    for (std::size_t j = 0; j < num_labels; ++j) {
        for (std::size_t i = 0; i < num_chunks; ++i) {
            scores[j] = per_label ? std::max(scores[j], table[i][j])
                                  : scores[j] + table[i][j] / static_cast<double>(num_chunks);
        }
    }

    // Evidence per label: the best sentence when sentences were scored, else the best chunk.
    ScoreTable evidence_table(table.begin() + (sentence_evidence ? num_chunks : 0),
                              sentence_evidence ? table.end() : table.begin() + num_chunks);
    const std::vector<Span>& evidence_spans = sentence_evidence ? plan.pieces : plan.chunks;

    // Sort labels by score, descending; ties keep the input order.
    std::vector<std::size_t> order(num_labels);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });

    Classification result;
    result.sequence = request.text;
    result.multi_label = request.multi_label;
    result.hypothesis_template = request.hypothesis_template;
    for (std::size_t j : order) {
        result.labels.push_back(request.labels[j]);
        result.scores.push_back(scores[j]);
        result.evidence.push_back(evidence_spans[best_premise(evidence_table, j)]);
    }

    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count();
    EMP_LOG_DEBUG("nli",
                  "scored {} labels: {} chunk(s), {} evidence sentence(s), {} pairs, {:.1f} ms",
                  num_labels, num_chunks, sentence_evidence ? plan.pieces.size() : 0,
                  premises.size() * num_labels, ms);
    return result;
}

}  // namespace empathic
