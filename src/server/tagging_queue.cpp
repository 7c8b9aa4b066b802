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

void TaggingQueue::run() {
    log::set_request_id("tagger");
    bool stalled = false;  // the last round left entries pending
    while (true) {
        // Sleep until woken, or retry after a while when entries stayed pending.
        {
            std::unique_lock lock(mutex_);
            auto woken = [this] { return wake_ || stopping_; };
            if (stalled) {
                cv_.wait_for(lock, kRetryInterval, woken);
            } else {
                cv_.wait(lock, woken);
            }
            if (stopping_) return;
            wake_ = false;
        }

        // Tag everything pending; stop between entries when the server shuts down.
        busy_ = true;
        std::string error;
        try {
            BatchReport report = journal_.tag_pending(0, [this](std::int64_t, std::int64_t) {
                std::lock_guard lock(mutex_);
                return !stopping_;
            });
            tagged_ += report.added;
            if (report.failed > 0 && !report.messages.empty()) error = report.messages.back();
            EMP_LOG_INFO("tagger", "tagged {} entries ({} failed)", report.added, report.failed);
        } catch (...) {
            HttpError failure = error_from_exception(std::current_exception());
            error = failure.body["error"]["message"].get<std::string>();
            EMP_LOG_WARN("tagger", "tagging stopped: {}", error);
        }
        busy_ = false;

        std::int64_t pending = 0;
        try {
            pending = journal_.pending_count();
        } catch (...) {
        }
        stalled = pending > 0;
        std::lock_guard lock(mutex_);
        last_error_ = error;
    }
}

}  // namespace empathic::server
