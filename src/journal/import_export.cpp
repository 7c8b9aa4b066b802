// Import and export: our JSON, a Markdown folder with YAML front matter, Day One's JSON
// export (zip or bare JSON) and jrnl's JSON export.
//
// Import reads and checks the whole source first, so a malformed entry (named, with the
// field) aborts before anything is written. Then entries are written in batches of
// kImportBatch, one transaction each; an entry the journal already has (same uid, or same
// minute and same text) is skipped, so re-running an import adds nothing.
//
// What each format keeps: ours and Markdown keep everything (scores with provenance, threads,
// own tags; ours also the reflections' history, label sets and the trash). Day One and jrnl
// have no place for scores, so their entries are scored again after import; Day One's photos
// stay as the links in the text (the image files are not copied); jrnl keeps no seconds and
// no UTC offset (its times are read in this machine's time zone).
#include <zip.h>

#include <yaml-cpp/yaml.h>
#include <algorithm>
#include <fstream>
#include <map>

#include "core/error.h"
#include "core/fs_util.h"
#include "core/log.h"
#include "core/utf8.h"
#include "journal/journal_impl.h"

namespace empathic {
namespace {

constexpr std::size_t kImportBatch = 500;

// Where a file stopped being JSON, in words ("not valid JSON (it can't be read at byte 12)").
std::string json_error(const nlohmann::json::exception& e) {
    if (const auto* parse = dynamic_cast<const nlohmann::json::parse_error*>(&e)) {
        return "not valid JSON (it can't be read at byte " + std::to_string(parse->byte) + ")";
    }
    return "not valid JSON";
}

[[noreturn]] void malformed(const std::string& source, const std::string& field,
                            const std::string& why) {
    throw Error(ErrorCode::InvalidInput, "import failed: " + source + ", field '" + field +
                                             "': " + why + "; nothing was imported");
}

// A string field of a JSON object; `required` ones must be present.
std::string json_string(const nlohmann::json& obj, const char* field, const std::string& source,
                        bool required) {
    if (!obj.contains(field) || obj[field].is_null()) {
        if (required) malformed(source, field, "missing");
        return {};
    }
    if (!obj[field].is_string()) malformed(source, field, "must be a string");
    std::string value = obj[field].get<std::string>();
    if (utf8::find_invalid(value)) malformed(source, field, "not valid UTF-8");
    return value;
}

Timestamp json_time(const nlohmann::json& obj, const char* field, const std::string& source,
                    bool required) {
    std::string text = json_string(obj, field, source, required);
    if (text.empty()) return Timestamp::now();
    try {
        return Timestamp::parse(text);
    } catch (const Error& e) {
        malformed(source, field, "'" + text.substr(0, 40) + "' is not a date");
    }
}

std::vector<std::string> json_tags(const nlohmann::json& obj, const std::string& source) {
    std::vector<std::string> tags;
    if (!obj.contains("tags") || obj["tags"].is_null()) return tags;
    if (!obj["tags"].is_array()) malformed(source, "tags", "must be a list of strings");
    for (const auto& t : obj["tags"]) {
        if (!t.is_string()) malformed(source, "tags", "must be a list of strings");
        tags.push_back(t.get<std::string>());
    }
    return tags;
}

// Checks text, tags and scores of an entry read from a file.
void check_entry(ImportedEntry& item) {
    try {
        detail::validate_text(item.entry.title, item.entry.body, item.source);
        item.entry.tags = detail::clean_tags(item.entry.tags, item.source);
    } catch (const Error& e) {
        throw Error(e.code(), std::string("import failed: ") + e.what() + "; nothing was imported");
    }

    // Scores computed for another text than this body (edited outside Empathic) are dropped.
    std::string hash = detail::hash_text(item.entry.body);
    std::erase_if(item.entry.scores, [&](TagResult& run) {
        if (run.text_hash.empty()) run.text_hash = hash;
        return run.text_hash != hash;
    });
}

// A TagResult from its JSON form (to_json(TagResult)), evidence in characters of `body`.
TagResult run_from_json(const nlohmann::json& j, const std::string& body,
                        const std::string& source) {
    TagResult run;
    try {
        run.label_set = j.at("label_set").get<std::string>();
        run.label_set_version = j.value("version", 1);
        run.hypothesis_template = j.value("template", std::string(kDefaultTemplate));
        run.engine = j.value("engine", "");
        run.model = j.value("model", "");
        run.multi_label = j.value("mode", std::string("multi-label")) != "single-label";
        run.threshold = j.value("threshold", 0.5);
        run.text_hash = j.value("text_hash", "");
        for (const auto& s : j.at("scores")) {
            LabelScore score;
            score.label = s.at("label").get<std::string>();
            score.score = s.at("score").get<double>();
            if (!(score.score >= 0 && score.score <= 1)) {
                malformed(source, "scores", "a score must be between 0 and 1");
            }
            if (s.contains("evidence") && s["evidence"].is_object()) {
                score.evidence.start =
                    utf8::byte_offset_of(body, s["evidence"].value("start", std::size_t{0}));
                score.evidence.end =
                    utf8::byte_offset_of(body, s["evidence"].value("end", std::size_t{0}));
            } else if (s.contains("evidence") && s["evidence"].is_array() &&
                       s["evidence"].size() == 2) {
                score.evidence.start =
                    utf8::byte_offset_of(body, s["evidence"][0].get<std::size_t>());
                score.evidence.end =
                    utf8::byte_offset_of(body, s["evidence"][1].get<std::size_t>());
            }
            run.scores.push_back(score);
        }
    } catch (const nlohmann::json::exception&) {
        malformed(source, "scores",
                  "must be a list of {\"label_set\", \"scores\": [{\"label\", \"score\"}]} "
                  "objects");
    }
    return run;
}

// --- our JSON ---------------------------------------------------------------------------------

struct OurJson {
    std::vector<ImportedEntry> entries;
    std::vector<LabelSet> label_sets;
    std::string active;
};

OurJson parse_our_json(const std::string& text, const std::string& file) {
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        malformed(file, "(file)", json_error(e));
    }
    if (!root.is_object() || !root.contains("entries") || !root["entries"].is_array()) {
        malformed(file, "entries", "an Empathic export has an \"entries\" list");
    }
    OurJson result;
    result.active = root.value("active_label_set", "");
    if (root.contains("label_sets")) {
        if (!root["label_sets"].is_array()) malformed(file, "label_sets", "must be a list");
        std::size_t n = 0;
        for (const auto& set : root["label_sets"]) {
            std::string where = "label set " + std::to_string(++n) + " of " + file;
            try {
                result.label_sets.push_back(detail::validate_label_set(label_set_from_json(set)));
            } catch (const Error& e) {
                malformed(where, "label_sets", e.what());
            } catch (const nlohmann::json::exception&) {
                malformed(where, "label_sets",
                          "must be an object with \"name\", \"template\" and \"labels\"");
            }
        }
    }
    std::size_t n = 0;
    for (const auto& j : root["entries"]) {
        ++n;
        ImportedEntry item;
        item.source = "entry " + std::to_string(n) + " of " + file;
        if (!j.is_object()) malformed(item.source, "(entry)", "must be an object");
        Entry& e = item.entry;
        e.uid = json_string(j, "uid", item.source, false);
        e.created = json_time(j, "created", item.source, true);
        e.updated = j.contains("updated") ? json_time(j, "updated", item.source, false) : e.created;
        e.title = json_string(j, "title", item.source, false);
        e.body = json_string(j, "body", item.source, true);
        e.tags = json_tags(j, item.source);
        e.question = json_string(j, "question", item.source, false);
        item.parent_uid = json_string(j, "parent_uid", item.source, false);
        e.deleted = j.value("deleted", false);
        if (j.contains("scores") && !j["scores"].is_null()) {
            if (!j["scores"].is_array()) {
                malformed(item.source, "scores", "must be a list of label-set results");
            }
            for (const auto& run : j["scores"])
                e.scores.push_back(run_from_json(run, e.body, item.source));
        }
        if (j.contains("reflections")) {
            for (const auto& r : j["reflections"]) item.reflections.push_back(r);
        }
        check_entry(item);
        result.entries.push_back(std::move(item));
    }
    return result;
}

// --- Markdown folder --------------------------------------------------------------------------

std::string yaml_string(const YAML::Node& node, const char* field, const std::string& source) {
    if (!node[field] || node[field].IsNull()) return {};
    if (!node[field].IsScalar()) malformed(source, field, "must be text");
    return node[field].as<std::string>();
}

ImportedEntry parse_markdown(const std::string& text, const std::string& source) {
    ImportedEntry item;
    item.source = source;
    if (text.rfind("---\n", 0) != 0 && text.rfind("---\r\n", 0) != 0) {
        malformed(source, "front matter", "the file must start with YAML front matter (---)");
    }
    std::size_t start = text.find('\n') + 1;
    std::size_t end = std::string::npos;
    for (std::size_t pos = start; pos < text.size();) {
        std::size_t eol = text.find('\n', pos);
        std::string line =
            text.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line == "---") {
            end = pos;
            item.entry.body = eol == std::string::npos ? "" : text.substr(eol + 1);
            break;
        }
        if (eol == std::string::npos) break;
        pos = eol + 1;
    }
    if (end == std::string::npos) malformed(source, "front matter", "no closing ---");

