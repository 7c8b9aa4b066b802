// CLI commands: model pull | add | list | info | use | remove | catalogue. They parse, call
// src/hub, and print; the download protocol and the store's rules live in src/hub.
//
//   empathic model pull                       # offers the catalogue (the default without a TTY)
//   empathic model pull Xenova/nli-deberta-v3-xsmall --variant full
//   empathic model pull --if-online           # `make run`: the default model, where a network is
//   empathic model add ~/usb/nli-model --id local/nli
//   empathic model list | info ID | use ID | use lexical | remove ID
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "app/engines.h"
#include "cli/commands.h"
#include "core/error.h"
#include "hub/catalogue.h"
#include "hub/hub_client.h"
#include "hub/model_store.h"
#include "hub/progress.h"
#include "hub/pull.h"

namespace empathic::cli {
namespace {

namespace fs = std::filesystem;
using hub::human_size;

/// Draws the pull's progress on stderr.
class ProgressObserver : public hub::PullObserver {
  public:
    void file_started(const std::string& path, std::optional<std::uint64_t> size,
                      std::uint64_t resumed_from) override {
        bar_.start(path, size, resumed_from);
    }
    void file_progress(std::uint64_t done, std::optional<std::uint64_t> total) override {
        bar_.update(done, total);
    }
    void file_finished(const std::string&, std::uint64_t size) override { bar_.finish(size); }
    void file_failed() override { bar_.abandon(); }
    void notice(const std::string& message) override {
        std::fprintf(stderr, "%s\n", message.c_str());
    }

  private:
    hub::ProgressBar bar_;
};

std::string join(const std::vector<std::string>& items, const std::string& separator) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
    return out;
}

void print_catalogue(const hub::Catalogue& catalogue) {
    int number = 1;
    for (const auto& entry : catalogue.models) {
        std::printf("%d. %s%s\n   %s\n   %.0f MB (%s), %s, licence %s, from %s\n", number++,
                    entry.id.c_str(), entry.is_default ? "  [default]" : "", entry.title.c_str(),
                    entry.size_mb(entry.default_variant), entry.default_variant.c_str(),
                    join(entry.languages, " ").c_str(), entry.license.c_str(),
                    entry.source.c_str());
    }
}

/// Asks which catalogue model to pull; Enter picks the default.
std::string choose_from_catalogue(const hub::Catalogue& catalogue) {
    std::printf("Recommended models:\n");
    print_catalogue(catalogue);
    std::printf("Pull which one? [1-%zu, Enter = the default] ", catalogue.models.size());
    std::fflush(stdout);
    std::string answer;
    if (!std::getline(std::cin, answer) || answer.find_first_not_of(" \t") == std::string::npos) {
        return catalogue.default_entry().id;
    }
    try {
        auto index = std::stoul(answer);
        if (index >= 1 && index <= catalogue.models.size()) return catalogue.models[index - 1].id;
    } catch (const std::exception&) {
    }
    throw Error(ErrorCode::InvalidInput,
                "'" + answer + "' is not one of the numbers shown; run the command again");
}

struct PullOptions {
    std::string id;
    std::string revision = "main";
    std::string variant;
    bool if_online = false;
    bool force = false;
};

/// After a first pull or add: tag the journal with the new model when it loads (`checked`:
/// it has just passed the self-check, so it is not loaded again).
void adopt_if_first(const std::string& id, bool checked = false) {
    if (!hub::model_in_use().empty()) {
        std::printf("`empathic model use %s` tags the journal with it.\n", id.c_str());
        return;
    }
    try {
        if (!checked) hub::self_check_model(id);
        hub::use_model(id);
        std::printf(
            "The journal now tags with %s (`empathic model use lexical` goes back to "
            "the offline engine).\n",
            id.c_str());
    } catch (const Error& e) {
        std::printf(
            "%s is installed but could not be loaded (%s); the journal keeps the "
            "offline lexical engine.\n",
            id.c_str(), e.what());
    }
}

void run_pull(PullOptions options) {
    auto settings = hub::HubSettings::from_environment();
    hub::check_variant(options.variant);

    // No id: the catalogue is offered on a terminal; elsewhere its default is pulled.
    if (options.id.empty()) {
        auto catalogue = hub::load_catalogue();
        if (!options.if_online && ::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO)) {
            options.id = choose_from_catalogue(catalogue);
        } else {
            const auto& entry = catalogue.default_entry();
            options.id = entry.id;
            if (!options.if_online) {
                std::printf(
                    "Pulling the recommended default, %s (about %.0f MB); `empathic "
                    "model catalogue` lists the others.\n",
                    entry.id.c_str(), entry.size_mb(entry.default_variant));
            }
        }
    }

