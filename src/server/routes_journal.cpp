// Entries, search, tags, analytics and reflections: each handler reads the request, calls the
// Journal, and returns the journal's own JSON forms (the shapes `empathic ... --json` prints).
#include <charconv>

#include "core/error.h"
#include "journal/journal.h"
#include "reflect/journal_reflector.h"
#include "server/routes.h"
#include "server/tagging_queue.h"

namespace empathic::server {
namespace {

/// Reads an optional list of the writer's own tags.
std::optional<std::vector<std::string>> opt_tags(const nlohmann::json& body) {
    auto it = body.find("tags");
    if (it == body.end() || it->is_null()) return std::nullopt;
    return string_list(*it, "tags");
}

/// Reads an optional date field ("2024-03-05", "2024-03-05T08:15:00+01:00").
std::optional<Timestamp> opt_timestamp(const nlohmann::json& body, const std::string& field) {
    std::string text = opt_string(body, field);
    if (text.empty()) return std::nullopt;
    return Timestamp::parse(text, "'" + field + "'");
}

/// Reads a whole-number query parameter in [min, max], or `fallback` when absent.
int int_query(const ApiRequest& req, const std::string& name, int fallback, int min, int max) {
    auto text = req.query(name);
    if (!text || text->empty()) return fallback;
    int value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
        throw Error(ErrorCode::InvalidInput, "'" + name + "' must be a whole number from " +
                                                 std::to_string(min) + " to " +
                                                 std::to_string(max));
    }
    return value;
}

/// All values of a repeatable query parameter (?feeling=a&feeling=b), split on commas too.
std::vector<std::string> list_query(const ApiRequest& req, const std::string& name) {
    std::vector<std::string> out;
    std::size_t count = req.http.get_param_value_count(name.c_str());
    for (std::size_t i = 0; i < count; ++i) {
        for (std::string& item : split_labels(req.http.get_param_value(name.c_str(), i))) {
            if (!item.empty()) out.push_back(std::move(item));
        }
    }
    return out;
}

SortBy parse_sort(const std::string& name) {
    if (name.empty() || name == "date") return SortBy::Date;
    if (name == "score") return SortBy::Score;
    if (name == "intensity") return SortBy::Intensity;
    if (name == "relevance") return SortBy::Relevance;
    throw Error(ErrorCode::InvalidInput,
                "unknown sort '" + name + "'; use date, score, intensity or relevance");
}

/// A feeling filter "anxious" or "anxious:0.7" (minimum score).
TagFilter parse_feeling(const std::string& text) {
    TagFilter filter;
    std::size_t colon = text.rfind(':');
    if (colon == std::string::npos) {
        filter.label = text;
        return filter;
    }
    filter.label = text.substr(0, colon);
    std::string number = text.substr(colon + 1);
    double value = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec != std::errc() || end != number.data() + number.size() || value < 0 || value > 1) {
        throw Error(ErrorCode::InvalidInput, "the minimum score in feeling filter '" + text +
                                                 "' must be a number from 0 to 1");
    }
    filter.min_score = value;
    return filter;
}

SearchQuery search_query(const ApiRequest& req) {
    SearchQuery query;
    query.text = req.query("q").value_or("");
    for (const std::string& feeling : list_query(req, "feeling")) {
        query.feelings.push_back(parse_feeling(feeling));
    }
    query.own_tags = list_query(req, "tag");
    if (auto from = req.query("from"); from && !from->empty()) query.from = *from;
    if (auto until = req.query("until"); until && !until->empty()) query.until = *until;
    query.label_set = req.query("label_set").value_or("");
    query.sort = parse_sort(req.query("sort").value_or(""));
    query.sort_label = req.query("sort_label").value_or("");
    if (query.sort == SortBy::Score && query.sort_label.empty()) {
        throw Error(ErrorCode::InvalidInput, "sort=score needs sort_label: the feeling to sort by");
    }
    std::string order = req.query("order").value_or("desc");
    if (order != "asc" && order != "desc") {
        throw Error(ErrorCode::InvalidInput, "order must be asc or desc, not '" + order + "'");
    }
    query.ascending = order == "asc";
    query.limit = int_query(req, "limit", 50, 1, 500);
    query.offset = int_query(req, "offset", 0, 0, 1'000'000'000);
    query.trash = req.query("trash").value_or("") == "true";
    return query;
}

}  // namespace