    YAML::Node meta;
    try {
        meta = YAML::Load(text.substr(start, end - start));
    } catch (const YAML::Exception& e) {
        malformed(source, "front matter", std::string("not valid YAML: ") + e.what());
    }
    if (!meta.IsMap()) malformed(source, "front matter", "must be a map of fields");
    Entry& e = item.entry;
    try {
        e.uid = yaml_string(meta, "uid", source);
        std::string created = yaml_string(meta, "created", source);
        if (created.empty()) created = yaml_string(meta, "date", source);
        if (created.empty()) malformed(source, "created", "missing (or 'date')");
        try {
            e.created = Timestamp::parse(created);
        } catch (const Error&) {
            malformed(source, "created", "'" + created.substr(0, 40) + "' is not a date");
        }
        std::string updated = yaml_string(meta, "updated", source);
        try {
            e.updated = updated.empty() ? e.created : Timestamp::parse(updated);
        } catch (const Error&) {
            malformed(source, "updated", "'" + updated.substr(0, 40) + "' is not a date");
        }
        e.title = yaml_string(meta, "title", source);
        if (meta["tags"]) {
            if (meta["tags"].IsSequence()) {
                for (const auto& t : meta["tags"]) e.tags.push_back(t.as<std::string>());
            } else if (meta["tags"].IsScalar()) {
                for (auto& t : split_labels(meta["tags"].as<std::string>())) e.tags.push_back(t);
            } else if (!meta["tags"].IsNull()) {
                malformed(source, "tags", "must be a list");
            }
        }
        item.parent_uid = yaml_string(meta, "parent", source);
        e.question = yaml_string(meta, "question", source);
        e.deleted = meta["deleted"] && meta["deleted"].as<bool>();
        if (meta["empathic"] && meta["empathic"].IsSequence()) {
            for (const auto& run : meta["empathic"]) {
                // YAML to JSON through the fields we know.
                nlohmann::json j;
                for (const char* key :
                     {"label_set", "template", "engine", "model", "mode", "text_hash"}) {
                    if (run[key]) j[key] = run[key].as<std::string>();
                }
                if (run["version"]) j["version"] = run["version"].as<int>();
                if (run["threshold"]) j["threshold"] = run["threshold"].as<double>();
                j["scores"] = nlohmann::json::array();
                for (const auto& s : run["scores"]) {
                    nlohmann::json score = {{"label", s["label"].as<std::string>()},
                                            {"score", s["score"].as<double>()}};
                    if (s["evidence"] && s["evidence"].IsSequence() && s["evidence"].size() == 2) {
                        score["evidence"] = {s["evidence"][0].as<std::size_t>(),
                                             s["evidence"][1].as<std::size_t>()};
                    }
                    j["scores"].push_back(score);
                }
                e.scores.push_back(run_from_json(j, e.body, source));
            }
        }
    } catch (const YAML::Exception& ex) {
        malformed(source, "front matter", ex.what());
    }
    check_entry(item);
    return item;
}

