// JSON forms of the journal's types: what `--json` prints and the server returns.
#include <algorithm>

#include "core/error.h"
#include "core/utf8.h"
#include "journal/journal.h"

namespace empathic {

std::string valence_name(Valence valence) {
    switch (valence) {
        case Valence::Positive: return "positive";
        case Valence::Negative: return "negative";
        case Valence::Neutral: return "neutral";
    }
    return "neutral";
}

Valence parse_valence(const std::string& name) {
    if (name == "positive" || name == "+") return Valence::Positive;
    if (name == "negative" || name == "-") return Valence::Negative;
    if (name == "neutral" || name == "0" || name.empty()) return Valence::Neutral;
    throw Error(ErrorCode::InvalidInput,
                "valence '" + name + "' is unknown; use positive, negative or neutral");
}

std::string tagging_state_name(TaggingState state) {
    switch (state) {
        case TaggingState::Pending: return "pending";
        case TaggingState::Done: return "done";
        case TaggingState::Failed: return "failed";
    }
    return "pending";
}

Period parse_period(const std::string& name) {
    if (name == "day") return Period::Day;
    if (name == "week") return Period::Week;
    if (name == "month") return Period::Month;
    throw Error(ErrorCode::InvalidInput,
                "period '" + name + "' is unknown; use day, week or month");
}

std::vector<std::string> TagResult::tags() const {
    std::vector<std::string> result;
    for (const auto& s : scores) {
        if (s.score >= threshold) result.push_back(s.label);
    }
    return result;
}

std::vector<std::string> Entry::empathic_tags() const {
    if (scores.empty() || tagging != TaggingState::Done) return {};
    return scores.front().tags();
}

nlohmann::json to_json(const TagResult& result, const std::string& body) {
    nlohmann::json scores = nlohmann::json::array();
    for (const auto& s : result.scores) {
        std::size_t end = std::min(s.evidence.end, body.size());
        std::size_t start = std::min(s.evidence.start, end);
        nlohmann::json evidence = {{"start", utf8::chars_before(body, start)},
                                   {"end", utf8::chars_before(body, end)},
                                   {"text", body.substr(start, end - start)}};
        scores.push_back({{"label", s.label},
                          {"score", s.score},
                          {"tagged", s.score >= result.threshold},
                          {"evidence", evidence}});
    }
    return {{"label_set", result.label_set},
            {"version", result.label_set_version},
            {"template", result.hypothesis_template},
            {"engine", result.engine},
            {"model", result.model},
            {"mode", result.multi_label ? "multi-label" : "single-label"},
            {"threshold", result.threshold},
            {"text_hash", result.text_hash},
            {"scores", scores}};
}

nlohmann::json to_json(const Entry& entry) {
    nlohmann::json json = {{"id", entry.id},
                           {"uid", entry.uid},
                           {"created", entry.created.to_string()},
                           {"updated", entry.updated.to_string()},
                           {"title", entry.title},
                           {"body", entry.body},
                           {"tags", entry.tags},
                           {"tagging", tagging_state_name(entry.tagging)},
                           {"empathic_tags", entry.empathic_tags()},
                           {"deleted", entry.deleted}};
    if (!entry.tagging_error.empty()) json["tagging_error"] = entry.tagging_error;
    json["scores"] = nlohmann::json::array();
    for (const auto& run : entry.scores) json["scores"].push_back(to_json(run, entry.body));
    if (entry.parent_id) {
        json["parent_id"] = *entry.parent_id;
        json["question"] = entry.question;
    }
    json["thread"] = nlohmann::json::array();
    for (const auto& answer : entry.thread) json["thread"].push_back(to_json(answer));
    if (entry.reflection) json["reflection"] = *entry.reflection;
    return json;
}

nlohmann::json to_json(const LabelSet& set) {
    nlohmann::json labels = nlohmann::json::array();
    for (const auto& l : set.labels) {
        labels.push_back({{"label", l.label}, {"valence", valence_name(l.valence)}});
    }
    return {{"name", set.name},
            {"description", set.description},
            {"template", set.hypothesis_template},
            {"mode", set.multi_label ? "multi-label" : "single-label"},
            {"multi_label", set.multi_label},
            {"threshold", set.threshold},
            {"engine", set.engine},
            {"version", set.version},
            {"active", set.active},
            {"labels", labels}};
}

LabelSet label_set_from_json(const nlohmann::json& json) {
    auto field = [&](const char* name) -> std::string {
        return "label set field '" + std::string(name) + "'";
    };
    if (!json.is_object()) {
        throw Error(ErrorCode::InvalidInput, "a label set must be a JSON object");
    }
    LabelSet set;
    try {
        set.name = json.at("name").get<std::string>();
        set.description = json.value("description", "");
        set.hypothesis_template = json.value("template", std::string("The writer feels {}."));
        if (json.contains("mode")) {
            std::string mode = json.at("mode").get<std::string>();
            if (mode != "multi-label" && mode != "single-label") {
                throw Error(ErrorCode::InvalidInput,
                            field("mode") + " must be multi-label or single-label");
            }
            set.multi_label = mode == "multi-label";
        } else {
            set.multi_label = json.value("multi_label", true);
        }
        set.threshold = json.value("threshold", 0.5);
        set.engine = json.value("engine", "");
        set.version = json.value("version", 1);
        set.active = json.value("active", false);
        for (const auto& label : json.at("labels")) {
            if (label.is_string()) {
                set.labels.push_back({label.get<std::string>(), Valence::Neutral});
            } else {
                set.labels.push_back({label.at("label").get<std::string>(),
                                      parse_valence(label.value("valence", "neutral"))});
            }
        }
    } catch (const nlohmann::json::exception&) {
        throw Error(ErrorCode::InvalidInput,
                    "the label set is malformed: it needs a \"name\" and \"labels\" like "
                    "[{\"label\":\"calm\"}], \"template\", \"mode\" and \"engine\" as text, "
                    "\"threshold\" as a number");
    }
    return set;
}

nlohmann::json to_json(const SearchResult& result) {
    nlohmann::json hits = nlohmann::json::array();
    for (const auto& hit : result.hits) {
        hits.push_back(
            {{"entry", to_json(hit.entry)}, {"snippet", hit.snippet}, {"rank", hit.rank}});
    }
    return {{"total", result.total}, {"hits", hits}};
}

}  // namespace empathic
