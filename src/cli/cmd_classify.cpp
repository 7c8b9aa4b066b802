// CLI command: classify. Tags one text with candidate labels and prints the labels, their
// scores and the part of the text behind each, as a table or as JSON.
//
//   empathic classify "I finally finished it" --labels "joy,grief,pride"
//   echo "..." | empathic classify --labels joy,relief --single-label --json
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include "app/config.h"
#include "app/engines.h"
#include "cli/commands.h"
#include "core/utf8.h"
#include "nlp/classification_json.h"
#include "nlp/nli_engine.h"

namespace empathic::cli {
namespace {

// Widest evidence shown in the table, in characters; longer evidence is cut with "…".
constexpr std::size_t kEvidenceWidth = 72;

struct ClassifyOptions {
    std::string text;
    std::string labels;
    std::string hypothesis_template = kDefaultTemplate;
    bool single_label = false;
    std::string model;
    int threads = -1;  // -1: the configured number
    bool full_precision = false;
    bool json = false;
};

// The engine named by --model: the configured one when absent, the lexical engine by name,
// else an NLI model folder or hub id loaded with this command's options.
std::shared_ptr<Engine> engine_for(const ClassifyOptions& options) {
    if (options.model.empty() || options.model == "default" ||
        options.model == kLexicalEngineName) {
        return open_engine(options.model);
    }
    NliOptions nli;
    nli.threads =
        options.threads >= 0 ? options.threads : Config::load().get("threads", 0).get<int>();
    nli.prefer_quantized = !options.full_precision;
    return load_nli_engine(options.model, nli);
}

// One line of the table's evidence column: whitespace runs folded to one space, cut to
// kEvidenceWidth characters.
std::string evidence_cell(const std::string& text, const Span& span) {
    std::string flat;
    bool space = false;
    for (std::size_t i = span.start; i < span.end && i < text.size(); ++i) {
        char c = text[i];
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = true;
            continue;
        }
        if (space && !flat.empty()) flat += ' ';
        space = false;
        flat += c;
    }
    if (utf8::length(flat) <= kEvidenceWidth) return flat;
    return flat.substr(0, utf8::byte_offset_of(flat, kEvidenceWidth - 1)) + "\u2026";
}

void print_table(const Classification& result) {
    std::size_t width = 5;  // "label"
    for (const auto& label : result.labels) width = std::max(width, utf8::length(label));
    auto pad = [&](const std::string& s) {
        return s + std::string(width - std::min(width, utf8::length(s)), ' ');
    };

    std::printf("%s  %-6s  %s\n", pad("label").c_str(), "score", "evidence");
    for (std::size_t i = 0; i < result.labels.size(); ++i) {
        std::string evidence =
            i < result.evidence.size() ? evidence_cell(result.sequence, result.evidence[i]) : "";
        std::printf("%s  %.4f  %s\n", pad(result.labels[i]).c_str(), result.scores[i],
                    evidence.c_str());
    }
    std::printf("(%s engine, model %s, %s)\n", result.engine.c_str(), result.model.c_str(),
                result.multi_label ? "multi-label: each score on its own"
                                   : "single-label: scores sum to 1");
    if (!result.understood) {
        std::printf("The engine could not read this text; these scores are not tags.\n");
    }
}

void run_classify(ClassifyOptions options, bool text_given) {
    // The text: the argument, or all of standard input.
    if (!text_given) {
        if (isatty(STDIN_FILENO)) {
            std::fprintf(stderr, "Reading the text from standard input; end it with Ctrl-D.\n");
        }
        options.text.assign(std::istreambuf_iterator<char>(std::cin),
                            std::istreambuf_iterator<char>());
    }

    // Validate before loading anything, so mistakes are reported at once.
    ClassifyRequest request;
    request.text = options.text;
    request.labels =
        options.labels.empty() ? std::vector<std::string>{} : split_labels(options.labels);
    request.hypothesis_template = options.hypothesis_template;
    request.multi_label = !options.single_label;
    std::vector<std::string> warnings;
    request = normalize_request(std::move(request), warnings);
    for (const auto& warning : warnings) {
        std::fprintf(stderr, "empathic: warning: %s\n", warning.c_str());
    }

    auto engine = engine_for(options);
    Classification result = engine->classify(request);
    for (const auto& warning : result.warnings) {
        std::fprintf(stderr, "empathic: warning: %s\n", warning.c_str());
    }
    result.warnings.insert(result.warnings.begin(), warnings.begin(), warnings.end());

    if (options.json) {
        std::printf("%s\n", to_json(result).dump(2).c_str());
    } else {
        print_table(result);
    }
}

}  // namespace

void add_classify_command(CLI::App& app) {
    auto options = std::make_shared<ClassifyOptions>();
    auto* cmd = app.add_subcommand(
        "classify", "Tag a text with candidate labels (zero-shot) and show the evidence");
    cmd->add_option("text", options->text,
                    "Text to classify; read from standard input when absent");
    cmd->add_option("--labels,-l", options->labels,
                    "Candidate labels, comma-separated, e.g. \"joy,grief,pride\"");
    cmd->add_option("--template,-t", options->hypothesis_template,
                    "Hypothesis template with one {} for the label")
        ->capture_default_str();
    cmd->add_flag("--single-label", options->single_label,
                  "Scores compete and sum to 1 (default: each label scored on its own)");
    cmd->add_option("--model,-m", options->model,
                    "Model folder, installed hub id (org/name) or \"lexical\"; default: the "
                    "configured model, else the lexical engine");
    cmd->add_option("--threads", options->threads,
                    "Inference threads for --model (0: one per core)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--full-precision", options->full_precision,
                  "With --model, load onnx/model.onnx even when a quantized model is present");
    cmd->add_flag("--json", options->json, "Print JSON instead of a table");
    cmd->callback([options, cmd] { run_classify(*options, cmd->count("text") > 0); });
}

}  // namespace empathic::cli