std::string to_markdown(const Entry& e, const std::string& parent_uid) {
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "uid" << YAML::Value << e.uid;
    out << YAML::Key << "created" << YAML::Value << e.created.to_string();
    out << YAML::Key << "updated" << YAML::Value << e.updated.to_string();
    if (!e.title.empty())
        out << YAML::Key << "title" << YAML::Value << YAML::DoubleQuoted << e.title;
    out << YAML::Key << "tags" << YAML::Value << YAML::Flow << e.tags;
    // The mood in the note itself: the active set's tags, then every score with provenance.
    out << YAML::Key << "moods" << YAML::Value << YAML::Flow << e.empathic_tags();
    if (!parent_uid.empty()) {
        out << YAML::Key << "parent" << YAML::Value << parent_uid;
        out << YAML::Key << "question" << YAML::Value << YAML::DoubleQuoted << e.question;
    }
    if (e.deleted) out << YAML::Key << "deleted" << YAML::Value << true;
    if (!e.scores.empty()) {
        out << YAML::Key << "empathic" << YAML::Value << YAML::BeginSeq;
        for (const auto& run : e.scores) {
            out << YAML::BeginMap;
            out << YAML::Key << "label_set" << YAML::Value << run.label_set;
            out << YAML::Key << "version" << YAML::Value << run.label_set_version;
            out << YAML::Key << "template" << YAML::Value << YAML::DoubleQuoted
                << run.hypothesis_template;
            out << YAML::Key << "engine" << YAML::Value << run.engine;
            out << YAML::Key << "model" << YAML::Value << run.model;
            out << YAML::Key << "mode" << YAML::Value
                << (run.multi_label ? "multi-label" : "single-label");
            out << YAML::Key << "threshold" << YAML::Value << run.threshold;
            out << YAML::Key << "text_hash" << YAML::Value << run.text_hash;
            out << YAML::Key << "scores" << YAML::Value << YAML::BeginSeq;
            for (const auto& s : run.scores) {
                out << YAML::Flow << YAML::BeginMap;
                out << YAML::Key << "label" << YAML::Value << s.label;
                out << YAML::Key << "score" << YAML::Value << s.score;
                std::size_t end = std::min(s.evidence.end, e.body.size());
                std::size_t start = std::min(s.evidence.start, end);
                out << YAML::Key << "evidence" << YAML::Value << YAML::Flow << YAML::BeginSeq
                    << utf8::chars_before(e.body, start) << utf8::chars_before(e.body, end)
                    << YAML::EndSeq;
                out << YAML::EndMap;
            }
            out << YAML::EndSeq << YAML::EndMap;
        }
        out << YAML::EndSeq;
    }
    out << YAML::EndMap;
    return "---\n" + std::string(out.c_str()) + "\n---\n" + e.body;
}

