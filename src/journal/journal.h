// The journal: entries, label sets, automatic tagging, search, analytics, reflections and
// conversation threads, stored in one SQLite database (WAL mode) at home()/journal.db.
//
// This is the core API that both the CLI and the HTTP server use; it speaks C++ types and
// nlohmann::json, never HTTP. The JSON forms (to_json below and the json-returning methods) are
// the shapes `--json` prints and the server returns.
//
// Invariants the store keeps for the user:
//  - Every write is one SQLite transaction: an entry is stored whole or not at all, and its
//    scores are replaced in the same transaction as its text, so scores always belong to the
//    text they were computed from (each score row carries the hash of that text).
//  - Saving never waits for a model: add()/update() store the entry with tagging "pending";
//    tag_pending() scores pending entries later (the server on a background thread, the CLI
//    right after saving). A score computed for a text that was edited meanwhile is dropped.
//  - Deleting moves an entry to the trash; restore() brings it back; purge_trash() forgets it.
//  - An entry is at most kMaxEntryBytes (100,000 bytes) of UTF-8 text (title + body).
//
// Thread safety: a Journal may be shared by threads; calls are serialized on one connection,
// and the engine runs outside that lock, so reads are not blocked by a slow model. Other
// processes (a CLI beside a server) may open the same file: WAL lets readers run beside a
// writer, and writers wait up to 5 s for each other.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nlp/engine.h"

namespace empathic {

/// Largest entry accepted, in bytes of UTF-8 (title and body together): about 15,000 words,
/// far beyond a day's writing, small enough to score and search quickly.
inline constexpr std::size_t kMaxEntryBytes = 100'000;

/// A moment as the writer lived it: a UTC instant and the writer's UTC offset at that moment.
struct Timestamp {
    std::int64_t utc = 0;    // seconds since 1970-01-01T00:00:00Z
    int offset_minutes = 0;  // writer's offset from UTC (+60 for Paris in winter)

    /// The current time with this machine's UTC offset.
    static Timestamp now();
    /// Parses ISO 8601 / RFC 3339 ("2024-03-05T08:15:00+01:00", "...Z", "2024-03-05 08:15",
    /// "2024-03-05"); a time without an offset is read in this machine's time zone. Throws
    /// Error(InvalidInput) naming `what` and the accepted forms when it can't be parsed.
    static Timestamp parse(const std::string& text, const std::string& what = "the date");
    /// "2024-03-05T08:15:00+01:00": the writer's local time and offset.
    std::string to_string() const;
    /// "2024-03-05T08:15:00": the writer's local time without offset (used for days/weeks).
    std::string local() const;
};

/// A date range [from, until] of local dates ("2024-03-01", "2024-03-31") for a phrase:
/// "today", "yesterday", "this-week", "last-week", "this-month", "last-month", "this-year",
/// "last-year", "2024", "2024-03" or a single date. InvalidInput for anything else.
std::pair<std::string, std::string> resolve_dates(const std::string& phrase);

/// Valence of a label: which way it moves the mood line.
enum class Valence { Positive, Negative, Neutral };

/// "positive" / "negative" / "neutral"; parse throws Error(InvalidInput) for other words.
std::string valence_name(Valence valence);
Valence parse_valence(const std::string& name);

/// One label of a label set.
struct Label {
    std::string label;
    Valence valence = Valence::Neutral;
};

/// A named, editable set of labels and how to score them.
struct LabelSet {
    std::string name;
    std::string description;
    std::string hypothesis_template = "The writer feels {}.";
    bool multi_label = true;
    /// A label becomes a tag of an entry when its score is at least this.
    double threshold = 0.5;
    /// Model to score with: "" = the journal's default engine (the configured NLI model or the
    /// lexical engine), "lexical", or a model id.
    std::string engine;
    std::vector<Label> labels;
    /// Increases on every edit; stored with each score so a score says which version made it.
    int version = 1;
    /// Whether this is the set that tags every entry automatically (exactly one is).
    bool active = false;
};

/// One label's score for an entry, with its evidence.
struct LabelScore {
    std::string label;
    double score = 0;
    Span evidence;  // bytes of the entry body; JSON shows characters
};

/// The scores of one entry against one label set, and what produced them.
struct TagResult {
    std::string label_set;
    int label_set_version = 0;
    std::string hypothesis_template;
    std::string engine;  // "nli" or "lexical"
    std::string model;
    bool multi_label = true;
    double threshold = 0.5;
    std::string text_hash;           // hash of the text these scores were computed from
    std::vector<LabelScore> scores;  // sorted by score, descending

