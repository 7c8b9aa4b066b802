// Building a reflection: which feelings to name, how to say it, which questions to ask.
//
// Question selection, for the writer: questions come from the pools of the feelings found
// (strongest first), the mixed pool when positive and negative feelings come together, and the
// general pool when no feeling is clear. Each candidate is scored by how strong its feeling
// is, whether the evidence sentence hints at its kind (a body word favours "body" questions),
// how intense the feeling is (no reframing of an intense hurt), and, with an NLI model, how
// well the model says the kind and the question fit the entry. Questions from the writer's
// recent reflections are left out while others remain, and one reflection prefers different
// kinds and feelings over three variations of one.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <unordered_map>

#include "core/error.h"
#include "core/log.h"
#include "core/utf8.h"
#include "reflect/data.h"
#include "reflect/reflect.h"

namespace empathic::reflect {
namespace {

using nlohmann::json;

constexpr int kVersion = 1;
/// At or above this score a feeling counts as intense.
constexpr double kIntense = 0.85;
/// How many candidates the NLI engine re-ranks (each is one model call).
constexpr std::size_t kRerankCandidates = 8;
constexpr std::size_t kMaxNamedFeelings = 3;

/// A candidate question with the feeling it serves and its score so far.
struct Candidate {
    Question question;
    double score = 0;
    bool recent = false;
};

std::string lower(const std::string& s) {
    return utf8::lower(s);
}

/// The feelings to name: at or above their threshold, allowed by the settings, strongest first.
std::vector<Tag> named_feelings(const ReflectInput& input) {
    std::set<std::string> allowed;
    for (const auto& f : input.settings.feelings) allowed.insert(lower(utf8::trim(f)));

    std::vector<Tag> named;
    for (const auto& tag : input.tags) {
        if (tag.score < tag.threshold || tag.label.empty()) continue;
        if (!allowed.empty() && !allowed.count(lower(tag.label))) continue;
        named.push_back(tag);
    }
    std::stable_sort(named.begin(), named.end(),
                     [](const Tag& a, const Tag& b) { return a.score > b.score; });
    if (named.size() > kMaxNamedFeelings) named.resize(kMaxNamedFeelings);
    return named;
}

std::string noun_of(const std::string& label, const detail::Messages& messages) {
    auto it = messages.nouns.find(lower(label));
    return it != messages.nouns.end() ? it->second : "feeling " + label;
}

/// "a", "a and b", "a, b and c".
std::string join_words(const std::vector<std::string>& words) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0) out += (i + 1 == words.size()) ? " and " : ", ";
        out += words[i];
    }
    return out;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

std::string capitalized(std::string text) {
    if (!text.empty() && text[0] >= 'a' && text[0] <= 'z')
        text[0] = static_cast<char>(text[0] - 32);
    return text;
}

const std::string& pick(const std::vector<std::string>& options, std::uint64_t seed) {
    return options[seed % options.size()];
}

std::string acknowledgement(const std::vector<Tag>& named, bool mixed, bool answer,
                            const detail::Messages& messages, std::uint64_t seed) {
    const auto& templates = messages.acknowledgements;
    std::string text;
    if (named.empty()) {
        text = pick(templates.at(answer ? "answer" : "general"), seed);
        return text;
    }

    std::vector<std::string> nouns;
    std::vector<std::string> positive;
    std::vector<std::string> negative;
    for (const auto& tag : named) {
        nouns.push_back(noun_of(tag.label, messages));
        if (tag.valence == "positive") positive.push_back(nouns.back());
        if (tag.valence == "negative") negative.push_back(nouns.back());
    }

    if (mixed) {
        text = pick(templates.at(named.size() > 2 ? "mixed_several" : "mixed"), seed);
        text = replace_all(text, "{positive}", join_words(positive));
        text = replace_all(text, "{negative}", join_words(negative));
    } else if (named.size() == 1) {
        bool strong = named[0].score >= kIntense;
        text = pick(templates.at(strong ? "one_strong" : "one"), seed);
    } else {
        text = pick(templates.at(named.size() == 2 ? "two" : "several"), seed);
    }
    text = replace_all(text, "{feelings}", join_words(nouns));
    text = replace_all(text, "{Feeling}", capitalized(nouns[0]));
    text = replace_all(text, "{feeling}", nouns[0]);

    if (answer) text = pick(templates.at("answer"), seed >> 8) + " " + text;
    return text;
}