// --- Day One ----------------------------------------------------------------------------------

std::string read_dayone_source(const std::filesystem::path& path) {
    std::string data = read_file(path);
    if (data.rfind("PK", 0) != 0) return data;  // the JSON alone

    int error = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &error);
    if (!archive) malformed(path.string(), "(zip)", "the zip can't be opened");
    std::string json;
    std::int64_t found = -1;
    std::int64_t n = zip_get_num_entries(archive, 0);
    for (std::int64_t i = 0; i < n; ++i) {
        std::string name = zip_get_name(archive, static_cast<zip_uint64_t>(i), 0);
        if (name.size() >= 5 && name.substr(name.size() - 5) == ".json" &&
            name.find("__MACOSX") == std::string::npos) {
            found = i;
            if (name == "Journal.json") break;
        }
    }
    if (found < 0) {
        zip_close(archive);
        malformed(path.string(), "Journal.json", "Journal.json is missing from the zip");
    }
    zip_stat_t st;
    zip_stat_index(archive, static_cast<zip_uint64_t>(found), 0, &st);
    zip_file_t* file = zip_fopen_index(archive, static_cast<zip_uint64_t>(found), 0);
    json.resize(st.size);
    zip_int64_t got = file ? zip_fread(file, json.data(), st.size) : -1;
    if (file) zip_fclose(file);
    zip_close(archive);
    if (got != static_cast<zip_int64_t>(st.size)) {
        malformed(path.string(), "Journal.json", "can't be read from the zip");
    }
    return json;
}

