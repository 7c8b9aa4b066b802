// The quality report: how well an engine tags emotion-labelled public data (GoEmotions, XED),
// so engines and settings can be compared on the same rows.
//
// Method: every row is scored once against all of the data set's labels (multi-label). Then,
// for each of N random half splits, each label's threshold is chosen on one half (the one that
// maximises that label's F1 there; only positive scores ever make a tag) and the other half is
// scored with it. Figures are means over the splits. Macro- and micro-F1 cover the emotions
// (GoEmotions' "neutral" is reported per label but left out of them). Top-1 accuracy needs no
// threshold: on rows with exactly one emotion, is it the best-scored label (a row where every
// score is 0 counts as a miss)?
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nlp/engine.h"

namespace empathic::eval {

/// Rows of emotion-labelled text.
struct Dataset {
    std::string name;                 // "goemotions", "xed-en", "xed-zh", "xed-cn"
    std::vector<std::string> labels;  // as written in the data set's label list
    std::vector<bool> is_emotion;     // per label: counted in macro/micro-F1
    std::vector<std::string> texts;
    std::vector<std::vector<int>> gold;  // per row: indices into labels
    bool english = true;
};

/// GoEmotions in `dir` (dev.tsv, labels.txt). `limit` > 0 keeps that many rows, spread evenly
/// over the file.
Dataset load_goemotions(const std::filesystem::path& dir, std::size_t limit = 0);

/// An XED file (text, label ids 1-8 = anger, anticipation, disgust, fear, joy, sadness,
/// surprise, trust). `limit` > 0 keeps that many rows, spread evenly over the file (which is
/// sorted by label).
Dataset load_xed(const std::filesystem::path& file, std::string name, bool english,
                 std::size_t limit = 0);

/// Every row's scores for every label, and whether the engine could read the row.
struct ScoreTable {
    std::vector<std::vector<double>> scores;  // [row][label], label order of the data set
    std::vector<bool> understood;
    double seconds = 0.0;
    std::string engine;
    std::string model;
};

/// Scores every row with `engine` (multi-label, `hypothesis_template`).
ScoreTable score_dataset(Engine& engine, const Dataset& data,
                         const std::string& hypothesis_template = kDefaultTemplate);

/// Per-label figures: means over the splits, on the held-out halves.
struct LabelFigures {
    std::string label;
    std::size_t support = 0;  // rows with the label, in the whole data set
    double precision = 0.0;
    double recall = 0.0;
    double f1 = 0.0;
    double threshold = 0.0;  // mean chosen threshold (splits where one was chosen)
};

/// One engine's figures on one data set.
struct EngineFigures {
    std::string engine;
    std::string model;
    std::size_t rows = 0;
    double understood = 0.0;   // share of rows the engine could read
    double macro_f1 = 0.0;     // over the emotions, mean over splits
    double macro_f1_sd = 0.0;  // standard deviation over splits
    double micro_f1 = 0.0;
    double top1_accuracy = 0.0;  // on rows with exactly one emotion
    std::size_t top1_rows = 0;
    double seconds = 0.0;  // scoring time
    std::vector<LabelFigures> labels;
};

/// Settings of the split procedure.
struct SplitOptions {
    int splits = 20;
    std::uint64_t seed = 1;
};

/// Thresholds chosen on one half, figures on the other, averaged over the splits.
EngineFigures evaluate(const Dataset& data, const ScoreTable& table, const SplitOptions& options);

/// The report of several engines on one data set, as a fixed-width table for the terminal:
/// a summary line per engine, then per-label P/R/F1 side by side.
std::string format_table(const Dataset& data, const std::vector<EngineFigures>& engines);

/// JSON of one data set's figures: {"dataset","rows","labels":[...],"engines":[{...}]}.
nlohmann::json to_json(const Dataset& data, const std::vector<EngineFigures>& engines);

/// Where the evaluation data is by default: $EMPATHIC_EVAL_DATA, else the shared/data folder
/// beside the source tree (the one the project's quality figures come from).
std::filesystem::path default_data_dir();

/// The lexical engine's three settings the report compares, weakest first: the label word
/// alone (the baseline), WordNet expansion alone, and WordNet with the seed words (shipped).
std::vector<std::unique_ptr<Engine>> lexical_report_engines();

}  // namespace empathic::eval
