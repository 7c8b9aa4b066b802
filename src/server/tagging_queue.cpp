#include "server/tagging_queue.h"

#include "core/log.h"
#include "journal/journal.h"
#include "server/errors.h"

namespace empathic::server {

void TaggingQueue::start() {
    std::lock_guard lock(mutex_);
    if (worker_.joinable()) return;
    stopping_ = false;
    wake_ = true;
    worker_ = std::thread([this] { run(); });
}

void TaggingQueue::notify() {
    {
        std::lock_guard lock(mutex_);
        wake_ = true;
    }
    cv_.notify_one();
}

void TaggingQueue::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_one();
    if (worker_.joinable()) worker_.join();
}

nlohmann::json TaggingQueue::status() const {
    std::int64_t pending = journal_.pending_count();
    std::lock_guard lock(mutex_);
    return {{"running", worker_.joinable() && !stopping_},
            {"busy", busy_.load()},
            {"pending", pending},
            {"tagged", tagged_.load()},
            {"last_error", last_error_}};
}

namespace {

/// Pending entries in the journal, or -1 when the count could not be read.
std::int64_t pending_or_unknown(const Journal& journal) {
    try {
        return journal.pending_count();
    } catch (...) {
        return -1;
    }
}

}  // namespace

void TaggingQueue::run() {
    log::set_request_id("tagger");
    bool again = true;      // a round is due at once (the first, or one that made progress)
    std::int64_t left = 0;  // entries the last round left pending
    auto last_round = std::chrono::steady_clock::now();
    while (true) {
        // Sleep until woken; every kPollInterval look for entries saved by another process
        // (the CLI beside the server), and retry after kRetryInterval when entries stayed
        // pending (for example while no engine could be opened).
        {
            std::unique_lock lock(mutex_);
            while (!again && !wake_ && !stopping_) {
                if (cv_.wait_for(lock, kPollInterval, [this] { return wake_ || stopping_; })) {
                    break;
                }
                lock.unlock();
                std::int64_t pending = pending_or_unknown(journal_);
                bool retry_due = std::chrono::steady_clock::now() - last_round >= kRetryInterval;
                again = pending > left || (pending != 0 && retry_due);
                lock.lock();
            }
            if (stopping_) return;
            wake_ = false;
        }

        // Tag everything pending; stop between entries when the server shuts down. A save
        // that arrives meanwhile sets wake_ again, so it gets a round of its own.
        busy_ = true;
        std::string error;
        std::int64_t added = 0;
        try {
            BatchReport report = journal_.tag_pending(0, [this](std::int64_t, std::int64_t) {
                std::lock_guard lock(mutex_);
                return !stopping_;
            });
            added = report.added;
            tagged_ += report.added;
            if (report.failed > 0 && !report.messages.empty()) error = report.messages.back();
            EMP_LOG_INFO("tagger", "tagged {} entries ({} failed)", report.added, report.failed);
        } catch (...) {
            HttpError failure = error_from_exception(std::current_exception());
            error = failure.body["error"]["message"].get<std::string>();
            EMP_LOG_WARN("tagger", "tagging stopped: {}", error);
        }
        busy_ = false;

        // Go on at once while rounds make progress and work remains.
        left = pending_or_unknown(journal_);
        again = added > 0 && left != 0;
        last_round = std::chrono::steady_clock::now();
        std::lock_guard lock(mutex_);
        last_error_ = error;
    }
}

}  // namespace empathic::server