std::vector<ImportedEntry> parse_dayone(const std::string& text, const std::string& file) {
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        malformed(file, "(file)", "neither a Day One zip nor its Journal.json: " + json_error(e));
    }
    if (!root.is_object() || !root.contains("entries") || !root["entries"].is_array()) {
        malformed(file, "entries", "a Day One export has an \"entries\" list");
    }
    std::vector<ImportedEntry> result;
    std::size_t n = 0;
    for (const auto& j : root["entries"]) {
        ++n;
        ImportedEntry item;
        item.source = "entry " + std::to_string(n) + " of " + file;
        if (!j.is_object()) malformed(item.source, "(entry)", "must be an object");
        Entry& e = item.entry;
        e.uid = json_string(j, "uuid", item.source, false);
        e.created = json_time(j, "creationDate", item.source, true);
        e.updated = j.contains("modifiedDate") ? json_time(j, "modifiedDate", item.source, false)
                                               : e.created;

        // Day One stores UTC and the zone's name; the writer's offset comes from the zone.
        std::string zone = json_string(j, "timeZone", item.source, false);
        if (!zone.empty()) {
            auto offset = detail::zone_offset(zone, e.created.utc);
            if (!offset) malformed(item.source, "timeZone", "'" + zone + "' is not a known zone");
            e.created.offset_minutes = *offset;
            e.updated.offset_minutes = detail::zone_offset(zone, e.updated.utc).value_or(*offset);
        }
        std::string text_field = json_string(j, "text", item.source, true);
        // A first line "# Title" is the entry's title, as Day One shows it.
        if (text_field.rfind("# ", 0) == 0) {
            std::size_t eol = text_field.find('\n');
            e.title = text_field.substr(2, eol == std::string::npos ? std::string::npos : eol - 2);
            e.body = eol == std::string::npos ? "" : text_field.substr(eol + 1);
            if (e.body.rfind("\n", 0) == 0) e.body.erase(0, 1);
        } else {
            e.body = text_field;
        }
        e.tags = json_tags(j, item.source);
        check_entry(item);
        result.push_back(std::move(item));
    }
    return result;
}

nlohmann::json to_dayone(const std::vector<Entry>& entries) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : entries) {
        if (e.deleted) continue;
        std::string text = e.title.empty() ? e.body : "# " + e.title + "\n\n" + e.body;
        list.push_back({{"uuid", e.uid},
                        {"creationDate", Timestamp{e.created.utc, 0}.local() + "Z"},
                        {"modifiedDate", Timestamp{e.updated.utc, 0}.local() + "Z"},
                        {"timeZone", detail::zone_name_for_offset(e.created.offset_minutes)},
                        {"text", text},
                        {"tags", e.tags},
                        {"starred", false}});
    }
    return {{"metadata", {{"version", "1.0"}}}, {"entries", list}};
}

// --- jrnl -------------------------------------------------------------------------------------