    /// Labels whose score is at least the threshold: the entry's empathic tags.
    std::vector<std::string> tags() const;
};

/// Where automatic tagging of an entry stands.
enum class TaggingState { Pending, Done, Failed };
std::string tagging_state_name(TaggingState state);  // "pending" | "done" | "failed"

/// A journal entry.
struct Entry {
    std::int64_t id = 0;
    /// Stable identity across export and import (a UUID); import skips entries it already has.
    std::string uid;
    Timestamp created;
    Timestamp updated;
    std::string title;
    std::string body;               // Markdown
    std::vector<std::string> tags;  // the writer's own tags
    /// Scores per label set applied; the active set's first when present.
    std::vector<TagResult> scores;
    TaggingState tagging = TaggingState::Pending;
    std::string tagging_error;  // why tagging failed or is still pending (no entry text)
    /// Conversation threads: this entry answers `question` of a reflection on entry parent_id.
    std::optional<std::int64_t> parent_id;
    std::string question;
    /// Answers to this entry's reflection questions (filled by Journal::get, one level deep
    /// each, recursively).
    std::vector<Entry> thread;
    std::optional<nlohmann::json> reflection;  // latest reflection, when one is stored
    bool deleted = false;                      // in the trash

    /// The empathic tags of the active set (labels at or above its threshold).
    std::vector<std::string> empathic_tags() const;
};

/// What to store when adding an entry. Empty `created` means now.
struct NewEntry {
    std::string body;
    std::string title;
    std::vector<std::string> tags;
    std::optional<Timestamp> created;
    std::optional<std::int64_t> parent_id;
    std::string question;
};

/// Changes to an entry; absent fields are kept.
struct EntryUpdate {
    std::optional<std::string> body;
    std::optional<std::string> title;
    std::optional<std::vector<std::string>> tags;
    std::optional<Timestamp> created;
};

/// How search results are ordered.
enum class SortBy { Date, Score, Intensity, Relevance };

/// A condition on an empathic tag: the label's score in the active set (or `label_set`) is at
/// least `min_score`, or the set's threshold when absent.
struct TagFilter {
    std::string label;
    std::optional<double> min_score;
};

/// A search: full text (SQLite FTS5 syntax: words, "phrases", OR, prefix*) and filters.
struct SearchQuery {
    std::string text;                   // empty = no full-text condition
    std::vector<TagFilter> feelings;    // all must hold
    std::vector<std::string> own_tags;  // all must be present
    std::optional<std::string> from;    // local date/time, inclusive ("2024-03-01")
    std::optional<std::string> until;   // local date/time, inclusive ("2024-03-31")
    std::string label_set;              // "" = the active set
    SortBy sort = SortBy::Date;
    std::string sort_label;  // for SortBy::Score
    bool ascending = false;
    int limit = 50;
    int offset = 0;
    bool trash = false;  // search the trash instead of the journal
};

/// One search hit.
struct SearchHit {
    Entry entry;
    std::string snippet;  // with matches wrapped in [ and ] (empty without full text)
    double rank = 0;      // the sort key
};

/// A search's answer.
struct SearchResult {
    std::vector<SearchHit> hits;
    std::int64_t total = 0;  // hits without limit/offset
};

/// Period of analytics.
enum class Period { Day, Week, Month };
Period parse_period(const std::string& name);  // "day" | "week" | "month"

/// What analytics to compute.
struct StatsQuery {
    Period period = Period::Month;
    std::optional<std::string> from;
    std::optional<std::string> until;
    std::string label_set;  // "" = the active set
};

/// Progress of a long operation: done of total, called often; return false to stop early.
using Progress = std::function<bool(std::int64_t done, std::int64_t total)>;

/// Called after an entry is tagged; its result is stored as the entry's reflection. The app
/// sets this to src/reflect's reflector. Any "safety" information stays inside this JSON and
/// never becomes a tag.
using Reflector = std::function<std::optional<nlohmann::json>(const Entry&, const TagResult&)>;

/// Gives the engine for a label set's `engine` field ("" = default). Defaults to open_engine.
using EngineFactory = std::function<std::shared_ptr<Engine>(const std::string& model)>;

/// Outcome of import or retag.
struct BatchReport {
    std::int64_t added = 0;
    std::int64_t skipped = 0;  // already in the journal (import) or already current (retag)
    std::int64_t failed = 0;
    std::vector<std::string> messages;  // for the user; no entry text
};

/// Import/export formats: "markdown" (folder), "json" (ours), "dayone" (zip or JSON),
/// "jrnl" (jrnl's JSON export).
inline const std::vector<std::string> kFormats = {"markdown", "json", "dayone", "jrnl"};

class Journal {
  public:
    struct Options {
        /// Folder of the journal (created 0700); the database is folder/journal.db.
        std::filesystem::path folder;
        /// Where engines come from; tests pass a fake.
        EngineFactory engines;
        /// Label sets to install into a new journal; default: paths::data_dir() /
        /// labelsets/default.json.
        std::optional<std::filesystem::path> default_label_sets;
    };

