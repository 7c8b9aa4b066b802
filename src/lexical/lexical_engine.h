// The lexical engine: scores any label with no model download, by expanding the label through
// WordNet and curated seed words and matching lemmas of the entry (negation, intensity and a
// calibration to [0, 1] included). Weaker than a good NLI model; results say engine "lexical".
//
// Scoring, per label:
//  - every word of the entry is looked up as written and by its WordNet base forms ("felt" ->
//    "feel"), and short phrases ("thank you") as a whole; a match adds the word's weight in the
//    label's lexicon (lexicon.h), times the modifiers before it ("very" 1.5, "slightly" 0.5);
//  - a word in the scope of a negation ("not", "never", "don't": up to four words on, within
//    its clause) does not count, and when it is the label's opposite it counts for the label
//    ("not calm" supports "anxious");
//  - a question mark is evidence for the labels its seed file marks (curiosity, confusion);
//  - matches combine as independent pieces of evidence: score = 1 - prod(1 - 0.7 * match),
//    each match capped at 0.95 first. One clear word for the label scores 0.7, several
//    weak ones add up, so one threshold (0.5: at least one clear word) means about the same
//    for every label.
// In single-label mode the scores are divided by their sum so they add up to 1; when nothing
// matched, every label gets 1/n. The evidence of a label is the sentence with the most of its
// matches (an empty span at 0 when nothing matched).
//
// Text the engine cannot read (fewer than half of its words known to WordNet or to the English
// word lists, as for Chinese) comes back with understood = false and every score 0.
//
// The engine is immutable after construction except for a cache of label lexicons behind a
// mutex, so one engine may serve many threads.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "nlp/engine.h"

namespace empathic {

/// Settings of the lexical engine; the defaults are what the journal uses.
struct LexicalOptions {
    /// What a label is expanded into.
    enum class Expansion {
        LabelWord,  // the label's own words only (the quality report's baseline)
        WordNet,    // the label's words, their WordNet relatives and words defined with them
    };
    Expansion expansion = Expansion::WordNet;
    /// Curated seed words (data/lexical/seeds*.json and $EMPATHIC_HOME/lexical/seeds*.json).
    bool seeds = true;
    /// WordNet's folder; empty = EMPATHIC_WORDNET_DIR, data/wordnet or /usr/share/wordnet.
    std::filesystem::path wordnet_dir;
    /// Seed files to read instead of the default ones (tests); empty = the default ones.
    std::vector<std::filesystem::path> seed_files;
};

/// Model id of the default lexical engine, stored with its tags.
inline constexpr const char* kLexicalModelId = "lexical-wordnet-1";

/// The words and sentence behind one label's score.
struct LexicalEvidence {
    std::string label;
    double score = 0.0;
    std::vector<std::string> words;  // matched words as written in the entry ("not calm" too)
    Span sentence;                   // bytes of the sentence with the most evidence
};

/// The lexical engine, with an explanation of each score beyond the Engine contract.
class LexicalEngine : public Engine {
  public:
    explicit LexicalEngine(const LexicalOptions& options = {});
    ~LexicalEngine() override;

    /// Scores a normalized request (see the file comment for how).
    Classification classify(const ClassifyRequest& request) override;

    /// The matched words and sentence per label, in the order of request.labels (multi-label
    /// scores).
    std::vector<LexicalEvidence> explain(const ClassifyRequest& request);

    /// "lexical".
    std::string kind() const override;

    /// "lexical-wordnet-1"; "lexical-wordnet-noseeds-1" and "lexical-labelword-1" for the
    /// report's reduced settings.
    std::string model_id() const override;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// The lexical engine with the WordNet data and seed lists found under paths::data_dir() and
/// the system's WordNet (Debian's wordnet-base).
std::unique_ptr<Engine> make_lexical_engine();

/// The lexical engine with explicit settings.
std::unique_ptr<Engine> make_lexical_engine(const LexicalOptions& options);

}  // namespace empathic