std::vector<ImportedEntry> parse_jrnl(const std::string& text, const std::string& file) {
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        malformed(file, "(file)",
                  "only jrnl's JSON export is read (make it with `jrnl --export json > "
                  "journal.json`); this file is " +
                      json_error(e));
    }
    if (!root.is_object() || !root.contains("entries") || !root["entries"].is_array()) {
        malformed(file, "entries",
                  "only jrnl's JSON export (`jrnl --export json`) is read; it has an "
                  "\"entries\" list");
    }
    std::vector<ImportedEntry> result;
    std::size_t n = 0;
    for (const auto& j : root["entries"]) {
        ++n;
        ImportedEntry item;
        item.source = "entry " + std::to_string(n) + " of " + file;
        if (!j.is_object()) malformed(item.source, "(entry)", "must be an object");
        Entry& e = item.entry;
        std::string date = json_string(j, "date", item.source, true);
        std::string time = json_string(j, "time", item.source, false);
        try {
            e.created = Timestamp::parse(date + (time.empty() ? "" : " " + time));
        } catch (const Error&) {
            malformed(item.source, "date",
                      "'" + (date + " " + time).substr(0, 40) + "' is not a date and time");
        }
        e.updated = e.created;
        e.title = json_string(j, "title", item.source, false);
        e.body = json_string(j, "body", item.source, false);
        // jrnl keeps the first sentence as the title; an entry of one sentence has no body.
        if (utf8::trim(e.body).empty()) {
            e.body = e.title;
            e.title.clear();
        }
        for (auto tag : json_tags(j, item.source)) {
            if (!tag.empty() && (tag.front() == '@' || tag.front() == '#')) tag.erase(0, 1);
            e.tags.push_back(tag);
        }
        check_entry(item);
        result.push_back(std::move(item));
    }
    return result;
}

nlohmann::json to_jrnl(const std::vector<Entry>& entries) {
    nlohmann::json list = nlohmann::json::array();
    std::map<std::string, int> counts;
    for (const auto& e : entries) {
        if (e.deleted) continue;
        std::vector<std::string> tags;
        for (const auto& t : e.tags) {
            tags.push_back("@" + t);
            ++counts["@" + t];
        }
        std::string local = e.created.local();
        list.push_back({{"title", e.title},
                        {"body", e.body},
                        {"date", local.substr(0, 10)},
                        {"time", local.substr(11, 5)},
                        {"tags", tags},
                        {"starred", false}});
    }
    return {{"tags", counts}, {"entries", list}};
}

// Every entry of the journal with what export needs (trash included; each writer decides).
std::vector<Entry> all_entries(Journal::Impl& impl) {
    std::vector<std::int64_t> ids;
    auto stmt = impl.db.prepare("SELECT id FROM entries ORDER BY created_utc, id");
    while (stmt.step()) ids.push_back(stmt.int64(0));
    std::vector<Entry> entries;
    for (auto id : ids) entries.push_back(impl.load_entry(id, 0));
    return entries;
}

std::map<std::int64_t, std::string> uids_by_id(Journal::Impl& impl) {
    std::map<std::int64_t, std::string> uids;
    auto stmt = impl.db.prepare("SELECT id, uid FROM entries");
    while (stmt.step()) uids[stmt.int64(0)] = stmt.text(1);
    return uids;
}

void check_format(const std::string& format) {
    if (std::find(kFormats.begin(), kFormats.end(), format) == kFormats.end()) {
        throw Error(ErrorCode::InvalidInput,
                    "unknown format '" + format + "'; use markdown, json, dayone or jrnl");
    }
}

}  // namespace

