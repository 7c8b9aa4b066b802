// What the lexical engine looks for in an entry for one label: a weighted word list built from
// the label's own words, their WordNet expansion, and curated seed words.
//
// Seed lists are JSON files of the form
//   {"labels": {"gratitude": ["thanks", "thank you", "grateful", ...], ...},
//    "question_cue": ["curiosity", "confused", ...]}
// Phrases are written with spaces. Empathic reads data/lexical/seeds*.json (product data),
// then $EMPATHIC_HOME/lexical/seeds*.json (the user's additions, appended to the shipped
// lists), in file-name order. Labels are matched case-insensitively.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lexical/wordnet.h"

namespace empathic::lexical {

/// Curated words per label, merged from every seed file read.
struct SeedLists {
    std::unordered_map<std::string, std::vector<std::string>> words;  // lower-case label -> words
    std::unordered_set<std::string> question_cue;  // labels a question mark is evidence for

    /// Reads and merges `files`; a missing file is skipped, a malformed one throws
    /// Error(InvalidInput) naming it.
    static SeedLists load(const std::vector<std::filesystem::path>& files);

    /// data_dir()/lexical/seeds*.json, then home()/lexical/seeds*.json, each sorted by name.
    static std::vector<std::filesystem::path> default_files();
};

/// How far a label is expanded (the quality report compares these settings).
struct ExpansionOptions {
    bool wordnet = true;  // false: the label's own words (and their inflections) only
    bool glosses = true;  // words whose WordNet definitions mention the label
    bool seeds = true;    // curated seed words
    int max_hops = 3;     // links followed from the label's own meanings
};

/// Weighted evidence words for one label. Keys are lower-case lemmas or surface words;
/// phrases join their words with '_'. Weights are in (0, 1].
struct LabelLexicon {
    std::unordered_map<std::string, double> words;
    /// Words whose negation supports the label ("not calm" for "anxious"): antonyms.
    std::unordered_map<std::string, double> negated;
    bool question_cue = false;
    int max_phrase_words = 1;
};

/// Builds the lexicon of `label` (already trimmed). Multi-word labels use all their content
/// words, the feeling words weighing more than the rest ("overwhelmed at work").
LabelLexicon build_lexicon(std::string_view label, const WordNet& wordnet, const SeedLists& seeds,
                           const ExpansionOptions& options);

}  // namespace empathic::lexical