/// The text of the evidence span of `tag`, or the whole text when it has none.
std::string evidence_of(const Tag& tag, const std::string& text) {
    if (tag.evidence.end > tag.evidence.start && tag.evidence.end <= text.size()) {
        return text.substr(tag.evidence.start, tag.evidence.end - tag.evidence.start);
    }
    return text;
}

/// Whether `cue` occurs in `haystack` (both lower-case) as whole words.
bool has_cue(const std::string& haystack, const std::string& cue) {
    auto is_letter = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '\'';
    };
    for (std::size_t at = haystack.find(cue); at != std::string::npos;
         at = haystack.find(cue, at + 1)) {
        bool starts = at == 0 || !is_letter(haystack[at - 1]);
        std::size_t end = at + cue.size();
        bool ends = end >= haystack.size() || !is_letter(haystack[end]);
        if (starts && ends) return true;
    }
    return false;
}

/// The pool a feeling's questions come from: its own, or its valence's when it has none.
std::vector<Question> questions_for(const Tag& tag, const detail::Data& data) {
    std::vector<Question> own;
    std::string label = lower(tag.label);
    for (const auto& q : data.questions) {
        if (q.feeling == label) own.push_back(q);
    }
    if (!own.empty()) return own;

    std::string pool =
        tag.valence == "positive" || tag.valence == "negative" ? tag.valence : "neutral";
    for (const auto& q : data.questions) {
        if (q.feeling != pool) continue;
        Question filled = q;
        filled.text = replace_all(q.text, "{feeling}", tag.label);
        filled.feeling = tag.label;
        own.push_back(std::move(filled));
    }
    return own;
}

std::vector<Question> pool(const std::string& name, const detail::Data& data) {
    std::vector<Question> out;
    for (const auto& q : data.questions) {
        if (q.feeling == name) out.push_back(q);
    }
    return out;
}

/// Adds the NLI engine's view: how well each kind's hypothesis and each top question fit.
void rerank_with_engine(std::vector<Candidate>& candidates, const std::string& premise,
                        Engine& engine, const detail::Data& data) {
    std::vector<std::string> warnings;

    // Kinds: one request with every kind's hypothesis, each scored on its own.
    ClassifyRequest kinds;
    kinds.text = premise;
    kinds.hypothesis_template = "{}";
    std::unordered_map<std::string, std::string> kind_of_hypothesis;
    for (const auto& [name, kind] : data.kinds) {
        if (kind.hypothesis.empty()) continue;
        kinds.labels.push_back(kind.hypothesis);
        kind_of_hypothesis[kind.hypothesis] = name;
    }
    std::unordered_map<std::string, double> kind_fit;
    if (!kinds.labels.empty()) {
        auto answer = engine.classify(normalize_request(kinds, warnings));
        for (std::size_t i = 0; i < answer.labels.size(); ++i) {
            kind_fit[kind_of_hypothesis[answer.labels[i]]] = answer.scores[i];
        }
    }
    for (auto& c : candidates) c.score += 0.6 * kind_fit[c.question.kind];

    // Questions: the best few so far, each question read as a hypothesis about the entry.
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
    ClassifyRequest questions;
    questions.text = premise;
    questions.hypothesis_template = "{}";
    std::size_t n = std::min(kRerankCandidates, candidates.size());
    for (std::size_t i = 0; i < n; ++i) questions.labels.push_back(candidates[i].question.text);
    if (questions.labels.empty()) return;
    auto answer = engine.classify(normalize_request(questions, warnings));
    std::unordered_map<std::string, double> fit;
    for (std::size_t i = 0; i < answer.labels.size(); ++i) {
        fit[lower(answer.labels[i])] = answer.scores[i];
    }
    for (std::size_t i = 0; i < n; ++i) {
        candidates[i].score += 0.6 * fit[lower(candidates[i].question.text)];
    }
}