void Journal::Impl::store_imported(std::vector<ImportedEntry>& items, BatchReport& report,
                                   const Progress& progress) {
    // Parents before answers, so threads link within the import.
    std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
        return a.entry.created.utc < b.entry.created.utc;
    });
    std::string active = active_set_name();
    std::vector<std::pair<std::int64_t, std::string>> unlinked;  // (id, parent uid)
    std::int64_t done = 0;
    for (std::size_t start = 0; start < items.size(); start += kImportBatch) {
        sql::Transaction tx(db);
        std::size_t end = std::min(items.size(), start + kImportBatch);
        for (std::size_t i = start; i < end; ++i) {
            Entry& e = items[i].entry;
            std::string hash = detail::hash_text(e.body);
            if (e.uid.empty()) e.uid = "T" + hash.substr(0, 31);

            // Already here: the same uid, or the same minute with the same text.
            bool exists = id_of_uid(e.uid).has_value();
            if (!exists) {
                auto same = db.prepare(
                    "SELECT 1 FROM entries WHERE text_hash = ? AND substr(created_local, 1, 16) = "
                    "?");
                same.bind(1, hash).bind(2, e.created.local().substr(0, 16));
                exists = same.step();
            }
            if (exists) {
                ++report.skipped;
                continue;
            }
            bool scored = std::any_of(e.scores.begin(), e.scores.end(),
                                      [&](const TagResult& r) { return r.label_set == active; });
            e.tagging = scored ? TaggingState::Done : TaggingState::Pending;
            e.parent_id.reset();
            std::int64_t id = insert_entry(e);
            for (const auto& run : e.scores) write_run(id, run);
            for (const auto& r : items[i].reflections) {
                std::int64_t created = Timestamp::now().utc;
                if (r.contains("created") && r["created"].is_string()) {
                    created = Timestamp::parse(r["created"].get<std::string>()).utc;
                }
                insert_reflection(id, created, r.value("reflection", r));
            }
            if (!items[i].parent_uid.empty()) unlinked.push_back({id, items[i].parent_uid});
            ++report.added;
        }
        tx.commit();
        done = static_cast<std::int64_t>(end);
        if (progress) progress(done, static_cast<std::int64_t>(items.size()));
    }

    // Threads: link answers to parents now that every entry is in.
    if (!unlinked.empty()) {
        sql::Transaction tx(db);
        auto link = db.prepare("UPDATE entries SET parent_id = ? WHERE id = ?");
        for (const auto& [id, parent] : unlinked) {
            if (auto parent_id = id_of_uid(parent)) {
                link.reset();
                link.bind(1, *parent_id).bind(2, id).run();
            } else {
                report.messages.push_back(
                    "an answer's question points to an entry that is not "
                    "in the journal; it was kept as a plain entry");
            }
        }
        tx.commit();
    }
}

