// CLI commands of the journal: add, list, show, edit, delete, restore, trash, search, tags,
// labels, stats, retag, import, export, check. They parse flags, call the Journal API and print
// a table or, with --json, the API's JSON forms (the same shapes the server returns).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "core/error.h"
#include "core/fs_util.h"
#include "core/paths.h"
#include "core/utf8.h"
#include "hub/model_store.h"
#include "journal/journal.h"
#include "reflect/journal_reflector.h"
#include "reflect/reflect.h"

namespace empathic::cli {
namespace {

// The journal at $EMPATHIC_HOME, with reflections made after each tagging (as in the server).
std::unique_ptr<Journal> open_journal() {
    auto journal = Journal::open();
    reflect::attach_reflector(*journal);
    return journal;
}

void print_json(const nlohmann::json& json) {
    std::cout << json.dump(2) << "\n";
}

// A progress bar on stderr when it is a terminal. No Debian package offers one for C++, so
// this is our own, kept to one line redrawn in place.
Progress progress_bar(const std::string& what) {
    if (!::isatty(STDERR_FILENO)) return {};
    return [what](std::int64_t done, std::int64_t total) {
        constexpr int kWidth = 30;
        int filled = total > 0 ? static_cast<int>(kWidth * done / total) : kWidth;
        std::fprintf(stderr, "\r%s [%s%s] %lld/%lld", what.c_str(),
                     std::string(filled, '#').c_str(), std::string(kWidth - filled, ' ').c_str(),
                     static_cast<long long>(done), static_cast<long long>(total));
        if (done >= total) std::fprintf(stderr, "\n");
        std::fflush(stderr);
        return true;
    };
}

// Text written in $EDITOR (default vi) in a private temporary file under the journal folder.
std::string edit_in_editor(const std::string& initial) {
    const char* editor = std::getenv("VISUAL");
    if (!editor || !*editor) editor = std::getenv("EDITOR");
    if (!editor || !*editor) editor = "vi";
    std::filesystem::create_directories(paths::home());
    std::string path = (paths::home() / "draft-XXXXXX.md").string();
    int fd = ::mkstemps(path.data(), 3);
    if (fd < 0) throw Error(ErrorCode::Unavailable, "can't create a draft file in " + path);
    ::close(fd);
    write_file_atomically(path, initial);
    std::string command = std::string(editor) + " '" + path + "'";
    int status = std::system(command.c_str());
    std::string text = read_file(path);
    std::filesystem::remove(path);
    if (status != 0) {
        throw Error(ErrorCode::InvalidInput, "the editor exited with an error; nothing was saved");
    }
    return text;
}

// Text piped in or written in the editor ends with a newline (or several) that is no part of
// the entry; only that trailing whitespace goes, the inner text is kept as written.
std::string trim_end(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                             text.back() == '\t')) {
        text.pop_back();
    }
    return text;
}

std::string read_stdin() {
    return trim_end(
        std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()));
}

// "grateful" or "grateful:0.7" as a tag filter.
TagFilter parse_feeling(const std::string& text) {
    TagFilter filter;
    auto colon = text.rfind(':');
    filter.label = text.substr(0, colon);
    if (colon != std::string::npos) {
        try {
            filter.min_score = std::stod(text.substr(colon + 1));
        } catch (const std::exception&) {
            throw Error(ErrorCode::InvalidInput,
                        "'" + text + "' is not LABEL or LABEL:MIN (for example proud:0.7)");
        }
    }
    return filter;
}

