// Automatic tagging: scoring entries against label sets, the score cache, retag, and the
// reflection hook.
//
// A score is computed from a snapshot of the entry's text with the journal unlocked (the
// model may take seconds), then written in one transaction only if the entry still has that
// text; otherwise it is dropped and the entry stays pending for the new text.
#include <algorithm>
#include <map>

#include "core/error.h"
#include "core/log.h"
#include "journal/journal_impl.h"

namespace empathic {

std::shared_ptr<Engine> Journal::Impl::engine_for(const LabelSet& set) {
    try {
        auto engine = options.engines(set.engine);
        if (!engine) throw Error(ErrorCode::Unavailable, "no engine is available");
        return engine;
    } catch (const std::exception& e) {
        std::string why = std::string("tagging waits: the engine could not be opened (") +
                          e.what() + "); entries stay pending until it can";
        auto stmt = db.prepare(
            "UPDATE entries SET tagging_error = ? WHERE tagging = 'pending' AND "
            "deleted_utc IS NULL");
        stmt.bind(1, why).run();
        EMP_LOG_WARN("journal", "engine for tagging unavailable; entries stay pending");
        throw Error(ErrorCode::Unavailable, why);
    }
}

TagResult Journal::Impl::score(const std::string& body, const LabelSet& set, Engine& engine,
                               std::unique_lock<std::mutex>& lock) {
    TagResult result;
    result.label_set = set.name;
    result.label_set_version = set.version;
    result.hypothesis_template = set.hypothesis_template;
    result.engine = engine.kind();
    result.model = engine.model_id();
    result.multi_label = set.multi_label;
    result.threshold = set.threshold;
    result.text_hash = detail::hash_text(body);

    // Cached scores: only multi-label scores depend on the label alone; a single-label score
    // depends on every label of the set, so those sets are always scored whole.
    std::map<std::string, LabelScore> found;
    if (set.multi_label) {
        auto stmt = db.prepare(
            "SELECT score, ev_start, ev_end FROM score_cache WHERE text_hash = ? AND "
            "hypothesis = ? AND model = ?");
        for (const auto& label : set.labels) {
            stmt.reset();
            stmt.bind(1, result.text_hash)
                .bind(2, make_hypothesis(set.hypothesis_template, label.label))
                .bind(3, result.model);
            if (stmt.step()) {
                found[label.label] = {label.label,
                                      stmt.real(0),
                                      {static_cast<std::size_t>(stmt.int64(1)),
                                       static_cast<std::size_t>(stmt.int64(2))}};
            }
        }
    }
    ClassifyRequest request;
    request.text = body;
    request.hypothesis_template = set.hypothesis_template;
    request.multi_label = set.multi_label;
    for (const auto& label : set.labels) {
        if (!found.count(label.label)) request.labels.push_back(label.label);
    }

    // The engine runs unlocked, so readers and writers of other entries go on meanwhile.
    if (!request.labels.empty()) {
        lock.unlock();
        Classification answer;
        try {
            std::vector<std::string> warnings;
            answer = engine.classify(normalize_request(request, warnings));
        } catch (...) {
            lock.lock();
            throw;
        }
        lock.lock();
        for (std::size_t i = 0; i < answer.labels.size(); ++i) {
            Span span = i < answer.evidence.size() ? answer.evidence[i] : Span{};
            found[answer.labels[i]] = {answer.labels[i], answer.scores[i], span};
        }
        EMP_LOG_DEBUG("journal", "scored {} labels ({} from cache)", answer.labels.size(),
                      set.labels.size() - answer.labels.size());
    }

    for (const auto& label : set.labels) {
        if (auto it = found.find(label.label); it != found.end()) {
            result.scores.push_back(it->second);
        }
    }
    std::stable_sort(result.scores.begin(), result.scores.end(),
                     [](const LabelScore& a, const LabelScore& b) { return a.score > b.score; });
    return result;
}

bool Journal::Impl::tag_one(std::int64_t id, Engine& engine, bool force, BatchReport& report) {
    std::unique_lock lock(mutex);
    Entry entry = load_entry(id, 0);
    if (entry.deleted || (!force && entry.tagging != TaggingState::Pending)) return false;
    LabelSet set = load_label_set(active_set_name());

    TagResult run;
    try {
        run = score(entry.body, set, engine, lock);
    } catch (const Error& e) {
        if (e.code() != ErrorCode::InvalidInput) throw;  // the engine failed: stop the batch
        // This text can't be scored (for example, nothing the engine reads): say so and go on.
        auto stmt = db.prepare(
            "UPDATE entries SET tagging = 'failed', tagging_error = ? WHERE id = ? AND "
            "text_hash = ?");
        stmt.bind(1, std::string(e.what()))
            .bind(2, id)
            .bind(3, detail::hash_text(entry.body))
            .run();
        ++report.failed;
        return false;
    }

    // Store the run only if the entry still has the text it was scored on.
    {
        sql::Transaction tx(db);
        auto current = db.prepare("SELECT text_hash FROM entries WHERE id = ?");
        current.bind(1, id);
        if (!current.step() || current.text(0) != run.text_hash) {
            ++report.skipped;
            return false;
        }
        write_run(id, run);
        auto cache = db.prepare(
            "INSERT OR IGNORE INTO score_cache(text_hash, hypothesis, model, engine, score, "
            "ev_start, ev_end) VALUES (?,?,?,?,?,?,?)");
        if (run.multi_label) {
            for (const auto& s : run.scores) {
                cache.reset();
                cache.bind(1, run.text_hash)
                    .bind(2, make_hypothesis(run.hypothesis_template, s.label))
                    .bind(3, run.model)
                    .bind(4, run.engine)
                    .bind(5, s.score)
                    .bind(6, static_cast<std::int64_t>(s.evidence.start))
                    .bind(7, static_cast<std::int64_t>(s.evidence.end))
                    .run();
            }
        }
        db.prepare("UPDATE entries SET tagging = 'done', tagging_error = '' WHERE id = ?")
            .bind(1, id)
            .run();
        tx.commit();
    }
    ++report.added;
    EMP_LOG_INFO("journal", "tagged entry {} with {} ({} labels)", id, run.engine,
                 run.scores.size());

    // The reflection hook runs unlocked; what it answers is stored as the entry's reflection.
    if (reflector) {
        Entry tagged = load_entry(id, 0);
        lock.unlock();
        std::optional<nlohmann::json> reflection;
        try {
            reflection = reflector(tagged, run);
        } catch (const std::exception& e) {
            EMP_LOG_WARN("journal", "reflection on entry {} failed: {}", id, e.what());
        }
        lock.lock();
        if (reflection) {
            // Check and insert under the write lock: a read left open while writing could not
            // wait for another process's write (SQLite answers "locked" at once).
            sql::Transaction tx(db);
            bool still_there = false;
            {
                auto exists = db.prepare("SELECT 1 FROM entries WHERE id = ?");
                exists.bind(1, id);
                still_there = exists.step();
            }
            if (still_there) insert_reflection(id, Timestamp::now().utc, *reflection);
            tx.commit();
        }
    }
    return true;
}

BatchReport Journal::tag_pending(int limit, const Progress& progress) {
    BatchReport report;
    std::shared_ptr<Engine> engine;
    std::int64_t total;
    {
        std::lock_guard lock(impl_->mutex);
        auto count = impl_->db.prepare(
            "SELECT count(*) FROM entries WHERE tagging = 'pending' AND deleted_utc IS NULL");
        count.step();
        total = count.int64(0);
        if (limit > 0 && total > limit) total = limit;
        if (total == 0) return report;
        try {
            engine = impl_->engine_for(impl_->load_label_set(impl_->active_set_name()));
        } catch (const Error& e) {
            report.messages.push_back(e.what());
            return report;
        }
    }

    // Pending entries in order of id; each one is its own transaction, so an interruption
    // keeps all finished work and the rest stays pending.
    std::int64_t done = 0;
    std::int64_t after = 0;
    while (done < total) {
        std::vector<std::int64_t> ids;
        {
            std::lock_guard lock(impl_->mutex);
            auto stmt = impl_->db.prepare(
                "SELECT id FROM entries WHERE tagging = 'pending' AND deleted_utc IS NULL AND "
                "id > ? ORDER BY id LIMIT 64");
            stmt.bind(1, after);
            while (stmt.step()) ids.push_back(stmt.int64(0));
        }
        if (ids.empty()) break;
        for (auto id : ids) {
            after = id;
            try {
                impl_->tag_one(id, *engine, false, report);
            } catch (const Error& e) {
                if (e.code() == ErrorCode::NotFound) continue;  // purged meanwhile
                report.messages.push_back(std::string("tagging stopped: ") + e.what());
                return report;
            }
            ++done;
            if (progress && !progress(done, total)) return report;
            if (done >= total) break;
        }
    }
    return report;
}

Entry Journal::tag(std::int64_t id) {
    std::shared_ptr<Engine> engine;
    {
        std::lock_guard lock(impl_->mutex);
        impl_->load_entry(id, 0);
        engine = impl_->engine_for(impl_->load_label_set(impl_->active_set_name()));
    }
    BatchReport report;
    impl_->tag_one(id, *engine, true, report);
    return get(id);
}

BatchReport Journal::retag(const Progress& progress) {
    // A retag under way (the flag is set) is resumed as it is; a new one marks every entry.
    {
        std::lock_guard lock(impl_->mutex);
        auto flag = impl_->db.prepare("SELECT value FROM meta WHERE key = 'retag'");
        if (!flag.step()) {
            sql::Transaction tx(impl_->db);
            impl_->mark_all_pending();
            impl_->db.exec("INSERT OR REPLACE INTO meta(key, value) VALUES ('retag', 'running')");
            tx.commit();
            EMP_LOG_INFO("journal", "retag started");
        } else {
            EMP_LOG_INFO("journal", "retag resumed");
        }
    }
    BatchReport report = tag_pending(0, progress);
    std::lock_guard lock(impl_->mutex);
    auto pending = impl_->db.prepare(
        "SELECT count(*) FROM entries WHERE tagging = 'pending' AND deleted_utc IS NULL");
    pending.step();
    if (pending.int64(0) == 0) impl_->db.exec("DELETE FROM meta WHERE key = 'retag'");
    return report;
}

TagResult Journal::apply_label_set(std::int64_t id, const std::string& name) {
    std::unique_lock lock(impl_->mutex);
    Entry entry = impl_->load_entry(id, 0);
    LabelSet set = impl_->load_label_set(name);
    lock.unlock();
    auto engine = impl_->options.engines(set.engine);
    lock.lock();
    TagResult run = impl_->score(entry.body, set, *engine, lock);
    sql::Transaction tx(impl_->db);
    auto current = impl_->db.prepare("SELECT text_hash FROM entries WHERE id = ?");
    current.bind(1, id);
    if (!current.step() || current.text(0) != run.text_hash) {
        throw Error(ErrorCode::Conflict,
                    "entry " + std::to_string(id) + " changed while it was scored; try again");
    }
    impl_->write_run(id, run);
    tx.commit();
    return run;
}

std::int64_t Journal::pending_count() const {
    std::lock_guard lock(impl_->mutex);
    auto stmt = impl_->db.prepare(
        "SELECT count(*) FROM entries WHERE tagging = 'pending' AND deleted_utc IS NULL");
    stmt.step();
    return stmt.int64(0);
}

void Journal::set_reflector(Reflector reflector) {
    std::lock_guard lock(impl_->mutex);
    impl_->reflector = std::move(reflector);
}

}  // namespace empathic
