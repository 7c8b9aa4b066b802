// The NLI engine on the generated random-weight models (tests/fixtures/gen_models): ONNX
// Runtime start-up, input names read from the graph, padding and batching that leave scores
// unchanged, the quantized-model preference, long entries, and every broken model folder.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numeric>

#include "core/error.h"
#include "nlp/nli_engine.h"
#include "nlp/onnx_session.h"

namespace empathic {
namespace {
namespace fs = std::filesystem;

// A generated model folder.
fs::path model_dir(const std::string& name) {
    return fs::path(EMPATHIC_FIXTURES) / "models" / name;
}

// Fails (not skips) the test when the fixtures were not generated.
#define REQUIRE_MODEL(name)                                                       \
    do {                                                                          \
        if (!fs::exists(fs::path(EMPATHIC_FIXTURES) / "models" / (name))) {       \
            FAIL() << "missing test model " << (name) << "; run `make fixtures`"; \
        }                                                                         \
    } while (0)

std::unique_ptr<NliEngine> load(const std::string& name, NliOptions options = {}) {
    options.prefer_quantized = false;
    options.threads = 1;
    auto engine = load_nli_engine(model_dir(name).string(), options);
    return std::unique_ptr<NliEngine>(static_cast<NliEngine*>(engine.release()));
}

ClassifyRequest request(std::string text, bool multi = true) {
    ClassifyRequest r;
    r.text = std::move(text);
    r.labels = {"joy", "grief", "pride", "anxiety", "relief"};
    r.multi_label = multi;
    return r;
}

// The message of the Error `fn` throws, checked to have `code`.
template <typename Fn>
std::string error_message(Fn fn, ErrorCode code) {
    try {
        fn();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), code) << e.what();
        return e.what();
    }
    ADD_FAILURE() << "expected an Error";
    return "";
}

// The runtime serves the API version Empathic was compiled against.
TEST(OnnxEngine, RuntimeStartsAndReportsItsVersion) {
    EXPECT_FALSE(onnx_runtime_version().empty());
}

// Each family loads; inputs are read from the graph (RoBERTa-style models have no
// token_type_ids) and the entailment index comes from config.json.
TEST(OnnxEngine, LoadsEachFamilyWithItsInputs) {
    REQUIRE_MODEL("bert");
    OnnxPairScorer bert(model_dir("bert") / "onnx/model.onnx", 3, 0);
    EXPECT_EQ(bert.input_names(),
              (std::vector<std::string>{"input_ids", "attention_mask", "token_type_ids"}));
    OnnxPairScorer roberta(model_dir("roberta") / "onnx/model.onnx", 3, 1);
    EXPECT_EQ(roberta.input_names(), (std::vector<std::string>{"input_ids", "attention_mask"}));

    EXPECT_EQ(load("bert")->folder().classes.entailment, 1u);     // contradiction, entailment, ..
    EXPECT_EQ(load("roberta")->folder().classes.entailment, 2u);  // .., NEUTRAL, ENTAILMENT
    EXPECT_EQ(load("xlmr")->folder().classes.entailment, 0u);     // entailment, ..
}

// Scores are probabilities in both modes, single-label ones sum to 1, and labels are sorted.
TEST(OnnxEngine, ScoresFollowTheContract) {
    REQUIRE_MODEL("bert");
    for (const char* family : {"bert", "roberta", "xlmr"}) {
        auto engine = load(family);
        auto multi = engine->classify(request("I finally finished the project today."));
        auto single = engine->classify(request("I finally finished the project today.", false));
        ASSERT_EQ(multi.labels.size(), 5u);
        EXPECT_TRUE(std::is_sorted(multi.scores.rbegin(), multi.scores.rend()));
        for (double s : multi.scores) EXPECT_TRUE(s > 0.0 && s < 1.0) << family;
        EXPECT_NEAR(std::accumulate(single.scores.begin(), single.scores.end(), 0.0), 1.0, 1e-9);
        EXPECT_EQ(multi.engine, "nli");
        EXPECT_EQ(multi.model, family);
    }
}

// Padding a short pair into a batch with a long one does not change its logits.
TEST(OnnxEngine, PaddingDoesNotChangeLogits) {
    REQUIRE_MODEL("bert");
    for (const char* family : {"bert", "roberta"}) {
        auto folder = read_model_folder(model_dir(family), false);
        auto tokenizer = Tokenizer::load(folder.tokenizer_json, folder.tokenizer_config_json);
        OnnxPairScorer scorer(folder.onnx_file, 3, tokenizer->pad_id());
        Encoding short_pair = tokenizer->encode_pair("Good day.", "This example is joy.");
        Encoding long_pair = tokenizer->encode_pair(
            "A much longer entry about the week, the weather, work and the people I met.",
            "This example is grief.");
        ASSERT_LT(short_pair.ids.size(), long_pair.ids.size());

        LogitMatrix alone = scorer.score({&short_pair});
        LogitMatrix padded = scorer.score({&long_pair, &short_pair});
        for (std::size_t c = 0; c < 3; ++c) {
            EXPECT_NEAR(alone.at(0, c), padded.at(1, c), 1e-5) << family;
        }
    }
}

