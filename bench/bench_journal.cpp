// Journal at scale: builds a journal of 20,000 generated entries (three years of writing, with
// scores for every label of the default set), then times the queries a writer runs: full text
// + feeling + date range, sort by a feeling's score, monthly analytics, the saddest week.
// Prints the figures; it asserts nothing about time.
//
//   bench_journal [ENTRIES]     (default 20000)
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "journal/journal.h"

using namespace empathic;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

const char* const kWords[] = {
    "work", "meeting", "family", "walk",    "rain",     "coffee", "friend", "project", "sleep",
    "run",  "garden",  "dinner", "call",    "deadline", "music",  "book",   "train",   "office",
    "kids", "doctor",  "beach",  "morning", "evening",  "team",   "boss",   "holiday", "home"};

}  // namespace

int main(int argc, char** argv) {
    int count = argc > 1 ? std::atoi(argv[1]) : 20000;
    auto folder = std::filesystem::temp_directory_path() / "empathic-bench-journal";
    std::filesystem::remove_all(folder);

    Journal::Options options;
    options.folder = folder / "journal";
    options.engines = [](const std::string&) -> std::shared_ptr<Engine> {
        throw std::runtime_error("the benchmark imports scores; no engine needed");
    };
    options.default_label_sets =
        std::filesystem::path(EMPATHIC_SOURCE_DIR) / "data/labelsets/default.json";
    Journal journal(options);
    LabelSet set = journal.active_label_set();

    // Generate an export in our JSON format, with scores, and import it.
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    nlohmann::json root = {{"entries", nlohmann::json::array()}};
    std::int64_t start_utc = 1640995200;  // 2022-01-01
    for (int i = 0; i < count; ++i) {
        std::string body;
        int words = 40 + static_cast<int>(rng() % 120);
        for (int w = 0; w < words; ++w) {
            body += kWords[rng() % std::size(kWords)];
            body += w % 12 == 11 ? ". " : " ";
        }
        nlohmann::json scores = nlohmann::json::array();
        for (const auto& label : set.labels) {
            double s = std::pow(uniform(rng), 3.0);
            scores.push_back({{"label", label.label}, {"score", s}});
        }
        Timestamp created{start_utc + static_cast<std::int64_t>(i) * (3 * 365 * 86400LL / count),
                          60};
        root["entries"].push_back({{"created", created.to_string()},
                                   {"body", body},
                                   {"tags", {kWords[rng() % 5]}},
                                   {"scores",
                                    {{{"label_set", set.name},
                                      {"version", set.version},
                                      {"template", set.hypothesis_template},
                                      {"engine", "lexical"},
                                      {"model", "bench"},
                                      {"threshold", set.threshold},
                                      {"scores", scores}}}}});
    }
    auto file = folder / "bench.json";
    std::ofstream(file) << root.dump();

    auto t = Clock::now();
    BatchReport report = journal.import("json", file);
    double import_ms = ms_since(t);
    std::printf("journal of %lld entries (%zu labels each), database %.1f MB\n",
                static_cast<long long>(report.added), set.labels.size(),
                std::filesystem::file_size(journal.database_path()) / 1e6);
    std::printf("%-58s %10.1f ms\n", "import (batches of 500, one transaction each)", import_ms);

    auto time_it = [](const char* what, auto&& f, int repeat = 5) {
        f();  // warm the page cache
        auto start = Clock::now();
        std::int64_t answer = 0;
        for (int i = 0; i < repeat; ++i) answer = f();
        std::printf("%-58s %10.2f ms  (%lld)\n", what, ms_since(start) / repeat,
                    static_cast<long long>(answer));
    };

    time_it("search: \"work\" + felt proud + in 2023", [&] {
        SearchQuery q;
        q.text = "work";
        q.feelings = {{"proud", std::nullopt}};
        q.from = "2023-01-01";
        q.until = "2023-12-31";
        return journal.search(q).total;
    });
    time_it("search: tagged anxious in a month, newest 50", [&] {
        SearchQuery q;
        q.feelings = {{"anxious", std::nullopt}};
        q.from = "2023-11-01";
        q.until = "2023-11-30";
        return journal.search(q).total;
    });
    time_it("search: all entries sorted by score of sad, top 20", [&] {
        SearchQuery q;
        q.sort = SortBy::Score;
        q.sort_label = "sad";
        q.limit = 20;
        return journal.search(q).total;
    });
    time_it("search: \"coffee OR rain\" by relevance, own tag work", [&] {
        SearchQuery q;
        q.text = "coffee OR rain";
        q.own_tags = {"work"};
        q.sort = SortBy::Relevance;
        return journal.search(q).total;
    });
    time_it(
        "analytics: monthly, whole journal",
        [&] {
            StatsQuery q;
            q.period = Period::Month;
            return static_cast<std::int64_t>(journal.stats(q)["periods"].size());
        },
        3);
    time_it("analytics: one month by day", [&] {
        StatsQuery q;
        q.period = Period::Day;
        q.from = "2023-11-01";
        q.until = "2023-11-30";
        return static_cast<std::int64_t>(journal.stats(q)["periods"].size());
    });
    time_it(
        "analytics: saddest week",
        [&] {
            return static_cast<std::int64_t>(
                journal.top_periods("sad", Period::Week, 1)["periods"].size());
        },
        3);

    t = Clock::now();
    for (int i = 0; i < 50; ++i) {
        NewEntry e;
        e.body = "A new entry about work and coffee, number " + std::to_string(i);
        journal.add(e);
    }
    std::printf("%-58s %10.2f ms\n", "add one entry (durable commit, tagging pending)",
                ms_since(t) / 50);

    std::filesystem::remove_all(folder);
    return 0;
}
