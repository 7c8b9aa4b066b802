// The tagging contract every engine implements (see README, "Scoring contract").
//
// An Engine scores each candidate label of a request against a text and answers a
// Classification: labels sorted by score (descending, ties keep input order), one score and
// one evidence span per label. Two engines exist: the NLI engine (src/nlp/nli_engine.h, an
// ONNX cross-encoder scored like the Hugging Face zero-shot pipeline) and the lexical engine
// (src/lexical/, WordNet-based, works with no model download).
//
// Engines are safe to call from several threads at once.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace empathic {

/// Default hypothesis template, as in the Hugging Face zero-shot pipeline.
inline constexpr const char* kDefaultTemplate = "This example is {}.";

/// What to score. Validate with normalize_request() before handing it to an engine.
struct ClassifyRequest {
    std::string text;
    std::vector<std::string> labels;
    std::string hypothesis_template = kDefaultTemplate;
    /// true: each label scored on its own (entailment vs contradiction); false: softmax over
    /// the labels' entailment logits so scores sum to 1. A single label is always scored alone.
    bool multi_label = true;
};

/// A span of the text, in bytes, [start, end). JSON shows it in characters (see to_json).
struct Span {
    std::size_t start = 0;
    std::size_t end = 0;
};

/// The answer, shaped like the Hugging Face pipeline's {sequence, labels, scores} plus the
/// evidence for each label and what produced it.
struct Classification {
    std::string sequence;
    std::vector<std::string> labels;  // sorted by score, descending
    std::vector<double> scores;       // same order as labels
    std::vector<Span> evidence;       // same order: the part of the text that best supports it
    std::string engine;               // "nli" or "lexical"
    std::string model;                // model id, or the lexical engine's name and version
    bool multi_label = true;
    std::string hypothesis_template;
    /// false when the engine could not read the text (for example, a language the lexical
    /// engine does not know); scores are then all 0 and must not become tags.
    bool understood = true;
    std::vector<std::string> warnings;  // for the user, e.g. "duplicate label 'joy' ignored"
};

class Engine {
  public:
    virtual ~Engine() = default;

    /// Scores a normalized request. Throws Error for unusable input or a failing model.
    virtual Classification classify(const ClassifyRequest& request) = 0;

    /// "nli" or "lexical".
    virtual std::string kind() const = 0;

    /// The model id (hub id or folder name) or the lexical engine's name; stored with tags.
    virtual std::string model_id() const = 0;
};

/// Checks and cleans a request the way every engine expects it:
///  - text: valid UTF-8 and not blank (errors name the byte offset / say it is empty);
///  - labels: trimmed, empty ones and duplicates (case-insensitive) dropped with a warning,
///    at least one left;
///  - template: exactly one "{}".
/// Warnings go to `warnings`; problems throw Error(InvalidInput) with a message that says
/// what to fix.
ClassifyRequest normalize_request(ClassifyRequest request, std::vector<std::string>& warnings);

/// Splits a comma-separated label list ("joy, grief,pride") into labels (not yet normalized).
std::vector<std::string> split_labels(const std::string& comma_separated);

/// Fills the template's "{}" with a label.
std::string make_hypothesis(const std::string& hypothesis_template, const std::string& label);

}  // namespace empathic
