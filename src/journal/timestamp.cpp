// Timestamps as the writer lived them (UTC instant + UTC offset), their ISO 8601 forms, and
// the calendar helpers the journal needs (time-zone names of imports, relative date ranges).
#include <sys/stat.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>

#include "core/error.h"
#include "journal/journal.h"
#include "journal/journal_impl.h"

namespace empathic {
namespace {

// localtime_r reads the process-wide TZ; this guards the moments when zone_offset changes it.
std::mutex g_tz_mutex;

// Seconds since the epoch of a broken-down time read as UTC.
std::int64_t utc_of(const std::tm& tm) {
    std::tm copy = tm;
    return static_cast<std::int64_t>(timegm(&copy));
}

// The UTC offset of this machine's time zone at `utc`, in minutes.
int local_offset_at(std::int64_t utc) {
    std::lock_guard lock(g_tz_mutex);
    std::time_t t = static_cast<std::time_t>(utc);
    std::tm tm{};
    localtime_r(&t, &tm);
    return static_cast<int>(tm.tm_gmtoff / 60);
}

bool digits(const std::string& s, std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) return false;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
}

int number(const std::string& s, std::size_t pos, std::size_t n) {
    return std::atoi(s.substr(pos, n).c_str());
}

[[noreturn]] void bad_date(const std::string& text, const std::string& what) {
    throw Error(ErrorCode::InvalidInput,
                what + " '" + text.substr(0, 40) +
                    "' can't be read as a date; use 2024-03-05, 2024-03-05 08:15 or "
                    "2024-03-05T08:15:00+01:00");
}

std::string format_local(std::int64_t local_seconds, bool with_seconds = true) {
    std::time_t t = static_cast<std::time_t>(local_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    // Always four digits for the year (strftime's %Y writes year 1 as "1"), so that every
    // stored or exported date reads back.
    char buffer[48];
    if (with_seconds) {
        std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    } else {
        std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                      tm.tm_mday);
    }
    return buffer;
}

// Refuses an instant whose UTC form falls outside years 0001..9999: exports write dates in
// UTC too (Day One), and every date must read back.
const Timestamp& in_range(const Timestamp& t, const std::string& raw, const std::string& what) {
    constexpr std::int64_t kFirst = -62135596800;  // 0001-01-01T00:00:00Z
    constexpr std::int64_t kLast = 253402300799;   // 9999-12-31T23:59:59Z
    if (t.utc < kFirst || t.utc > kLast) {
        throw Error(ErrorCode::InvalidInput,
                    what + " '" + raw.substr(0, 40) + "' is outside the years 0001 to 9999");
    }
    return t;
}

}  // namespace

Timestamp Timestamp::now() {
    Timestamp t;
    t.utc = static_cast<std::int64_t>(std::time(nullptr));
    t.offset_minutes = local_offset_at(t.utc);
    return t;
}

Timestamp Timestamp::parse(const std::string& raw, const std::string& what) {
    std::string text = raw;
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.erase(0, 1);

    // Date part: YYYY-MM-DD.
    if (!digits(text, 0, 4) || text.size() < 10 || text[4] != '-' || !digits(text, 5, 2) ||
        text[7] != '-' || !digits(text, 8, 2)) {
        bad_date(raw, what);
    }
    std::tm tm{};
    if (number(text, 0, 4) < 1) {
        throw Error(ErrorCode::InvalidInput, what + " '" + raw.substr(0, 40) +
                                                 "' has year 0000; years run from 0001 to 9999");
    }
    tm.tm_year = number(text, 0, 4) - 1900;
    tm.tm_mon = number(text, 5, 2) - 1;
    tm.tm_mday = number(text, 8, 2);
    std::size_t pos = 10;

    // Optional time part: [T ]HH:MM[:SS[.fraction]].
    if (pos < text.size() && (text[pos] == 'T' || text[pos] == ' ' || text[pos] == 't')) {
        ++pos;
        if (!digits(text, pos, 2) || pos + 5 > text.size() || text[pos + 2] != ':' ||
            !digits(text, pos + 3, 2)) {
            bad_date(raw, what);
        }
        tm.tm_hour = number(text, pos, 2);
        tm.tm_min = number(text, pos + 3, 2);
        pos += 5;
        if (pos < text.size() && text[pos] == ':') {
            if (!digits(text, pos + 1, 2)) bad_date(raw, what);
            tm.tm_sec = number(text, pos + 1, 2);
            pos += 3;
            if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
                ++pos;
                while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])))
                    ++pos;
            }
        }
    }
    if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
        tm.tm_sec > 60) {
        bad_date(raw, what);
    }

    // Check the day exists in its month (timegm would roll 02-30 over to March).
    std::int64_t local_seconds = utc_of(tm);
    {
        std::time_t t = static_cast<std::time_t>(local_seconds);
        std::tm back{};
        gmtime_r(&t, &back);
        if (back.tm_mday != tm.tm_mday) bad_date(raw, what);
    }

    // Optional offset: Z, +HH:MM, +HHMM, +HH; none = this machine's zone at that time.
    Timestamp result;
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {
        result.utc = local_seconds;
        result.offset_minutes = 0;
        return in_range(result, raw, what);
    }
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        if (!digits(text, pos, 2)) bad_date(raw, what);
        int hours = number(text, pos, 2);
        int minutes = 0;
        pos += 2;
        if (pos < text.size() && text[pos] == ':') ++pos;
        if (pos < text.size()) {
            if (!digits(text, pos, 2) || pos + 2 != text.size()) bad_date(raw, what);
            minutes = number(text, pos, 2);
            pos += 2;
        }
        if (hours > 18 || minutes > 59) bad_date(raw, what);
        result.offset_minutes = sign * (hours * 60 + minutes);
        result.utc = local_seconds - result.offset_minutes * 60;
        return in_range(result, raw, what);
    }
    if (pos != text.size()) bad_date(raw, what);

    // Local wall time of this machine: find the offset that maps it back to itself.
    int guess = local_offset_at(local_seconds);
    result.utc = local_seconds - guess * 60;
    result.offset_minutes = local_offset_at(result.utc);
    result.utc = local_seconds - result.offset_minutes * 60;
    return in_range(result, raw, what);
}

