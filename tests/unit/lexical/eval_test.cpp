// The quality report's loading and arithmetic, on small data sets written here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "lexical/eval.h"

namespace empathic::eval {
namespace {

namespace fs = std::filesystem;

/// A folder with a tiny GoEmotions-shaped data set: labels a, b, neutral.
fs::path write_goemotions(const std::string& rows) {
    auto dir = fs::temp_directory_path() / "empathic-eval-test/goemotions";
    fs::create_directories(dir);
    std::ofstream(dir / "labels.txt") << "a\nb\nneutral\n";
    std::ofstream(dir / "dev.tsv") << rows;
    return dir;
}

/// A data set of `n` rows alternating between label 0 and label 1.
Dataset alternating(std::size_t n) {
    Dataset data;
    data.name = "toy";
    data.labels = {"a", "b"};
    data.is_emotion = {true, true};
    for (std::size_t i = 0; i < n; ++i) {
        data.texts.push_back("row " + std::to_string(i));
        data.gold.push_back({static_cast<int>(i % 2)});
    }
    return data;
}

// GoEmotions rows parse into text and label indices; "neutral" is not an emotion.
TEST(Eval, LoadsGoEmotions) {
    auto dir = write_goemotions("so happy\t0\tid1\nwhat?\t1,2\tid2\n");
    auto data = load_goemotions(dir);
    ASSERT_EQ(data.texts.size(), 2u);
    EXPECT_EQ(data.texts[1], "what?");
    EXPECT_EQ(data.gold[1], (std::vector<int>{1, 2}));
    EXPECT_EQ(data.is_emotion, (std::vector<bool>{true, true, false}));
    EXPECT_EQ(load_goemotions(dir, 1).texts.size(), 1u);  // --limit
}

// A label id outside the label list is an input error naming the line.
TEST(Eval, BadLabelIdIsInputError) {
    auto dir = write_goemotions("text\t7\tid1\n");
    try {
        load_goemotions(dir);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
        EXPECT_NE(std::string(e.what()).find("line 1"), std::string::npos);
    }
}

// XED ids are 1-based, with or without spaces after commas.
TEST(Eval, LoadsXed) {
    auto file = fs::temp_directory_path() / "empathic-eval-test/xed.tsv";
    fs::create_directories(file.parent_path());
    std::ofstream(file) << "I hate this .\t1, 3\nYes !\t5\n";
    auto data = load_xed(file, "xed-en", true);
    ASSERT_EQ(data.texts.size(), 2u);
    EXPECT_EQ(data.labels[0], "anger");
    EXPECT_EQ(data.labels[7], "trust");
    EXPECT_EQ(data.gold[0], (std::vector<int>{0, 2}));
    EXPECT_EQ(data.gold[1], (std::vector<int>{4}));
}

// Scores that separate the labels perfectly give F1 1 and top-1 accuracy 1.
TEST(Eval, PerfectScoresGivePerfectFigures) {
    auto data = alternating(40);
    ScoreTable table;
    for (std::size_t i = 0; i < 40; ++i) {
        table.scores.push_back(i % 2 ? std::vector<double>{0.1, 0.9}
                                     : std::vector<double>{0.8, 0.0});
        table.understood.push_back(true);
    }
    auto figures = evaluate(data, table, {5, 1});
    EXPECT_DOUBLE_EQ(figures.macro_f1, 1.0);
    EXPECT_DOUBLE_EQ(figures.micro_f1, 1.0);
    EXPECT_DOUBLE_EQ(figures.top1_accuracy, 1.0);
    EXPECT_EQ(figures.top1_rows, 40u);
    EXPECT_EQ(figures.labels[0].support, 20u);
}

// All-zero scores never tag anything: F1 0, top-1 0, and the engine read nothing.
TEST(Eval, ZeroScoresNeverTag) {
    auto data = alternating(20);
    ScoreTable table;
    table.scores.assign(20, std::vector<double>{0.0, 0.0});
    table.understood.assign(20, false);
    auto figures = evaluate(data, table, {3, 1});
    EXPECT_EQ(figures.macro_f1, 0.0);
    EXPECT_EQ(figures.top1_accuracy, 0.0);
    EXPECT_EQ(figures.understood, 0.0);
}

// The table and JSON carry one entry per engine and per label.
TEST(Eval, TableAndJsonShape) {
    auto data = alternating(10);
    ScoreTable table;
    table.model = "m";
    table.scores.assign(10, std::vector<double>{0.5, 0.5});
    table.understood.assign(10, true);
    auto figures = evaluate(data, table, {2, 1});
    auto json = to_json(data, {figures});
    EXPECT_EQ(json["dataset"], "toy");
    EXPECT_EQ(json["engines"].size(), 1u);
    EXPECT_EQ(json["engines"][0]["per_label"].size(), 2u);
    EXPECT_TRUE(json["engines"][0].contains("macro_f1"));
    EXPECT_NE(format_table(data, {figures}).find("macro-F1"), std::string::npos);
}

}  // namespace
}  // namespace empathic::eval
