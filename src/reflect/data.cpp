// Loading and checking the reflect data files (see data.h).
#include "reflect/data.h"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <set>

#include "core/error.h"
#include "core/fs_util.h"
#include "core/log.h"
#include "core/paths.h"
#include "core/utf8.h"

namespace empathic::reflect {
namespace detail {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json parse_file(const fs::path& path) {
    std::string text = read_file(path);
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        throw Error(ErrorCode::InvalidInput,
                    path.string() + " is not valid JSON (" + e.what() + "); fix or remove it");
    }
}

std::string string_field(const json& object, const char* key, const fs::path& file,
                         const std::string& where) {
    auto it = object.find(key);
    if (it == object.end() || !it->is_string()) {
        throw Error(ErrorCode::InvalidInput,
                    file.string() + ": " + where + " needs a \"" + key + "\" string; add it");
    }
    return it->get<std::string>();
}

std::vector<std::string> string_list(const json& value, const fs::path& file,
                                     const std::string& where) {
    std::vector<std::string> out;
    if (value.is_null()) return out;
    if (!value.is_array()) {
        throw Error(ErrorCode::InvalidInput,
                    file.string() + ": " + where + " must be a list of strings");
    }
    for (const auto& item : value) {
        if (!item.is_string()) {
            throw Error(ErrorCode::InvalidInput,
                        file.string() + ": " + where + " must be a list of strings");
        }
        out.push_back(item.get<std::string>());
    }
    return out;
}

Concern parse_concern(const std::string& name, const fs::path& file) {
    if (name == "self_harm") return Concern::SelfHarm;
    if (name == "harmed_by_others") return Concern::HarmedByOthers;
    throw Error(ErrorCode::InvalidInput, file.string() + ": unknown concern \"" + name +
                                             "\"; use self_harm or harmed_by_others");
}

std::regex compile(const std::string& pattern, const fs::path& file, const std::string& rule) {
    try {
        return std::regex(pattern,
                          std::regex::ECMAScript | std::regex::optimize | std::regex::nosubs);
    } catch (const std::regex_error& e) {
        throw Error(ErrorCode::InvalidInput, file.string() + ": a pattern of rule \"" + rule +
                                                 "\" is not a valid regular expression (" +
                                                 e.what() + "); fix it");
    }
}

// Reads questions (and prompts) from one bank file into `bank`; a question with an id already
// there replaces it. Kinds are only taken from the shipped file.
void read_bank(const fs::path& file, bool shipped, Data& bank) {
    json doc = parse_file(file);
    if (!doc.is_object()) {
        throw Error(ErrorCode::InvalidInput, file.string() + " must hold a JSON object");
    }

    if (shipped) {
        const json kinds = doc.value("kinds", json::object());
        for (const auto& [name, spec] : kinds.items()) {
            Kind kind{name, spec.value("hypothesis", ""), {}};
            for (const auto& cue : string_list(spec.value("cues", json()), file, name + " cues")) {
                kind.cues.push_back(utf8::lower(cue));
            }
            bank.kinds[name] = std::move(kind);
        }
    }

    // "remove": ids of shipped questions the writer does not want.
    for (const auto& id : string_list(doc.value("remove", json()), file, "\"remove\"")) {
        std::erase_if(bank.questions, [&](const Question& q) { return q.id == id; });
    }

    const json list = doc.value("questions", json::array());
    if (!list.is_array()) {
        throw Error(ErrorCode::InvalidInput, file.string() + ": \"questions\" must be a list");
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
        const json& item = list[i];
        std::string where = "question " + std::to_string(i + 1);
        if (!item.is_object()) {
            throw Error(ErrorCode::InvalidInput, file.string() + ": " + where +
                                                     " must be an object with id, feeling, "
                                                     "kind and text");
        }
        Question q{string_field(item, "id", file, where), string_field(item, "text", file, where),
                   string_field(item, "kind", file, where),
                   utf8::lower(utf8::trim(string_field(item, "feeling", file, where)))};
        q.text = utf8::trim(q.text);
        where = "question \"" + q.id + "\"";
        utf8::require_valid(q.text, where);
        if (q.text.empty() || q.text.back() != '?') {
            throw Error(ErrorCode::InvalidInput,
                        file.string() + ": " + where + " must end with a question mark");
        }
        if (!bank.kinds.count(q.kind)) {
            throw Error(ErrorCode::InvalidInput, file.string() + ": " + where +
                                                     " has unknown kind \"" + q.kind +
                                                     "\"; use clarify, cause, body, reframe, "
                                                     "ahead or savour");
        }
        if (q.feeling.empty()) {
            throw Error(ErrorCode::InvalidInput,
                        file.string() + ": " + where + " needs a feeling (a label or a pool)");
        }
        std::erase_if(bank.questions, [&](const Question& old) { return old.id == q.id; });
        bank.questions.push_back(std::move(q));
    }

    const json prompts = doc.value("prompts", json::object());
    for (const auto& [feeling, starters] : prompts.items()) {
        auto& into = bank.prompts[utf8::lower(feeling)];
        for (auto& s : string_list(starters, file, "prompts of " + feeling)) {
            into.push_back(std::move(s));
        }
    }
}

// Every text must be unique across the merged bank, so no two ids ask the same thing.
void check_unique(const std::vector<Question>& questions) {
    std::set<std::string> texts;
    std::set<std::string> ids;
    for (const auto& q : questions) {
        if (!ids.insert(q.id).second) {
            throw Error(ErrorCode::InvalidInput,
                        "the question bank repeats the id \"" + q.id + "\"; give it a new id");
        }
        if (!texts.insert(utf8::lower(q.text)).second) {
            throw Error(ErrorCode::InvalidInput, "the question bank asks \"" + q.text +
                                                     "\" twice; remove one (id \"" + q.id + "\")");
        }
    }
}

void read_messages(const fs::path& file, Data& out) {
    json doc = parse_file(file);
    const json nouns = doc.value("nouns", json::object());
    for (const auto& [label, noun] : nouns.items()) {
        if (noun.is_string()) out.messages.nouns[utf8::lower(label)] = noun.get<std::string>();
    }
    const json acknowledgements = doc.value("acknowledgements", json::object());
    for (const auto& [name, list] : acknowledgements.items()) {
        out.messages.acknowledgements[name] = string_list(list, file, "acknowledgements." + name);
    }
    for (const char* needed :
         {"one", "one_strong", "two", "several", "mixed", "mixed_several", "general", "answer"}) {
        if (out.messages.acknowledgements[needed].empty()) {
            throw Error(ErrorCode::InvalidInput, file.string() + ": acknowledgements." + needed +
                                                     " needs at least one template");
        }
    }
    const json safety = doc.value("safety", json::object());
    out.messages.safety_acknowledgement = string_field(safety, "acknowledgement", file, "safety");
    out.messages.safety_self_harm = string_field(safety, "self_harm", file, "safety");
    out.messages.safety_harmed_by_others = string_field(safety, "harmed_by_others", file, "safety");
    out.messages.default_resources = string_field(safety, "resources", file, "safety");
}

void read_safety(const fs::path& file, Data& out) {
    json doc = parse_file(file);
    const json contractions = doc.value("contractions", json::object());
    for (const auto& [from, to] : contractions.items()) {
        if (to.is_string()) out.contractions[from] = to.get<std::string>();
    }

    const json labels = doc.value("labels", json::object());
    out.safety_template = labels.value("template", "The writer {}.");
    out.safety_threshold = labels.value("threshold", 0.9);
    for (const auto& item : labels.value("labels", json::array())) {
        out.safety_labels.push_back(
            {string_field(item, "label", file, "a safety label"),
             parse_concern(string_field(item, "concern", file, "a safety label"), file)});
    }

    for (const auto& item : doc.value("rules", json::array())) {
        Rule rule;
        rule.id = string_field(item, "id", file, "a rule");
        rule.concern = parse_concern(string_field(item, "concern", file, rule.id), file);
        for (const auto& pattern : item.value("patterns", json::array())) {
            Pattern p;
            if (pattern.is_array()) {
                for (const auto& part : string_list(pattern, file, rule.id)) {
                    p.parts.push_back(compile(part, file, rule.id));
                }
            } else if (pattern.is_string()) {
                p.parts.push_back(compile(pattern.get<std::string>(), file, rule.id));
            }
            if (!p.parts.empty()) rule.patterns.push_back(std::move(p));
        }
        for (const auto& exception :
             string_list(item.value("exceptions", json()), file, rule.id + " exceptions")) {
            rule.exceptions.push_back(compile(exception, file, rule.id));
        }
        out.rules.push_back(std::move(rule));
    }
    if (out.rules.empty()) {
        throw Error(ErrorCode::InvalidInput,
                    file.string() + " has no safety rules; restore the shipped file");
    }
}

std::shared_ptr<const Data> load() {
    auto out = std::make_shared<Data>();
    fs::path dir = paths::data_dir() / "reflect";

    read_bank(dir / "questions.json", true, *out);
    fs::path own = paths::home() / "questions.json";
    std::error_code ec;
    if (fs::is_regular_file(own, ec)) read_bank(own, false, *out);
    check_unique(out->questions);
    read_messages(dir / "messages.json", *out);
    read_safety(dir / "safety.json", *out);

    EMP_LOG_INFO("reflect", "loaded {} questions and {} safety rules", out->questions.size(),
                 out->rules.size());
    return out;
}

std::mutex& data_mutex() {
    static std::mutex mutex;
    return mutex;
}

std::shared_ptr<const Data>& current() {
    static std::shared_ptr<const Data> snapshot;
    return snapshot;
}

}  // namespace

