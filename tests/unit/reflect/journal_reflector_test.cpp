// Reflections inside the journal: stored after tagging, and conversations whose answers are
// stored, tagged, reflected on, searchable and exported with the entry.
#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "core/utf8.h"
#include "journal/journal.h"
#include "reflect/journal_reflector.h"
#include "test_support.h"

namespace empathic::reflect {
namespace {

using nlohmann::json;
using testing::FakeEngine;
using testing::HomeFixture;

/// Scores a label 0.9 when the text contains it, 0.1 otherwise (a lexical-kind engine).
double word_scorer(const std::string& text, const std::string& hypothesis) {
    // Hypotheses read "The writer feels {label}."; find the label in the text.
    std::string label = hypothesis;
    const std::string prefix = "The writer feels ";
    if (label.rfind(prefix, 0) == 0) label = label.substr(prefix.size());
    if (!label.empty() && label.back() == '.') label.pop_back();
    return utf8::lower(text).find(utf8::lower(label)) != std::string::npos ? 0.9 : 0.1;
}

class JournalReflections : public HomeFixture {
  protected:
    void SetUp() override {
        HomeFixture::SetUp();
        engine = std::make_shared<FakeEngine>("lexical", word_scorer);
        Journal::Options options;
        options.folder = home_ / "journal";
        options.engines = [this](const std::string&) -> std::shared_ptr<Engine> { return engine; };
        options.default_label_sets =
            std::filesystem::path(EMPATHIC_SOURCE_DIR) / "data/labelsets/default.json";
        journal = std::make_unique<Journal>(options);
        attach_reflector(*journal, options.engines);
        engines = options.engines;
    }
    void TearDown() override {
        journal.reset();
        HomeFixture::TearDown();
    }

    Entry write(const std::string& body) {
        NewEntry e;
        e.body = body;
        return journal->tag(journal->add(e).id);
    }

    std::shared_ptr<FakeEngine> engine;
    EngineFactory engines;
    std::unique_ptr<Journal> journal;
};

// Tagging an entry stores its reflection, naming the feelings the tags found.
TEST_F(JournalReflections, TaggingStoresAReflection) {
    Entry e = write("So proud of the garden today, though I am exhausted.");
    ASSERT_TRUE(e.reflection.has_value());
    EXPECT_TRUE((*e.reflection)["mixed"].get<bool>());
    std::string ack = (*e.reflection)["acknowledgement"];
    EXPECT_NE(ack.find("pride"), std::string::npos) << ack;
    EXPECT_NE(ack.find("exhaustion"), std::string::npos) << ack;
    EXPECT_EQ(reflection_for(*journal, e.id), *e.reflection);
}

// A risk entry's reflection is the safety response, and no tag says so.
TEST_F(JournalReflections, RiskEntryGetsSafetyResponseAndNoTag) {
    Entry e = write("I feel so sad. I don't want to be alive anymore.");
    ASSERT_TRUE(e.reflection.has_value());
    EXPECT_TRUE((*e.reflection)["safety"].is_object());
    for (const auto& t : e.empathic_tags()) EXPECT_EQ(t, "sad");
}

// Reflections switched off in config.json: nothing is stored, and reflect says null.
TEST_F(JournalReflections, SwitchedOffStoresNothing) {
    Config config;
    config.set("reflections", {{"enabled", false}});
    config.save();
    Entry e = write("A calm evening.");
    EXPECT_FALSE(e.reflection.has_value());
    EXPECT_TRUE(reflection_for(*journal, e.id).is_null());
}

// An entry not tagged yet is tagged and reflected on when its reflection is asked for.
TEST_F(JournalReflections, ReflectionForTagsAnUntaggedEntry) {
    NewEntry n;
    n.body = "Lonely on a Sunday.";
    Entry e = journal->add(n);
    json r = reflection_for(*journal, e.id);
    ASSERT_TRUE(r.is_object());
    EXPECT_EQ(r["feelings"][0]["label"], "lonely");
    EXPECT_TRUE(journal->latest_reflection(e.id).has_value());
}

// Consecutive entries do not repeat the questions of the last reflections.
TEST_F(JournalReflections, RecentQuestionsAreNotRepeated) {
    std::set<std::string> seen;
    for (int i = 0; i < 5; ++i) {
        Entry e = write("Anxious again, day " + std::to_string(i) + ".");
        for (const auto& id : question_ids(*e.reflection)) {
            EXPECT_TRUE(seen.insert(id).second) << "repeated " << id;
        }
    }
}

// An answer is stored in the thread with its question, tagged, and gets its own reflection.
TEST_F(JournalReflections, AnswersAreStoredTaggedAndReflectedOn) {
    Entry e = write("Frustrated with the landlord again.");
    std::string asked = (*e.reflection)["questions"][0]["text"];

    Entry answer = answer_question(*journal, e.id, "Honestly I am angry that nobody listens.");
    EXPECT_EQ(answer.parent_id, e.id);
    EXPECT_EQ(answer.question, asked);
    EXPECT_EQ(answer.tagging, TaggingState::Done);
    EXPECT_EQ(answer.empathic_tags(), std::vector<std::string>{"angry"});
    ASSERT_TRUE(answer.reflection.has_value());
    EXPECT_EQ((*answer.reflection)["acknowledgement"].get<std::string>().rfind("Thank you", 0), 0u);

    Entry parent = journal->get(e.id);
    ASSERT_EQ(parent.thread.size(), 1u);
    EXPECT_EQ(parent.thread[0].id, answer.id);
}

// The thread is found by search and exported with the entry.
TEST_F(JournalReflections, ThreadIsSearchableAndExported) {
    Entry e = write("Grateful for the neighbours.");
    answer_question(*journal, e.id, "They brought soup when I was ill with the flu.");

    SearchQuery q;
    q.text = "soup";
    auto found = journal->search(q);
    ASSERT_EQ(found.total, 1);
    EXPECT_EQ(found.hits[0].entry.parent_id, e.id);

    auto file = home_ / "export.json";
    journal->export_to("json", file);
    std::string exported = read_file(file);
    EXPECT_NE(exported.find("They brought soup"), std::string::npos);
    std::string asked = (*e.reflection)["questions"][0]["text"];
    EXPECT_NE(exported.find(json(asked).dump()), std::string::npos);
}

// Answering needs a question: an out-of-range number or an unknown entry is refused.
TEST_F(JournalReflections, AnsweringRefusesBadQuestionsAndEntries) {
    Entry e = write("Curious about the old map I found.");
    int asked = static_cast<int>((*e.reflection)["questions"].size());
    try {
        answer_question(*journal, e.id, "text", asked + 1);
        FAIL() << "expected an error";
    } catch (const Error& err) {
        EXPECT_EQ(err.code(), ErrorCode::InvalidInput);
    }
    EXPECT_THROW(answer_question(*journal, e.id, "text", 0), Error);
    try {
        answer_question(*journal, 9999, "text");
        FAIL() << "expected an error";
    } catch (const Error& err) {
        EXPECT_EQ(err.code(), ErrorCode::NotFound);
    }
}

// A risk answer in a thread gets the safety response too.
TEST_F(JournalReflections, RiskAnswerGetsSafetyResponse) {
    Entry e = write("Sad and tired tonight.");
    Entry answer = answer_question(*journal, e.id, "Everyone would be better off without me.");
    ASSERT_TRUE(answer.reflection.has_value());
    EXPECT_TRUE((*answer.reflection)["safety"].is_object());
}

}  // namespace
}  // namespace empathic::reflect