/// Picks `count` questions: best first, then preferring kinds and feelings not yet chosen.
/// Recently shown questions are used only when nothing else is left.
std::vector<Question> choose(std::vector<Candidate> candidates, std::size_t count) {
    std::vector<Question> chosen;
    std::set<std::string> texts;
    std::set<std::string> kinds;
    std::set<std::string> feelings;
    for (bool allow_recent : {false, true}) {
        while (chosen.size() < count) {
            const Candidate* best = nullptr;
            double best_score = 0;
            for (const auto& c : candidates) {
                if (c.recent && !allow_recent) continue;
                if (texts.count(lower(c.question.text))) continue;
                double s = c.score;
                if (kinds.count(c.question.kind)) s -= 0.4;
                if (feelings.count(c.question.feeling)) s -= 0.3;
                if (best == nullptr || s > best_score) {
                    best = &c;
                    best_score = s;
                }
            }
            if (best == nullptr) break;
            chosen.push_back(best->question);
            texts.insert(lower(best->question.text));
            kinds.insert(best->question.kind);
            feelings.insert(best->question.feeling);
        }
    }
    return chosen;
}

std::string prompt_for(const std::vector<Tag>& named, bool mixed, const detail::Data& data,
                       std::uint64_t seed) {
    std::vector<std::string> keys;
    if (mixed) keys.push_back("mixed");
    if (!named.empty()) {
        keys.push_back(lower(named[0].label));
        keys.push_back(named[0].valence);
    }
    keys.push_back("general");
    for (const auto& key : keys) {
        auto it = data.prompts.find(key);
        if (it != data.prompts.end() && !it->second.empty()) return pick(it->second, seed);
    }
    return "";
}

json feelings_json(const std::vector<Tag>& named) {
    json out = json::array();
    for (const auto& tag : named) {
        out.push_back({{"label", tag.label}, {"score", tag.score}, {"valence", tag.valence}});
    }
    return out;
}

json safety_response(const SafetyAssessment& assessment, const ReflectInput& input,
                     const std::vector<Tag>& named, const detail::Data& data) {
    const auto& m = data.messages;
    std::string resources = utf8::trim(input.settings.resources);
    json safety = {
        {"message", assessment.concern == Concern::HarmedByOthers ? m.safety_harmed_by_others
                                                                  : m.safety_self_harm},
        {"resources", resources.empty() ? m.default_resources : resources},
        {"concern", std::string(concern_name(assessment.concern))},
    };
    return {{"acknowledgement", m.safety_acknowledgement},
            {"questions", json::array()},
            {"prompt", ""},
            {"mixed", false},
            {"general", named.empty()},
            {"feelings", feelings_json(named)},
            {"safety", safety},
            {"engine", "bank"},
            {"version", kVersion}};
}

Engine* nli_engine(Engine* engine) {
    return engine != nullptr && engine->kind() == "nli" ? engine : nullptr;
}

}  // namespace