    hub::check_model_id(options.id);
    std::error_code ec;
    if (!options.force && fs::is_directory(hub::installed_folder(options.id), ec)) {
        std::printf("%s is already installed (--force downloads it again).\n", options.id.c_str());
        return;
    }

    ProgressObserver observer;
    hub::PullResult result;
    try {
        result =
            hub::pull_model({options.id, options.revision, options.variant}, settings, observer);
    } catch (const hub::HubUnreachable& e) {
        if (!options.if_online) throw;
        std::printf(
            "Not pulling %s: %s. The journal works offline with the lexical engine "
            "meanwhile.\n",
            options.id.c_str(), e.what());
        return;
    } catch (const hub::TransferInterrupted& e) {
        // The network went away mid-download: for --if-online that is the same as no network.
        if (!options.if_online) throw;
        std::printf("Not pulling %s now: %s. The journal works offline meanwhile.\n",
                    options.id.c_str(), e.what());
        return;
    }
    std::printf("Installed %s (%s, %s) in %s.\n", result.id.c_str(), result.onnx_file.c_str(),
                human_size(result.size_bytes).c_str(), result.folder.c_str());
    adopt_if_first(result.id);
}

void run_list(bool as_json) {
    auto models = hub::list_installed_models();
    auto in_use = hub::model_in_use();
    if (as_json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& m : models) {
            out.push_back({{"id", m.id},
                           {"folder", m.folder.string()},
                           {"size_bytes", m.size_bytes},
                           {"architecture", m.architecture},
                           {"model_type", m.model_type},
                           {"labels", m.labels},
                           {"languages", m.languages},
                           {"onnx_files", m.onnx_files},
                           {"license", m.license},
                           {"in_use", m.in_use}});
        }
        std::printf("%s\n", out.dump(2).c_str());
        return;
    }

    std::printf("%s lexical  (offline WordNet engine, always available)\n",
                in_use.empty() ? "*" : " ");
    for (const auto& m : models) {
        std::printf("%s %s  %s  %s  labels: %s  languages: %s\n", m.in_use ? "*" : " ",
                    m.id.c_str(), human_size(m.size_bytes).c_str(),
                    (m.model_type.empty() ? m.architecture : m.model_type).c_str(),
                    join(m.labels, ", ").c_str(),
                    m.languages.empty() ? "unknown" : join(m.languages, " ").c_str());
    }
    if (models.empty()) {
        std::printf("No model installed: `empathic model pull` downloads a recommended one.\n");
    }
    for (const auto& partial : hub::list_partial_downloads()) {
        std::printf(
            "  (interrupted download of %s, %s so far: `empathic model pull %s` "
            "resumes it)\n",
            partial.id.c_str(), human_size(partial.bytes).c_str(), partial.id.c_str());
    }
}

void run_info(const std::string& id, bool check) {
    auto m = hub::describe_installed_model(id);
    std::printf("id:           %s%s\n", m.id.c_str(), m.in_use ? "  (tags the journal)" : "");
    std::printf("folder:       %s\n", m.folder.c_str());
    std::printf("size:         %s\n", human_size(m.size_bytes).c_str());
    std::printf("architecture: %s%s%s\n", m.architecture.c_str(),
                m.model_type.empty() ? "" : "  model_type ", m.model_type.c_str());
    std::printf("labels:       %s\n", join(m.labels, ", ").c_str());
    std::printf("languages:    %s\n",
                m.languages.empty() ? "unknown" : join(m.languages, " ").c_str());
    if (!m.license.empty()) std::printf("licence:      %s\n", m.license.c_str());
    std::printf("onnx files:   %s\n", join(m.onnx_files, ", ").c_str());
    if (m.origin == "hub") {
        std::printf("from:         the hub, revision %s%s%s\n", m.revision.c_str(),
                    m.commit.empty() ? "" : ", commit ", m.commit.c_str());
    } else if (m.origin == "folder") {
        std::printf("from:         a folder added with `empathic model add`\n");
    }
    if (!check) return;

    std::fflush(stdout);
    auto result = hub::self_check_model(id);  // an unusable model throws: exit status 3
    std::printf("self-check:   ok: loaded in %.0f ms; one pair tokenised and scored in %.1f ms\n",
                result.load_ms, result.pair_ms);
}

