// Reflections: what they name, which questions they ask, and the writer's settings.
#include <gtest/gtest.h>

#include <deque>
#include <set>

#include "core/error.h"
#include "test_support.h"

namespace empathic::reflect {
namespace {

using nlohmann::json;
using testing::FakeEngine;
using testing::HomeFixture;
using testing::test_entries;

class Reflection : public HomeFixture {};

Tag tag(const std::string& label, double score, const std::string& valence) {
    return Tag{label, score, {}, valence, 0.5};
}

std::set<std::string> named_labels(const json& r) {
    std::set<std::string> out;
    for (const auto& f : r["feelings"]) out.insert(f["label"].get<std::string>());
    return out;
}

// Every test entry that is not a risk gets a well-formed reflection: an acknowledgement, one
// to three questions ending in "?", a prompt, and no safety response.
TEST_F(Reflection, EveryEntryGetsAWellFormedReflection) {
    for (const auto& e : test_entries()) {
        // Risk statements, and the rare look-alike flagged (see safety_test), get the safety
        // response instead.
        if (e.kind == "risk" || assess_safety(e.text).at_risk) continue;
        ReflectInput input;
        input.text = e.text;
        input.tags = e.tags;
        auto r = reflect(input);
        ASSERT_TRUE(r.is_object()) << e.text;
        EXPECT_FALSE(r["acknowledgement"].get<std::string>().empty());
        EXPECT_GE(r["questions"].size(), 1u) << e.text;
        EXPECT_LE(r["questions"].size(), 3u) << e.text;
        for (const auto& q : r["questions"]) {
            EXPECT_EQ(q["text"].get<std::string>().back(), '?');
            EXPECT_TRUE(q.contains("id") && q.contains("kind") && q.contains("feeling"));
        }
        EXPECT_FALSE(r["prompt"].get<std::string>().empty());
        EXPECT_TRUE(r["safety"].is_null()) << e.text;
        EXPECT_EQ(r["version"], 1);
    }
}

// Only feelings at or above the threshold are named, in the list and in the words.
TEST_F(Reflection, NamesOnlyFeelingsAboveThreshold) {
    ReflectInput input;
    input.text = "Finished the project. Long week.";
    input.tags = {tag("proud", 0.82, "positive"), tag("exhausted", 0.49, "negative"),
                  tag("angry", 0.1, "negative")};
    auto r = reflect(input);
    EXPECT_EQ(named_labels(r), std::set<std::string>{"proud"});
    std::string ack = r["acknowledgement"];
    EXPECT_NE(ack.find("pride"), std::string::npos) << ack;
    EXPECT_EQ(ack.find("exhaustion"), std::string::npos) << ack;
    for (const auto& q : r["questions"]) EXPECT_NE(q["feeling"], "exhausted");
}

// Each tag's own threshold counts: a label set with a high threshold names less.
TEST_F(Reflection, UsesEachTagsThreshold) {
    ReflectInput input;
    input.text = "Not bad.";
    input.tags = {Tag{"content", 0.7, {}, "positive", 0.8}};
    auto r = reflect(input);
    EXPECT_TRUE(r["feelings"].empty());
    EXPECT_TRUE(r["general"].get<bool>());
}

// Positive and negative feelings together are recognised as mixed and both are named.
TEST_F(Reflection, RecognisesMixedFeelings) {
    ReflectInput input;
    input.text = "I got the promotion, but I am so tired I can barely enjoy it.";
    input.tags = {tag("proud", 0.84, "positive"), tag("exhausted", 0.78, "negative")};
    auto r = reflect(input);
    EXPECT_TRUE(r["mixed"].get<bool>());
    std::string ack = r["acknowledgement"];
    EXPECT_NE(ack.find("pride"), std::string::npos) << ack;
    EXPECT_NE(ack.find("exhaustion"), std::string::npos) << ack;
    EXPECT_EQ(r["questions"].size(), 3u);
}

// Two positive feelings are not mixed; neutral ones never make an entry mixed.
TEST_F(Reflection, SameSideIsNotMixed) {
    ReflectInput input;
    input.text = "Sunday lunch with everyone.";
    input.tags = {tag("joyful", 0.8, "positive"), tag("grateful", 0.7, "positive"),
                  tag("nostalgic", 0.6, "neutral")};
    EXPECT_FALSE(reflect(input)["mixed"].get<bool>());
}

// An entry with no clear feeling gets one gentle general question and no guessed feeling.
TEST_F(Reflection, NoClearFeelingGetsAGeneralQuestion) {
    ReflectInput input;
    input.text = "Groceries, laundry, called the bank about the card.";
    input.tags = {tag("calm", 0.2, "positive")};
    auto r = reflect(input);
    EXPECT_TRUE(r["general"].get<bool>());
    EXPECT_TRUE(r["feelings"].empty());
    ASSERT_EQ(r["questions"].size(), 1u);
    EXPECT_EQ(r["questions"][0]["feeling"], "general");
    EXPECT_EQ(r["acknowledgement"].get<std::string>().find("calm"), std::string::npos);
}

// Questions come from the strongest feelings' own pools.
TEST_F(Reflection, AsksAboutTheFeelingsFound) {
    ReflectInput input;
    input.text = "The job went to someone else.";
    input.tags = {tag("disappointed", 0.7, "negative")};
    auto r = reflect(input);
    ASSERT_FALSE(r["questions"].empty());
    EXPECT_EQ(r["questions"][0]["feeling"], "disappointed");
}

// A label with no questions of its own borrows its valence's pool, naming the label.
TEST_F(Reflection, UnknownLabelsBorrowTheirValencePool) {
    ReflectInput input;
    input.text = "Everything smells of rain and cut grass.";
    input.tags = {tag("wistful", 0.9, "neutral")};
    auto r = reflect(input);
    ASSERT_FALSE(r["questions"].empty());
    EXPECT_EQ(r["questions"][0]["feeling"], "wistful");
    EXPECT_NE(r["acknowledgement"].get<std::string>().find("wistful"), std::string::npos);
    for (const auto& q : r["questions"]) {
        EXPECT_EQ(q["text"].get<std::string>().find("{feeling}"), std::string::npos);
    }
}

// A body word in the evidence sentence favours a question that notices the body.
TEST_F(Reflection, EvidenceSentenceSteersTheKind) {
    ReflectInput input;
    input.text = "Big presentation tomorrow. My chest is tight and my stomach is in knots.";
    Tag anxious = tag("anxious", 0.7, "negative");
    anxious.evidence = {27, input.text.size()};
    input.tags = {anxious};
    auto r = reflect(input);
    std::set<std::string> kinds;
    for (const auto& q : r["questions"]) kinds.insert(q["kind"].get<std::string>());
    EXPECT_TRUE(kinds.count("body")) << r["questions"].dump();
}

// An intense hurt gets at most two questions and none that reframes it.
TEST_F(Reflection, IntenseHurtIsNotReframed) {
    ReflectInput input;
    input.text = "It has been a year since Grandpa died and today it all came back.";
    input.tags = {tag("grieving", 0.95, "negative"), tag("sad", 0.9, "negative")};
    auto r = reflect(input);
    EXPECT_LE(r["questions"].size(), 2u);
    for (const auto& q : r["questions"]) EXPECT_NE(q["kind"], "reframe");
}

// No question shown in the writer's last 10 reflections comes back while others remain.
TEST_F(Reflection, NeverRepeatsRecentQuestionsWhileAlternativesExist) {
    std::deque<std::vector<std::string>> last_ten;
    for (int day = 0; day < 30; ++day) {
        ReflectInput input;
        input.text = "Day " + std::to_string(day) + ": my chest is tight before the review.";
        input.tags = {tag("anxious", 0.8, "negative")};
        for (const auto& ids : last_ten) {
            input.recent_question_ids.insert(input.recent_question_ids.end(), ids.begin(),
                                             ids.end());
        }
        std::set<std::string> recent(input.recent_question_ids.begin(),
                                     input.recent_question_ids.end());

        auto ids = question_ids(reflect(input));
        ASSERT_FALSE(ids.empty());
        for (const auto& id : ids) EXPECT_FALSE(recent.count(id)) << "day " << day << ": " << id;

        last_ten.push_back(ids);
        if (last_ten.size() > 10) last_ten.pop_front();
    }
}

// When every fitting question was shown recently, recent ones are asked again rather than none.
TEST_F(Reflection, FallsBackToRecentQuestionsWhenNothingElseIsLeft) {
    ReflectInput input;
    input.text = "Quiet day.";
    for (const auto& q : load_question_bank()) input.recent_question_ids.push_back(q.id);
    auto r = reflect(input);
    EXPECT_EQ(r["questions"].size(), 1u);
}

// The same entry gets the same reflection; different entries get varied wording.
TEST_F(Reflection, StableForAnEntryVariedAcrossEntries) {
    ReflectInput a;
    a.text = "Tickets are booked! Lisbon in two weeks!";
    a.tags = {tag("excited", 0.91, "positive")};
    EXPECT_EQ(reflect(a), reflect(a));

    std::set<std::string> first_questions;
    for (int i = 0; i < 12; ++i) {
        ReflectInput b = a;
        b.text = "Trip number " + std::to_string(i) + " is booked!";
        first_questions.insert(reflect(b)["questions"][0]["id"].get<std::string>());
    }
    EXPECT_GT(first_questions.size(), 1u);
}

// An answer is thanked, and the question it answers is not asked again in its reflection.
TEST_F(Reflection, AnswersAreThankedAndNotAskedAgain) {
    ReflectInput input;
    input.text = "I think it started when my manager cancelled our one-to-one again.";
    input.tags = {tag("frustrated", 0.8, "negative")};
    input.answered_question = "What is standing in your way?";
    auto r = reflect(input);
    EXPECT_EQ(r["acknowledgement"].get<std::string>().rfind("Thank you", 0), 0u);
    for (const auto& q : r["questions"]) EXPECT_NE(q["text"], "What is standing in your way?");
}

// Reflections switched off give no reflection.
TEST_F(Reflection, SwitchedOffGivesNothing) {
    ReflectInput input;
    input.text = "Lovely walk by the river.";
    input.tags = {tag("calm", 0.8, "positive")};
    input.settings.enabled = false;
    EXPECT_TRUE(reflect(input).is_null());
}

// Reflections kept for chosen feelings only: other entries get none, and only chosen
// feelings are named.
TEST_F(Reflection, ChosenFeelingsOnly) {
    ReflectInput input;
    input.text = "Proud of the talk, nervous about the questions.";
    input.tags = {tag("proud", 0.8, "positive"), tag("anxious", 0.7, "negative")};
    input.settings.feelings = {"Anxious"};
    auto r = reflect(input);
    ASSERT_TRUE(r.is_object());
    EXPECT_EQ(named_labels(r), std::set<std::string>{"anxious"});

    input.settings.feelings = {"grieving"};
    EXPECT_TRUE(reflect(input).is_null());
}

// Settings come from config.json's "reflections" and "safety" keys; wrong types are refused.
TEST_F(Reflection, SettingsFromConfig) {
    Config config;
    config.set("reflections", {{"enabled", false}, {"feelings", {"sad", "lonely"}}});
    config.set("safety", {{"resources", "Our clinic: ask at the desk."}});
    auto s = Settings::from_config(config);
    EXPECT_FALSE(s.enabled);
    EXPECT_EQ(s.feelings, (std::vector<std::string>{"sad", "lonely"}));
    EXPECT_EQ(s.resources, "Our clinic: ask at the desk.");

    EXPECT_TRUE(Settings::from_config(Config{}).enabled);

    Config bad;
    bad.set("reflections", {{"enabled", "yes"}});
    EXPECT_THROW(Settings::from_config(bad), Error);
    bad.set("reflections", {{"feelings", "sad"}});
    EXPECT_THROW(Settings::from_config(bad), Error);
    bad.set("reflections", json::object());
    bad.set("safety", {{"resources", 3}});
    EXPECT_THROW(Settings::from_config(bad), Error);
}

// With an NLI engine the questions are re-ranked by fit, and the reflection says so.
TEST_F(Reflection, NliEngineReranksQuestions) {
    FakeEngine nli("nli", [](const std::string&, const std::string& hypothesis) {
        return hypothesis.find("future") != std::string::npos ||
                       hypothesis.find("tomorrow") != std::string::npos
                   ? 0.99
                   : 0.01;
    });
    ReflectInput input;
    input.text = "Everything is a mess.";
    input.tags = {tag("overwhelmed", 0.7, "negative")};
    input.engine = &nli;
    auto r = reflect(input);
    EXPECT_EQ(r["engine"], "nli");
    EXPECT_GT(nli.calls, 0);
    EXPECT_EQ(r["questions"][0]["kind"], "ahead") << r["questions"].dump();
}

// Without a model, or with the lexical engine, selection still works from the bank alone.
TEST_F(Reflection, WorksWithoutAModel) {
    FakeEngine lexical("lexical", [](const std::string&, const std::string&) { return 0.9; });
    ReflectInput input;
    input.text = "Everything is a mess.";
    input.tags = {tag("overwhelmed", 0.7, "negative")};
    input.engine = &lexical;
    auto r = reflect(input);
    EXPECT_EQ(r["engine"], "bank");
    EXPECT_EQ(lexical.calls, 0);
    EXPECT_FALSE(r["questions"].empty());
}

// Tags are built from a classification with each label's valence and the set's threshold.
TEST_F(Reflection, TagsFromClassification) {
    Classification c;
    c.labels = {"proud", "tired"};
    c.scores = {0.9, 0.3};
    c.evidence = {{0, 5}, {6, 9}};
    auto tags = tags_from_classification(c, {{"proud", "positive"}}, 0.6);
    ASSERT_EQ(tags.size(), 2u);
    EXPECT_EQ(tags[0].valence, "positive");
    EXPECT_EQ(tags[1].valence, "neutral");
    EXPECT_EQ(tags[1].threshold, 0.6);
    EXPECT_EQ(tags[1].evidence.start, 6u);

    c.understood = false;
    EXPECT_TRUE(tags_from_classification(c, {}, 0.5).empty());
}

// Evidence spans outside the text are ignored rather than read past the end.
TEST_F(Reflection, BadEvidenceSpansAreIgnored) {
    ReflectInput input;
    input.text = "Short.";
    Tag t = tag("calm", 0.8, "positive");
    t.evidence = {3, 500};
    input.tags = {t};
    EXPECT_TRUE(reflect(input).is_object());
}

// Invalid UTF-8 in the entry is refused with a clear error.
TEST_F(Reflection, InvalidTextIsRefused) {
    ReflectInput input;
    input.text = std::string("caf\xc3");
    EXPECT_THROW(reflect(input), Error);
}

// question_ids reads the ids a stored reflection asked, and nothing from other shapes.
TEST_F(Reflection, QuestionIdsOfStoredReflections) {
    EXPECT_TRUE(question_ids(nullptr).empty());
    EXPECT_TRUE(question_ids(json::array()).empty());
    json r = {{"questions", {{{"id", "a"}}, {{"text", "no id"}}, {{"id", "b"}}}}};
    EXPECT_EQ(question_ids(r), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace empathic::reflect

namespace empathic::reflect {
namespace {

// The plain-text form lists the questions, or only the safety message and resources.
TEST_F(Reflection, PlainTextForm) {
    ReflectInput input;
    input.text = "Tickets are booked!";
    input.tags = {tag("excited", 0.9, "positive")};
    auto r = reflect(input);
    std::string text = to_text(r);
    EXPECT_NE(text.find("  1. " + r["questions"][0]["text"].get<std::string>()), std::string::npos);
    EXPECT_NE(text.find("Keep writing: "), std::string::npos);

    input.text = "I want to kill myself.";
    std::string safety = to_text(reflect(input));
    EXPECT_NE(safety.find("emergency number"), std::string::npos);
    EXPECT_EQ(safety.find("  1. "), std::string::npos);
    EXPECT_EQ(to_text(nullptr), "");
}

}  // namespace
}  // namespace empathic::reflect