Settings Settings::from_config(const Config& config) {
    Settings settings;
    json reflections = config.get("reflections", json::object());
    if (reflections.is_null()) reflections = json::object();
    if (!reflections.is_object()) {
        throw Error(ErrorCode::InvalidInput,
                    "config.json: \"reflections\" must be an object such as {\"enabled\": true}");
    }
    if (auto it = reflections.find("enabled"); it != reflections.end() && !it->is_null()) {
        if (!it->is_boolean()) {
            throw Error(ErrorCode::InvalidInput,
                        "config.json: \"reflections.enabled\" must be true or false");
        }
        settings.enabled = it->get<bool>();
    }
    if (auto it = reflections.find("feelings"); it != reflections.end() && !it->is_null()) {
        bool ok = it->is_array() &&
                  std::all_of(it->begin(), it->end(), [](const json& f) { return f.is_string(); });
        if (!ok) {
            throw Error(ErrorCode::InvalidInput,
                        "config.json: \"reflections.feelings\" must be a list of labels, such as "
                        "[\"anxious\", \"proud\"]");
        }
        for (const auto& f : *it) settings.feelings.push_back(f.get<std::string>());
    }

    json safety = config.get("safety", json::object());
    if (safety.is_null()) safety = json::object();
    if (!safety.is_object()) {
        throw Error(ErrorCode::InvalidInput,
                    "config.json: \"safety\" must be an object such as {\"resources\": \"...\"}");
    }
    if (auto it = safety.find("resources"); it != safety.end() && !it->is_null()) {
        if (!it->is_string()) {
            throw Error(ErrorCode::InvalidInput,
                        "config.json: \"safety.resources\" must be text to show with the safety "
                        "message");
        }
        settings.resources = it->get<std::string>();
    }
    return settings;
}

