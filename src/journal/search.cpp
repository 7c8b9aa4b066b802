// Search: SQLite FTS5 full text with highlighted snippets, combined with filters on empathic
// tags (score at least the set's threshold or a given minimum), dates and own tags, sorted by
// date, a label's score, overall intensity or relevance.
#include <cctype>
#include <string_view>

#include "core/error.h"
#include "journal/journal_impl.h"

namespace empathic {
namespace {

// Normalizes a date bound to the local-time string form stored in entries.created_local.
std::string bound(const std::string& text, bool upper, const char* what) {
    Timestamp t = Timestamp::parse(text, what);
    std::string local = t.local();
    // A bare date means the whole day.
    if (text.find_first_of("T ") == std::string::npos || text.size() <= 10) {
        return local.substr(0, 10) + (upper ? "T99" : "");
    }
    // A time is compared with each entry's local time, as the user wrote it.
    return local;
}

// True when `term` holds something the full-text index keeps: a letter or digit (any byte
// of a multi-byte UTF-8 character counts, as unicode61 indexes letters of every script).
bool has_word(std::string_view term) {
    for (unsigned char c : term) {
        if (c >= 0x80 || std::isalnum(c)) return true;
    }
    return false;
}

// `term` as an FTS5 string: in double quotes, inner quotes doubled. FTS5 then splits it into
// words the way it split the entries, so "self-care", "don't" or "9:30" just work.
std::string quoted(std::string_view term) {
    std::string out = "\"";
    for (char c : term) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace

namespace detail {

std::string fts_query(const std::string& text) {
    // Split into terms: "quoted phrases" stay whole, everything else splits at spaces and
    // parentheses.
    std::vector<std::pair<std::string, bool>> terms;  // (term, was a phrase)
    for (std::size_t i = 0; i < text.size();) {
        char c = text[i];
        if (std::isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')') {
            ++i;
        } else if (c == '"') {
            auto end = text.find('"', i + 1);
            if (end == std::string::npos) end = text.size();
            terms.push_back({text.substr(i + 1, end - i - 1), true});
            i = end + 1;
        } else {
            std::size_t end = i;
            while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) &&
                   text[end] != '(' && text[end] != ')' && text[end] != '"') {
                ++end;
            }
            terms.push_back({text.substr(i, end - i), false});
            i = end;
        }
    }

    // Rebuild: each word or phrase quoted, a trailing * kept as a prefix search, OR/AND/NOT
    // kept only between two words, anything without a letter or digit dropped.
    std::string query;
    bool operator_pending = false;
    std::string pending;
    for (const auto& [term, phrase] : terms) {
        if (!phrase && (term == "OR" || term == "AND" || term == "NOT")) {
            if (!query.empty()) {
                pending = term;
                operator_pending = true;
            }
            continue;
        }
        bool prefix = !phrase && term.size() > 1 && term.back() == '*';
        std::string_view word =
            prefix ? std::string_view(term).substr(0, term.size() - 1) : std::string_view(term);
        if (!has_word(word)) continue;
        if (!query.empty()) query += operator_pending ? " " + pending + " " : " ";
        operator_pending = false;
        query += quoted(word) + (prefix ? "*" : "");
    }
    if (query.empty()) {
        throw Error(ErrorCode::InvalidInput, "the search '" + text.substr(0, 40) +
                                                 "' has no words to look for; search for a word "
                                                 "or leave the words out to filter only");
    }
    return query;
}

}  // namespace detail

SearchResult Journal::search(const SearchQuery& q) const {
    if (q.limit < 0 || q.offset < 0) {
        throw Error(ErrorCode::InvalidInput, "limit and offset can't be negative");
    }
    std::lock_guard lock(impl_->mutex);
    std::string set_name = q.label_set.empty() ? impl_->active_set_name() : q.label_set;
    LabelSet set = impl_->load_label_set(set_name);

    // Build one statement; every user value is a bound parameter.
    struct Param {
        bool is_number;
        std::string text;
        double number;
    };
    std::vector<Param> binds;
    auto text_param = [&](const std::string& v) { binds.push_back({false, v, 0}); };
    auto number_param = [&](double v) { binds.push_back({true, {}, v}); };

    bool full_text = !q.text.empty();
    std::string from =
        full_text ? " FROM entries e JOIN entries_fts f ON f.rowid = e.id" : " FROM entries e";
    std::string where =
        q.trash ? " WHERE e.deleted_utc IS NOT NULL" : " WHERE e.deleted_utc IS NULL";
    if (full_text) {
        where += " AND entries_fts MATCH ?";
        text_param(detail::fts_query(q.text));
    }
    if (q.from) {
        where += " AND e.created_local >= ?";
        text_param(bound(*q.from, false, "the start date"));
    }
    if (q.until) {
        where += " AND e.created_local <= ?";
        text_param(bound(*q.until, true, "the end date"));
    }
    for (const auto& tag : q.own_tags) {
        where += " AND EXISTS (SELECT 1 FROM entry_tags t WHERE t.entry_id = e.id AND t.tag = ?)";
        text_param(tag.size() > 1 && tag.front() == '#' ? tag.substr(1) : tag);
    }
    auto known_label = [&](const std::string& label) {
        for (const auto& l : set.labels) {
            if (l.label == label) return;
        }
        throw Error(ErrorCode::InvalidInput, "label '" + label + "' is not in label set '" +
                                                 set.name + "'; `empathic labels show " + set.name +
                                                 "` lists its labels");
    };
    for (const auto& feeling : q.feelings) {
        known_label(feeling.label);
        double min = feeling.min_score.value_or(set.threshold);
        if (!(min >= 0 && min <= 1)) {
            throw Error(ErrorCode::InvalidInput, "a minimum score must be between 0 and 1");
        }
        where +=
            " AND EXISTS (SELECT 1 FROM tag_runs r JOIN scores s ON s.run_id = r.id WHERE "
            "r.entry_id = e.id AND r.set_name = ? AND s.label = ? AND s.score >= ?)";
        text_param(set.name);
        text_param(feeling.label);
        number_param(min);
    }

    // The sort key, also returned as each hit's rank.
    std::string key;
    std::vector<Param> key_binds;
    switch (q.sort) {
        case SortBy::Date: key = "e.created_utc"; break;
        case SortBy::Relevance:
            if (!full_text) {
                throw Error(ErrorCode::InvalidInput, "sorting by relevance needs search words");
            }
            key = "-bm25(entries_fts, 5.0, 1.0, 1.0)";
            break;
        case SortBy::Score:
            known_label(q.sort_label);
            key =
                "coalesce((SELECT s.score FROM tag_runs r JOIN scores s ON s.run_id = r.id "
                "WHERE r.entry_id = e.id AND r.set_name = ? AND s.label = ?), 0)";
            key_binds.push_back({false, set.name, 0});
            key_binds.push_back({false, q.sort_label, 0});
            break;
        case SortBy::Intensity:
            key =
                "coalesce((SELECT max(s.score) FROM tag_runs r JOIN scores s ON s.run_id = r.id "
                "WHERE r.entry_id = e.id AND r.set_name = ?), 0)";
            key_binds.push_back({false, set.name, 0});
            break;
    }
    std::string snippet = full_text ? "snippet(entries_fts, -1, '[', ']', '…', 16)" : "''";
    std::string sql = "SELECT e.id, " + snippet + ", " + key + " AS k" + from + where +
                      " ORDER BY k " + (q.ascending ? "ASC" : "DESC") + ", e.id " +
                      (q.ascending ? "ASC" : "DESC") + " LIMIT ? OFFSET ?";

    auto bind_all = [](sql::Statement& stmt, const std::vector<Param>& list, int& index) {
        for (const auto& p : list) {
            if (p.is_number) {
                stmt.bind(index++, p.number);
            } else {
                stmt.bind(index++, p.text);
            }
        }
    };
    auto stmt = impl_->db.prepare(sql);
    int index = 1;
    bind_all(stmt, key_binds, index);
    bind_all(stmt, binds, index);
    stmt.bind(index++, q.limit);
    stmt.bind(index++, q.offset);

    SearchResult result;
    std::vector<std::pair<std::int64_t, std::pair<std::string, double>>> rows;
    while (stmt.step()) rows.push_back({stmt.int64(0), {stmt.text(1), stmt.real(2)}});
    for (auto& [id, info] : rows) {
        SearchHit hit;
        hit.entry = impl_->load_entry(id, 1);
        hit.snippet = info.first;
        hit.rank = info.second;
        result.hits.push_back(std::move(hit));
    }

    auto count = impl_->db.prepare("SELECT count(*)" + from + where);
    index = 1;
    bind_all(count, binds, index);
    count.step();
    result.total = count.int64(0);
    return result;
}

}  // namespace empathic
