// A one-line download progress bar for the terminal: name, percentage, bar, size, speed and
// time left. Debian packages no C or C++ progress-bar library, so this small one is our own.
//
// On a terminal the line is redrawn in place (at most ten times a second); elsewhere (logs,
// pipes, tests) each file gets one line when it starts and one when it ends.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace empathic::hub {

/// One rendered progress line (no carriage return), `width` columns at most for the bar:
/// "onnx/model.onnx  42% [########......]  36.6/87.2 MB  5.1 MB/s  0:09 left".
/// Without a known total it shows the bytes so far and the speed.
std::string render_progress(const std::string& name, std::uint64_t done,
                            std::optional<std::uint64_t> total, double bytes_per_second,
                            int width = 24);

/// "87.2 MB", "512 kB", "1.63 GB": sizes the way the hub's pages show them (powers of 1000).
std::string human_size(std::uint64_t bytes);

/// Draws the progress of one file at a time on a stream (stderr by default).
class ProgressBar {
  public:
    explicit ProgressBar(std::FILE* stream = stderr);

    /// A file begins; `resumed_from` bytes were already there from an earlier attempt.
    void start(const std::string& name, std::optional<std::uint64_t> total,
               std::uint64_t resumed_from);
    /// Bytes of the file present so far.
    void update(std::uint64_t done, std::optional<std::uint64_t> total);
    /// The file is complete (`done` bytes in all); ends the line.
    void finish(std::uint64_t done);
    /// Ends a started line without the summary (on failure), so messages start on a new line.
    void abandon();

  private:
    using Clock = std::chrono::steady_clock;

    std::FILE* stream_;
    bool terminal_;
    bool active_ = false;
    std::string name_;
    std::uint64_t resumed_from_ = 0;
    std::uint64_t last_done_ = 0;
    std::optional<std::uint64_t> total_;
    Clock::time_point started_;
    Clock::time_point last_draw_;

    double speed(std::uint64_t done) const;
};

}  // namespace empathic::hub