// Entry text made safe to print: C0 and C1 control characters (escape sequences that could
// retitle or drive the terminal) become U+FFFD; with `keep_lines`, newline and tab stay.
std::string printable(std::string_view text, bool keep_lines = false) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        bool c1 = c == 0xC2 && i + 1 < text.size() &&
                  static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                  static_cast<unsigned char>(text[i + 1]) <= 0x9F;
        if (c1) {
            out += "\uFFFD";
            ++i;
        } else if ((c < 0x20 || c == 0x7f) && !(keep_lines && (c == '\n' || c == '\t'))) {
            out += "\uFFFD";
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string short_date(const Entry& e) {
    return e.created.local().substr(0, 16);
}

std::string first_line(const Entry& e, std::size_t width) {
    std::string text = e.title.empty() ? e.body : e.title;
    auto eol = text.find('\n');
    if (eol != std::string::npos) text = text.substr(0, eol);
    if (utf8::length(text) > width) {
        text = text.substr(0, utf8::byte_offset_of(text, width - 1)) + "…";
    }
    return text;
}

std::string tags_line(const Entry& e) {
    std::string line;
    if (e.tagging == TaggingState::Pending) return "(tagging pending)";
    if (e.tagging == TaggingState::Failed) return "(tagging failed)";
    for (const auto& t : e.empathic_tags()) line += (line.empty() ? "" : ", ") + t;
    return line;
}

void print_entry_row(const Entry& e) {
    fmt::print("{:>5}  {}  {:<48}  {}\n", e.id, short_date(e), printable(first_line(e, 48)),
               printable(tags_line(e)));
}

void print_entry(const Entry& e, int indent = 0) {
    std::string pad(static_cast<std::size_t>(indent), ' ');
    fmt::print("{}#{}  {}{}\n", pad, e.id, e.created.to_string(),
               e.deleted ? "  (in the trash)" : "");
    if (e.parent_id) {
        fmt::print("{}answers #{}: {}\n", pad, *e.parent_id, printable(e.question));
    }
    if (!e.title.empty()) fmt::print("{}{}\n", pad, printable(e.title));
    if (!e.tags.empty()) {
        std::string tags;
        for (const auto& t : e.tags) tags += (tags.empty() ? "#" : " #") + t;
        fmt::print("{}{}\n", pad, printable(tags));
    }
    fmt::print("\n{}\n\n", printable(e.body, true));
    if (e.tagging != TaggingState::Done) {
        fmt::print("{}feelings: tagging {}{}\n", pad, tagging_state_name(e.tagging),
                   e.tagging_error.empty() ? "" : " (" + e.tagging_error + ")");
    }
    for (const auto& run : e.scores) {
        fmt::print("{}{} ({} engine, {}):\n", pad, run.label_set, run.engine, run.model);
        bool any = false;
        for (const auto& s : run.scores) {
            if (s.score < run.threshold) continue;
            any = true;
            std::size_t end = std::min(s.evidence.end, e.body.size());
            std::size_t start = std::min(s.evidence.start, end);
            fmt::print("{}  {:<14} {:.2f}  \"{}\"\n", pad, s.label, s.score,
                       printable(e.body.substr(start, end - start)));
        }
        if (!any) {
            // Say so, with the strongest scores, rather than leave the header bare.
            auto top = run.scores;
            std::sort(top.begin(), top.end(),
                      [](const auto& a, const auto& b) { return a.score > b.score; });
            std::string line;
            for (std::size_t i = 0; i < top.size() && i < 3; ++i) {
                line += fmt::format("{}{} {:.2f}", i ? ", " : "", top[i].label, top[i].score);
            }
            fmt::print("{}  no feeling above the threshold ({:.2f}){}\n", pad, run.threshold,
                       line.empty() ? "" : "; strongest: " + line);
        }
    }
    if (e.reflection && !e.reflection->is_null()) {
        // Indent every line of the reflection like the entry it belongs to.
        std::string text = printable(reflect::to_text(*e.reflection), true);
        std::string indented;
        for (std::size_t start = 0; start < text.size();) {
            auto end = text.find('\n', start);
            if (end == std::string::npos) end = text.size();
            indented += pad + text.substr(start, end - start) + "\n";
            start = end + 1;
        }
        fmt::print("\n{}", indented);
    }
    for (const auto& answer : e.thread) print_entry(answer, indent + 4);
}

// Tags the entry now (the CLI does it right after saving) and says which engine did it.
Entry tag_now(Journal& journal, const Entry& entry, bool quiet) {
    try {
        Entry tagged = journal.tag(entry.id);
        if (!quiet && !tagged.scores.empty()) {
            const auto& run = tagged.scores.front();
            std::fprintf(stderr, "tagged by the %s engine (%s)%s\n", run.engine.c_str(),
                         run.model.c_str(),
                         run.engine == "lexical" ? "; install an NLI model for better tags" : "");
        }
        return tagged;
    } catch (const Error& e) {
        if (e.code() != ErrorCode::Unavailable && e.code() != ErrorCode::ModelError) throw;
        if (!quiet) std::fprintf(stderr, "saved; %s\n", e.what());
        return journal.get(entry.id);
    }
}

void add_entry_commands(CLI::App& app) {
    // add
    auto* add = app.add_subcommand("add", "Write a new entry (text, stdin, or $EDITOR)");
    auto text = std::make_shared<std::string>();
    auto title = std::make_shared<std::string>();
    auto tags = std::make_shared<std::vector<std::string>>();
    auto date = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    auto no_tag = std::make_shared<bool>(false);
    add->add_option("text", *text, "The entry; omit to read stdin or open $EDITOR");
    add->add_option("--title", *title, "A title");
    add->add_option("-t,--tag", *tags, "Your own tag (repeatable)")->allow_extra_args(false);
    add->add_option("--date", *date, "When it happened (2024-03-05 08:15, default now)");
    add->add_flag("--json", *json, "Print the stored entry as JSON");
    add->add_flag("--no-tag", *no_tag, "Store only; tag later (empathic retag)");
    add->callback([=] {
        NewEntry entry;
        if (!text->empty()) {
            entry.body = *text;
        } else if (!::isatty(STDIN_FILENO)) {
            entry.body = read_stdin();
        } else {
            entry.body = trim_end(edit_in_editor(""));
        }
        entry.title = *title;
        entry.tags = *tags;
        if (!date->empty()) entry.created = Timestamp::parse(*date, "--date");
        auto journal = open_journal();
        Entry stored = journal->add(entry);
        if (!*no_tag) stored = tag_now(*journal, stored, *json);
        if (*json) {
            print_json(to_json(stored));
        } else {
            fmt::print("{}\n", stored.id);
        }
    });

    // list
    auto* list = app.add_subcommand("list", "Entries, newest first");
    auto limit = std::make_shared<int>(20);
    auto offset = std::make_shared<int>(0);
    auto list_json = std::make_shared<bool>(false);
    list->add_option("-n,--limit", *limit, "How many")->check(CLI::Range(1, 100000));
    list->add_option("--offset", *offset, "Skip this many")->check(CLI::NonNegativeNumber);
    list->add_flag("--json", *list_json, "JSON output");
    list->callback([=] {
        auto journal = open_journal();
        auto entries = journal->list(*limit, *offset);
        if (*list_json) {
            nlohmann::json out = nlohmann::json::array();
            for (const auto& e : entries) out.push_back(to_json(e));
            print_json(out);
            return;
        }
        if (entries.empty()) fmt::print("No entries yet. Write one with: empathic add \"...\"\n");
        for (const auto& e : entries) print_entry_row(e);
    });

    // show
    auto* show = app.add_subcommand("show", "One entry with its feelings, evidence and thread");
    auto show_id = std::make_shared<std::int64_t>(0);
    auto show_json = std::make_shared<bool>(false);
    show->add_option("id", *show_id, "Entry id")->required();
    show->add_flag("--json", *show_json, "JSON output");
    show->callback([=] {
        Entry e = open_journal()->get(*show_id);
        if (*show_json) {
            print_json(to_json(e));
        } else {
            print_entry(e);
        }
    });

    // edit
    auto* edit = app.add_subcommand("edit", "Change an entry (new text re-tags it)");
    auto edit_id = std::make_shared<std::int64_t>(0);
    auto edit_text = std::make_shared<std::string>();
    auto edit_title = std::make_shared<std::optional<std::string>>();
    auto edit_tags = std::make_shared<std::vector<std::string>>();
    auto edit_date = std::make_shared<std::string>();
    auto edit_json = std::make_shared<bool>(false);
    edit->add_option("id", *edit_id, "Entry id")->required();
    edit->add_option("--text", *edit_text, "New text (else stdin, or $EDITOR)");
    edit->add_option("--title", *edit_title, "New title");
    edit->add_option("-t,--tag", *edit_tags, "Replace your own tags (repeatable)")
        ->allow_extra_args(false);
    edit->add_option("--date", *edit_date, "New date");
    edit->add_flag("--json", *edit_json, "Print the entry as JSON");
    edit->callback([=] {
        auto journal = open_journal();
        Entry old = journal->get(*edit_id);
        EntryUpdate change;
        bool other_change = edit_title->has_value() || !edit_tags->empty() || !edit_date->empty();
        if (!edit_text->empty()) {
            change.body = *edit_text;
        } else if (!::isatty(STDIN_FILENO) && !other_change) {
            change.body = read_stdin();
        } else if (!other_change) {
            change.body = trim_end(edit_in_editor(old.body));
        }
        if (edit_title->has_value()) change.title = **edit_title;
        if (!edit_tags->empty()) change.tags = *edit_tags;
        if (!edit_date->empty()) change.created = Timestamp::parse(*edit_date, "--date");
        Entry updated = journal->update(*edit_id, change);
        if (updated.tagging == TaggingState::Pending)
            updated = tag_now(*journal, updated, *edit_json);
        if (*edit_json) {
            print_json(to_json(updated));
        } else {
            fmt::print("updated {}\n", updated.id);
        }
    });

    // delete / restore / trash
    auto* del = app.add_subcommand("delete", "Move an entry to the trash (restore undoes it)");
    auto del_id = std::make_shared<std::int64_t>(0);
    del->add_option("id", *del_id, "Entry id")->required();
    del->callback([=] {
        open_journal()->remove(*del_id);
        fmt::print("moved {} to the trash; `empathic restore {}` brings it back\n", *del_id,
                   *del_id);
    });
    auto* restore = app.add_subcommand("restore", "Bring an entry back from the trash");
    auto restore_id = std::make_shared<std::int64_t>(0);
    restore->add_option("id", *restore_id, "Entry id")->required();
    restore->callback([=] {
        open_journal()->restore(*restore_id);
        fmt::print("restored {}\n", *restore_id);
    });
    auto* trash = app.add_subcommand("trash", "Entries in the trash");
    auto empty = std::make_shared<bool>(false);
    auto trash_json = std::make_shared<bool>(false);
    trash->add_flag("--empty", *empty, "Delete everything in the trash for good");
    trash->add_flag("--json", *trash_json, "JSON output");
    trash->callback([=] {
        auto journal = open_journal();
        if (*empty) {
            fmt::print("deleted {} entries for good\n", journal->purge_trash());
            return;
        }
        SearchQuery q;
        q.trash = true;
        q.limit = 1000;
        auto result = journal->search(q);
        if (*trash_json) {
            print_json(to_json(result));
            return;
        }
        for (const auto& hit : result.hits) print_entry_row(hit.entry);
    });
}

void add_search_commands(CLI::App& app) {
    auto* search = app.add_subcommand(
        "search", "Find entries: words, feelings, dates, your tags (e.g. work --feeling proud)");
    auto words = std::make_shared<std::vector<std::string>>();
    auto feelings = std::make_shared<std::vector<std::string>>();
    auto own = std::make_shared<std::vector<std::string>>();
    auto period = std::make_shared<std::string>();
    auto since = std::make_shared<std::string>();
    auto until = std::make_shared<std::string>();
    auto sort = std::make_shared<std::string>("date");
    auto ascending = std::make_shared<bool>(false);
    auto limit = std::make_shared<int>(20);
    auto set = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    search->add_option("words", *words, "Full-text query (FTS5: words, \"phrases\", OR, pre*)");
    search
        ->add_option("-f,--feeling", *feelings,
                     "Tagged with this feeling; LABEL:MIN for a minimum score (repeatable)")
        ->allow_extra_args(false);
    search->add_option("-t,--tag", *own, "Has this own tag (repeatable)")->allow_extra_args(false);
    search->add_option("-p,--period", *period,
                       "today, yesterday, this-week, last-week, this-month, last-month, "
                       "this-year, 2024, 2024-03");
    search->add_option("--since", *since, "From this date");
    search->add_option("--until", *until, "Up to this date (inclusive)");
    search->add_option("-s,--sort", *sort,
                       "date, relevance, intensity, or score:LABEL (e.g. score:sad)");
    search->add_flag("--asc", *ascending, "Ascending order");
    search->add_option("-n,--limit", *limit, "How many")->check(CLI::Range(1, 100000));
    search->add_option("--set", *set, "Label set for feelings (default: the active one)");
    search->add_flag("--json", *json, "JSON output");
    search->callback([=] {
        SearchQuery q;
        for (const auto& w : *words) q.text += (q.text.empty() ? "" : " ") + w;
        for (const auto& f : *feelings) q.feelings.push_back(parse_feeling(f));
        q.own_tags = *own;
        if (!period->empty()) {
            auto [from, to] = resolve_dates(*period);
            q.from = from;
            q.until = to;
        }
        if (!since->empty()) q.from = *since;
        if (!until->empty()) q.until = *until;
        if (*sort == "date") {
            q.sort = SortBy::Date;
        } else if (*sort == "relevance") {
            q.sort = SortBy::Relevance;
        } else if (*sort == "intensity") {
            q.sort = SortBy::Intensity;
        } else if (sort->rfind("score:", 0) == 0) {
            q.sort = SortBy::Score;
            q.sort_label = sort->substr(6);
        } else {
            throw Error(ErrorCode::InvalidInput,
                        "--sort takes date, relevance, intensity or score:LABEL");
        }
        q.ascending = *ascending;
        q.limit = *limit;
        q.label_set = *set;
        auto result = open_journal()->search(q);
        if (*json) {
            print_json(to_json(result));
            return;
        }
        fmt::print("{} entr{}\n", result.total, result.total == 1 ? "y" : "ies");
        for (const auto& hit : result.hits) {
            print_entry_row(hit.entry);
            if (!hit.snippet.empty()) fmt::print("       {}\n", printable(hit.snippet));
        }
    });

    auto* tags = app.add_subcommand("tags", "Your own tags and the feelings tagged, with counts");
    auto tags_json = std::make_shared<bool>(false);
    tags->add_flag("--json", *tags_json, "JSON output");
    tags->callback([=] {
        auto journal = open_journal();
        StatsQuery q;
        auto stats = journal->stats(q);
        nlohmann::json own = nlohmann::json::array();
        for (const auto& [tag, n] : journal->own_tags())
            own.push_back({{"tag", tag}, {"count", n}});
        nlohmann::json feelings = nlohmann::json::array();
        for (const auto& [label, n] : stats["totals"]["counts"].items()) {
            if (n.get<std::int64_t>() > 0) feelings.push_back({{"label", label}, {"count", n}});
        }
        std::stable_sort(feelings.begin(), feelings.end(), [](const auto& a, const auto& b) {
            return a["count"].template get<std::int64_t>() >
                   b["count"].template get<std::int64_t>();
        });
        if (*tags_json) {
            print_json({{"tags", own}, {"feelings", feelings}, {"label_set", stats["label_set"]}});
            return;
        }
        fmt::print("your tags:\n");
        for (const auto& t : own)
            fmt::print("  #{:<20} {}\n", t["tag"].get<std::string>(), t["count"].dump());
        fmt::print("feelings ({}):\n", stats["label_set"].get<std::string>());
        for (const auto& f : feelings) {
            fmt::print("  {:<21} {}\n", f["label"].get<std::string>(), f["count"].dump());
        }
    });

    auto* stats = app.add_subcommand("stats", "Mood analytics per day, week or month");
    auto by = std::make_shared<std::string>("month");
    auto stats_period = std::make_shared<std::string>();
    auto stats_set = std::make_shared<std::string>();
    auto top = std::make_shared<std::string>();
    auto stats_json = std::make_shared<bool>(false);
    stats->add_option("--by", *by, "day, week or month");
    stats->add_option("-p,--period", *stats_period, "Only this period (e.g. last-month, 2024)");
    stats->add_option("--set", *stats_set, "Label set (default: the active one)");
    stats->add_option("--top", *top, "Rank periods by this feeling (e.g. --top sad --by week)");
    stats->add_flag("--json", *stats_json, "JSON output (the web app's shape)");
    stats->callback([=] {
        auto journal = open_journal();
        if (!top->empty()) {
            auto ranked = journal->top_periods(*top, parse_period(*by), 5);
            if (*stats_json) {
                print_json(ranked);
                return;
            }
            fmt::print("{:<12} {:>8} {:>8} {:>7}\n", *by, "mean", "tagged", "entries");
            for (const auto& p : ranked["periods"]) {
                fmt::print("{:<12} {:>8.2f} {:>8} {:>7}\n", p["period"].get<std::string>(),
                           p["mean"].get<double>(), p["count"].dump(), p["entries"].dump());
            }
            return;
        }
        StatsQuery q;
        q.period = parse_period(*by);
        q.label_set = *stats_set;
        if (!stats_period->empty()) {
            auto [from, to] = resolve_dates(*stats_period);
            q.from = from;
            q.until = to;
        }
        auto s = journal->stats(q);
        if (*stats_json) {
            print_json(s);
            return;
        }
        fmt::print("{} ({}), by {}\n", s["label_set"].get<std::string>(),
                   s["totals"]["entries"].dump() + " entries", *by);
        fmt::print("{:<12} {:>7} {:>8}  {}\n", *by, "entries", "valence", "top feelings");
        for (const auto& p : s["periods"]) {
            std::vector<std::pair<std::int64_t, std::string>> counts;
            for (const auto& [label, n] : p["counts"].items()) {
                if (n.get<std::int64_t>() > 0) counts.push_back({n.get<std::int64_t>(), label});
            }
            std::stable_sort(counts.begin(), counts.end(),
                             [](const auto& a, const auto& b) { return a.first > b.first; });
            std::string tops;
            for (std::size_t i = 0; i < counts.size() && i < 3; ++i) {
                tops += (i ? ", " : "") + counts[i].second + " " + std::to_string(counts[i].first);
            }
            std::string valence =
                p["valence"].is_null() ? "-" : fmt::format("{:+.2f}", p["valence"].get<double>());
            fmt::print("{:<12} {:>7} {:>8}  {}\n", p["period"].get<std::string>(),
                       p["entries"].dump(), valence, tops);
        }
        fmt::print("\nweekdays:    ");
        for (const auto& d : s["weekdays"]) {
            fmt::print("{} {}  ", d["weekday"].get<std::string>().substr(0, 3),
                       d["entries"].dump());
        }
        fmt::print("\ntime of day: ");
        for (const auto& d : s["time_of_day"]) {
            fmt::print("{} {}  ", d["part"].get<std::string>(), d["entries"].dump());
        }
        fmt::print("\nstreaks:     current {} days, longest {} days\n",
                   s["streaks"]["current"].dump(), s["streaks"]["longest"].dump());
        if (!s["cooccurrence"].empty()) {
            fmt::print("felt together: ");
            for (std::size_t i = 0; i < s["cooccurrence"].size() && i < 5; ++i) {
                const auto& c = s["cooccurrence"][i];
                fmt::print("{}{} + {} ({})", i ? ", " : "", c["labels"][0].get<std::string>(),
                           c["labels"][1].get<std::string>(), c["count"].dump());
            }
            fmt::print("\n");
        }
    });
}

// "calm:positive,tired:negative,curious" into labels.
std::vector<Label> parse_labels(const std::string& text) {
    std::vector<Label> labels;
    for (const auto& item : split_labels(text)) {
        if (utf8::trim(item).empty()) continue;
        auto colon = item.rfind(':');
        if (colon == std::string::npos) {
            labels.push_back({utf8::trim(item), Valence::Neutral});
        } else {
            labels.push_back({utf8::trim(item.substr(0, colon)),
                              parse_valence(utf8::trim(item.substr(colon + 1)))});
        }
    }
    return labels;
}

void add_label_commands(CLI::App& app) {
    auto* labels =
        app.add_subcommand("labels", "Label sets: list, show, add, edit, delete, use, apply");
    labels->require_subcommand(1);
    auto json = std::make_shared<bool>(false);
    labels->add_flag("--json", *json, "JSON output");

    auto* list = labels->add_subcommand("list", "All label sets");
    list->callback([=] {
        auto sets = open_journal()->label_sets();
        if (*json) {
            nlohmann::json out = nlohmann::json::array();
            for (const auto& s : sets) out.push_back(to_json(s));
            print_json(out);
            return;
        }
        for (const auto& s : sets) {
            fmt::print("{} {:<20} {:>2} labels  v{}  {}\n", s.active ? "*" : " ", s.name,
                       s.labels.size(), s.version, s.description);
        }
    });

    auto* show = labels->add_subcommand("show", "One label set");
    auto show_name = std::make_shared<std::string>();
    show->add_option("name", *show_name, "Label set")->required();
    show->callback([=] {
        LabelSet s = open_journal()->label_set(*show_name);
        if (*json) {
            print_json(to_json(s));
            return;
        }
        fmt::print("{}{} (version {}, {}, threshold {:.2f}, engine {})\n  template: {}\n", s.name,
                   s.active ? " [active]" : "", s.version,
                   s.multi_label ? "multi-label" : "single-label", s.threshold,
                   s.engine.empty() ? "default" : s.engine, s.hypothesis_template);
        for (const auto& l : s.labels)
            fmt::print("  {:<20} {}\n", l.label, valence_name(l.valence));
    });

    // add and edit share their options.
    struct SetOptions {
        std::string name, rename, labels, add_labels, remove_labels, description, tmpl, engine,
            mode;
        std::optional<double> threshold;
    };
    auto add_options = [](CLI::App* cmd, SetOptions& o) {
        cmd->add_option("--labels", o.labels,
                        "All labels: \"calm:positive,tired:negative,curious\"");
        cmd->add_option("--description", o.description, "What the set is for");
        cmd->add_option("--template", o.tmpl, "Hypothesis template with one {}");
        cmd->add_option("--threshold", o.threshold, "Score from which a label is a tag (0-1)");
        cmd->add_option("--engine", o.engine, "\"\" default, \"lexical\", or a model id");
        cmd->add_option("--mode", o.mode, "multi-label or single-label");
    };
    auto apply = [](LabelSet& set, const SetOptions& o) {
        if (!o.labels.empty()) set.labels = parse_labels(o.labels);
        if (!o.description.empty()) set.description = o.description;
        if (!o.tmpl.empty()) set.hypothesis_template = o.tmpl;
        if (o.threshold) set.threshold = *o.threshold;
        if (!o.engine.empty()) {
            hub::check_model_choice(o.engine);  // refuse a model that is not installed now
            set.engine = o.engine == "default" ? "" : o.engine;
        }
        if (!o.mode.empty()) {
            if (o.mode != "multi-label" && o.mode != "single-label") {
                throw Error(ErrorCode::InvalidInput, "--mode takes multi-label or single-label");
            }
            set.multi_label = o.mode == "multi-label";
        }
    };

    auto* add = labels->add_subcommand("add", "Create a label set");
    auto add_opts = std::make_shared<SetOptions>();
    add->add_option("name", add_opts->name, "Name")->required();
    add_options(add, *add_opts);
    add->callback([=] {
        LabelSet set;
        set.name = add_opts->name;
        apply(set, *add_opts);
        LabelSet created = open_journal()->create_label_set(set);
        if (*json) {
            print_json(to_json(created));
        } else {
            fmt::print("created '{}' with {} labels\n", created.name, created.labels.size());
        }
    });

    auto* edit = labels->add_subcommand("edit", "Change a label set (its labels, template, ...)");
    auto edit_opts = std::make_shared<SetOptions>();
    edit->add_option("name", edit_opts->name, "Name")->required();
    edit->add_option("--rename", edit_opts->rename, "New name");
    edit->add_option("--add", edit_opts->add_labels, "Labels to add: \"sleepy:neutral,...\"");
    edit->add_option("--remove", edit_opts->remove_labels, "Labels to remove: \"a,b\"");
    add_options(edit, *edit_opts);
    edit->callback([=] {
        auto journal = open_journal();
        LabelSet set = journal->label_set(edit_opts->name);
        apply(set, *edit_opts);
        for (const auto& l : parse_labels(edit_opts->add_labels)) {
            bool replaced = false;
            for (auto& existing : set.labels) {
                if (existing.label == l.label) {
                    existing.valence = l.valence;  // re-adding a label sets its valence
                    replaced = true;
                }
            }
            if (!replaced) set.labels.push_back(l);
        }
        for (const auto& name : split_labels(edit_opts->remove_labels)) {
            std::string label = utf8::trim(name);
            if (label.empty()) continue;
            auto before = set.labels.size();
            std::erase_if(set.labels, [&](const Label& l) { return l.label == label; });
            if (before == set.labels.size()) {
                throw Error(ErrorCode::NotFound,
                            "label '" + label + "' is not in '" + set.name + "'");
            }
        }
        if (!edit_opts->rename.empty()) set.name = edit_opts->rename;
        LabelSet updated = journal->update_label_set(edit_opts->name, set);
        if (*json) {
            print_json(to_json(updated));
            return;
        }
        fmt::print("'{}' is now version {}\n", updated.name, updated.version);
        if (updated.active) {
            fmt::print(
                "{} entries will be re-scored (new and changed labels only); run "
                "`empathic retag`\n",
                journal->pending_count());
        }
    });

    auto* del = labels->add_subcommand("delete", "Delete a label set and its scores");
    auto del_name = std::make_shared<std::string>();
    del->add_option("name", *del_name, "Name")->required();
    del->callback([=] {
        open_journal()->delete_label_set(*del_name);
        fmt::print("deleted '{}'\n", *del_name);
    });

    auto* use = labels->add_subcommand("use", "Make a label set the one that tags every entry");
    auto use_name = std::make_shared<std::string>();
    use->add_option("name", *use_name, "Name")->required();
    use->callback([=] {
        auto journal = open_journal();
        journal->activate_label_set(*use_name);
        fmt::print("'{}' now tags every entry; run `empathic retag` to score {} entries\n",
                   *use_name, journal->pending_count());
    });

    auto* apply_cmd = labels->add_subcommand("apply", "Score one entry with another label set");
    auto apply_name = std::make_shared<std::string>();
    auto apply_id = std::make_shared<std::int64_t>(0);
    apply_cmd->add_option("name", *apply_name, "Label set")->required();
    apply_cmd->add_option("id", *apply_id, "Entry id")->required();
    apply_cmd->callback([=] {
        auto journal = open_journal();
        TagResult result = journal->apply_label_set(*apply_id, *apply_name);
        if (*json) {
            print_json(to_json(result, journal->get(*apply_id).body));
            return;
        }
        fmt::print("{} ({} engine, {}):\n", result.label_set, result.engine, result.model);
        for (const auto& s : result.scores) {
            fmt::print("  {:<20} {:.2f}{}\n", s.label, s.score,
                       s.score >= result.threshold ? "  *" : "");
        }
    });
}

void add_maintenance_commands(CLI::App& app) {
    auto* retag = app.add_subcommand("retag", "Re-score the whole journal (resumable)");
    auto pending_only = std::make_shared<bool>(false);
    auto json = std::make_shared<bool>(false);
    retag->add_flag("--pending", *pending_only, "Only entries waiting for tags");
    retag->add_flag("--json", *json, "JSON output");
    retag->callback([=] {
        auto journal = open_journal();
        auto bar = *json ? Progress{} : progress_bar("tagging");
        BatchReport r = *pending_only ? journal->tag_pending(0, bar) : journal->retag(bar);
        std::int64_t left = journal->pending_count();
        if (*json) {
            print_json({{"tagged", r.added},
                        {"failed", r.failed},
                        {"pending", left},
                        {"messages", r.messages}});
        } else {
            fmt::print("tagged {} entries ({} failed, {} still pending)\n", r.added, r.failed,
                       left);
            for (const auto& m : r.messages) fmt::print("{}\n", m);
        }
        if (!r.messages.empty() && r.added == 0 && left > 0) {
            throw Error(ErrorCode::Unavailable, r.messages.front());
        }
    });

    for (const char* verb : {"import", "export"}) {
        bool is_import = std::string(verb) == "import";
        auto* cmd = app.add_subcommand(
            verb, is_import
                      ? "Import entries: markdown FOLDER, json FILE, dayone ZIP|JSON, jrnl FILE "
                        "(only jrnl's JSON export, `jrnl --export json`). The file is checked "
                        "whole before anything is written; entries are then stored in batches, "
                        "so an import stopped midway may leave some: run it again to finish, "
                        "nothing is added twice"
                      : "Export the journal: markdown FOLDER, json FILE, dayone ZIP|JSON, "
                        "jrnl FILE");
        auto format = std::make_shared<std::string>();
        auto path = std::make_shared<std::string>();
        auto cmd_json = std::make_shared<bool>(false);
        auto no_tag = std::make_shared<bool>(false);
        cmd->add_option("format", *format, "markdown, json, dayone or jrnl")->required();
        cmd->add_option("path", *path, "File or folder")->required();
        cmd->add_flag("--json", *cmd_json, "JSON output");
        if (is_import) cmd->add_flag("--no-tag", *no_tag, "Don't tag imported entries now");
        cmd->callback([=] {
            auto journal = open_journal();
            auto bar = *cmd_json ? Progress{} : progress_bar(is_import ? "importing" : "exporting");
            BatchReport r = is_import ? journal->import(*format, *path, bar)
                                      : journal->export_to(*format, *path, bar);
            BatchReport tagged;
            if (is_import && !*no_tag && r.added > 0) {
                tagged = journal->tag_pending(0, *cmd_json ? Progress{} : progress_bar("tagging"));
            }
            if (*cmd_json) {
                print_json({{is_import ? "imported" : "exported", r.added},
                            {"skipped", r.skipped},
                            {"tagged", tagged.added},
                            {"messages", r.messages}});
                return;
            }
            if (is_import) {
                fmt::print("imported {} entries ({} already in the journal), tagged {}\n", r.added,
                           r.skipped, tagged.added);
            } else {
                fmt::print("exported {} entries to {}\n", r.added, *path);
            }
            for (const auto& m : r.messages) fmt::print("{}\n", m);
            for (const auto& m : tagged.messages) fmt::print("{}\n", m);
        });
    }

    auto* check = app.add_subcommand("check", "Check the journal database's integrity");
    auto check_json = std::make_shared<bool>(false);
    check->add_flag("--json", *check_json, "JSON output");
    check->callback([=] {
        auto report = open_journal()->check();
        if (*check_json) {
            print_json(report);
        } else {
            fmt::print(
                "{}: integrity {}, {} entries, {} scores for another text, search index {}, "
                "{} pending\n",
                report["ok"].get<bool>() ? "ok" : "PROBLEM", report["integrity"].get<std::string>(),
                report["entries"].dump(), report["mismatched_scores"].dump(),
                report["search_index"].get<std::string>(), report["pending"].dump());
        }
        if (!report["ok"].get<bool>()) {
            throw Error(ErrorCode::Unavailable,
                        "the journal has problems; export it and report this");
        }
    });
}

}  // namespace

void add_journal_commands(CLI::App& app) {
    add_entry_commands(app);
    add_search_commands(app);
    add_label_commands(app);
    add_maintenance_commands(app);
}

}  // namespace empathic::cli