BatchReport Journal::import(const std::string& format, const std::filesystem::path& path,
                            const Progress& progress) {
    check_format(format);
    if (!std::filesystem::exists(path)) {
        throw Error(ErrorCode::NotFound, "nothing to import at " + path.string());
    }

    // Read and check everything before writing anything.
    std::vector<ImportedEntry> items;
    OurJson ours;
    if (format == "markdown") {
        if (!std::filesystem::is_directory(path)) {
            throw Error(ErrorCode::InvalidInput,
                        "a Markdown import is a folder of .md files; " + path.string() + " is not");
        }
        std::vector<std::filesystem::path> files;
        for (const auto& f : std::filesystem::recursive_directory_iterator(path)) {
            if (f.is_regular_file() && f.path().extension() == ".md") files.push_back(f.path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            items.push_back(parse_markdown(read_file(f), "file " + f.filename().string()));
        }
    } else if (format == "json") {
        ours = parse_our_json(read_file(path), path.filename().string());
        items = std::move(ours.entries);
    } else if (format == "dayone") {
        items = parse_dayone(read_dayone_source(path), path.filename().string());
    } else {
        items = parse_jrnl(read_file(path), path.filename().string());
    }

    BatchReport report;
    std::lock_guard lock(impl_->mutex);

    // Label sets of our export: missing ones are added; a journal with no entries yet takes
    // the exported definitions as they are (that is a restore).
    if (!ours.label_sets.empty()) {
        auto count = impl_->db.prepare("SELECT count(*) FROM entries");
        count.step();
        bool fresh = count.int64(0) == 0;
        sql::Transaction tx(impl_->db);
        for (const auto& set : ours.label_sets) {
            auto existing = impl_->db.prepare("SELECT id FROM label_sets WHERE name = ?");
            existing.bind(1, set.name);
            if (!existing.step()) {
                LabelSet copy = set;
                copy.active = false;
                impl_->write_label_set(copy, std::nullopt);
            } else if (fresh) {
                impl_->write_label_set(set, existing.int64(0));
            }
        }
        if (fresh && !ours.active.empty()) {
            impl_->db.exec("UPDATE label_sets SET active = 0");
            impl_->db.prepare("UPDATE label_sets SET active = 1 WHERE name = ?")
                .bind(1, ours.active)
                .run();
        }
        tx.commit();
    }
    impl_->store_imported(items, report, progress);
    EMP_LOG_INFO("journal", "import ({}): {} added, {} skipped", format, report.added,
                 report.skipped);
    return report;
}

BatchReport Journal::export_to(const std::string& format, const std::filesystem::path& path,
                               const Progress& progress) const {
    check_format(format);
    std::vector<Entry> entries;
    std::map<std::int64_t, std::string> uids;
    nlohmann::json sets = nlohmann::json::array();
    std::string active;
    std::map<std::int64_t, std::vector<nlohmann::json>> reflections;
    {
        std::lock_guard lock(impl_->mutex);
        entries = all_entries(*impl_);
        uids = uids_by_id(*impl_);
        active = impl_->active_set_name();
        auto names = impl_->db.prepare("SELECT name FROM label_sets ORDER BY id");
        while (names.step()) sets.push_back(to_json(impl_->load_label_set(names.text(0))));
        auto stmt =
            impl_->db.prepare("SELECT entry_id, created_utc, json FROM reflections ORDER BY id");
        while (stmt.step()) {
            reflections[stmt.int64(0)].push_back(
                {{"created", Timestamp{stmt.int64(1), 0}.to_string()},
                 {"reflection", nlohmann::json::parse(stmt.text(2))}});
        }
    }

    BatchReport report;
    auto total = static_cast<std::int64_t>(entries.size());
    if (format == "markdown") {
        std::filesystem::create_directories(path);
        std::int64_t done = 0;
        for (const auto& e : entries) {
            std::string parent = e.parent_id ? uids[*e.parent_id] : "";
            std::string local = e.created.local();
            std::string name = local.substr(0, 10) + "-" + local.substr(11, 2) +
                               local.substr(14, 2) + "-" + e.uid.substr(0, 8) + ".md";
            write_file_atomically(path / name, to_markdown(e, parent));
            ++report.added;
            if (progress) progress(++done, total);
        }
    } else if (format == "json") {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& e : entries) {
            nlohmann::json j = to_json(e);
            j.erase("id");
            j.erase("parent_id");
            j.erase("thread");
            j.erase("reflection");
            j.erase("tagging_error");
            if (e.parent_id) j["parent_uid"] = uids[*e.parent_id];
            if (e.parent_id) j["question"] = e.question;
            j["reflections"] = reflections[e.id];
            list.push_back(std::move(j));
            ++report.added;
        }
        nlohmann::json root = {{"format", "empathic"},
                               {"version", 1},
                               {"exported", Timestamp::now().to_string()},
                               {"active_label_set", active},
                               {"label_sets", sets},
                               {"entries", list}};
        write_file_atomically(path, root.dump(2));
        if (progress) progress(total, total);
    } else if (format == "dayone") {
        std::string json = to_dayone(entries).dump(2);
        if (path.extension() == ".zip") {
            std::filesystem::remove(path);
            int error = 0;
            zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
            if (!archive) {
                throw Error(ErrorCode::Unavailable, "can't write " + path.string());
            }
            zip_source_t* source = zip_source_buffer(archive, json.data(), json.size(), 0);
            if (!source || zip_file_add(archive, "Journal.json", source, ZIP_FL_OVERWRITE) < 0) {
                zip_source_free(source);
                zip_discard(archive);
                throw Error(ErrorCode::Unavailable, "can't write " + path.string());
            }
            if (zip_close(archive) < 0) {
                zip_discard(archive);
                throw Error(ErrorCode::Unavailable, "can't write " + path.string());
            }
        } else {
            write_file_atomically(path, json);
        }
        for (const auto& e : entries) report.added += e.deleted ? 0 : 1;
        if (progress) progress(total, total);
    } else {
        write_file_atomically(path, to_jrnl(entries).dump(2));
        for (const auto& e : entries) report.added += e.deleted ? 0 : 1;
        if (progress) progress(total, total);
    }
    EMP_LOG_INFO("journal", "export ({}): {} entries", format, report.added);
    return report;
}

}  // namespace empathic
