// Safety first: risk statements always get the safety response, look-alikes rarely do, and
// the detection never shows up as a feeling.
#include <gtest/gtest.h>

#include <cstdio>

#include "core/error.h"
#include "test_support.h"

namespace empathic::reflect {
namespace {

using testing::FakeEngine;
using testing::HomeFixture;
using testing::test_entries;

class Safety : public HomeFixture {};

// The list holds at least 20 risk statements and as many look-alikes.
TEST_F(Safety, TestListIsLargeEnough) {
    int risks = 0;
    int lookalikes = 0;
    for (const auto& e : test_entries()) {
        risks += e.kind == "risk";
        lookalikes += e.kind == "lookalike";
    }
    EXPECT_GE(test_entries().size(), 60u);
    EXPECT_GE(risks, 20);
    EXPECT_GE(lookalikes, 20);
}

// Phrase rules alone (no model) flag every risk statement of the list: no false negatives.
TEST_F(Safety, PhraseRulesFlagEveryRiskStatement) {
    for (const auto& e : test_entries()) {
        if (e.kind != "risk") continue;
        EXPECT_TRUE(assess_safety(e.text).at_risk) << "missed: " << e.text;
    }
}

// Look-alikes ("this exam is killing me") are rarely flagged: the rate is printed and stays
// under 10%; ordinary entries are never flagged.
TEST_F(Safety, LookAlikesStayUnderTenPercent) {
    int lookalikes = 0;
    int flagged = 0;
    for (const auto& e : test_entries()) {
        auto assessment = assess_safety(e.text);
        if (e.kind == "lookalike") {
            ++lookalikes;
            if (assessment.at_risk) {
                ++flagged;
                std::printf("look-alike flagged: %s\n", e.text.c_str());
            }
        } else if (e.kind != "risk") {
            EXPECT_FALSE(assessment.at_risk) << e.text;
        }
    }
    double rate = 100.0 * flagged / lookalikes;
    std::printf("look-alike false-positive rate: %d of %d (%.1f%%)\n", flagged, lookalikes, rate);
    EXPECT_LT(rate, 10.0);
}

// Risk statements get the safety response in the reflection: a message, the default
// resources, no questions and no prompt, even with reflections switched off.
TEST_F(Safety, RiskGetsSafetyResponseInsteadOfQuestions) {
    for (const auto& e : test_entries()) {
        if (e.kind != "risk") continue;
        ReflectInput input;
        input.text = e.text;
        input.settings.enabled = false;
        auto r = reflect(input);
        ASSERT_TRUE(r.is_object()) << e.text;
        ASSERT_TRUE(r["safety"].is_object()) << e.text;
        EXPECT_FALSE(r["safety"]["message"].get<std::string>().empty());
        EXPECT_NE(r["safety"]["resources"].get<std::string>().find("emergency number"),
                  std::string::npos);
        EXPECT_TRUE(r["questions"].empty()) << e.text;
        EXPECT_EQ(r["prompt"], "");
    }
}

// The default resources name no phone number: they point to local services instead.
TEST_F(Safety, DefaultResourcesInventNoNumbers) {
    ReflectInput input;
    input.text = "I want to kill myself.";
    std::string resources = reflect(input)["safety"]["resources"];
    for (char c : resources) EXPECT_FALSE(c >= '0' && c <= '9') << resources;
}

// Resources configured by the user or operator replace the default text.
TEST_F(Safety, ConfiguredResourcesAreShown) {
    ReflectInput input;
    input.text = "My partner hit me again last night.";
    input.settings.resources = "Call the front desk of the clinic, any hour.";
    auto r = reflect(input);
    EXPECT_EQ(r["safety"]["resources"], "Call the front desk of the clinic, any hour.");
    EXPECT_EQ(r["safety"]["concern"], "harmed_by_others");
}

// Self-harm and being harmed by someone are told apart, with a message for each.
TEST_F(Safety, ConcernsAreToldApart) {
    EXPECT_EQ(assess_safety("I want to kill myself.").concern, Concern::SelfHarm);
    EXPECT_EQ(assess_safety("He threatened to kill me if I tell anyone.").concern,
              Concern::HarmedByOthers);
    ReflectInput a;
    a.text = "I want to kill myself.";
    ReflectInput b;
    b.text = "He threatened to kill me if I tell anyone.";
    EXPECT_NE(reflect(a)["safety"]["message"], reflect(b)["safety"]["message"]);
}

// The detection is never a feeling: the named feelings are only the entry's mood tags.
TEST_F(Safety, DetectionIsNeverShownAsAFeeling) {
    ReflectInput input;
    input.text = "I got the job but I don't want to be alive anymore.";
    input.tags = {{"proud", 0.8, {}, "positive", 0.5}, {"sad", 0.9, {}, "negative", 0.5}};
    auto r = reflect(input);
    ASSERT_TRUE(r["safety"].is_object());
    ASSERT_EQ(r["feelings"].size(), 2u);
    for (const auto& f : r["feelings"]) {
        EXPECT_TRUE(f["label"] == "proud" || f["label"] == "sad");
    }
    EXPECT_FALSE(r["feelings"].dump().find("harm") != std::string::npos);
}

// Curly apostrophes, capitals and extra spaces do not hide a statement.
TEST_F(Safety, WritingStyleDoesNotHideRisk) {
    EXPECT_TRUE(assess_safety("I DON\u2019T   want to be ALIVE anymore").at_risk);
    EXPECT_TRUE(assess_safety("honestly...\n\ni wanna die").at_risk);
    EXPECT_TRUE(assess_safety("Everything was fine at lunch. Then I thought about ending my "
                              "life on the way home.")
                    .at_risk);
}

// Empty text is not at risk; invalid UTF-8 is refused with a clear error, not a crash.
TEST_F(Safety, EmptyAndInvalidText) {
    EXPECT_FALSE(assess_safety("").at_risk);
    EXPECT_FALSE(assess_safety("   ").at_risk);
    try {
        assess_safety(std::string("bad \xff byte"));
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
    }
}

// A very long entry is read whole: a statement at its end is found, and nothing crashes.
TEST_F(Safety, LongEntriesAreReadWhole) {
    std::string text;
    for (int i = 0; i < 600; ++i) text += "we walked and talked and walked some more ";
    EXPECT_FALSE(assess_safety(text).at_risk);
    text += ". I have a plan to end it this weekend.";
    EXPECT_TRUE(assess_safety(text).at_risk);
}

// With an NLI engine, the safety label set catches what no phrase rule knows.
TEST_F(Safety, NliLabelSetAddsToThePhraseRules) {
    FakeEngine nli("nli", [](const std::string&, const std::string& hypothesis) {
        return hypothesis.find("wants to die") != std::string::npos ? 0.97 : 0.05;
    });
    std::string text = "The grey feels permanent and I am looking for the exit.";
    EXPECT_FALSE(assess_safety(text).at_risk);
    auto assessment = assess_safety(text, &nli);
    EXPECT_TRUE(assessment.at_risk);
    EXPECT_EQ(assessment.concern, Concern::SelfHarm);
    EXPECT_GE(assessment.model_score, 0.97);
}

// A lexical engine is not asked: its word matching would not understand the label set.
TEST_F(Safety, LexicalEngineIsNotUsedForSafety) {
    FakeEngine lexical("lexical", [](const std::string&, const std::string&) { return 1.0; });
    auto assessment = assess_safety("A quiet evening with soup.", &lexical);
    EXPECT_FALSE(assessment.at_risk);
    EXPECT_EQ(lexical.calls, 0);
    EXPECT_EQ(assessment.model_score, -1.0);
}

// A failing model does not hide what the phrase rules found.
TEST_F(Safety, FailingModelKeepsPhraseRuleAnswer) {
    FakeEngine broken("nli", [](const std::string&, const std::string&) -> double {
        throw Error(ErrorCode::ModelError, "model file is broken");
    });
    EXPECT_TRUE(assess_safety("I want to kill myself.", &broken).at_risk);
    EXPECT_FALSE(assess_safety("Lunch with Sam.", &broken).at_risk);
}

}  // namespace
}  // namespace empathic::reflect
