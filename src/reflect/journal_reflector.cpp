// Reflections for a journal (see journal_reflector.h).
#include "reflect/journal_reflector.h"

#include <memory>

#include "app/config.h"
#include "app/engines.h"
#include "core/error.h"
#include "core/log.h"

namespace empathic::reflect {
namespace {

using nlohmann::json;

/// How many of the writer's latest reflections are not asked again.
constexpr int kRecentReflections = 10;

/// The engine that tagged with `tags`, when it is an NLI one; null otherwise or when it can't
/// be opened (selection then works from the bank alone).
std::shared_ptr<Engine> nli_engine_for(const Journal& journal, const TagResult& tags,
                                       const EngineFactory& engines) {
    if (tags.engine != "nli") return nullptr;
    try {
        std::string model = journal.label_set(tags.label_set).engine;
        auto engine = engines ? engines(model) : open_engine(model);
        return engine && engine->kind() == "nli" ? engine : nullptr;
    } catch (const std::exception& e) {
        EMP_LOG_WARN("reflect", "no NLI engine to re-rank questions: {}", e.what());
        return nullptr;
    }
}

/// The active set's run among an entry's scores, if it was tagged.
const TagResult* active_run(const Journal& journal, const Entry& entry) {
    std::string active = journal.active_label_set().name;
    for (const auto& run : entry.scores) {
        if (run.label_set == active) return &run;
    }
    return nullptr;
}

}  // namespace

json reflect_on_entry(const Journal& journal, const Entry& entry, const TagResult& tags,
                      const EngineFactory& engines) {
    ReflectInput input;
    input.entry_id = entry.id;
    input.text = entry.body;
    input.title = entry.title;
    input.settings = Settings::from_config(Config::load());
    if (entry.parent_id) input.answered_question = entry.question;

    // Tags with their label set's valences and threshold.
    std::vector<std::pair<std::string, std::string>> valences;
    try {
        for (const auto& label : journal.label_set(tags.label_set).labels) {
            valences.emplace_back(label.label, valence_name(label.valence));
        }
    } catch (const Error& e) {
        if (e.code() != ErrorCode::NotFound) throw;  // the set was deleted meanwhile
    }
    for (const auto& s : tags.scores) {
        Tag tag{s.label, s.score, s.evidence, "neutral", tags.threshold};
        for (const auto& [label, valence] : valences) {
            if (label == s.label) tag.valence = valence;
        }
        input.tags.push_back(std::move(tag));
    }

    // Questions of the writer's latest reflections are not asked again soon.
    for (const auto& item : journal.recent_reflections(kRecentReflections)) {
        for (auto& id : question_ids(item.value("reflection", json()))) {
            input.recent_question_ids.push_back(std::move(id));
        }
    }

    auto engine = nli_engine_for(journal, tags, engines);
    input.engine = engine.get();
    return reflect(input);
}

Reflector make_journal_reflector(const Journal& journal, EngineFactory engines) {
    return [&journal, engines = std::move(engines)](const Entry& entry,
                                                    const TagResult& tags) -> std::optional<json> {
        json reflection = reflect_on_entry(journal, entry, tags, engines);
        if (reflection.is_null()) return std::nullopt;
        return reflection;
    };
}

void attach_reflector(Journal& journal, EngineFactory engines) {
    journal.set_reflector(make_journal_reflector(journal, std::move(engines)));
}

json reflection_for(Journal& journal, std::int64_t entry_id, bool refresh,
                    const EngineFactory& engines) {
    Entry entry = journal.get(entry_id);
    if (entry.reflection && !refresh) return *entry.reflection;

    // Not tagged yet: tag it now; the journal's reflector (when attached) reflects on it.
    if (entry.tagging != TaggingState::Done) {
        entry = journal.tag(entry_id);
        if (entry.reflection && !refresh) return *entry.reflection;
    }

    // Tagged before reflections existed, or asked to refresh: reflect now and keep it.
    const TagResult* run = active_run(journal, entry);
    TagResult untagged;
    untagged.label_set = journal.active_label_set().name;
    json reflection = reflect_on_entry(journal, entry, run ? *run : untagged, engines);
    if (!reflection.is_null()) journal.save_reflection(entry_id, reflection);
    return reflection;
}

Entry answer_question(Journal& journal, std::int64_t entry_id, const std::string& text,
                      int question, const EngineFactory& engines) {
    json reflection = reflection_for(journal, entry_id, false, engines);
    const json questions =
        reflection.is_object() ? reflection.value("questions", json::array()) : json::array();
    if (questions.empty()) {
        throw Error(ErrorCode::InvalidInput,
                    "entry " + std::to_string(entry_id) +
                        " has no reflection questions to answer; write a new entry instead");
    }
    if (question < 1 || question > static_cast<int>(questions.size())) {
        throw Error(ErrorCode::InvalidInput,
                    "entry " + std::to_string(entry_id) + " has questions 1 to " +
                        std::to_string(questions.size()) + "; choose one of them");
    }
    std::string asked = questions[question - 1].value("text", "");

    // The answer is an entry of the thread: stored, then tagged and reflected on.
    Entry answer = journal.add_answer(entry_id, asked, text);
    EMP_LOG_INFO("reflect", "entry {}: answer {} stored", entry_id, answer.id);
    try {
        answer = journal.tag(answer.id);
    } catch (const Error& e) {
        // Tagging can wait (no engine yet); the answer is kept and tagged later.
        EMP_LOG_WARN("reflect", "answer {} stays pending: {}", answer.id, e.what());
        return journal.get(answer.id);
    }
    if (!answer.reflection) {
        const TagResult* run = active_run(journal, answer);
        if (run != nullptr) {
            json r = reflect_on_entry(journal, answer, *run, engines);
            if (!r.is_null()) journal.save_reflection(answer.id, r);
        }
        answer = journal.get(answer.id);
    }
    return answer;
}

}  // namespace empathic::reflect
