// bench_nli: how many (premise, hypothesis) pairs per second the NLI engine scores on a
// BERT-base-sized model (12 layers, hidden 768, 12 heads, intermediate 3072, the real BERT
// uncased vocabulary, random weights: as slow as a trained model), for one entry of about
// 128 tokens per pair against 16 labels, batched and one pair at a time.
//
//   bench_nli [--threads N] [--reps N] [--model DIR]
//
// Without --model the model is generated once under the build folder by
// tests/fixtures/gen_models --bench (about 440 MB) and reused afterwards.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "nlp/nli_engine.h"
#include "nlp/onnx_session.h"

namespace {
namespace fs = std::filesystem;
using empathic::Encoding;

constexpr std::size_t kPairTokens = 128;
constexpr int kLabels = 16;

struct Args {
    int threads = 2;
    int reps = 3;
    std::string model;
};

Args parse_args(int argc, char** argv) {
    Args args;
    for (int i = 1; i < argc; ++i) {
        std::string flag = argv[i];
        if (i + 1 >= argc) {
            std::fprintf(stderr, "usage: bench_nli [--threads N] [--reps N] [--model DIR]\n");
            std::exit(2);
        }
        if (flag == "--threads") {
            args.threads = std::atoi(argv[++i]);
        } else if (flag == "--reps") {
            args.reps = std::max(1, std::atoi(argv[++i]));
        } else if (flag == "--model") {
            args.model = argv[++i];
        } else {
            std::fprintf(stderr, "bench_nli: unknown flag %s\n", flag.c_str());
            std::exit(2);
        }
    }
    return args;
}

// The generated BERT-base-sized model folder, made on first use.
fs::path bench_model() {
    fs::path dir = fs::path(EMPATHIC_BENCH_DIR) / "nli-bert-base";
    if (fs::exists(dir / ".generated") && fs::exists(dir / "onnx/model.onnx")) return dir;
    std::string command = std::string("'") + EMPATHIC_SOURCE_DIR +
                          "/tests/fixtures/gen_models' --bench '" + dir.string() + "' '" +
                          EMPATHIC_FIXTURES + "'";
    if (std::system(command.c_str()) != 0) {
        throw empathic::Error(empathic::ErrorCode::Unavailable,
                              "could not generate the benchmark model with: " + command);
    }
    return dir;
}

// The 16 labels a journal might score an entry against.
std::vector<std::string> labels() {
    return {"joy",   "sadness", "anger",   "fear",     "pride",      "gratitude",
            "guilt", "shame",   "relief",  "love",     "loneliness", "hope",
            "grief", "anxiety", "boredom", "nostalgia"};
}

// An entry whose pair with the longest hypothesis has about kPairTokens tokens.
std::string entry_of_length(const empathic::Tokenizer& tokenizer, std::size_t premise_tokens) {
    const std::string sentences[] = {
        "Today I walked to the old bridge before work and watched the river for a while. ",
        "My sister called about the house, and we talked longer than we have in months. ",
        "The meeting went badly, but afterwards a colleague stopped by my desk to say thanks. ",
        "In the evening I cooked the soup my grandmother used to make and ate it slowly. "};
    std::string text;
    for (int i = 0; tokenizer.count_tokens(text) < premise_tokens; ++i) {
        text += sentences[i % 4];
    }
    // Trim words from the end until it fits.
    while (tokenizer.count_tokens(text) > premise_tokens) {
        auto cut = text.find_last_of(' ', text.size() - 2);
        text.resize(cut + 1);
    }
    return text;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Best time of `reps` runs of `fn` (after one warm-up run).
template <typename Fn>
double best_of(int reps, Fn fn) {
    fn();
    double best = 1e30;
    for (int i = 0; i < reps; ++i) {
        auto start = std::chrono::steady_clock::now();
        fn();
        best = std::min(best, seconds_since(start));
    }
    return best;
}

int run(const Args& args) {
    fs::path dir = args.model.empty() ? bench_model() : fs::path(args.model);
    auto folder = empathic::read_model_folder(dir, false);
    auto tokenizer = empathic::Tokenizer::load(folder.tokenizer_json, folder.tokenizer_config_json);

    // The entry and its 16 pairs.
    std::vector<std::string> hypotheses;
    std::size_t longest = 0;
    for (const auto& label : labels()) {
        hypotheses.push_back(empathic::make_hypothesis(empathic::kDefaultTemplate, label));
        longest = std::max(longest, tokenizer->count_tokens(hypotheses.back()));
    }
    std::string text =
        entry_of_length(*tokenizer, kPairTokens - longest - tokenizer->pair_special_tokens());
    std::vector<Encoding> pairs;
    std::size_t total_tokens = 0;
    for (const auto& h : hypotheses) {
        pairs.push_back(tokenizer->encode_pair(text, h));
        total_tokens += pairs.back().ids.size();
    }
    std::printf("model: %s (%s), ONNX Runtime %s, %d threads\n", dir.string().c_str(),
                folder.onnx_file.filename().string().c_str(),
                empathic::onnx_runtime_version().c_str(), args.threads);
    std::printf("entry: %zu premise tokens; %d labels; pairs of %zu tokens on average\n",
                tokenizer->count_tokens(text), kLabels, total_tokens / pairs.size());

    // The ONNX session alone: one batch of 16 pairs, then 16 runs of one pair.
    empathic::OnnxPairScorer scorer(folder.onnx_file, folder.classes.names.size(),
                                    tokenizer->pad_id(), {args.threads});
    std::vector<const Encoding*> all;
    for (const auto& p : pairs) all.push_back(&p);
    double batched = best_of(args.reps, [&] { scorer.score(all); });
    double single = best_of(args.reps, [&] {
        for (const auto* p : all) scorer.score({p});
    });
    std::printf("session, one batch of %d pairs:  %6.2f pairs/s  (%.0f ms per entry)\n", kLabels,
                kLabels / batched, batched * 1000);
    std::printf("session, one pair at a time:     %6.2f pairs/s  (%.0f ms per entry)\n",
                kLabels / single, single * 1000);

    // The whole engine (tokenising, batching, scoring), with and without sentence evidence.
    empathic::ClassifyRequest request;
    request.text = text;
    request.labels = labels();
    for (bool evidence : {false, true}) {
        empathic::NliOptions options;
        options.threads = args.threads;
        options.prefer_quantized = false;
        options.sentence_evidence = evidence;
        auto engine = empathic::load_nli_engine(dir.string(), options);
        double t = best_of(args.reps, [&] { engine->classify(request); });
        if (evidence) {
            std::printf("engine, with sentence evidence:  %6.2f entries/s (%.0f ms per entry)\n",
                        1.0 / t, t * 1000);
        } else {
            std::printf("engine, scores only:             %6.2f pairs/s  (%.0f ms per entry)\n",
                        kLabels / t, t * 1000);
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parse_args(argc, argv));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_nli: %s\n", e.what());
        return 1;
    }
}