std::string Timestamp::local() const {
    return format_local(utc + offset_minutes * 60);
}

std::string Timestamp::to_string() const {
    int minutes = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    char offset[16];
    std::snprintf(offset, sizeof offset, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+',
                  minutes / 60, minutes % 60);
    return local() + offset;
}

namespace detail {

std::optional<int> zone_offset(const std::string& zone, std::int64_t utc) {
    // Only names of the system's time-zone database are accepted (no paths, no POSIX rules).
    if (zone.empty() || zone.find("..") != std::string::npos || zone.front() == '/' ||
        !std::filesystem::is_regular_file(std::filesystem::path("/usr/share/zoneinfo") / zone)) {
        return std::nullopt;
    }

    // Shortcoming: glibc reads zones only through the process-wide TZ variable, so this swaps it
    // for a moment under a lock; another thread calling localtime() in that moment (outside
    // the journal) could see the imported zone.
    std::lock_guard lock(g_tz_mutex);
    const char* old = std::getenv("TZ");
    std::string saved = old ? old : "";
    setenv("TZ", zone.c_str(), 1);
    tzset();
    std::time_t t = static_cast<std::time_t>(utc);
    std::tm tm{};
    localtime_r(&t, &tm);
    if (old) {
        setenv("TZ", saved.c_str(), 1);
    } else {
        unsetenv("TZ");
    }
    tzset();
    return static_cast<int>(tm.tm_gmtoff / 60);
}

std::string zone_name_for_offset(int offset_minutes) {
    if (offset_minutes == 0) return "UTC";
    if (offset_minutes % 60 != 0) return "UTC";
    // POSIX-style Etc zones have the sign inverted: Etc/GMT-1 is UTC+01:00.
    int hours = offset_minutes / 60;
    return "Etc/GMT" + std::string(hours > 0 ? "-" : "+") +
           std::to_string(hours > 0 ? hours : -hours);
}

}  // namespace detail

std::pair<std::string, std::string> resolve_dates(const std::string& phrase) {
    std::string p = phrase;
    for (auto& c : p) c = c == ' ' || c == '_' ? '-' : static_cast<char>(std::tolower(c));

    Timestamp now = Timestamp::now();
    std::int64_t local = now.utc + now.offset_minutes * 60;
    std::time_t t = static_cast<std::time_t>(local);
    std::tm today{};
    gmtime_r(&t, &today);
    auto day = [](std::int64_t seconds) { return format_local(seconds, false); };
    constexpr std::int64_t kDay = 86400;

    if (p == "today") return {day(local), day(local)};
    if (p == "yesterday") return {day(local - kDay), day(local - kDay)};
    int weekday = (today.tm_wday + 6) % 7;  // Monday = 0
    if (p == "this-week") return {day(local - weekday * kDay), day(local)};
    if (p == "last-week") {
        return {day(local - (weekday + 7) * kDay), day(local - (weekday + 1) * kDay)};
    }
    char buffer[16];
    auto month_range = [&](int year, int month) {
        if (month < 1 || month > 12) {
            throw Error(ErrorCode::InvalidInput,
                        "the period '" + phrase.substr(0, 40) + "' names no month; use 2024-03");
        }
        // The month's real last day: 30 or 31, and 28 or 29 for February (leap years).
        static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        int last = month == 2 && leap ? 29 : kDays[month - 1];
        std::snprintf(buffer, sizeof buffer, "%04d-%02d", year, month);
        std::string prefix = buffer;
        std::snprintf(buffer, sizeof buffer, "-%02d", last);
        return std::pair<std::string, std::string>{prefix + "-01", prefix + buffer};
    };
    int year = today.tm_year + 1900;
    int month = today.tm_mon + 1;
    if (p == "this-month") return month_range(year, month);
    if (p == "last-month")
        return month == 1 ? month_range(year - 1, 12) : month_range(year, month - 1);
    if (p == "this-year") return {std::to_string(year) + "-01-01", std::to_string(year) + "-12-31"};
    if (p == "last-year") {
        return {std::to_string(year - 1) + "-01-01", std::to_string(year - 1) + "-12-31"};
    }
    if (p.size() == 4 && digits(p, 0, 4)) return {p + "-01-01", p + "-12-31"};
    if (p.size() == 7 && digits(p, 0, 4) && p[4] == '-' && digits(p, 5, 2)) {
        return month_range(number(p, 0, 4), number(p, 5, 2));
    }
    Timestamp single = Timestamp::parse(phrase, "the period");
    return {single.local().substr(0, 10), single.local().substr(0, 10)};
}

}  // namespace empathic