// Batched scoring gives the same scores as one pair at a time.
TEST(OnnxEngine, BatchedEqualsOnePairAtATime) {
    REQUIRE_MODEL("xlmr");
    NliOptions one_by_one;
    one_by_one.batch_size = 1;
    auto batched = load("xlmr");
    auto single = load("xlmr", one_by_one);
    std::string text = "Rain again. I miss home, but the new job is going well!";

    auto a = batched->classify(request(text));
    auto b = single->classify(request(text));
    ASSERT_EQ(a.labels.size(), b.labels.size());
    for (std::size_t i = 0; i < a.labels.size(); ++i) {
        EXPECT_EQ(a.labels[i], b.labels[i]);
        EXPECT_NEAR(a.scores[i], b.scores[i], 1e-5);
    }
}

// The quantized file is loaded when present unless full precision is asked; it drifts a
// little from the float model, but only a little.
TEST(OnnxEngine, QuantizedModelIsPreferredAndClose) {
    REQUIRE_MODEL("bert");
    NliOptions quantized_options;
    quantized_options.threads = 1;
    auto quantized = load_nli_engine(model_dir("bert").string(), quantized_options);
    auto* q = static_cast<NliEngine*>(quantized.get());
    auto full = load("bert");
    EXPECT_TRUE(q->folder().quantized);
    EXPECT_EQ(q->folder().onnx_file.filename(), "model_quantized.onnx");
    EXPECT_EQ(full->folder().onnx_file.filename(), "model.onnx");

    auto a = q->classify(request("A calm, ordinary day."));
    auto b = full->classify(request("A calm, ordinary day."));
    double max_diff = 0.0;
    for (std::size_t i = 0; i < a.labels.size(); ++i) {
        for (std::size_t j = 0; j < b.labels.size(); ++j) {
            if (a.labels[i] == b.labels[j]) {
                max_diff = std::max(max_diff, std::abs(a.scores[i] - b.scores[j]));
            }
        }
    }
    EXPECT_GT(max_diff, 0.0);
    EXPECT_LT(max_diff, 0.05);
}

// A long entry (well over 512 tokens) is scored in chunks instead of failing or being
// truncated, and the evidence of each label lies inside the text, on sentence boundaries.
TEST(OnnxEngine, LongEntryIsChunked) {
    REQUIRE_MODEL("roberta");
    std::string text;
    for (int i = 0; i < 60; ++i) {
        text += "Day " + std::to_string(i) + " was long and I walked by the river for hours. ";
    }
    auto engine = load("roberta");
    auto result = engine->classify(request(text));
    ASSERT_EQ(result.evidence.size(), 5u);
    for (const Span& span : result.evidence) {
        EXPECT_LT(span.start, span.end);
        EXPECT_LE(span.end, text.size());
        EXPECT_EQ(text.substr(span.start, 4), "Day ");
        EXPECT_EQ(text[span.end - 1], '.');
    }
}

// Broken folders: each error names what is wrong.
TEST(OnnxEngine, BrokenModelFoldersAreExplained) {
    REQUIRE_MODEL("broken");
    auto broken = [](const char* name) { return (model_dir("broken") / name).string(); };

    EXPECT_NE(
        error_message([&] { load_nli_engine(broken("no_entailment")); }, ErrorCode::ModelError)
            .find("has no entailment label"),
        std::string::npos);
    EXPECT_NE(error_message([&] { load_nli_engine(broken("no_tokenizer")); }, ErrorCode::ModelError)
                  .find("tokenizer.json"),
              std::string::npos);
    EXPECT_NE(error_message([&] { load_nli_engine(broken("no_config")); }, ErrorCode::ModelError)
                  .find("config.json"),
              std::string::npos);
    EXPECT_NE(error_message([&] { load_nli_engine(broken("no_onnx")); }, ErrorCode::ModelError)
                  .find("onnx/model.onnx"),
              std::string::npos);
    auto garbage =
        error_message([&] { load_nli_engine(broken("garbage_onnx")); }, ErrorCode::ModelError);
    EXPECT_NE(garbage.find("model.onnx is not a readable ONNX model"), std::string::npos);
}

}  // namespace
}  // namespace empathic