void run_use(const std::string& id) {
    if (id != kLexicalEngineName) {
        hub::describe_installed_model(id);
        auto check = hub::self_check_model(id);  // never switch the journal to a broken model
        std::printf("%s loads and scores (%.0f ms to load).\n", id.c_str(), check.load_ms);
    }
    hub::use_model(id);
    if (id == kLexicalEngineName) {
        std::printf("The journal now tags with the offline lexical engine.\n");
    } else {
        std::printf("The journal now tags with %s.\n", id.c_str());
    }
}

}  // namespace

void add_model_commands(CLI::App& app) {
    auto* model = app.add_subcommand("model", "Install, list, inspect and choose NLI models");
    model->require_subcommand(1);

    // pull
    auto pull_options = std::make_shared<PullOptions>();
    auto* pull = model->add_subcommand(
        "pull", "Download a model from the hub (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE apply)");
    pull->add_option("id", pull_options->id,
                     "Hub id ORG/NAME of an ONNX export (none: choose from the catalogue)");
    pull->add_option("--revision", pull_options->revision, "Branch, tag or commit (main)");
    pull->add_option("--variant", pull_options->variant,
                     "quantized (smaller, faster; the default when published) or full");
    pull->add_flag("--if-online", pull_options->if_online,
                   "Only a notice, and exit 0, when the hub cannot be reached");
    pull->add_flag("--force", pull_options->force, "Download again even when installed");
    pull->callback([pull_options] { run_pull(*pull_options); });

    // add
    auto add_source = std::make_shared<std::string>();
    auto add_id = std::make_shared<std::string>();
    auto add_options = std::make_shared<hub::AddFolderOptions>();
    auto add_no_check = std::make_shared<bool>(false);
    auto* add = model->add_subcommand(
        "add", "Install a model folder copied from elsewhere (config.json, tokenizer.json, onnx/)");
    add->add_option("path", *add_source, "The model folder")->required();
    add->add_option("--id", *add_id, "Id to install it as, ORG/NAME (default local/<folder>)");
    add->add_flag("--replace", add_options->replace, "Replace an installed model with the same id");
    add->add_flag("--no-check", *add_no_check,
                  "Install without loading the model and scoring one pair first");
    add->callback([add_source, add_id, add_options, add_no_check] {
        std::string id = add_id->empty() ? hub::default_id_for_folder(*add_source) : *add_id;
        add_options->self_check = !*add_no_check;
        // An unusable folder throws the self-check's error: exit status 3, nothing installed.
        auto m = hub::add_model_folder(*add_source, id, *add_options);
        std::printf("Installed %s (%s) from %s%s.\n", m.id.c_str(),
                    human_size(m.size_bytes).c_str(), add_source->c_str(),
                    add_options->self_check ? "; it loads and scores"
                                            : " without a self-check (`empathic model info` "
                                              "runs one)");
        adopt_if_first(m.id, add_options->self_check);
    });

    // list
    auto list_json = std::make_shared<bool>(false);
    auto* list = model->add_subcommand("list", "Installed models (* marks the one in use)");
    list->add_flag("--json", *list_json, "Print JSON");
    list->callback([list_json] { run_list(*list_json); });

    // info
    auto info_id = std::make_shared<std::string>();
    auto info_no_check = std::make_shared<bool>(false);
    auto* info = model->add_subcommand("info", "Details of an installed model and a self-check");
    info->add_option("id", *info_id, "Installed model id ORG/NAME")->required();
    info->add_flag("--no-check", *info_no_check, "Skip loading the model");
    info->callback([info_id, info_no_check] { run_info(*info_id, !*info_no_check); });

    // use
    auto use_id = std::make_shared<std::string>();
    auto* use = model->add_subcommand("use", "Choose the model that tags the journal");
    use->add_option("id", *use_id, "Installed model id, or 'lexical' for the offline engine")
        ->required();
    use->callback([use_id] { run_use(*use_id); });

    // remove
    auto remove_id = std::make_shared<std::string>();
    auto* remove = model->add_subcommand("remove", "Delete an installed model");
    remove->add_option("id", *remove_id, "Installed model id ORG/NAME")->required();
    remove->callback([remove_id] {
        bool was_in_use = hub::remove_model(*remove_id);
        std::printf("Removed %s.%s\n", remove_id->c_str(),
                    was_in_use ? " The journal now tags with the offline lexical engine." : "");
    });

    // catalogue
    auto* catalogue = model->add_subcommand("catalogue", "Recommended models to pull");
    catalogue->callback([] { print_catalogue(hub::load_catalogue()); });
}

}  // namespace empathic::cli
