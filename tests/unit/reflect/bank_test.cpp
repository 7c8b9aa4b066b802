// The question bank: enough original, open questions for every shipped feeling, kept as data
// the writer can extend.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "core/error.h"
#include "core/utf8.h"
#include "test_support.h"

namespace empathic::reflect {
namespace {

using testing::HomeFixture;

class QuestionBank : public HomeFixture {
  protected:
    void write_own_bank(const std::string& json) {
        std::ofstream(home_ / "questions.json") << json;
        reload_data();
    }
};

// The shipped bank holds at least 150 questions.
TEST_F(QuestionBank, HoldsAtLeast150Questions) {
    EXPECT_GE(load_question_bank().size(), 150u);
}

// Every question ends with a question mark, and no id or text appears twice.
TEST_F(QuestionBank, QuestionsEndWithQuestionMarkAndAreUnique) {
    std::set<std::string> ids;
    std::set<std::string> texts;
    for (const auto& q : load_question_bank()) {
        ASSERT_FALSE(q.text.empty()) << q.id;
        EXPECT_EQ(q.text.back(), '?') << q.id;
        EXPECT_TRUE(ids.insert(q.id).second) << "repeated id " << q.id;
        EXPECT_TRUE(texts.insert(utf8::lower(q.text)).second) << "repeated text " << q.text;
    }
}

// Questions are open: none can be answered with a plain yes or no.
TEST_F(QuestionBank, QuestionsAreOpen) {
    const std::vector<std::string> closed = {"do ",     "does ", "did ", "is ",    "are ",
                                             "was ",    "were ", "can ", "could ", "would ",
                                             "should ", "have ", "has ", "will ",  "am "};
    for (const auto& q : load_question_bank()) {
        std::string start = utf8::lower(q.text.substr(0, 8));
        for (const auto& word : closed) {
            EXPECT_NE(start.rfind(word, 0), 0u) << q.id << ": " << q.text;
        }
    }
}

// Every label of every shipped label set has questions of its own, and so do the pools.
TEST_F(QuestionBank, CoversEveryShippedFeelingAndThePools) {
    std::map<std::string, int> per_feeling;
    for (const auto& q : load_question_bank()) ++per_feeling[q.feeling];

    auto sets = nlohmann::json::parse(
        read_file(std::filesystem::path(EMPATHIC_SOURCE_DIR) / "data/labelsets/default.json"));
    for (const auto& set : sets["sets"]) {
        for (const auto& label : set["labels"]) {
            std::string name = label["label"];
            EXPECT_GE(per_feeling[name], 3) << name << " needs at least three questions";
        }
    }
    for (const char* pool : {"general", "mixed", "positive", "negative", "neutral"}) {
        EXPECT_GE(per_feeling[pool], 3) << pool;
    }
}

// Each of the six kinds is used, and only those.
TEST_F(QuestionBank, UsesTheSixKinds) {
    std::set<std::string> kinds;
    for (const auto& q : load_question_bank()) kinds.insert(q.kind);
    EXPECT_EQ(kinds,
              (std::set<std::string>{"ahead", "body", "cause", "clarify", "reframe", "savour"}));
}

// A questions.json in the journal folder adds questions, replaces one by id and hides another.
TEST_F(QuestionBank, WritersOwnFileExtendsTheBank) {
    std::size_t shipped = load_question_bank().size();
    write_own_bank(R"({
      "questions": [
        {"id": "mine-1", "feeling": "proud", "kind": "savour", "text": "Who would you tell first?"},
        {"id": "proud-cause-1", "feeling": "proud", "kind": "cause", "text": "What went right?"}
      ],
      "remove": ["sad-body-1"]
    })");

    auto bank = load_question_bank();
    EXPECT_EQ(bank.size(), shipped + 1 - 1);
    auto find = [&](const std::string& id) {
        return std::find_if(bank.begin(), bank.end(),
                            [&](const Question& q) { return q.id == id; });
    };
    ASSERT_NE(find("mine-1"), bank.end());
    EXPECT_EQ(find("proud-cause-1")->text, "What went right?");
    EXPECT_EQ(find("sad-body-1"), bank.end());
}

// A question of the writer's file without a question mark is refused with the file named.
TEST_F(QuestionBank, RefusesAQuestionWithoutQuestionMark) {
    write_own_bank(R"({"questions": [{"id": "x", "feeling": "sad", "kind": "body",
                                      "text": "Tell me more."}]})");
    try {
        load_question_bank();
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
        EXPECT_NE(std::string(e.what()).find("questions.json"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("question mark"), std::string::npos);
    }
}

// A text already in the bank, an unknown kind, or broken JSON is refused too.
TEST_F(QuestionBank, RefusesDuplicatesUnknownKindsAndBrokenJson) {
    write_own_bank(R"({"questions": [{"id": "dup", "feeling": "sad", "kind": "body",
                                      "text": "What feels heaviest right now?"}]})");
    EXPECT_THROW(load_question_bank(), Error);
    write_own_bank(R"({"questions": [{"id": "k", "feeling": "sad", "kind": "lecture",
                                      "text": "What now?"}]})");
    EXPECT_THROW(load_question_bank(), Error);
    write_own_bank("{not json");
    EXPECT_THROW(load_question_bank(), Error);
}

}  // namespace
}  // namespace empathic::reflect
