// Logging for operators: one line per event on stderr, with time, level, component and the
// request id of the current thread (set by the server per request, by the CLI per command).
//
// Never pass journal text, labels the user typed, or anything derived from an entry's words
// to these macros: log sizes, ids, counts and timings instead.
//
//   EMP_LOG_INFO("journal", "stored entry {} ({} bytes)", id, size);
//
// The level is checked before the message is formatted, so disabled levels cost a comparison.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace empathic::log {

enum class Level { Debug = 0, Info = 1, Warn = 2, Error = 3, Off = 4 };

/// Current minimum level; starts from $EMPATHIC_LOG (debug|info|warn|error|off), default warn.
Level level();
void set_level(Level level);
/// Parses "debug", "info", ...; returns false when the name is unknown.
bool parse_level(std::string_view name, Level& out);

/// Request id attached to every line this thread logs ("-" when none).
void set_request_id(std::string id);
const std::string& request_id();

/// Writes one formatted line. Use the macros, which skip formatting for disabled levels.
void write(Level level, std::string_view component, std::string_view message);

}  // namespace empathic::log

#define EMP_LOG_AT(lvl, component, ...)                                             \
    do {                                                                            \
        if (::empathic::log::level() <= (lvl))                                      \
            ::empathic::log::write((lvl), (component), ::fmt::format(__VA_ARGS__)); \
    } while (0)
#define EMP_LOG_DEBUG(component, ...) \
    EMP_LOG_AT(::empathic::log::Level::Debug, component, __VA_ARGS__)
#define EMP_LOG_INFO(component, ...) \
    EMP_LOG_AT(::empathic::log::Level::Info, component, __VA_ARGS__)
#define EMP_LOG_WARN(component, ...) \
    EMP_LOG_AT(::empathic::log::Level::Warn, component, __VA_ARGS__)
#define EMP_LOG_ERROR(component, ...) \
    EMP_LOG_AT(::empathic::log::Level::Error, component, __VA_ARGS__)
