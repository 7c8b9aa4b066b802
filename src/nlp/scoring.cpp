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

// One (premise, label) pair to run: premise span and label index.
struct Pair {
    Span premise;
    std::size_t label = 0;
};

// Runs `pairs` through the model in as few batches as possible (pairs of similar length
// batched together, so little padding is run) and returns each pair's logits, in order.
std::vector<std::vector<double>> run_pairs(const std::string& text, const std::vector<Pair>& pairs,
                                           const std::vector<std::string>& hypotheses,
                                           const Tokenizer& tokenizer, const PairScorer& scorer,
                                           const ScoringSetup& setup) {
    std::vector<Encoding> encodings(pairs.size());
    for (std::size_t p = 0; p < pairs.size(); ++p) {
        std::string_view premise(text.data() + pairs[p].premise.start,
                                 pairs[p].premise.end - pairs[p].premise.start);
        encodings[p] = tokenizer.encode_pair(premise, hypotheses[pairs[p].label], setup.max_length);
    }

    std::vector<std::size_t> order(pairs.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return encodings[a].ids.size() < encodings[b].ids.size();
    });
    const std::size_t batch_size = std::max<std::size_t>(1, setup.batch_size);
    std::vector<std::vector<double>> logits(pairs.size());
    for (std::size_t first = 0; first < pairs.size(); first += batch_size) {
        std::size_t last = std::min(pairs.size(), first + batch_size);
        std::vector<const Encoding*> batch;
        for (std::size_t k = first; k < last; ++k) batch.push_back(&encodings[order[k]]);
        LogitMatrix out = scorer.score(batch);
        if (out.rows != batch.size() || out.cols != scorer.num_classes() ||
            out.values.size() != out.rows * out.cols) {
            throw Error(ErrorCode::ModelError,
                        "the model returned logits of shape [" + std::to_string(out.rows) + ", " +
                            std::to_string(out.cols) + "] for " + std::to_string(batch.size()) +
                            " pairs; it is not an NLI classifier with the classes its "
                            "config.json lists");
        }
        for (std::size_t k = first; k < last; ++k) {
            auto& row = logits[order[k]];
            for (std::size_t c = 0; c < out.cols; ++c) row.push_back(out.at(k - first, c));
        }
    }
    return logits;
}

// How strongly one pair's logits say the premise supports the label, for choosing evidence:
// the entailment probability against contradiction, or the entailment logit without one.
double support(const std::vector<double>& logits, const ScoringSetup& setup) {
    double entail = logits[setup.entailment_index];
    if (!setup.contradiction_index) return entail;
    return entailment_probability(logits[*setup.contradiction_index], entail);
}

// Index of the largest value (the first one on ties).
std::size_t argmax(const std::vector<double>& values) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < values.size(); ++i) {
        if (values[i] > values[best]) best = i;
    }
    return best;
}

// The pieces (sentences) that lie inside `chunk`.
std::vector<Span> pieces_within(const std::vector<Span>& pieces, Span chunk) {
    std::vector<Span> inside;
    for (const Span& piece : pieces) {
        if (piece.start >= chunk.start && piece.end <= chunk.end) inside.push_back(piece);
    }
    return inside;
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

    // Chunks carry the scores. When the text is one chunk, its sentences are already known
    // to be the evidence candidates, so their pairs join the same runs.
    ChunkPlan plan = plan_chunks(request.text, tokenizer_, budget);
    if (plan.chunks.empty()) plan.chunks.push_back({0, request.text.size()});
    const std::size_t num_chunks = plan.chunks.size();
    std::vector<Pair> pairs;
    for (const Span& chunk : plan.chunks) {
        for (std::size_t j = 0; j < num_labels; ++j) pairs.push_back({chunk, j});
    }
    std::vector<Span> one_chunk_sentences;
    if (setup_.sentence_evidence && num_chunks == 1 && plan.pieces.size() >= 2) {
        one_chunk_sentences = plan.pieces;
        for (const Span& piece : one_chunk_sentences) {
            for (std::size_t j = 0; j < num_labels; ++j) pairs.push_back({piece, j});
        }
    }
    auto logits = run_pairs(request.text, pairs, hypotheses, tokenizer_, scorer_, setup_);
    std::size_t pairs_run = pairs.size();

    // Per-chunk scores by the mode: table[chunk][label].
    std::vector<std::vector<double>> table(num_chunks, std::vector<double>(num_labels));
    for (std::size_t i = 0; i < num_chunks; ++i) {
        const auto* row = &logits[i * num_labels];
        if (per_label) {
            for (std::size_t j = 0; j < num_labels; ++j) table[i][j] = support(row[j], setup_);
        } else {
            std::vector<double> entail(num_labels);
            for (std::size_t j = 0; j < num_labels; ++j) {
                entail[j] = row[j][setup_.entailment_index];
            }
            table[i] = softmax(entail);
        }
    }

    // Aggregate over chunks: max per label (multi-label), mean distribution (single-label).
    std::vector<double> scores(num_labels, 0.0);
    std::vector<Span> evidence(num_labels);
    for (std::size_t j = 0; j < num_labels; ++j) {
        std::vector<double> column(num_chunks);
        for (std::size_t i = 0; i < num_chunks; ++i) {
            column[i] = table[i][j];
            scores[j] = per_label ? std::max(scores[j], column[i])
                                  : scores[j] + column[i] / static_cast<double>(num_chunks);
        }
        evidence[j] = plan.chunks[argmax(column)];
    }

    // Evidence: the best sentence of each label's best chunk.
    if (!one_chunk_sentences.empty()) {
        std::size_t first = num_chunks * num_labels;
        for (std::size_t j = 0; j < num_labels; ++j) {
            std::vector<double> column;
            for (std::size_t k = 0; k < one_chunk_sentences.size(); ++k) {
                column.push_back(support(logits[first + k * num_labels + j], setup_));
            }
            evidence[j] = one_chunk_sentences[argmax(column)];
        }
    } else if (setup_.sentence_evidence && num_chunks > 1) {
        std::vector<Pair> sentence_pairs;
        std::vector<std::vector<std::size_t>> of_label(num_labels);  // indices into the pairs
        for (std::size_t j = 0; j < num_labels; ++j) {
            auto inside = pieces_within(plan.pieces, evidence[j]);
            if (inside.size() < 2) continue;
            for (const Span& piece : inside) {
                of_label[j].push_back(sentence_pairs.size());
                sentence_pairs.push_back({piece, j});
            }
        }
        auto sentence_logits =
            run_pairs(request.text, sentence_pairs, hypotheses, tokenizer_, scorer_, setup_);
        pairs_run += sentence_pairs.size();
        for (std::size_t j = 0; j < num_labels; ++j) {
            if (of_label[j].empty()) continue;
            std::vector<double> column;
            for (std::size_t p : of_label[j]) column.push_back(support(sentence_logits[p], setup_));
            evidence[j] = sentence_pairs[of_label[j][argmax(column)]].premise;
        }
    }

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
        result.evidence.push_back(evidence[j]);
    }

    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count();
    EMP_LOG_DEBUG("nli", "scored {} labels: {} chunk(s), {} sentence(s), {} pairs, {:.1f} ms",
                  num_labels, num_chunks, plan.pieces.size(), pairs_run, ms);
    return result;
}

}  // namespace empathic
