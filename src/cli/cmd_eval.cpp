// CLI command: eval, the quality report (src/lexical/eval.h). It scores public emotion data
// with the lexical engine's three settings (label word only, WordNet, WordNet and seed words)
// and, given a model, with the NLI engine too, and prints the figures side by side.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "app/engines.h"
#include "cli/commands.h"
#include "core/error.h"
#include "core/fs_util.h"
#include "lexical/eval.h"
#include "lexical/lexical_engine.h"

namespace empathic::cli {
namespace fs = std::filesystem;
namespace {

struct EvalOptions {
    std::string data;
    std::string dataset = "all";
    std::string model = "lexical";
    int splits = 20;
    std::size_t limit = 0;
    std::uint64_t seed = 1;
    std::string json;
    std::string hypothesis_template = kDefaultTemplate;
};

/// The engines to compare: the lexical settings, then the named model when it is not lexical.
std::vector<std::shared_ptr<Engine>> engines_for(const std::string& model) {
    std::vector<std::shared_ptr<Engine>> engines;
    for (auto& engine : eval::lexical_report_engines()) engines.push_back(std::move(engine));
    if (model != kLexicalEngineName) engines.push_back(open_engine(model));
    return engines;
}

void run_eval(const EvalOptions& options) {
    fs::path dir = options.data.empty() ? eval::default_data_dir() : fs::path(options.data);
    if (!fs::is_directory(dir)) {
        throw Error(ErrorCode::NotFound, "no evaluation data in " + dir.string() +
                                             "; pass --data with the folder that holds "
                                             "goemotions/ and xed/");
    }

    std::vector<eval::Dataset> datasets;
    if (options.dataset == "goemotions" || options.dataset == "all") {
        datasets.push_back(eval::load_goemotions(dir / "goemotions", options.limit));
    }
    if (options.dataset == "xed" || options.dataset == "all") {
        datasets.push_back(
            eval::load_xed(dir / "xed/en-annotated.tsv", "xed-en", true, options.limit));
        for (const auto& [file, name] : {std::pair{"zh-projections.tsv", "xed-zh"},
                                         std::pair{"cn-projections.tsv", "xed-cn"}}) {
            if (fs::exists(dir / "xed" / file)) {
                datasets.push_back(eval::load_xed(dir / "xed" / file, name, false, options.limit));
            }
        }
    }

    auto engines = engines_for(options.model);
    eval::SplitOptions splits{options.splits, options.seed};
    nlohmann::json report = {{"data", dir.string()},
                             {"splits", options.splits},
                             {"seed", options.seed},
                             {"limit", options.limit},
                             {"datasets", nlohmann::json::array()}};
    for (const auto& data : datasets) {
        std::vector<eval::EngineFigures> figures;
        for (const auto& engine : engines) {
            auto table = eval::score_dataset(*engine, data, options.hypothesis_template);
            figures.push_back(eval::evaluate(data, table, splits));
        }
        std::printf("%s\n", eval::format_table(data, figures).c_str());
        if (!data.english) {
            for (const auto& f : figures) {
                std::printf("%s read %.0f%% of the %s rows%s\n", f.model.c_str(),
                            100.0 * f.understood, data.name.c_str(),
                            f.understood == 0.0 ? " (all tagged \"not understood\")" : "");
            }
            std::printf("\n");
        }
        report["datasets"].push_back(eval::to_json(data, figures));
    }
    std::fflush(stdout);

    if (!options.json.empty()) write_file_atomically(options.json, report.dump(2) + "\n");
}

}  // namespace

void add_eval_command(CLI::App& app) {
    auto options = std::make_shared<EvalOptions>();
    auto* cmd = app.add_subcommand(
        "eval",
        "Quality report: tag public emotion data (GoEmotions, XED) and print precision, recall "
        "and F1 per label for each engine, thresholds chosen on one half of the rows and scored "
        "on the other");
    cmd->add_option("--data", options->data,
                    "Folder holding goemotions/ and xed/ (default: $EMPATHIC_EVAL_DATA, else " +
                        eval::default_data_dir().string() + ")");
    cmd->add_option("--dataset", options->dataset, "goemotions, xed or all")
        ->check(CLI::IsMember({"goemotions", "xed", "all"}))
        ->capture_default_str();
    cmd->add_option("--model", options->model,
                    "\"lexical\" (its three settings only), or a model folder or installed hub id "
                    "to compare the NLI engine with them")
        ->capture_default_str();
    cmd->add_option("--splits", options->splits, "Random half splits averaged over")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    cmd->add_option("--limit", options->limit,
                    "Use N rows of each file, spread evenly over it (0 = all)")
        ->capture_default_str();
    cmd->add_option("--seed", options->seed, "Seed of the random splits")->capture_default_str();
    cmd->add_option("--template", options->hypothesis_template,
                    "Hypothesis template for the NLI engine")
        ->capture_default_str();
    cmd->add_option("--json", options->json, "Also write the report as JSON to this file");
    cmd->callback([options] { run_eval(*options); });
}

}  // namespace empathic::cli