void add_journal_routes(Api& api, TaggingQueue& queue) {
    Journal& journal = queue.journal();

    // --- entries ---------------------------------------------------------------------------

    api.get("/api/entries", [&](const ApiRequest& req) {
        return ApiResponse{to_json(journal.search(search_query(req)))};
    });

    api.post("/api/entries", [&](const ApiRequest& req) {
        NewEntry entry;
        entry.body = req_string(req.body, "body");
        entry.title = opt_string(req.body, "title");
        entry.tags = opt_tags(req.body).value_or(std::vector<std::string>{});
        entry.created = opt_timestamp(req.body, "created");
        if (auto parent = req.body.find("parent_id");
            parent != req.body.end() && !parent->is_null()) {
            if (!parent->is_number_integer() || parent->get<std::int64_t>() <= 0) {
                throw Error(ErrorCode::InvalidInput,
                            "'parent_id' must be an entry id (a positive whole number)");
            }
            entry.parent_id = parent->get<std::int64_t>();
        }
        entry.question = opt_string(req.body, "question");

        Entry stored = journal.add(entry);
        queue.notify();
        return ApiResponse{to_json(stored), 201};
    });

    api.get("/api/entries/{id}", [&](const ApiRequest& req) {
        return ApiResponse{to_json(journal.get(req.id_param()))};
    });

    api.patch("/api/entries/{id}", [&](const ApiRequest& req) {
        EntryUpdate update;
        if (req.body.contains("body")) update.body = req_string(req.body, "body");
        if (req.body.contains("title")) update.title = opt_string(req.body, "title");
        update.tags = opt_tags(req.body);
        update.created = opt_timestamp(req.body, "created");

        Entry stored = journal.update(req.id_param(), update);
        queue.notify();
        return ApiResponse{to_json(stored)};
    });

    api.del("/api/entries/{id}", [&](const ApiRequest& req) {
        std::int64_t id = req.id_param();
        journal.remove(id);
        return ApiResponse{{{"id", id}, {"deleted", true}}};
    });

    api.post("/api/entries/{id}/restore", [&](const ApiRequest& req) {
        Entry restored = journal.restore(req.id_param());
        queue.notify();
        return ApiResponse{to_json(restored)};
    });

    api.del("/api/trash", [&](const ApiRequest&) {
        return ApiResponse{{{"purged", journal.purge_trash()}}};
    });

    // An answer to one of the questions of an entry's reflection (a conversation turn).
    api.post("/api/entries/{id}/answers", [&](const ApiRequest& req) {
        Entry answer = journal.add_answer(req.id_param(), req_string(req.body, "question"),
                                          req_string(req.body, "body"));
        queue.notify();
        return ApiResponse{to_json(answer), 201};
    });

    // Scores one entry against another label set now (this one waits for the model).
    api.post("/api/entries/{id}/label-sets/{name}", [&](const ApiRequest& req) {
        std::int64_t id = req.id_param();
        TagResult result = journal.apply_label_set(id, req.params.at(1));
        return ApiResponse{to_json(result, journal.get(id).body)};
    });

    // --- search, tags, analytics ---------------------------------------------------------------

    api.get("/api/search", [&](const ApiRequest& req) {
        return ApiResponse{to_json(journal.search(search_query(req)))};
    });

    api.get("/api/tags", [&](const ApiRequest&) {
        nlohmann::json own = nlohmann::json::array();
        for (const auto& [tag, count] : journal.own_tags()) {
            own.push_back({{"tag", tag}, {"count", count}});
        }
        nlohmann::json feelings = nlohmann::json::array();
        LabelSet active = journal.active_label_set();
        for (const Label& label : active.labels) {
            feelings.push_back({{"label", label.label}, {"valence", valence_name(label.valence)}});
        }
        return ApiResponse{{{"own", own}, {"feelings", feelings}, {"label_set", active.name}}};
    });

    api.get("/api/analytics", [&](const ApiRequest& req) {
        StatsQuery query;
        query.period = parse_period(req.query("period").value_or("month"));
        if (auto from = req.query("from"); from && !from->empty()) query.from = *from;
        if (auto until = req.query("until"); until && !until->empty()) query.until = *until;
        query.label_set = req.query("label_set").value_or("");
        return ApiResponse{journal.stats(query)};
    });

    api.get("/api/analytics/top", [&](const ApiRequest& req) {
        auto label = req.query("label");
        if (!label || label->empty()) {
            throw Error(ErrorCode::InvalidInput, "'label' is required: the feeling to rank by");
        }
        Period period = parse_period(req.query("period").value_or("week"));
        return ApiResponse{journal.top_periods(*label, period, int_query(req, "limit", 5, 1, 100))};
    });

    // --- reflections and status --------------------------------------------------------------

    api.get("/api/reflections", [&](const ApiRequest& req) {
        nlohmann::json list = journal.recent_reflections(int_query(req, "limit", 20, 1, 200));
        return ApiResponse{{{"reflections", list}}};
    });

    api.get("/api/entries/{id}/reflection", [&](const ApiRequest& req) {
        std::int64_t id = req.id_param();
        Entry entry = journal.get(id);
        std::optional<nlohmann::json> reflection = journal.latest_reflection(id);
        return ApiResponse{{{"entry_id", id},
                            {"tagging", tagging_state_name(entry.tagging)},
                            {"reflection", reflection.value_or(nullptr)}}};
    });

    // Computes the reflection now when there is none yet, or anew with {"refresh": true}; an
    // entry not tagged yet is tagged first, so this one waits for the model.
    api.post("/api/entries/{id}/reflection", [&](const ApiRequest& req) {
        std::int64_t id = req.id_param();
        nlohmann::json reflection =
            reflect::reflection_for(journal, id, opt_bool(req.body, "refresh", false));
        return ApiResponse{{{"entry_id", id},
                            {"tagging", tagging_state_name(journal.get(id).tagging)},
                            {"reflection", reflection}}};
    });

    api.get("/api/status", [&](const ApiRequest&) {
        return ApiResponse{{{"entries", journal.count()}, {"tagging", queue.status()}}};
    });
}

}  // namespace empathic::server