json reflect(const ReflectInput& input) {
    utf8::require_valid(input.text, "the entry");
    auto data = detail::data();
    Engine* engine = nli_engine(input.engine);

    // Safety comes before every setting: a text at risk always gets the safety response.
    std::vector<Tag> named = named_feelings(input);
    utf8::require_valid(input.title, "the title");
    SafetyAssessment assessment =
        assess_safety(input.title.empty() ? input.text : input.title + ".\n" + input.text, engine);
    if (assessment.at_risk) {
        EMP_LOG_INFO("reflect", "entry {}: safety response given", input.entry_id);
        return safety_response(assessment, input, named, *data);
    }

    // The writer's settings: reflections off, or only for chosen feelings.
    if (!input.settings.enabled) return nullptr;
    if (!input.settings.feelings.empty() && named.empty()) return nullptr;

    bool general = named.empty();
    bool has_positive = std::any_of(named.begin(), named.end(),
                                    [](const Tag& t) { return t.valence == "positive"; });
    bool has_negative = std::any_of(named.begin(), named.end(),
                                    [](const Tag& t) { return t.valence == "negative"; });
    bool mixed = has_positive && has_negative;
    bool answer = input.answered_question.has_value();
    std::uint64_t seed = detail::stable_hash(input.text);

    // How many questions: one gentle question without a clear feeling; more for more feelings;
    // at most two when a hard feeling is intense.
    bool intense_hurt = std::any_of(named.begin(), named.end(), [](const Tag& t) {
        return t.valence == "negative" && t.score >= kIntense;
    });
    std::size_t count = general ? 1 : (mixed ? 3 : std::min<std::size_t>(3, named.size() + 1));
    if (intense_hurt) count = std::min<std::size_t>(count, 2);

    // Candidates from each named feeling, the mixed pool and the general pool.
    std::set<std::string> recent(input.recent_question_ids.begin(),
                                 input.recent_question_ids.end());
    std::string lowered_text = lower(input.text);
    std::vector<Candidate> candidates;
    auto add = [&](const Question& q, double base, const std::string& evidence) {
        if (answer && lower(q.text) == lower(*input.answered_question)) return;
        Candidate c{q, base, recent.count(q.id) > 0};
        auto kind = data->kinds.find(q.kind);
        if (kind != data->kinds.end()) {
            bool cued = std::any_of(kind->second.cues.begin(), kind->second.cues.end(),
                                    [&](const std::string& cue) { return has_cue(evidence, cue); });
            if (cued) c.score += 0.3;
        }
        // A little variety between entries, stable for one entry.
        c.score += 0.25 * static_cast<double>(detail::stable_hash(input.text + q.id) % 1000) / 1000;
        candidates.push_back(std::move(c));
    };
    for (const auto& tag : named) {
        std::string evidence = lower(evidence_of(tag, input.text));
        auto own = questions_for(tag, *data);
        // The valence pool widens the choice for a writer who returns to one feeling often.
        if (!own.empty() && own[0].feeling == lower(tag.label)) {
            for (auto q : pool(tag.valence == "positive" || tag.valence == "negative" ? tag.valence
                                                                                      : "neutral",
                               *data)) {
                q.text = replace_all(q.text, "{feeling}", tag.label);
                q.feeling = tag.label;
                add(q, 0.5 + tag.score, evidence);
            }
        }
        for (const auto& q : own) {
            double base = 1.0 + tag.score;
            if (tag.valence == "negative" && tag.score >= kIntense) {
                if (q.kind == "body" || q.kind == "clarify") base += 0.2;
                if (q.kind == "reframe") base -= 0.8;  // no reframing of an intense hurt
            }
            if (tag.valence == "positive" && tag.score >= kIntense && q.kind == "savour") {
                base += 0.2;
            }
            add(q, base, evidence);
        }
    }
    if (mixed) {
        for (const auto& q : pool("mixed", *data)) add(q, 1.6, lowered_text);
    }
    for (const auto& q : pool("general", *data)) add(q, general ? 1.0 : 0.1, lowered_text);

    // With an NLI model, re-rank by how well kinds and questions fit the entry.
    std::string ranking = "bank";
    if (engine != nullptr && !candidates.empty()) {
        try {
            std::string premise = named.empty() ? input.text : evidence_of(named[0], input.text);
            rerank_with_engine(candidates, premise, *engine, *data);
            ranking = "nli";
        } catch (const Error& e) {
            EMP_LOG_WARN("reflect", "entry {}: questions not re-ranked: {}", input.entry_id,
                         e.what());
        }
    }

    json questions = json::array();
    for (const auto& q : choose(std::move(candidates), count)) {
        questions.push_back(
            {{"id", q.id}, {"text", q.text}, {"kind", q.kind}, {"feeling", q.feeling}});
    }
    EMP_LOG_DEBUG("reflect", "entry {}: {} feelings named, {} questions", input.entry_id,
                  named.size(), questions.size());

    return {{"acknowledgement", acknowledgement(named, mixed, answer, data->messages, seed)},
            {"questions", questions},
            {"prompt", prompt_for(named, mixed, *data, seed >> 16)},
            {"mixed", mixed},
            {"general", general},
            {"feelings", feelings_json(named)},
            {"safety", nullptr},
            {"engine", ranking},
            {"version", kVersion}};
}

std::vector<Tag> tags_from_classification(
    const Classification& classification,
    const std::vector<std::pair<std::string, std::string>>& valences, double threshold) {
    std::vector<Tag> tags;
    if (!classification.understood) return tags;
    for (std::size_t i = 0; i < classification.labels.size(); ++i) {
        Tag tag;
        tag.label = classification.labels[i];
        tag.score = i < classification.scores.size() ? classification.scores[i] : 0.0;
        if (i < classification.evidence.size()) tag.evidence = classification.evidence[i];
        tag.threshold = threshold;
        for (const auto& [label, valence] : valences) {
            if (lower(label) == lower(tag.label)) tag.valence = valence;
        }
        tags.push_back(std::move(tag));
    }
    return tags;
}

std::vector<std::string> question_ids(const json& reflection) {
    std::vector<std::string> ids;
    if (!reflection.is_object()) return ids;
    auto it = reflection.find("questions");
    if (it == reflection.end() || !it->is_array()) return ids;
    for (const auto& q : *it) {
        if (q.is_object() && q.contains("id") && q["id"].is_string()) {
            ids.push_back(q["id"].get<std::string>());
        }
    }
    return ids;
}

}  // namespace empathic::reflect
