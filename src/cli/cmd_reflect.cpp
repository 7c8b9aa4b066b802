// CLI commands of reflections: reflect (show an entry's reflection), answer (answer one of its
// questions, growing the entry's thread) and reflections (switch them on, off, or to chosen
// feelings; set the safety resources). They call src/reflect and print text or, with --json,
// the reflection JSON the server returns.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/config.h"
#include "cli/commands.h"
#include "core/error.h"
#include "core/utf8.h"
#include "journal/journal.h"
#include "reflect/journal_reflector.h"
#include "reflect/reflect.h"

namespace empathic::cli {
namespace {

using nlohmann::json;

std::unique_ptr<Journal> open_reflecting_journal() {
    auto journal = Journal::open();
    reflect::attach_reflector(*journal);
    return journal;
}

/// Prints a reflection for a person: the acknowledgement, numbered questions, the prompt; or
/// the safety message and resources instead of questions.
void print_reflection(const json& reflection, std::int64_t entry_id) {
    if (reflection.is_null()) {
        std::printf(
            "No reflection: reflections are switched off for this entry "
            "(see `empathic reflections`).\n");
        return;
    }
    std::printf("%s", reflect::to_text(reflection).c_str());
    const auto questions = reflection.value("questions", json::array());
    if (!questions.empty()) {
        std::printf("\nAnswer with: empathic answer %lld \"...\"%s\n",
                    static_cast<long long>(entry_id),
                    questions.size() > 1 ? " [--question N]" : "");
    }
}

void print(const json& value, bool as_json, std::int64_t entry_id) {
    if (as_json) {
        std::cout << value.dump(2) << "\n";
    } else {
        print_reflection(value, entry_id);
    }
}

void run_answer(std::int64_t id, const std::string& text, int question, bool as_json) {
    auto journal = open_reflecting_journal();
    Entry answer = reflect::answer_question(*journal, id, text, question);
    if (as_json) {
        std::cout << to_json(answer).dump(2) << "\n";
        return;
    }
    std::printf("Saved answer %lld to entry %lld.\n\n", static_cast<long long>(answer.id),
                static_cast<long long>(id));
    if (answer.reflection) {
        print_reflection(*answer.reflection, answer.id);
    } else if (answer.tagging != TaggingState::Done) {
        std::printf("Its reflection comes once it is tagged (%s).\n", answer.tagging_error.c_str());
    }
}

/// The "reflections" and "safety" settings as they stand.
json settings_json(const reflect::Settings& s) {
    return {{"reflections", {{"enabled", s.enabled}, {"feelings", s.feelings}}},
            {"safety", {{"resources", s.resources}}}};
}

struct SettingsChange {
    bool on = false;
    bool off = false;
    std::string only;
    bool all = false;
    std::string resources;
    bool set_resources = false;
    bool default_resources = false;
    bool as_json = false;
};

void run_settings(const SettingsChange& change) {
    Config config = Config::load();
    reflect::Settings current = reflect::Settings::from_config(config);
    json reflections = config.get("reflections", json::object());
    if (!reflections.is_object()) reflections = json::object();
    json safety = config.get("safety", json::object());
    if (!safety.is_object()) safety = json::object();

    bool changed = false;
    if (change.on || change.off) {
        reflections["enabled"] = change.on;
        changed = true;
    }
    if (!change.only.empty()) {
        json feelings = json::array();
        for (const auto& label : split_labels(change.only)) {
            std::string trimmed = utf8::trim(label);
            if (!trimmed.empty()) feelings.push_back(trimmed);
        }
        if (feelings.empty()) {
            throw Error(ErrorCode::InvalidInput,
                        "--only needs at least one feeling, such as --only \"anxious, sad\"");
        }
        reflections["feelings"] = feelings;
        changed = true;
    }
    if (change.all) {
        reflections.erase("feelings");
        changed = true;
    }
    if (change.set_resources) {
        safety["resources"] = change.resources;
        changed = true;
    }
    if (change.default_resources) {
        safety.erase("resources");
        changed = true;
    }
    if (changed) {
        config.set("reflections", reflections);
        config.set("safety", safety);
        current = reflect::Settings::from_config(config);  // refuses what it can't read
        config.save();
    }

    if (change.as_json) {
        std::cout << settings_json(current).dump(2) << "\n";
        return;
    }
    std::printf("Reflections: %s\n", current.enabled ? "on" : "off");
    if (current.feelings.empty()) {
        std::printf("For feelings: all\n");
    } else {
        std::string list;
        for (const auto& f : current.feelings) list += (list.empty() ? "" : ", ") + f;
        std::printf("For feelings: %s\n", list.c_str());
    }
    std::printf("Safety resources: %s\n",
                current.resources.empty() ? "the default text" : current.resources.c_str());
    std::printf("(Entries that suggest a risk of harm always get the safety message.)\n");
}

}  // namespace

void add_reflect_commands(CLI::App& app) {
    // empathic reflect ID [--json] [--refresh] [--answer TEXT [--question N]]
    auto* reflect_cmd = app.add_subcommand(
        "reflect", "Show an entry's reflection: what it heard, and questions to write on");
    auto id = std::make_shared<std::int64_t>(0);
    auto as_json = std::make_shared<bool>(false);
    auto refresh = std::make_shared<bool>(false);
    auto answer_text = std::make_shared<std::string>();
    auto question = std::make_shared<int>(1);
    reflect_cmd->add_option("id", *id, "Entry id")->required();
    reflect_cmd->add_flag("--json", *as_json, "Print the reflection as JSON");
    reflect_cmd->add_flag("--refresh", *refresh, "Reflect again, with fresh questions");
    reflect_cmd->add_option("--answer", *answer_text, "Answer one of its questions");
    reflect_cmd->add_option("--question,-q", *question, "Which question --answer answers (1-3)");
    reflect_cmd->callback([=] {
        if (!answer_text->empty()) {
            run_answer(*id, *answer_text, *question, *as_json);
            return;
        }
        auto journal = open_reflecting_journal();
        print(reflect::reflection_for(*journal, *id, *refresh), *as_json, *id);
    });

    // empathic answer ID TEXT [--question N] [--json]
    auto* answer_cmd = app.add_subcommand(
        "answer", "Answer a question of an entry's reflection; the answer joins its thread");
    auto answer_id = std::make_shared<std::int64_t>(0);
    auto text = std::make_shared<std::string>();
    auto which = std::make_shared<int>(1);
    auto answer_json = std::make_shared<bool>(false);
    answer_cmd->add_option("id", *answer_id, "Entry id")->required();
    answer_cmd->add_option("text", *text, "Your answer")->required();
    answer_cmd->add_option("--question,-q", *which, "Which question to answer (1-3, default 1)");
    answer_cmd->add_flag("--json", *answer_json, "Print the stored answer as JSON");
    answer_cmd->callback([=] { run_answer(*answer_id, *text, *which, *answer_json); });

    // empathic reflections [--on|--off] [--only LABELS|--all] [--resources TEXT|--default-...]
    auto* settings_cmd = app.add_subcommand(
        "reflections", "Switch reflections on or off, or keep them for chosen feelings");
    auto change = std::make_shared<SettingsChange>();
    auto* on = settings_cmd->add_flag("--on", change->on, "Reflect on every tagged entry");
    auto* off = settings_cmd->add_flag("--off", change->off, "No reflections");
    on->excludes(off);
    auto* only = settings_cmd->add_option("--only", change->only,
                                          "Reflect only on these feelings (\"anxious, sad\")");
    auto* all = settings_cmd->add_flag("--all", change->all, "Reflect on every feeling again");
    only->excludes(all);
    auto* resources = settings_cmd->add_option("--resources", change->resources,
                                               "Text shown with the safety message (crisis lines)");
    auto* default_resources = settings_cmd->add_flag(
        "--default-resources", change->default_resources, "Show the default safety text again");
    resources->excludes(default_resources);
    settings_cmd->add_flag("--json", change->as_json, "Print the settings as JSON");
    settings_cmd->callback([change, resources] {
        change->set_resources = resources->count() > 0;
        run_settings(*change);
    });
}

}  // namespace empathic::cli