std::shared_ptr<const Data> data() {
    std::lock_guard lock(data_mutex());
    if (!current()) current() = load();
    return current();
}

std::string normalize_for_rules(const std::string& text, const Data& data) {
    // Lower-case and straighten curly apostrophes (U+2018, U+2019) and the prime (U+2032).
    std::string lowered = utf8::lower(text);
    std::string straight;
    straight.reserve(lowered.size());
    for (std::size_t i = 0; i < lowered.size(); ++i) {
        if (lowered.compare(i, 3, "\xE2\x80\x98") == 0 ||
            lowered.compare(i, 3, "\xE2\x80\x99") == 0 ||
            lowered.compare(i, 3, "\xE2\x80\xB2") == 0) {
            straight += '\'';
            i += 2;
        } else {
            straight += lowered[i];
        }
    }

    // Words (letters, digits, apostrophes, hyphens) are looked up in the contractions; runs
    // of whitespace become one space.
    auto is_word = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || c == '-';
    };
    std::string out;
    out.reserve(straight.size() + 16);
    std::size_t i = 0;
    while (i < straight.size()) {
        char c = straight[i];
        if (is_word(c)) {
            std::size_t end = i;
            while (end < straight.size() && is_word(straight[end])) ++end;
            std::string word = straight.substr(i, end - i);
            auto it = data.contractions.find(word);
            out += it == data.contractions.end() ? word : it->second;
            i = end;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            if (!out.empty() && out.back() != ' ') out += ' ';
            ++i;
        } else {
            out += c;
            ++i;
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::uint64_t stable_hash(std::string_view text) {
    std::uint64_t hash = 1469598103934665603ull;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    return hash;
}

}  // namespace detail

std::vector<Question> load_question_bank() {
    return detail::data()->questions;
}

void reload_data() {
    std::lock_guard lock(detail::data_mutex());
    detail::current().reset();
}

}  // namespace empathic::reflect
