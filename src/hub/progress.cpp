#include "hub/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

namespace empathic::hub {

std::string human_size(std::uint64_t bytes) {
    double value = static_cast<double>(bytes);
    if (value >= 1e9) return fmt::format("{:.2f} GB", value / 1e9);
    if (value >= 1e6) return fmt::format("{:.1f} MB", value / 1e6);
    if (value >= 1e3) return fmt::format("{:.0f} kB", value / 1e3);
    return fmt::format("{} B", bytes);
}

std::string render_progress(const std::string& name, std::uint64_t done,
                            std::optional<std::uint64_t> total, double bytes_per_second,
                            int width) {
    std::string speed = bytes_per_second > 0
                            ? human_size(static_cast<std::uint64_t>(bytes_per_second)) + "/s"
                            : "-- MB/s";
    if (!total || *total == 0) {
        return fmt::format("{}  {}  {}", name, human_size(done), speed);
    }

    double fraction = std::clamp(static_cast<double>(done) / static_cast<double>(*total), 0.0, 1.0);
    int filled = static_cast<int>(fraction * width);
    std::string bar = std::string(filled, '#') + std::string(width - filled, '.');

    std::string left = "";
    if (bytes_per_second > 0 && done < *total) {
        auto seconds =
            static_cast<std::uint64_t>(static_cast<double>(*total - done) / bytes_per_second);
        left = fmt::format("  {}:{:02} left", seconds / 60, seconds % 60);
    }
    return fmt::format("{}  {:3.0f}% [{}]  {} / {}  {}{}", name, fraction * 100, bar,
                       human_size(done), human_size(*total), speed, left);
}

ProgressBar::ProgressBar(std::FILE* stream)
    : stream_(stream), terminal_(::isatty(::fileno(stream)) != 0) {}

double ProgressBar::speed(std::uint64_t done) const {
    double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    if (seconds <= 0.05 || done <= resumed_from_) return 0;
    return static_cast<double>(done - resumed_from_) / seconds;
}

void ProgressBar::start(const std::string& name, std::optional<std::uint64_t> total,
                        std::uint64_t resumed_from) {
    name_ = name;
    total_ = total;
    resumed_from_ = resumed_from;
    last_done_ = resumed_from;
    started_ = Clock::now();
    last_draw_ = Clock::time_point{};
    active_ = true;
    if (!terminal_) {
        std::string size = total ? " (" + human_size(*total) + ")" : "";
        std::string resume =
            resumed_from > 0 ? ", resuming at " + human_size(resumed_from) : std::string();
        std::fprintf(stream_, "downloading %s%s%s\n", name.c_str(), size.c_str(), resume.c_str());
        std::fflush(stream_);
    }
}

void ProgressBar::update(std::uint64_t done, std::optional<std::uint64_t> total) {
    last_done_ = done;
    if (total) total_ = total;
    if (!terminal_ || !active_) return;
    auto now = Clock::now();
    if (now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    std::fprintf(stream_, "\r%s\033[K", render_progress(name_, done, total_, speed(done)).c_str());
    std::fflush(stream_);
}

void ProgressBar::finish(std::uint64_t done) {
    if (!active_) return;
    double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    if (terminal_) {
        std::fprintf(stream_, "\r%s\033[K\n",
                     render_progress(name_, done, done, speed(done)).c_str());
    } else {
        std::fprintf(stream_, "downloaded %s: %s in %.1f s\n", name_.c_str(),
                     human_size(done).c_str(), seconds);
    }
    std::fflush(stream_);
    active_ = false;
}

void ProgressBar::abandon() {
    if (active_ && terminal_) std::fputc('\n', stream_);
    active_ = false;
}

}  // namespace empathic::hub
