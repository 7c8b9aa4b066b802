// Analytics over the writer's local time: per day/week/month tag counts, mean scores and a
// valence line; co-occurring feelings; weekday and time-of-day patterns; writing streaks.
//
// An entry's valence is (P - N) / (P + N), where P and N are the sums of its scores for the
// set's positive and negative labels (0 when both are 0): +1 all positive, -1 all negative.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <unordered_map>

#include "core/error.h"
#include "journal/journal_impl.h"

namespace empathic {
namespace {

const char* const kWeekdays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                 "Friday", "Saturday", "Sunday"};

// Days since 1970-01-01 of a local date "YYYY-MM-DD...".
std::int64_t day_number(const std::string& local) {
    std::tm tm{};
    tm.tm_year = std::stoi(local.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(local.substr(5, 2)) - 1;
    tm.tm_mday = std::stoi(local.substr(8, 2));
    return static_cast<std::int64_t>(timegm(&tm)) / 86400;
}

std::string date_of_day(std::int64_t day) {
    std::time_t t = static_cast<std::time_t>(day * 86400);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[16];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
    return buffer;
}

int weekday_of_day(std::int64_t day) {
    return static_cast<int>(((day % 7) + 7 + 3) % 7);
}

std::string period_key(const std::string& local, Period period) {
    switch (period) {
        case Period::Day: return local.substr(0, 10);
        case Period::Month: return local.substr(0, 7);
        case Period::Week: {
            std::int64_t day = day_number(local);
            return date_of_day(day - weekday_of_day(day));  // the week's Monday
        }
    }
    return local.substr(0, 10);
}

const char* part_of_day(int hour) {
    if (hour < 5) return "night";
    if (hour < 12) return "morning";
    if (hour < 17) return "afternoon";
    if (hour < 22) return "evening";
    return "night";
}

// One entry with its scores in the analysed set, by label position (-1: not scored).
struct Row {
    std::string local;
    std::vector<double> scores;
    bool tagged = false;
};

struct Accumulator {
    std::int64_t entries = 0;
    std::int64_t scored = 0;
    std::vector<std::int64_t> counts;
    std::vector<double> sums;
    double valence_sum = 0;

    void add(const Row& row, const LabelSet& set, double valence) {
        ++entries;
        if (!row.tagged) return;
        if (counts.empty()) {
            counts.assign(set.labels.size(), 0);
            sums.assign(set.labels.size(), 0.0);
        }
        ++scored;
        valence_sum += valence;
        for (std::size_t i = 0; i < row.scores.size(); ++i) {
            if (row.scores[i] < 0) continue;
            sums[i] += row.scores[i];
            if (row.scores[i] >= set.threshold) ++counts[i];
        }
    }

    nlohmann::json json(const LabelSet& set) const {
        nlohmann::json counts_json = nlohmann::json::object();
        nlohmann::json means_json = nlohmann::json::object();
        for (std::size_t i = 0; i < set.labels.size(); ++i) {
            counts_json[set.labels[i].label] = counts.empty() ? 0 : counts[i];
            means_json[set.labels[i].label] = scored == 0 ? 0.0 : sums[i] / scored;
        }
        return {{"entries", entries},
                {"scored", scored},
                {"counts", counts_json},
                {"means", means_json},
                {"valence",
                 scored == 0 ? nlohmann::json(nullptr) : nlohmann::json(valence_sum / scored)}};
    }
};

// Loads the entries in range with their scores in `set` (ordered by local time).
std::vector<Row> load_rows(sql::Database& db, const LabelSet& set,
                           const std::optional<std::string>& from,
                           const std::optional<std::string>& until) {
    std::string sql =
        "SELECT e.id, e.created_local, s.label, s.score FROM entries e "
        "LEFT JOIN tag_runs r ON r.entry_id = e.id AND r.set_name = ? "
        "LEFT JOIN scores s ON s.run_id = r.id WHERE e.deleted_utc IS NULL";
    if (from) sql += " AND e.created_local >= ?";
    if (until) sql += " AND e.created_local <= ?";
    sql += " ORDER BY e.created_local, e.id";
    auto stmt = db.prepare(sql);
    int index = 1;
    stmt.bind(index++, set.name);
    if (from) stmt.bind(index++, Timestamp::parse(*from, "the start date").local().substr(0, 10));
    if (until) {
        stmt.bind(index++, Timestamp::parse(*until, "the end date").local().substr(0, 10) + "T99");
    }
    std::unordered_map<std::string_view, std::size_t> positions;
    for (std::size_t i = 0; i < set.labels.size(); ++i) positions[set.labels[i].label] = i;
    std::vector<Row> rows;
    std::int64_t last = -1;
    while (stmt.step()) {
        std::int64_t id = stmt.int64(0);
        if (id != last) {
            rows.push_back({stmt.text(1), std::vector<double>(set.labels.size(), -1.0), false});
            last = id;
        }
        if (stmt.is_null(2)) continue;
        auto it = positions.find(stmt.view(2));
        if (it == positions.end()) continue;
        rows.back().scores[it->second] = stmt.real(3);
        rows.back().tagged = true;
    }
    return rows;
}

double valence_of(const Row& row, const LabelSet& set) {
    double positive = 0;
    double negative = 0;
    for (std::size_t i = 0; i < row.scores.size(); ++i) {
        if (row.scores[i] < 0) continue;
        if (set.labels[i].valence == Valence::Positive) positive += row.scores[i];
        if (set.labels[i].valence == Valence::Negative) negative += row.scores[i];
    }
    return positive + negative > 0 ? (positive - negative) / (positive + negative) : 0.0;
}

const char* period_name(Period period) {
    return period == Period::Day ? "day" : period == Period::Week ? "week" : "month";
}

}  // namespace

nlohmann::json Journal::stats(const StatsQuery& query) const {
    std::lock_guard lock(impl_->mutex);
    LabelSet set =
        impl_->load_label_set(query.label_set.empty() ? impl_->active_set_name() : query.label_set);
    std::vector<Row> rows = load_rows(impl_->db, set, query.from, query.until);

    // One pass: periods, totals, weekdays, parts of the day, co-occurrence, days written.
    std::map<std::string, Accumulator> periods;
    Accumulator totals;
    Accumulator weekdays[7];
    std::map<std::string, Accumulator> parts;
    std::map<std::pair<std::string, std::string>, std::int64_t> pairs;
    std::set<std::int64_t> days;
    for (const auto& row : rows) {
        double valence = valence_of(row, set);
        periods[period_key(row.local, query.period)].add(row, set, valence);
        totals.add(row, set, valence);
        std::int64_t day = day_number(row.local);
        days.insert(day);
        weekdays[weekday_of_day(day)].add(row, set, valence);
        parts[part_of_day(std::stoi(row.local.substr(11, 2)))].add(row, set, valence);
        std::vector<std::string> tags;
        for (std::size_t i = 0; i < row.scores.size(); ++i) {
            if (row.scores[i] >= 0 && row.scores[i] >= set.threshold) {
                tags.push_back(set.labels[i].label);
            }
        }
        std::sort(tags.begin(), tags.end());
        for (std::size_t i = 0; i < tags.size(); ++i) {
            for (std::size_t j = i + 1; j < tags.size(); ++j) ++pairs[{tags[i], tags[j]}];
        }
    }

    nlohmann::json periods_json = nlohmann::json::array();
    for (const auto& [key, acc] : periods) {
        auto json = acc.json(set);
        json["period"] = key;
        periods_json.push_back(std::move(json));
    }
    std::vector<std::pair<std::int64_t, std::pair<std::string, std::string>>> sorted_pairs;
    for (const auto& [pair, n] : pairs) sorted_pairs.push_back({n, pair});
    std::stable_sort(sorted_pairs.begin(), sorted_pairs.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    nlohmann::json cooccurrence = nlohmann::json::array();
    for (std::size_t i = 0; i < sorted_pairs.size() && i < 20; ++i) {
        cooccurrence.push_back(
            {{"labels", {sorted_pairs[i].second.first, sorted_pairs[i].second.second}},
             {"count", sorted_pairs[i].first}});
    }
    nlohmann::json weekdays_json = nlohmann::json::array();
    for (int d = 0; d < 7; ++d) {
        auto json = weekdays[d].json(set);
        json["weekday"] = kWeekdays[d];
        weekdays_json.push_back(std::move(json));
    }
    nlohmann::json parts_json = nlohmann::json::array();
    for (const char* part : {"morning", "afternoon", "evening", "night"}) {
        auto json = parts[part].json(set);
        json["part"] = part;
        parts_json.push_back(std::move(json));
    }

    // Streaks of consecutive days with at least one entry; the current one counts if the
    // writer wrote today or yesterday.
    std::int64_t longest = 0, longest_end = 0, run = 0, previous = 0;
    for (auto day : days) {
        run = (run > 0 && day == previous + 1) ? run + 1 : 1;
        if (run > longest) {
            longest = run;
            longest_end = day;
        }
        previous = day;
    }
    std::int64_t today = day_number(Timestamp::now().local());
    std::int64_t current = (!days.empty() && previous >= today - 1) ? run : 0;
    nlohmann::json streaks = {{"current", current},
                              {"longest", longest},
                              {"days_written", static_cast<std::int64_t>(days.size())}};
    if (longest > 0) {
        streaks["longest_from"] = date_of_day(longest_end - longest + 1);
        streaks["longest_until"] = date_of_day(longest_end);
    }

    nlohmann::json labels = nlohmann::json::array();
    for (const auto& l : set.labels) {
        labels.push_back({{"label", l.label}, {"valence", valence_name(l.valence)}});
    }
    return {{"label_set", set.name},
            {"threshold", set.threshold},
            {"labels", labels},
            {"period", period_name(query.period)},
            {"from", query.from ? nlohmann::json(*query.from) : nlohmann::json(nullptr)},
            {"until", query.until ? nlohmann::json(*query.until) : nlohmann::json(nullptr)},
            {"totals", totals.json(set)},
            {"periods", periods_json},
            {"cooccurrence", cooccurrence},
            {"weekdays", weekdays_json},
            {"time_of_day", parts_json},
            {"streaks", streaks}};
}

nlohmann::json Journal::top_periods(const std::string& label, Period period, int limit) const {
    StatsQuery query;
    query.period = period;
    nlohmann::json stats = this->stats(query);
    bool known = false;
    for (const auto& l : stats["labels"]) known = known || l["label"] == label;
    if (!known) {
        throw Error(ErrorCode::InvalidInput, "label '" + label +
                                                 "' is not in the active label set '" +
                                                 stats["label_set"].get<std::string>() + "'");
    }
    std::vector<nlohmann::json> ranked;
    for (const auto& p : stats["periods"]) {
        if (p["scored"].get<std::int64_t>() == 0) continue;
        ranked.push_back({{"period", p["period"]},
                          {"entries", p["entries"]},
                          {"mean", p["means"][label]},
                          {"count", p["counts"][label]}});
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a["mean"].template get<double>() > b["mean"].template get<double>();
    });
    if (static_cast<int>(ranked.size()) > limit) ranked.resize(static_cast<std::size_t>(limit));
    return {{"label", label}, {"period", period_name(period)}, {"periods", ranked}};
}

}  // namespace empathic
