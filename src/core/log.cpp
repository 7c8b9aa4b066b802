#include "core/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>

namespace empathic::log {
namespace {

Level initial_level() {
    Level level = Level::Warn;
    if (const char* env = std::getenv("EMPATHIC_LOG")) parse_level(env, level);
    return level;
}

std::atomic<Level>& current_level() {
    static std::atomic<Level> value{initial_level()};
    return value;
}

thread_local std::string t_request_id = "-";

const char* level_name(Level level) {
    switch (level) {
        case Level::Debug: return "DEBUG";
        case Level::Info: return "INFO";
        case Level::Warn: return "WARN";
        case Level::Error: return "ERROR";
        case Level::Off: return "OFF";
    }
    return "?";
}

}  // namespace

Level level() {
    return current_level().load(std::memory_order_relaxed);
}
void set_level(Level level) {
    current_level().store(level, std::memory_order_relaxed);
}

bool parse_level(std::string_view name, Level& out) {
    if (name == "debug")
        out = Level::Debug;
    else if (name == "info")
        out = Level::Info;
    else if (name == "warn" || name == "warning")
        out = Level::Warn;
    else if (name == "error")
        out = Level::Error;
    else if (name == "off" || name == "none")
        out = Level::Off;
    else
        return false;
    return true;
}

void set_request_id(std::string id) {
    t_request_id = id.empty() ? "-" : std::move(id);
}
const std::string& request_id() {
    return t_request_id;
}

void write(Level level, std::string_view component, std::string_view message) {
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t seconds = system_clock::to_time_t(now);
    auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);

    // One fprintf per line so concurrent threads never interleave within a line.
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    std::fprintf(stderr, "%s.%03dZ %-5s [%.*s] req=%s %.*s\n", stamp, static_cast<int>(millis),
                 level_name(level), static_cast<int>(component.size()), component.data(),
                 t_request_id.c_str(), static_cast<int>(message.size()), message.data());
}

}  // namespace empathic::log
