// Internals of the journal shared by its source files (not part of the public API).
//
// Ownership and invariants:
//  - Journal::Impl owns the one SQLite connection; every public method takes `mutex` before
//    touching it, so statements never interleave. The engine is called with the mutex released.
//  - entries.text_hash is always the hash of entries.body; tag_runs.text_hash is the hash of
//    the text its scores came from, and a run is only written when it equals the entry's
//    current text_hash (checked inside the writing transaction).
//  - score_cache rows are keyed by (text hash, hypothesis, model) and never change once
//    written, so a cached score is exactly what the engine would answer again.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "journal/journal.h"
#include "journal/sqlite.h"

namespace empathic {

namespace detail {

/// UTC offset of IANA zone `zone` (as /usr/share/zoneinfo names it) at `utc`, in minutes;
/// nullopt for an unknown zone.
std::optional<int> zone_offset(const std::string& zone, std::int64_t utc);
/// An IANA name for a fixed offset ("Etc/GMT-1" for +01:00); "UTC" when not whole hours.
std::string zone_name_for_offset(int offset_minutes);
/// Hex BLAKE2b-256 of `text`: the identity of an entry's text for cached scores.
std::string hash_text(const std::string& text);
/// A new random identity for an entry (32 upper-case hex digits, like Day One's).
std::string new_uid();
/// Checks an entry's text as the user sends it: valid UTF-8, not blank, at most
/// kMaxEntryBytes with the title. `what` names it in messages ("entry 3 of the import").
void validate_text(const std::string& title, const std::string& body, const std::string& what);
/// Trims, drops empty and duplicate own tags, and checks their UTF-8.
std::vector<std::string> clean_tags(const std::vector<std::string>& tags, const std::string& what);
/// Validates and cleans a label set (name, template with one {}, threshold in [0, 1], labels).
LabelSet validate_label_set(LabelSet set);
/// The user's search words as an FTS5 query: each word or "phrase" quoted (so punctuation such
/// as self-care or 9:30 is plain text), OR/AND/NOT between words and a trailing * kept.
/// InvalidInput when no word is left to look for.
std::string fts_query(const std::string& text);

}  // namespace detail

/// An entry as an import reads it, with what else it carries.
struct ImportedEntry {
    Entry entry;             // id unused; uid may be empty (derived from date and text)
    std::string parent_uid;  // thread parent, by uid
    std::vector<nlohmann::json> reflections;  // {"created","reflection"}
    std::string source;  // names the entry in messages ("entry 4", "file x.md")
};

class Journal::Impl {
  public:
    explicit Impl(Options options);

    Options options;
    mutable sql::Database db;
    mutable std::mutex mutex;
    Reflector reflector;

    // Schema and start-up (store.cpp).
    void migrate();
    void install_default_label_sets();

    // Reading (store.cpp); callers hold the mutex.
    Entry load_entry(std::int64_t id, int thread_depth = 4) const;
    std::vector<TagResult> load_runs(std::int64_t id) const;
    LabelSet load_label_set(const std::string& name) const;
    std::optional<LabelSet> find_label_set(const std::string& name) const;
    std::string active_set_name() const;
    std::optional<std::int64_t> id_of_uid(const std::string& uid) const;

    // Writing (store.cpp); callers hold the mutex and an open transaction.
    std::int64_t insert_entry(const Entry& entry);
    void write_tags(std::int64_t id, const std::vector<std::string>& tags);
    void write_run(std::int64_t id, const TagResult& run);
    void write_label_set(const LabelSet& set, std::optional<std::int64_t> existing_id);
    void insert_reflection(std::int64_t id, std::int64_t created_utc, const nlohmann::json& json);
    void mark_all_pending();

    // Tagging (tagging.cpp).
    /// Scores `body` against `set` with `engine`, reusing cached scores; releases `lock`
    /// while the engine runs and holds it again on return.
    TagResult score(const std::string& body, const LabelSet& set, Engine& engine,
                    std::unique_lock<std::mutex>& lock);
    /// Opens the engine for `set`; on failure records why on pending entries and rethrows.
    std::shared_ptr<Engine> engine_for(const LabelSet& set);
    /// Tags entry `id` against the active set when pending (or always when `force`); stores
    /// the run and the reflection. Returns false when there was nothing to do.
    bool tag_one(std::int64_t id, Engine& engine, bool force, BatchReport& report);

    // Import and export (import_export.cpp, markdown.cpp).
    void store_imported(std::vector<ImportedEntry>& entries, BatchReport& report,
                        const Progress& progress);
};

}  // namespace empathic
