// The store: schema and migrations, entries, own tags, label sets, reflections, the trash.
//
// The schema version lives in PRAGMA user_version. Migrations run in order at start-up inside
// one write transaction that reads the version again once it holds the lock (several processes
// may open a new journal at once), only ever adding tables, columns and indexes, so an older
// journal opens with everything it held. A journal newer than this program is refused rather
// than touched.
#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>

#include "app/engines.h"
#include "core/error.h"
#include "core/fs_util.h"
#include "core/log.h"
#include "core/paths.h"
#include "core/utf8.h"
#include "journal/journal_impl.h"

namespace empathic {
namespace {

// Each step brings the schema from version i to i + 1.
const char* const kMigrations[] = {
    // 1: entries, own tags, label sets, scores with provenance, the score cache,
    //    reflections, threads and the full-text index.
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries(
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  created_utc INTEGER NOT NULL,
  created_offset INTEGER NOT NULL,
  created_local TEXT NOT NULL,
  updated_utc INTEGER NOT NULL,
  updated_offset INTEGER NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  text_hash TEXT NOT NULL,
  tagging TEXT NOT NULL DEFAULT 'pending',
  tagging_error TEXT NOT NULL DEFAULT '',
  parent_id INTEGER REFERENCES entries(id) ON DELETE SET NULL,
  question TEXT NOT NULL DEFAULT '',
  deleted_utc INTEGER);
CREATE INDEX entries_created ON entries(created_local);
CREATE INDEX entries_tagging ON entries(tagging, id);
CREATE INDEX entries_parent ON entries(parent_id);
CREATE INDEX entries_text ON entries(text_hash);
CREATE TABLE entry_tags(
  entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY(entry_id, tag)) WITHOUT ROWID;
CREATE INDEX entry_tags_tag ON entry_tags(tag, entry_id);
CREATE TABLE label_sets(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  template TEXT NOT NULL,
  multi_label INTEGER NOT NULL,
  threshold REAL NOT NULL,
  engine TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  active INTEGER NOT NULL DEFAULT 0);
CREATE TABLE labels(
  set_id INTEGER NOT NULL REFERENCES label_sets(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  label TEXT NOT NULL,
  valence TEXT NOT NULL,
  PRIMARY KEY(set_id, position));
CREATE TABLE tag_runs(
  id INTEGER PRIMARY KEY,
  entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
  set_name TEXT NOT NULL,
  set_version INTEGER NOT NULL,
  template TEXT NOT NULL,
  engine TEXT NOT NULL,
  model TEXT NOT NULL,
  multi_label INTEGER NOT NULL,
  threshold REAL NOT NULL,
  text_hash TEXT NOT NULL,
  UNIQUE(entry_id, set_name));
CREATE INDEX tag_runs_set ON tag_runs(set_name, entry_id);
CREATE TABLE scores(
  run_id INTEGER NOT NULL REFERENCES tag_runs(id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  score REAL NOT NULL,
  ev_start INTEGER NOT NULL,
  ev_end INTEGER NOT NULL,
  PRIMARY KEY(run_id, label)) WITHOUT ROWID;
CREATE INDEX scores_label ON scores(label, score);
CREATE TABLE score_cache(
  text_hash TEXT NOT NULL,
  hypothesis TEXT NOT NULL,
  model TEXT NOT NULL,
  engine TEXT NOT NULL,
  score REAL NOT NULL,
  ev_start INTEGER NOT NULL,
  ev_end INTEGER NOT NULL,
  PRIMARY KEY(text_hash, hypothesis, model)) WITHOUT ROWID;
CREATE TABLE reflections(
  id INTEGER PRIMARY KEY,
  entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
  created_utc INTEGER NOT NULL,
  json TEXT NOT NULL);
CREATE INDEX reflections_entry ON reflections(entry_id, id);
CREATE VIRTUAL TABLE entries_fts USING fts5(
  title, body, question, content='entries', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
  INSERT INTO entries_fts(rowid, title, body, question)
    VALUES (new.id, new.title, new.body, new.question);
END;
CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
  INSERT INTO entries_fts(entries_fts, rowid, title, body, question)
    VALUES ('delete', old.id, old.title, old.body, old.question);
END;
CREATE TRIGGER entries_fts_update AFTER UPDATE OF title, body, question ON entries BEGIN
  INSERT INTO entries_fts(entries_fts, rowid, title, body, question)
    VALUES ('delete', old.id, old.title, old.body, old.question);
  INSERT INTO entries_fts(rowid, title, body, question)
    VALUES (new.id, new.title, new.body, new.question);
END;
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

const char* const kEntryColumns =
    "id, uid, created_utc, created_offset, updated_utc, updated_offset, title, body, tagging, "
    "tagging_error, parent_id, question, deleted_utc";

Entry read_entry_row(const sql::Statement& row) {
    Entry e;
    e.id = row.int64(0);
    e.uid = row.text(1);
    e.created = {row.int64(2), static_cast<int>(row.int64(3))};
    e.updated = {row.int64(4), static_cast<int>(row.int64(5))};
    e.title = row.text(6);
    e.body = row.text(7);
    std::string state = row.text(8);
    e.tagging = state == "done"     ? TaggingState::Done
                : state == "failed" ? TaggingState::Failed
                                    : TaggingState::Pending;
    e.tagging_error = row.text(9);
    if (!row.is_null(10)) e.parent_id = row.int64(10);
    e.question = row.text(11);
    e.deleted = !row.is_null(12);
    return e;
}

// Makes `folder` exist and be private to the user (0700).
void make_private_folder(const std::filesystem::path& folder) {
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) {
        throw Error(ErrorCode::Unavailable, "can't create the journal folder " + folder.string() +
                                                " (" + ec.message() + "); check permissions");
    }
    ::chmod(folder.c_str(), 0700);
}

}  // namespace

namespace detail {

std::string hash_text(const std::string& text) {
    unsigned char out[32];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(text.data()),
                       text.size(), nullptr, 0);
    static const char* hex = "0123456789abcdef";
    std::string result;
    for (unsigned char c : out) {
        result += hex[c >> 4];
        result += hex[c & 15];
    }
    return result;
}

std::string new_uid() {
    unsigned char bytes[16];
    randombytes_buf(bytes, sizeof bytes);
    static const char* hex = "0123456789ABCDEF";
    std::string result;
    for (unsigned char c : bytes) {
        result += hex[c >> 4];
        result += hex[c & 15];
    }
    return result;
}

void validate_text(const std::string& title, const std::string& body, const std::string& what) {
    utf8::require_valid(title, what + "'s title");
    utf8::require_valid(body, what);

    // Control characters (NUL, escape, ...) have no place in a journal: they cut search
    // snippets short and can drive the terminal that shows the entry. Tab and line breaks stay.
    auto refuse_controls = [&](const std::string& text, const std::string& part) {
        for (std::size_t i = 0; i < text.size(); ++i) {
            unsigned char c = static_cast<unsigned char>(text[i]);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
                char code[8];
                std::snprintf(code, sizeof code, "U+%04X", c);
                throw Error(ErrorCode::InvalidInput, part + " holds the control character " + code +
                                                         " at byte " + std::to_string(i) +
                                                         "; remove it and save again");
            }
        }
    };
    refuse_controls(title, what + "'s title");
    refuse_controls(body, what);
    if (utf8::trim(body).empty()) {
        throw Error(ErrorCode::InvalidInput, what + " is empty; write something to save");
    }
    if (title.size() + body.size() > kMaxEntryBytes) {
        throw Error(ErrorCode::TooLarge,
                    what + " is " + std::to_string(title.size() + body.size()) +
                        " bytes, over the limit of " + std::to_string(kMaxEntryBytes) +
                        " bytes; split it into several entries");
    }
}

std::vector<std::string> clean_tags(const std::vector<std::string>& tags, const std::string& what) {
    std::vector<std::string> result;
    std::set<std::string> seen;
    for (const auto& raw : tags) {
        utf8::require_valid(raw, what + "'s tag");
        std::string tag = utf8::trim(raw);
        if (!tag.empty() && tag.front() == '#') tag.erase(0, 1);
        if (tag.empty() || !seen.insert(tag).second) continue;
        if (tag.size() > 200) {
            throw Error(ErrorCode::InvalidInput, what + " has a tag over 200 bytes; shorten it");
        }
        result.push_back(tag);
    }
    return result;
}

LabelSet validate_label_set(LabelSet set) {
    utf8::require_valid(set.name, "the label set's name");
    set.name = utf8::trim(set.name);
    if (set.name.empty() || set.name.size() > 100) {
        throw Error(ErrorCode::InvalidInput,
                    "a label set needs a name of 1 to 100 bytes, for example \"work stress\"");
    }
    std::vector<std::string> warnings;
    ClassifyRequest probe;
    probe.text = "x";
    probe.hypothesis_template = set.hypothesis_template;
    for (const auto& label : set.labels) probe.labels.push_back(label.label);
    if (probe.labels.empty()) {
        throw Error(ErrorCode::InvalidInput,
                    "label set '" + set.name + "' has no labels; add at least one");
    }
    auto normalized = normalize_request(probe, warnings);  // checks template and labels
    if (!(set.threshold >= 0.0 && set.threshold <= 1.0)) {
        throw Error(ErrorCode::InvalidInput,
                    "the threshold of label set '" + set.name + "' must be between 0 and 1");
    }

    // Keep the first of duplicate labels with its valence, trimmed.
    std::vector<Label> labels;
    for (const auto& name : normalized.labels) {
        for (const auto& label : set.labels) {
            if (utf8::trim(label.label) == name) {
                labels.push_back({name, label.valence});
                break;
            }
        }
    }
    set.labels = std::move(labels);
    return set;
}

}  // namespace detail

// --- opening ----------------------------------------------------------------------------------

Journal::Impl::Impl(Options opts)
    : options(std::move(opts)),
      db((make_private_folder(options.folder), options.folder / "journal.db")) {
    // Shortcoming: the database is not encrypted at rest. Debian 12's SQLCipher (3.4.1) lacks
    // FTS5, which search needs, so entries are protected only by the file mode (0600) and the
    // folder's (0700); anyone who can read the user's files can read the journal.
    ::chmod((options.folder / "journal.db").c_str(), 0600);
    db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    for (const char* suffix : {"-wal", "-shm"}) {
        auto path = options.folder / ("journal.db" + std::string(suffix));
        if (std::filesystem::exists(path)) ::chmod(path.c_str(), 0600);
    }
}

void Journal::Impl::migrate() {
    auto read_version = [this] {
        auto stmt = db.prepare("PRAGMA user_version");
        stmt.step();
        int version = static_cast<int>(stmt.int64(0));
        if (version > kSchemaVersion) {
            throw Error(ErrorCode::Conflict,
                        "the journal was written by a newer Empathic (schema " +
                            std::to_string(version) + "); upgrade Empathic to open it");
        }
        return version;
    };
    if (read_version() == kSchemaVersion) return;

    // Several processes may open a new journal at once: the write lock is taken first and the
    // version read again under it, so only one of them migrates and the others find it done.
    sql::Transaction tx(db);
    int version = read_version();
    for (int step = version; step < kSchemaVersion; ++step) {
        db.exec(kMigrations[step]);
        db.exec("PRAGMA user_version = " + std::to_string(step + 1));
    }
    tx.commit();
    if (version < kSchemaVersion) {
        EMP_LOG_INFO("journal", "schema migrated from version {} to {}", version, kSchemaVersion);
    }
}

void Journal::Impl::install_default_label_sets() {
    auto has_sets = [this] {
        auto count = db.prepare("SELECT count(*) FROM label_sets");
        count.step();
        return count.int64(0) > 0;
    };
    if (has_sets()) return;

    auto path =
        options.default_label_sets.value_or(paths::data_dir() / "labelsets" / "default.json");
    nlohmann::json data;
    try {
        data = nlohmann::json::parse(read_file(path));
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorCode::Internal,
                    "the default label sets in " + path.string() + " are malformed: " + e.what());
    }
    std::string active = data.value("active", "");
    sql::Transaction tx(db);
    if (has_sets()) return;  // another process installed them while this one waited
    for (const auto& json : data.at("sets")) {
        LabelSet set = detail::validate_label_set(label_set_from_json(json));
        set.active = set.name == active;
        write_label_set(set, std::nullopt);
    }
    if (active.empty() || !find_label_set(active)) {
        db.exec("UPDATE label_sets SET active = 1 WHERE id = (SELECT min(id) FROM label_sets)");
    }
    tx.commit();
}

Journal::Journal(Options options) {
    if (sodium_init() < 0) throw Error(ErrorCode::Internal, "libsodium failed to start");
    if (!options.engines) options.engines = [](const std::string& m) { return open_engine(m); };
    impl_ = std::make_unique<Impl>(std::move(options));
    impl_->migrate();
    impl_->install_default_label_sets();
}

Journal::~Journal() = default;

std::unique_ptr<Journal> Journal::open() {
    Options options;
    options.folder = paths::home();
    return std::make_unique<Journal>(std::move(options));
}

std::filesystem::path Journal::database_path() const {
    return impl_->options.folder / "journal.db";
}

// --- reading ----------------------------------------------------------------------------------

std::vector<TagResult> Journal::Impl::load_runs(std::int64_t id) const {
    std::vector<TagResult> runs;
    auto stmt = db.prepare(
        "SELECT id, set_name, set_version, template, engine, model, multi_label, threshold, "
        "text_hash FROM tag_runs WHERE entry_id = ? ORDER BY id");
    stmt.bind(1, id);
    std::vector<std::int64_t> run_ids;
    while (stmt.step()) {
        TagResult r;
        run_ids.push_back(stmt.int64(0));
        r.label_set = stmt.text(1);
        r.label_set_version = static_cast<int>(stmt.int64(2));
        r.hypothesis_template = stmt.text(3);
        r.engine = stmt.text(4);
        r.model = stmt.text(5);
        r.multi_label = stmt.int64(6) != 0;
        r.threshold = stmt.real(7);
        r.text_hash = stmt.text(8);
        runs.push_back(std::move(r));
    }
    auto scores = db.prepare(
        "SELECT label, score, ev_start, ev_end FROM scores WHERE run_id = ? "
        "ORDER BY score DESC, label");
    for (std::size_t i = 0; i < runs.size(); ++i) {
        scores.reset();
        scores.bind(1, run_ids[i]);
        while (scores.step()) {
            runs[i].scores.push_back({scores.text(0),
                                      scores.real(1),
                                      {static_cast<std::size_t>(scores.int64(2)),
                                       static_cast<std::size_t>(scores.int64(3))}});
        }
    }

    // The active set's run first: it holds the entry's empathic tags.
    std::string active = active_set_name();
    std::stable_partition(runs.begin(), runs.end(),
                          [&](const TagResult& r) { return r.label_set == active; });
    return runs;
}

Entry Journal::Impl::load_entry(std::int64_t id, int thread_depth) const {
    auto& conn = db;
    auto stmt = conn.prepare(std::string("SELECT ") + kEntryColumns + " FROM entries WHERE id = ?");
    stmt.bind(1, id);
    if (!stmt.step()) {
        throw Error(ErrorCode::NotFound,
                    "no entry " + std::to_string(id) + "; `empathic list` shows the entries' ids");
    }
    Entry entry = read_entry_row(stmt);

    auto tags = conn.prepare("SELECT tag FROM entry_tags WHERE entry_id = ? ORDER BY tag");
    tags.bind(1, id);
    while (tags.step()) entry.tags.push_back(tags.text(0));

    entry.scores = load_runs(id);

    auto reflection =
        conn.prepare("SELECT json FROM reflections WHERE entry_id = ? ORDER BY id DESC LIMIT 1");
    reflection.bind(1, id);
    if (reflection.step()) entry.reflection = nlohmann::json::parse(reflection.text(0));

    if (thread_depth > 0) {
        auto answers = conn.prepare(
            "SELECT id FROM entries WHERE parent_id = ? AND deleted_utc IS NULL "
            "ORDER BY created_utc, id");
        answers.bind(1, id);
        std::vector<std::int64_t> ids;
        while (answers.step()) ids.push_back(answers.int64(0));
        for (auto answer : ids) entry.thread.push_back(load_entry(answer, thread_depth - 1));
    }
    return entry;
}

std::optional<LabelSet> Journal::Impl::find_label_set(const std::string& name) const {
    auto& conn = db;
    auto stmt = conn.prepare(
        "SELECT id, name, description, template, multi_label, threshold, engine, version, active "
        "FROM label_sets WHERE name = ?");
    stmt.bind(1, name);
    if (!stmt.step()) return std::nullopt;
    LabelSet set;
    std::int64_t id = stmt.int64(0);
    set.name = stmt.text(1);
    set.description = stmt.text(2);
    set.hypothesis_template = stmt.text(3);
    set.multi_label = stmt.int64(4) != 0;
    set.threshold = stmt.real(5);
    set.engine = stmt.text(6);
    set.version = static_cast<int>(stmt.int64(7));
    set.active = stmt.int64(8) != 0;
    auto labels =
        conn.prepare("SELECT label, valence FROM labels WHERE set_id = ? ORDER BY position");
    labels.bind(1, id);
    while (labels.step()) set.labels.push_back({labels.text(0), parse_valence(labels.text(1))});
    return set;
}

LabelSet Journal::Impl::load_label_set(const std::string& name) const {
    if (auto set = find_label_set(name)) return *set;
    std::string known;
    auto stmt = db.prepare("SELECT name FROM label_sets ORDER BY id");
    while (stmt.step()) known += (known.empty() ? "" : ", ") + stmt.text(0);
    throw Error(ErrorCode::NotFound,
                "no label set named '" + name + "'; the journal has: " + known);
}

std::string Journal::Impl::active_set_name() const {
    auto stmt = db.prepare("SELECT name FROM label_sets WHERE active = 1 LIMIT 1");
    return stmt.step() ? stmt.text(0) : std::string();
}

std::optional<std::int64_t> Journal::Impl::id_of_uid(const std::string& uid) const {
    auto stmt = db.prepare("SELECT id FROM entries WHERE uid = ?");
    stmt.bind(1, uid);
    if (stmt.step()) return stmt.int64(0);
    return std::nullopt;
}

// --- writing ----------------------------------------------------------------------------------

std::int64_t Journal::Impl::insert_entry(const Entry& e) {
    auto stmt = db.prepare(
        "INSERT INTO entries(uid, created_utc, created_offset, created_local, updated_utc, "
        "updated_offset, title, body, text_hash, tagging, tagging_error, parent_id, question, "
        "deleted_utc) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    stmt.bind(1, e.uid)
        .bind(2, e.created.utc)
        .bind(3, e.created.offset_minutes)
        .bind(4, e.created.local())
        .bind(5, e.updated.utc)
        .bind(6, e.updated.offset_minutes)
        .bind(7, e.title)
        .bind(8, e.body)
        .bind(9, detail::hash_text(e.body))
        .bind(10, tagging_state_name(e.tagging))
        .bind(11, e.tagging_error)
        .bind(12, e.parent_id)
        .bind(13, e.question);
    if (e.deleted) {
        stmt.bind(14, e.updated.utc);
    } else {
        stmt.bind_null(14);
    }
    stmt.run();
    std::int64_t id = db.last_insert_id();
    write_tags(id, e.tags);
    return id;
}

void Journal::Impl::write_tags(std::int64_t id, const std::vector<std::string>& tags) {
    auto clear = db.prepare("DELETE FROM entry_tags WHERE entry_id = ?");
    clear.bind(1, id).run();
    auto insert = db.prepare("INSERT OR IGNORE INTO entry_tags(entry_id, tag) VALUES (?, ?)");
    for (const auto& tag : tags) {
        insert.reset();
        insert.bind(1, id).bind(2, tag).run();
    }
}

void Journal::Impl::write_run(std::int64_t id, const TagResult& run) {
    auto clear = db.prepare("DELETE FROM tag_runs WHERE entry_id = ? AND set_name = ?");
    clear.bind(1, id).bind(2, run.label_set).run();
    auto insert = db.prepare(
        "INSERT INTO tag_runs(entry_id, set_name, set_version, template, engine, model, "
        "multi_label, threshold, text_hash) VALUES (?,?,?,?,?,?,?,?,?)");
    insert.bind(1, id)
        .bind(2, run.label_set)
        .bind(3, run.label_set_version)
        .bind(4, run.hypothesis_template)
        .bind(5, run.engine)
        .bind(6, run.model)
        .bind(7, run.multi_label ? 1 : 0)
        .bind(8, run.threshold)
        .bind(9, run.text_hash)
        .run();
    std::int64_t run_id = db.last_insert_id();
    auto score = db.prepare(
        "INSERT OR REPLACE INTO scores(run_id, label, score, ev_start, ev_end) "
        "VALUES (?,?,?,?,?)");
    for (const auto& s : run.scores) {
        score.reset();
        score.bind(1, run_id)
            .bind(2, s.label)
            .bind(3, s.score)
            .bind(4, static_cast<std::int64_t>(s.evidence.start))
            .bind(5, static_cast<std::int64_t>(s.evidence.end))
            .run();
    }
}

void Journal::Impl::write_label_set(const LabelSet& set, std::optional<std::int64_t> existing_id) {
    std::int64_t id;
    if (existing_id) {
        auto stmt = db.prepare(
            "UPDATE label_sets SET name=?, description=?, template=?, multi_label=?, "
            "threshold=?, engine=?, version=? WHERE id=?");
        stmt.bind(1, set.name)
            .bind(2, set.description)
            .bind(3, set.hypothesis_template)
            .bind(4, set.multi_label ? 1 : 0)
            .bind(5, set.threshold)
            .bind(6, set.engine)
            .bind(7, set.version)
            .bind(8, *existing_id)
            .run();
        id = *existing_id;
        db.prepare("DELETE FROM labels WHERE set_id = ?").bind(1, id).run();
    } else {
        auto stmt = db.prepare(
            "INSERT INTO label_sets(name, description, template, multi_label, threshold, engine, "
            "version, active) VALUES (?,?,?,?,?,?,?,?)");
        stmt.bind(1, set.name)
            .bind(2, set.description)
            .bind(3, set.hypothesis_template)
            .bind(4, set.multi_label ? 1 : 0)
            .bind(5, set.threshold)
            .bind(6, set.engine)
            .bind(7, set.version)
            .bind(8, set.active ? 1 : 0)
            .run();
        id = db.last_insert_id();
    }
    auto label =
        db.prepare("INSERT INTO labels(set_id, position, label, valence) VALUES (?,?,?,?)");
    for (std::size_t i = 0; i < set.labels.size(); ++i) {
        label.reset();
        label.bind(1, id)
            .bind(2, static_cast<std::int64_t>(i))
            .bind(3, set.labels[i].label)
            .bind(4, valence_name(set.labels[i].valence))
            .run();
    }
}

void Journal::Impl::insert_reflection(std::int64_t id, std::int64_t created_utc,
                                      const nlohmann::json& json) {
    auto stmt = db.prepare("INSERT INTO reflections(entry_id, created_utc, json) VALUES (?,?,?)");
    stmt.bind(1, id).bind(2, created_utc).bind(3, json.dump()).run();
}

void Journal::Impl::mark_all_pending() {
    db.exec(
        "UPDATE entries SET tagging = 'pending', tagging_error = '' "
        "WHERE deleted_utc IS NULL AND tagging != 'pending'");
}

// --- entries ----------------------------------------------------------------------------------

Entry Journal::add(const NewEntry& input) {
    detail::validate_text(input.title, input.body, "the entry");
    Entry entry;
    entry.uid = detail::new_uid();
    entry.created = input.created.value_or(Timestamp::now());
    entry.updated = Timestamp::now();
    entry.title = utf8::trim(input.title);
    entry.body = input.body;
    entry.tags = detail::clean_tags(input.tags, "the entry");
    entry.parent_id = input.parent_id;
    utf8::require_valid(input.question, "the question");
    entry.question = input.question;

    std::lock_guard lock(impl_->mutex);
    sql::Transaction tx(impl_->db);
    if (entry.parent_id) impl_->load_entry(*entry.parent_id, 0);  // NotFound when absent
    std::int64_t id = impl_->insert_entry(entry);
    tx.commit();
    EMP_LOG_INFO("journal", "stored entry {} ({} bytes)", id, entry.body.size());
    return impl_->load_entry(id);
}

Entry Journal::add_answer(std::int64_t parent_id, const std::string& question,
                          const std::string& body) {
    if (utf8::trim(question).empty()) {
        throw Error(ErrorCode::InvalidInput, "an answer needs the question it answers");
    }
    NewEntry entry;
    entry.body = body;
    entry.parent_id = parent_id;
    entry.question = question;
    return add(entry);
}

Entry Journal::get(std::int64_t id) const {
    std::lock_guard lock(impl_->mutex);
    return impl_->load_entry(id);
}

Entry Journal::update(std::int64_t id, const EntryUpdate& change) {
    std::lock_guard lock(impl_->mutex);
    Entry entry = impl_->load_entry(id, 0);
    std::string title = change.title ? utf8::trim(*change.title) : entry.title;
    std::string body = change.body.value_or(entry.body);
    detail::validate_text(title, body, "the entry");
    auto tags = change.tags ? detail::clean_tags(*change.tags, "the entry") : entry.tags;
    Timestamp created = change.created.value_or(entry.created);
    Timestamp now = Timestamp::now();
    bool new_text = body != entry.body;

    // Text, tags and the dropping of scores of the old text commit together.
    sql::Transaction tx(impl_->db);
    auto stmt = impl_->db.prepare(
        "UPDATE entries SET title=?, body=?, text_hash=?, created_utc=?, created_offset=?, "
        "created_local=?, updated_utc=?, updated_offset=? WHERE id=?");
    stmt.bind(1, title)
        .bind(2, body)
        .bind(3, detail::hash_text(body))
        .bind(4, created.utc)
        .bind(5, created.offset_minutes)
        .bind(6, created.local())
        .bind(7, now.utc)
        .bind(8, now.offset_minutes)
        .bind(9, id)
        .run();
    impl_->write_tags(id, tags);
    if (new_text) {
        impl_->db.prepare("DELETE FROM tag_runs WHERE entry_id = ?").bind(1, id).run();
        impl_->db.prepare("UPDATE entries SET tagging='pending', tagging_error='' WHERE id=?")
            .bind(1, id)
            .run();
    }
    tx.commit();
    EMP_LOG_INFO("journal", "updated entry {} ({} bytes, text {})", id, body.size(),
                 new_text ? "changed" : "kept");
    return impl_->load_entry(id);
}

void Journal::remove(std::int64_t id) {
    std::lock_guard lock(impl_->mutex);
    Entry entry = impl_->load_entry(id, 0);
    if (entry.deleted) {
        throw Error(ErrorCode::Conflict, "entry " + std::to_string(id) +
                                             " is already in the trash; `empathic restore " +
                                             std::to_string(id) + "` brings it back");
    }
    auto stmt = impl_->db.prepare("UPDATE entries SET deleted_utc = ? WHERE id = ?");
    stmt.bind(1, Timestamp::now().utc).bind(2, id).run();
    EMP_LOG_INFO("journal", "moved entry {} to the trash", id);
}

Entry Journal::restore(std::int64_t id) {
    std::lock_guard lock(impl_->mutex);
    Entry entry = impl_->load_entry(id, 0);
    if (!entry.deleted) {
        throw Error(ErrorCode::Conflict, "entry " + std::to_string(id) + " is not in the trash");
    }
    impl_->db.prepare("UPDATE entries SET deleted_utc = NULL WHERE id = ?").bind(1, id).run();
    EMP_LOG_INFO("journal", "restored entry {}", id);
    return impl_->load_entry(id);
}

std::int64_t Journal::purge_trash() {
    std::lock_guard lock(impl_->mutex);
    sql::Transaction tx(impl_->db);
    impl_->db.exec(
        "UPDATE entries SET parent_id = NULL WHERE parent_id IN "
        "(SELECT id FROM entries WHERE deleted_utc IS NOT NULL)");
    impl_->db.exec("DELETE FROM entries WHERE deleted_utc IS NOT NULL");
    std::int64_t n = impl_->db.changes();
    tx.commit();
    EMP_LOG_INFO("journal", "purged {} entries from the trash", n);
    return n;
}

std::vector<Entry> Journal::list(int limit, int offset) const {
    std::lock_guard lock(impl_->mutex);
    auto stmt = impl_->db.prepare(
        "SELECT id FROM entries WHERE deleted_utc IS NULL ORDER BY created_utc DESC, id DESC "
        "LIMIT ? OFFSET ?");
    stmt.bind(1, limit).bind(2, offset);
    std::vector<std::int64_t> ids;
    while (stmt.step()) ids.push_back(stmt.int64(0));
    std::vector<Entry> entries;
    for (auto id : ids) entries.push_back(impl_->load_entry(id, 1));
    return entries;
}

std::int64_t Journal::count() const {
    std::lock_guard lock(impl_->mutex);
    auto stmt = impl_->db.prepare("SELECT count(*) FROM entries WHERE deleted_utc IS NULL");
    stmt.step();
    return stmt.int64(0);
}

std::vector<std::pair<std::string, std::int64_t>> Journal::own_tags() const {
    std::lock_guard lock(impl_->mutex);
    auto stmt = impl_->db.prepare(
        "SELECT t.tag, count(*) FROM entry_tags t JOIN entries e ON e.id = t.entry_id "
        "WHERE e.deleted_utc IS NULL GROUP BY t.tag ORDER BY count(*) DESC, t.tag");
    std::vector<std::pair<std::string, std::int64_t>> tags;
    while (stmt.step()) tags.emplace_back(stmt.text(0), stmt.int64(1));
    return tags;
}

// --- label sets -------------------------------------------------------------------------------

std::vector<LabelSet> Journal::label_sets() const {
    std::lock_guard lock(impl_->mutex);
    auto stmt = impl_->db.prepare("SELECT name FROM label_sets ORDER BY id");
    std::vector<std::string> names;
    while (stmt.step()) names.push_back(stmt.text(0));
    std::vector<LabelSet> sets;
    for (const auto& name : names) sets.push_back(impl_->load_label_set(name));
    return sets;
}

LabelSet Journal::label_set(const std::string& name) const {
    std::lock_guard lock(impl_->mutex);
    return impl_->load_label_set(name);
}

LabelSet Journal::active_label_set() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->load_label_set(impl_->active_set_name());
}

LabelSet Journal::create_label_set(const LabelSet& input) {
    LabelSet set = detail::validate_label_set(input);
    set.version = 1;
    set.active = false;
    std::lock_guard lock(impl_->mutex);
    if (impl_->find_label_set(set.name)) {
        throw Error(ErrorCode::Conflict, "a label set named '" + set.name +
                                             "' already exists; pick another name or edit it");
    }
    sql::Transaction tx(impl_->db);
    impl_->write_label_set(set, std::nullopt);
    tx.commit();
    EMP_LOG_INFO("journal", "created a label set with {} labels", set.labels.size());
    return impl_->load_label_set(set.name);
}

LabelSet Journal::update_label_set(const std::string& name, const LabelSet& input) {
    LabelSet set = detail::validate_label_set(input);
    std::lock_guard lock(impl_->mutex);
    LabelSet old = impl_->load_label_set(name);
    auto id_stmt = impl_->db.prepare("SELECT id FROM label_sets WHERE name = ?");
    id_stmt.bind(1, name).step();
    std::int64_t id = id_stmt.int64(0);
    if (set.name != name && impl_->find_label_set(set.name)) {
        throw Error(ErrorCode::Conflict, "a label set named '" + set.name + "' already exists");
    }
    set.version = old.version + 1;
    set.active = old.active;

    // The set, its stored scores' name, and (for the active set) pending marks commit together.
    sql::Transaction tx(impl_->db);
    impl_->write_label_set(set, id);
    if (set.name != name) {
        impl_->db.prepare("UPDATE tag_runs SET set_name = ? WHERE set_name = ?")
            .bind(1, set.name)
            .bind(2, name)
            .run();
    }
    if (set.active) impl_->mark_all_pending();
    tx.commit();
    EMP_LOG_INFO("journal", "label set updated to version {} ({} labels)", set.version,
                 set.labels.size());
    return impl_->load_label_set(set.name);
}

void Journal::delete_label_set(const std::string& name) {
    std::lock_guard lock(impl_->mutex);
    LabelSet set = impl_->load_label_set(name);
    if (set.active) {
        throw Error(ErrorCode::Conflict,
                    "label set '" + name + "' is the active one; activate another set first");
    }
    sql::Transaction tx(impl_->db);
    impl_->db.prepare("DELETE FROM tag_runs WHERE set_name = ?").bind(1, name).run();
    impl_->db.prepare("DELETE FROM label_sets WHERE name = ?").bind(1, name).run();
    tx.commit();
}

void Journal::activate_label_set(const std::string& name) {
    std::lock_guard lock(impl_->mutex);
    LabelSet set = impl_->load_label_set(name);
    if (set.active) return;
    sql::Transaction tx(impl_->db);
    impl_->db.exec("UPDATE label_sets SET active = 0");
    impl_->db.prepare("UPDATE label_sets SET active = 1 WHERE name = ?").bind(1, name).run();
    impl_->mark_all_pending();
    tx.commit();
}

// --- reflections ------------------------------------------------------------------------------

void Journal::save_reflection(std::int64_t entry_id, const nlohmann::json& reflection) {
    std::lock_guard lock(impl_->mutex);
    impl_->load_entry(entry_id, 0);
    impl_->insert_reflection(entry_id, Timestamp::now().utc, reflection);
    EMP_LOG_INFO("journal", "stored a reflection on entry {}", entry_id);
}

std::optional<nlohmann::json> Journal::latest_reflection(std::int64_t entry_id) const {
    std::lock_guard lock(impl_->mutex);
    auto stmt = impl_->db.prepare(
        "SELECT json FROM reflections WHERE entry_id = ? ORDER BY id DESC LIMIT 1");
    stmt.bind(1, entry_id);
    if (!stmt.step()) return std::nullopt;
    return nlohmann::json::parse(stmt.text(0));
}

std::vector<nlohmann::json> Journal::recent_reflections(int limit) const {
    std::lock_guard lock(impl_->mutex);
    auto stmt = impl_->db.prepare(
        "SELECT entry_id, created_utc, json FROM reflections ORDER BY id DESC LIMIT ?");
    stmt.bind(1, limit);
    std::vector<nlohmann::json> result;
    while (stmt.step()) {
        result.push_back({{"entry_id", stmt.int64(0)},
                          {"created", Timestamp{stmt.int64(1), 0}.to_string()},
                          {"reflection", nlohmann::json::parse(stmt.text(2))}});
    }
    return result;
}

// --- maintenance ------------------------------------------------------------------------------

nlohmann::json Journal::check() const {
    std::lock_guard lock(impl_->mutex);
    auto& db = impl_->db;
    std::string integrity;
    auto stmt = db.prepare("PRAGMA integrity_check");
    while (stmt.step()) integrity += (integrity.empty() ? "" : "; ") + stmt.text(0);

    // Scores whose text hash differs from their entry's text, and entries whose stored hash
    // differs from their body.
    auto mismatched = db.prepare(
        "SELECT count(*) FROM tag_runs r JOIN entries e ON e.id = r.entry_id "
        "WHERE r.text_hash != e.text_hash");
    mismatched.step();
    std::int64_t bad_runs = mismatched.int64(0);
    std::int64_t bad_hashes = 0;
    std::int64_t entries = 0;
    auto all = db.prepare("SELECT body, text_hash FROM entries");
    while (all.step()) {
        ++entries;
        if (detail::hash_text(all.text(0)) != all.text(1)) ++bad_hashes;
    }
    auto fts =
        db.prepare("INSERT INTO entries_fts(entries_fts, rank) VALUES('integrity-check', 1)");
    bool fts_ok = true;
    try {
        fts.run();
    } catch (const Error&) {
        fts_ok = false;
    }
    auto pending = db.prepare("SELECT count(*) FROM entries WHERE tagging = 'pending'");
    pending.step();
    bool ok = integrity == "ok" && bad_runs == 0 && bad_hashes == 0 && fts_ok;
    return {{"ok", ok},
            {"integrity", integrity},
            {"entries", entries},
            {"mismatched_scores", bad_runs + bad_hashes},
            {"search_index", fts_ok ? "ok" : "damaged"},
            {"pending", pending.int64(0)}};
}

}  // namespace empathic
