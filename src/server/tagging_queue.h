// The server's background tagging: saving an entry never waits for the model.
//
// Handlers store entries with tagging "pending" (Journal::add/update) and call notify(); one
// worker thread owned by the queue then runs Journal::tag_pending(), which scores every pending
// entry against the active label set, stores tags and evidence, and calls the reflector. The
// web app sees the result by polling the entry (its "tagging" field turns "done" or "failed").
//
// Invariants and ownership:
//  - The queue holds no entries itself: the journal's "pending" state is the queue, so entries
//    saved while the server was down, or by the CLI beside it, are tagged too, and a crash
//    loses no work.
//  - Exactly one worker thread, started by start() and joined by stop() (or the destructor);
//    the Journal must outlive the queue.
//  - `wake_` and `stopping_` are guarded by `mutex_` and read under it before the worker
//    sleeps on `cv_`, so a notify() during a round is never lost: it buys another round.
//  - The worker runs rounds back to back while they tag something and entries remain pending.
//    Asleep, it counts pending entries every kPollInterval, so entries saved by another
//    process (`empathic add --no-tag` beside the server) are tagged without a notify(); when
//    entries stay pending without progress (no engine could be opened) it retries only every
//    kRetryInterval, so it never spins.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

namespace empathic {
class Journal;
}

namespace empathic::server {

class TaggingQueue {
  public:
    /// How long the worker waits before looking again when entries stayed pending.
    static constexpr std::chrono::seconds kRetryInterval{30};
    /// How often the sleeping worker looks for entries saved by other processes.
    static constexpr std::chrono::seconds kPollInterval{2};

    explicit TaggingQueue(Journal& journal) : journal_(journal) {}
    ~TaggingQueue() { stop(); }
    TaggingQueue(const TaggingQueue&) = delete;
    TaggingQueue& operator=(const TaggingQueue&) = delete;

    /// Starts the worker; it first tags whatever is already pending.
    void start();
    /// Tells the worker that entries may be pending (after a save, an edit, a label set change).
    void notify();
    /// Stops the worker after the entry it is scoring, and waits for it.
    void stop();

    /// The journal this queue tags.
    Journal& journal() const { return journal_; }

    /// {"running": bool, "busy": bool, "pending": n, "tagged": n since start, "last_error": ""}
    nlohmann::json status() const;

  private:
    void run();

    Journal& journal_;
    std::thread worker_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    bool wake_ = false;
    bool stopping_ = false;
    std::atomic<bool> busy_{false};
    std::atomic<std::int64_t> tagged_{0};
    std::string last_error_;  // guarded by mutex_; never contains entry text
};

}  // namespace empathic::server