    /// Opens (creating when needed) the journal in paths::home().
    static std::unique_ptr<Journal> open();
    /// Opens the journal described by `options`; runs schema migrations (never losing data).
    explicit Journal(Options options);
    ~Journal();
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;

    /// Path of the database file.
    std::filesystem::path database_path() const;

    // --- entries ------------------------------------------------------------------------

    /// Stores a new entry with tagging pending and returns it (id included). Throws
    /// InvalidInput (bad UTF-8, empty), TooLarge (over kMaxEntryBytes), NotFound (parent).
    Entry add(const NewEntry& entry);
    /// Stores an answer to `question` of the reflection on entry `parent_id`.
    Entry add_answer(std::int64_t parent_id, const std::string& question, const std::string& body);
    /// The entry with its scores, thread and latest reflection; NotFound when absent.
    /// Entries in the trash are found too (deleted = true).
    Entry get(std::int64_t id) const;
    /// Applies changes; a new text drops the old scores and marks tagging pending, atomically.
    Entry update(std::int64_t id, const EntryUpdate& update);
    /// Moves an entry to the trash (its answers stay where they are).
    void remove(std::int64_t id);
    /// Takes an entry back out of the trash.
    Entry restore(std::int64_t id);
    /// Forgets every entry in the trash for good; returns how many.
    std::int64_t purge_trash();
    /// Entries, newest first (not in the trash).
    std::vector<Entry> list(int limit = 50, int offset = 0) const;
    /// Number of entries (not in the trash).
    std::int64_t count() const;

    // --- tagging ------------------------------------------------------------------------

    /// Scores entries whose tagging is pending against the active set (at most `limit`, 0 =
    /// all), storing scores, evidence and provenance; calls the reflector after each. An
    /// engine that can't be opened leaves entries pending with the reason in tagging_error.
    /// Returns how many entries were tagged.
    BatchReport tag_pending(int limit = 0, const Progress& progress = {});
    /// Tags one entry now against the active set (the CLI after add).
    Entry tag(std::int64_t id);
    /// Marks every entry pending (unless a retag is already under way, so an interrupted one
    /// resumes), then tags them all. Cached scores make unchanged labels cost nothing.
    BatchReport retag(const Progress& progress = {});
    /// Scores one entry against another set on demand and stores the result.
    TagResult apply_label_set(std::int64_t id, const std::string& label_set);
    /// Number of entries with tagging pending.
    std::int64_t pending_count() const;
    /// Sets the hook called after an entry is tagged.
    void set_reflector(Reflector reflector);

