// The zero-shot scoring contract (scoring.h), checked with a fake model whose logits are known.
#include "nlp/scoring.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numeric>

#include "core/error.h"
#include "fakes.h"
#include "nlp/model_folder.h"

namespace empathic {
namespace {

using testing::FakeScorer;
using testing::FakeTokenizer;

// Classes in the order of a config that lists contradiction first and entailment second.
const nlohmann::json kUnusualConfig = {
    {"id2label", {{"0", "contradiction"}, {"1", "entailment"}, {"2", "neutral"}}},
    {"label2id", {{"contradiction", 0}, {"entailment", 1}, {"neutral", 2}}}};

ScoringSetup unusual_setup() {
    NliClasses classes = find_nli_classes(kUnusualConfig, "config.json");
    ScoringSetup setup;
    setup.entailment_index = classes.entailment;
    setup.contradiction_index = classes.contradiction;
    setup.max_length = 512;
    return setup;
}

// (contradiction, entailment) logits per label word; neutral is always 0.
std::map<std::string, std::pair<float, float>> kLabelLogits = {{"joy", {-1.0f, 2.0f}},
                                                               {"grief", {1.5f, 0.5f}},
                                                               {"pride", {0.0f, 0.0f}},
                                                               {"calm", {0.0f, 0.0f}}};

// Logits of a pair from the label (last hypothesis word) in the unusual class order.
std::vector<float> label_logits(const std::vector<std::string>&,
                                const std::vector<std::string>& hypothesis) {
    auto [c, e] = kLabelLogits.at(hypothesis.back());
    return {c, e, 0.0f};
}

ClassifyRequest request(std::string text, std::vector<std::string> labels, bool multi = true) {
    ClassifyRequest r;
    r.text = std::move(text);
    r.labels = std::move(labels);
    r.hypothesis_template = "{}";
    r.multi_label = multi;
    return r;
}

double sigmoid(double x) {
    return 1.0 / (1.0 + std::exp(-x));
}

double score_of(const Classification& c, const std::string& label) {
    for (std::size_t i = 0; i < c.labels.size(); ++i) {
        if (c.labels[i] == label) return c.scores[i];
    }
    ADD_FAILURE() << "label " << label << " missing";
    return -1;
}

std::string evidence_of(const Classification& c, const std::string& label) {
    for (std::size_t i = 0; i < c.labels.size(); ++i) {
        if (c.labels[i] == label) {
            return c.sequence.substr(c.evidence[i].start, c.evidence[i].end - c.evidence[i].start);
        }
    }
    ADD_FAILURE() << "label " << label << " missing";
    return "";
}

// Multi-label: each label is softmax(contradiction, entailment)[entailment], read at the
// indices config.json gives, and labels come back sorted by score.
TEST(Scoring, MultiLabelIsEntailmentAgainstContradictionPerLabel) {
    FakeTokenizer tokenizer;
    FakeScorer scorer(tokenizer, 3, label_logits);
    ZeroShotScorer zero_shot(tokenizer, scorer, unusual_setup());

    auto result = zero_shot.classify(request("I feel it", {"grief", "pride", "joy"}));

    ASSERT_EQ(result.labels, (std::vector<std::string>{"joy", "pride", "grief"}));
    EXPECT_NEAR(result.scores[0], sigmoid(3.0), 1e-12);
    EXPECT_NEAR(result.scores[1], 0.5, 1e-12);
    EXPECT_NEAR(result.scores[2], sigmoid(-1.0), 1e-12);
    EXPECT_TRUE(result.multi_label);
    EXPECT_EQ(result.sequence, "I feel it");
}

// Single-label: a softmax over the labels' entailment logits; the scores sum to 1.
TEST(Scoring, SingleLabelIsSoftmaxOverEntailmentLogits) {
    FakeTokenizer tokenizer;
    FakeScorer scorer(tokenizer, 3, label_logits);
    ZeroShotScorer zero_shot(tokenizer, scorer, unusual_setup());

    auto result = zero_shot.classify(request("I feel it", {"grief", "pride", "joy"}, false));

    double z = std::exp(2.0) + std::exp(0.5) + std::exp(0.0);
    ASSERT_EQ(result.labels, (std::vector<std::string>{"joy", "grief", "pride"}));
    EXPECT_NEAR(result.scores[0], std::exp(2.0) / z, 1e-12);
    EXPECT_NEAR(result.scores[1], std::exp(0.5) / z, 1e-12);
    EXPECT_NEAR(result.scores[2], 1.0 / z, 1e-12);
    EXPECT_NEAR(std::accumulate(result.scores.begin(), result.scores.end(), 0.0), 1.0, 1e-12);
    EXPECT_FALSE(result.multi_label);
}

// A single label is scored on its own in both modes (a softmax over one label says 1.0).
TEST(Scoring, SingleLabelRequestWithOneLabelIsScoredPerLabel) {
    FakeTokenizer tokenizer;
    FakeScorer scorer(tokenizer, 3, label_logits);
    ZeroShotScorer zero_shot(tokenizer, scorer, unusual_setup());

    auto single = zero_shot.classify(request("I feel it", {"grief"}, false));
    auto multi = zero_shot.classify(request("I feel it", {"grief"}, true));

    EXPECT_NEAR(single.scores[0], sigmoid(-1.0), 1e-12);
    EXPECT_EQ(single.scores[0], multi.scores[0]);
}

// Equal scores keep the order the labels were given in.
TEST(Scoring, TiesKeepInputOrder) {
    FakeTokenizer tokenizer;
    FakeScorer scorer(tokenizer, 3, label_logits);
    ZeroShotScorer zero_shot(tokenizer, scorer, unusual_setup());

    auto result = zero_shot.classify(request("I feel it", {"pride", "grief", "calm", "joy"}));

    EXPECT_EQ(result.labels, (std::vector<std::string>{"joy", "pride", "calm", "grief"}));
    auto reversed = zero_shot.classify(request("I feel it", {"calm", "pride"}));
    EXPECT_EQ(reversed.labels, (std::vector<std::string>{"calm", "pride"}));
}

// Softmax is taken in double precision and survives large logits.
TEST(Scoring, SoftmaxIsStableForLargeLogits) {
    auto p = softmax({1000.0, 1000.0, 999.0});
    EXPECT_NEAR(p[0], p[1], 1e-15);
    EXPECT_NEAR(p[0] + p[1] + p[2], 1.0, 1e-15);
    EXPECT_NEAR(entailment_probability(-800.0, 800.0), 1.0, 1e-15);
    EXPECT_TRUE(softmax({}).empty());
}

// All (text, label) pairs go through the model in batches of at most batch_size, with the
// same scores as running them one at a time.
TEST(Scoring, BatchingMatchesOnePairAtATime) {
    FakeTokenizer tokenizer;
    std::vector<std::string> labels;
    for (int i = 0; i < 40; ++i) labels.push_back("label" + std::to_string(i));
    auto logits = [](const std::vector<std::string>& premise,
                     const std::vector<std::string>& hypothesis) {
        float x = static_cast<float>(std::hash<std::string>{}(hypothesis.back()) % 1000) / 250.f;
        return std::vector<float>{-x, x / 2 + static_cast<float>(premise.size()), 0.f};
    };
    FakeScorer batched_model(tokenizer, 3, logits);
    FakeScorer single_model(tokenizer, 3, logits);
    ScoringSetup setup = unusual_setup();
    ZeroShotScorer batched(tokenizer, batched_model, setup);
    setup.batch_size = 1;
    ZeroShotScorer one_by_one(tokenizer, single_model, setup);

    auto a = batched.classify(request("a short entry", labels));
    auto b = one_by_one.classify(request("a short entry", labels));

    EXPECT_EQ(a.labels, b.labels);
    EXPECT_EQ(a.scores, b.scores);
    EXPECT_EQ(batched_model.batch_sizes, (std::vector<std::size_t>{32, 8}));
    EXPECT_EQ(single_model.batch_sizes.size(), 40u);
}

// A text longer than the model allows is cut at sentences; each chunk is scored and a label
// keeps its best chunk's score (multi-label), with that chunk's sentence as evidence.
TEST(Scoring, LongTextIsChunkedAndAggregatedByMax) {
    FakeTokenizer tokenizer;
    // "joy" is entailed only by premises that contain "happy"; "grief" always a little.
    auto logits = [](const std::vector<std::string>& premise,
                     const std::vector<std::string>& hypothesis) {
        bool happy = std::find(premise.begin(), premise.end(), "happy.") != premise.end();
        if (hypothesis.back() == "joy") return std::vector<float>{0.f, happy ? 3.f : -3.f, 0.f};
        return std::vector<float>{0.f, -0.5f, 0.f};
    };
    FakeScorer model(tokenizer, 3, logits);
    ScoringSetup setup = unusual_setup();
    setup.max_length = 16;            // 3 special + 1 hypothesis token leaves 12 for the text
    setup.sentence_evidence = false;  // evidence is the best chunk
    ZeroShotScorer zero_shot(tokenizer, model, setup);

    std::string filler = "The bus was late and the rain kept falling on the town. ";
    std::string happy = "Then I saw her and I was happy. ";
    std::string text = filler + filler + happy + filler;

    auto result = zero_shot.classify(request(text, {"grief", "joy"}));

    ASSERT_EQ(result.labels[0], "joy");
    EXPECT_NEAR(result.scores[0], sigmoid(3.0), 1e-12);
    EXPECT_NEAR(result.scores[1], sigmoid(-0.5), 1e-12);
    EXPECT_EQ(evidence_of(result, "joy"), "Then I saw her and I was happy.");
    std::size_t start = result.evidence[0].start;
    EXPECT_EQ(start, 2 * filler.size());
    for (const auto& premise : model.premises) EXPECT_LE(premise.size(), 12u);
}

// Single-label mode on a long text averages the chunks' distributions, so the sum stays 1.
TEST(Scoring, SingleLabelLongTextAveragesChunkDistributions) {
    FakeTokenizer tokenizer;
    auto logits = [](const std::vector<std::string>& premise,
                     const std::vector<std::string>& hypothesis) {
        bool happy = std::find(premise.begin(), premise.end(), "happy.") != premise.end();
        float e = hypothesis.back() == "joy" ? (happy ? 2.f : 0.f) : 1.f;
        return std::vector<float>{0.f, e, 0.f};
    };
    FakeScorer model(tokenizer, 3, logits);
    ScoringSetup setup = unusual_setup();
    setup.max_length = 12;
    setup.sentence_evidence = false;
    ZeroShotScorer zero_shot(tokenizer, model, setup);

    auto result = zero_shot.classify(
        request("It rained all day long again. I was happy.", {"grief", "joy"}, false));

    // Chunk 1: softmax(0, 1); chunk 2: softmax(2, 1); joy's score is the mean of its two.
    double joy = (1.0 / (1.0 + std::exp(1.0)) + 1.0 / (1.0 + std::exp(-1.0))) / 2.0;
    EXPECT_NEAR(score_of(result, "joy"), joy, 1e-12);
    EXPECT_NEAR(result.scores[0] + result.scores[1], 1.0, 1e-12);
    EXPECT_EQ(evidence_of(result, "joy"), "I was happy.");
    EXPECT_EQ(evidence_of(result, "grief"), "It rained all day long again.");
}

// A short text with several sentences keeps the whole text's score, and each label points at
// the sentence that supports it best.
TEST(Scoring, ShortTextEvidenceIsTheBestSentence) {
    FakeTokenizer tokenizer;
    auto logits = [](const std::vector<std::string>& premise,
                     const std::vector<std::string>& hypothesis) {
        bool happy = std::find(premise.begin(), premise.end(), "happy!") != premise.end();
        bool sad = std::find(premise.begin(), premise.end(), "died.") != premise.end();
        float e = hypothesis.back() == "joy" ? (happy ? 2.f : -1.f) : (sad ? 1.f : -2.f);
        return std::vector<float>{0.f, e + (happy && sad ? 0.25f : 0.f), 0.f};
    };
    FakeScorer model(tokenizer, 3, logits);
    ZeroShotScorer zero_shot(tokenizer, model, unusual_setup());
    std::string text = "  My old cat died.\nBut the kids made me happy!  ";

    auto result = zero_shot.classify(request(text, {"joy", "grief"}));

    EXPECT_NEAR(score_of(result, "joy"), sigmoid(2.25), 1e-12);  // the whole text's score
    EXPECT_NEAR(score_of(result, "grief"), sigmoid(1.25), 1e-12);
    EXPECT_EQ(evidence_of(result, "joy"), "But the kids made me happy!");
    EXPECT_EQ(evidence_of(result, "grief"), "My old cat died.");
    EXPECT_EQ(result.evidence[0].start, text.find("But"));
    EXPECT_EQ(model.batch_sizes, (std::vector<std::size_t>{6}));  // text + 2 sentences, 2 labels

    // Single-label mode picks the same sentences: support for a label is its own entailment.
    auto single = zero_shot.classify(request(text, {"joy", "grief"}, false));
    EXPECT_EQ(evidence_of(single, "joy"), "But the kids made me happy!");
    EXPECT_EQ(evidence_of(single, "grief"), "My old cat died.");
}

// In a long text each label's evidence is the best sentence of its best chunk; only that
// chunk's sentences are scored again, and only against that label.
TEST(Scoring, LongTextEvidenceIsTheBestSentenceOfTheBestChunk) {
    FakeTokenizer tokenizer;
    auto logits = [](const std::vector<std::string>& premise,
                     const std::vector<std::string>& hypothesis) {
        bool happy = std::find(premise.begin(), premise.end(), "happy.") != premise.end();
        if (hypothesis.back() == "joy") return std::vector<float>{0.f, happy ? 3.f : -3.f, 0.f};
        return std::vector<float>{0.f, -0.5f, 0.f};
    };
    FakeScorer model(tokenizer, 3, logits);
    ScoringSetup setup = unusual_setup();
    setup.max_length = 16;  // 12 tokens for the text: chunks of three sentences
    ZeroShotScorer zero_shot(tokenizer, model, setup);
    std::string text =
        "The bus was late again. Rain kept falling. Then I saw her. I was happy. The day "
        "ended. We went home.";

    auto result = zero_shot.classify(request(text, {"grief", "joy"}));

    EXPECT_NEAR(score_of(result, "joy"), sigmoid(3.0), 1e-12);
    EXPECT_EQ(evidence_of(result, "joy"), "I was happy.");
    EXPECT_EQ(evidence_of(result, "grief"), "The bus was late again.");  // ties: the first
    // 2 chunks x 2 labels, then 3 sentences of each label's best chunk.
    EXPECT_EQ(model.batch_sizes, (std::vector<std::size_t>{4, 6}));
}

// With sentence evidence off (or a one-sentence text) the evidence is the whole text.
TEST(Scoring, WholeTextIsEvidenceWithoutSentenceScoring) {
    FakeTokenizer tokenizer;
    FakeScorer model(tokenizer, 3, label_logits);
    ScoringSetup setup = unusual_setup();
    setup.sentence_evidence = false;
    ZeroShotScorer zero_shot(tokenizer, model, setup);
    std::string text = "First. Second one.";

    auto result = zero_shot.classify(request(text, {"joy", "grief"}));

    EXPECT_EQ(result.evidence[0].start, 0u);
    EXPECT_EQ(result.evidence[0].end, text.size());
    EXPECT_EQ(model.premises.size(), 2u);  // one pair per label, no sentence pairs
}

// A template and label too long for the model leave no room for the text: a clear error.
TEST(Scoring, HypothesisTooLongForTheModelIsAnError) {
    FakeTokenizer tokenizer;
    FakeScorer model(tokenizer, 3, label_logits);
    ScoringSetup setup = unusual_setup();
    setup.max_length = 12;
    ZeroShotScorer zero_shot(tokenizer, model, setup);
    auto r = request("text", {"joy"});
    r.hypothesis_template = "one two three four five six seven {}";

    try {
        zero_shot.classify(r);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
        EXPECT_NE(std::string(e.what()).find("shorter template"), std::string::npos);
    }
}

// Multi-label scoring needs a contradiction class; a model without one says so.
TEST(Scoring, MultiLabelWithoutContradictionClassIsAnError) {
    FakeTokenizer tokenizer;
    FakeScorer model(tokenizer, 2, [](const auto&, const auto&) {
        return std::vector<float>{1.f, 0.f};
    });
    ScoringSetup setup;
    setup.entailment_index = 0;
    ZeroShotScorer zero_shot(tokenizer, model, setup);

    EXPECT_THROW(zero_shot.classify(request("text", {"joy", "grief"}, true)), Error);
    auto single = zero_shot.classify(request("text", {"joy", "grief"}, false));
    EXPECT_NEAR(single.scores[0], 0.5, 1e-12);
}

// Class indices beyond the model's outputs mean mismatched files: ModelError at set-up.
TEST(Scoring, EntailmentIndexBeyondOutputsIsAModelError) {
    FakeTokenizer tokenizer;
    FakeScorer model(tokenizer, 2, label_logits);
    ScoringSetup setup;
    setup.entailment_index = 2;
    try {
        ZeroShotScorer zero_shot(tokenizer, model, setup);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::ModelError);
    }
}

// A model answering with the wrong number of rows or classes is reported, not read past.
TEST(Scoring, WrongLogitShapeIsAModelError) {
    FakeTokenizer tokenizer;
    FakeScorer model(tokenizer, 3, [](const auto&, const auto&) {
        return std::vector<float>{1.f, 0.f};  // 2 values for 3 classes
    });
    ZeroShotScorer zero_shot(tokenizer, model, unusual_setup());

    try {
        zero_shot.classify(request("text", {"joy"}));
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::ModelError);
    }
}

}  // namespace
}  // namespace empathic
