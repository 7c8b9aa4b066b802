// With a real NLI engine (the tiny random-weight model the test fixtures generate), question
// re-ranking and the safety label set run through ONNX Runtime end to end. Random weights give
// meaningless scores, so only the contract is checked: it runs, and says what it used.
#include <gtest/gtest.h>

#include <filesystem>

#include "nlp/nli_engine.h"
#include "test_support.h"

namespace empathic::reflect {
namespace {

using testing::HomeFixture;

class RealNliEngine : public HomeFixture {
  protected:
    void SetUp() override {
        HomeFixture::SetUp();
        auto folder = std::filesystem::path(EMPATHIC_FIXTURES) / "models/bert";
        if (!std::filesystem::exists(folder / "config.json")) {
            GTEST_SKIP() << "no generated model in " << folder << " (run tests/fixtures/generate)";
        }
        engine = load_nli_engine(folder.string());
    }
    std::unique_ptr<Engine> engine;
};

// Re-ranking runs on the model and the reflection says "nli".
TEST_F(RealNliEngine, RerankingRunsOnTheModel) {
    ReflectInput input;
    input.text = "Big presentation tomorrow and my stomach is in knots.";
    input.tags = {Tag{"anxious", 0.8, {0, input.text.size()}, "negative", 0.5}};
    input.engine = engine.get();
    auto r = reflect(input);
    EXPECT_EQ(r["engine"], "nli");
    EXPECT_GE(r["questions"].size(), 1u);
}

// The safety label set is scored, with a probability in [0, 1].
TEST_F(RealNliEngine, SafetyLabelSetIsScored) {
    auto assessment = assess_safety("A walk in the park with my sister.", engine.get());
    EXPECT_GE(assessment.model_score, 0.0);
    EXPECT_LE(assessment.model_score, 1.0);
    EXPECT_TRUE(assess_safety("I want to kill myself.", engine.get()).at_risk);
}

}  // namespace
}  // namespace empathic::reflect