    // --- label sets ---------------------------------------------------------------------

    std::vector<LabelSet> label_sets() const;
    /// The set named `name`; NotFound with the known names when absent.
    LabelSet label_set(const std::string& name) const;
    LabelSet active_label_set() const;
    /// Adds a set (Conflict if the name exists); validates template, threshold, labels.
    LabelSet create_label_set(const LabelSet& set);
    /// Replaces a set's fields and labels (name changes rename it); bumps its version. When it
    /// is the active set, entries become pending; cached scores spare unchanged labels.
    LabelSet update_label_set(const std::string& name, const LabelSet& set);
    /// Deletes a set and its scores; the active set can't be deleted (Conflict).
    void delete_label_set(const std::string& name);
    /// Makes `name` the active set; entries become pending to be scored against it.
    void activate_label_set(const std::string& name);

    // --- search and analytics -----------------------------------------------------------

    SearchResult search(const SearchQuery& query) const;
    /// The writer's own tags with their counts.
    std::vector<std::pair<std::string, std::int64_t>> own_tags() const;
    /// Per period: entries, tag counts, mean scores, valence; co-occurring feelings, weekday
    /// and time-of-day patterns, writing streaks. See analytics.cpp for the exact shape.
    nlohmann::json stats(const StatsQuery& query) const;
    /// Periods ranked by the mean score of `label` ("my saddest week"), highest first.
    nlohmann::json top_periods(const std::string& label, Period period, int limit = 5) const;

    // --- reflections --------------------------------------------------------------------

    /// Stores a reflection on an entry, keeping earlier ones as history.
    void save_reflection(std::int64_t entry_id, const nlohmann::json& reflection);
    /// The newest reflection on an entry, if any.
    std::optional<nlohmann::json> latest_reflection(std::int64_t entry_id) const;
    /// The newest `limit` reflections across the journal, newest first, each as
    /// {"entry_id","created","reflection"}.
    std::vector<nlohmann::json> recent_reflections(int limit = 20) const;

    // --- maintenance --------------------------------------------------------------------

    /// Checks the store: PRAGMA integrity_check, every score computed for its entry's current
    /// text, the full-text index in step. {"ok":bool,"integrity":"ok"|...,"entries":n,
    /// "mismatched_scores":n,"pending":n}
    nlohmann::json check() const;

    // --- import and export ---------------------------------------------------------------

    /// Imports `path` in `format` (see kFormats). One transaction per batch of entries; a
    /// malformed entry aborts its batch naming the entry and the field; entries already in the
    /// journal (same uid, or same date and text) are skipped, so a re-run adds nothing.
    BatchReport import(const std::string& format, const std::filesystem::path& path,
                       const Progress& progress = {});
    /// Writes the journal in `format` to `path` (a folder for markdown, a file otherwise).
    BatchReport export_to(const std::string& format, const std::filesystem::path& path,
                          const Progress& progress = {}) const;

    class Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

// --- JSON forms, shared by the CLI and the server ---------------------------------------

/// {"id","uid","created","updated","title","body","tags","tagging","tagging_error"?,
///  "empathic_tags":[labels],"scores":[TagResult...],"parent_id"?,"question"?,"thread":[...],
///  "reflection"?,"deleted"}
nlohmann::json to_json(const Entry& entry);
/// {"label_set","version","template","engine","model","mode","threshold",
///  "scores":[{"label","score","tagged","evidence":{"start","end","text"}}]}; evidence in
/// characters of `body`.
nlohmann::json to_json(const TagResult& result, const std::string& body);
/// {"name","description","template","mode","multi_label","threshold","engine","version",
///  "active","labels":[{"label","valence"}]}
nlohmann::json to_json(const LabelSet& set);
/// Reads a label set from its JSON form (as above; "mode" or "multi_label"); InvalidInput
/// naming the field when malformed.
LabelSet label_set_from_json(const nlohmann::json& json);
/// {"total","hits":[{"entry":{...},"snippet","rank"}]}
nlohmann::json to_json(const SearchResult& result);

}  // namespace empathic
