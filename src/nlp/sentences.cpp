#include "nlp/sentences.h"

#include <utf8proc.h>

#include <array>
#include <cctype>
#include <cstddef>
#include <string>

#include "core/utf8.h"

namespace empathic {
namespace {

// One decoded code point: its value and its byte range.
struct CodePoint {
    char32_t value = 0;
    std::size_t start = 0;
    std::size_t end = 0;
};

std::vector<CodePoint> decode_all(std::string_view text) {
    std::vector<CodePoint> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        utf8proc_int32_t cp = 0;
        auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos);
        auto n = utf8proc_iterate(bytes, static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
        if (n <= 0) {  // invalid byte: treat it as an opaque one-byte character
            out.push_back({0xFFFD, pos, pos + 1});
            ++pos;
            continue;
        }
        out.push_back({static_cast<char32_t>(cp), pos, pos + static_cast<std::size_t>(n)});
        pos += static_cast<std::size_t>(n);
    }
    return out;
}

bool is_line_break(char32_t cp) {
    return cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

// Ends a sentence when followed by whitespace.
bool is_terminator(char32_t cp) {
    return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026 /* … */ || cp == 0x203C ||
           cp == 0x2047 || cp == 0x2048 || cp == 0x2049;
}

// Ends a sentence on its own (scripts written without spaces).
bool is_cjk_terminator(char32_t cp) {
    return cp == 0x3002 /* 。 */ || cp == 0xFF01 /* ！ */ || cp == 0xFF1F /* ？ */ ||
           cp == 0xFF61 /* ｡ */;
}

// Closing punctuation that stays with the sentence it closes.
bool is_closer(char32_t cp) {
    return cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == '}' || cp == 0x2019 /* ’ */ ||
           cp == 0x201D /* ” */ || cp == 0x00BB /* » */ || cp == 0x300D /* 」 */ ||
           cp == 0x300F /* 』 */ || cp == 0xFF09 /* ） */;
}

// Words that end with "." without ending a sentence.
constexpr std::array<std::string_view, 12> kAbbreviations = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "e.g", "i.e", "cf"};

// True when the "." at code point `dot` closes an abbreviation rather than a sentence.
bool is_abbreviation(std::string_view text, const std::vector<CodePoint>& cps, std::size_t dot) {
    std::size_t begin = dot;
    while (begin > 0 && !is_space_code_point(cps[begin - 1].value) && cps[begin - 1].value != '(' &&
           cps[begin - 1].value != '"') {
        --begin;
    }
    if (begin == dot) return false;
    std::string_view word = text.substr(cps[begin].start, cps[dot].start - cps[begin].start);

    // A single capital letter is an initial ("J. Smith").
    if (dot - begin == 1 && cps[begin].value < 128 && std::isupper(static_cast<int>(word[0]))) {
        return true;
    }
    std::string lowered = utf8::lower(word);
    for (auto abbreviation : kAbbreviations) {
        if (lowered == abbreviation) return true;
    }
    return false;
}

// Appends [start, end) trimmed of whitespace, when anything is left.
void push_trimmed(const std::vector<CodePoint>& cps, std::size_t first, std::size_t last,
                  std::vector<Span>& out) {
    while (first < last && is_space_code_point(cps[first].value)) ++first;
    while (last > first && is_space_code_point(cps[last - 1].value)) --last;
    if (first < last) out.push_back({cps[first].start, cps[last - 1].end});
}

}  // namespace

bool is_space_code_point(char32_t cp) {
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' ||
        cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
        return true;
    }
    if (cp > 0x10FFFF) return false;
    return utf8proc_category(static_cast<utf8proc_int32_t>(cp)) == UTF8PROC_CATEGORY_ZS;
}

std::vector<Span> split_sentences(std::string_view text) {
    const auto cps = decode_all(text);
    std::vector<Span> sentences;
    std::size_t start = 0;  // first code point of the current sentence
    std::size_t i = 0;
    while (i < cps.size()) {
        char32_t cp = cps[i].value;

        // A line break closes the sentence before it.
        if (is_line_break(cp)) {
            push_trimmed(cps, start, i, sentences);
            start = ++i;
            continue;
        }

        bool cjk = is_cjk_terminator(cp);
        if (!cjk && !is_terminator(cp)) {
            ++i;
            continue;
        }

        // Take the whole run of terminators and closing punctuation ("?!", ".\"", "。」").
        std::size_t run_end = i + 1;
        while (run_end < cps.size() &&
               (is_terminator(cps[run_end].value) || is_cjk_terminator(cps[run_end].value) ||
                is_closer(cps[run_end].value))) {
            ++run_end;
        }
        bool at_break = run_end == cps.size() || is_space_code_point(cps[run_end].value);
        bool single_dot = cp == '.' && run_end == i + 1;
        if ((cjk || at_break) && !(single_dot && is_abbreviation(text, cps, i))) {
            push_trimmed(cps, start, run_end, sentences);
            start = run_end;
        }
        i = run_end;
    }
    push_trimmed(cps, start, cps.size(), sentences);
    return sentences;
}

std::vector<Span> split_words(std::string_view text, Span within) {
    std::vector<Span> words;
    const auto cps = decode_all(text.substr(within.start, within.end - within.start));
    std::size_t i = 0;
    while (i < cps.size()) {
        while (i < cps.size() && is_space_code_point(cps[i].value)) ++i;
        if (i == cps.size()) break;
        std::size_t first = i;
        while (i < cps.size() && !is_space_code_point(cps[i].value)) ++i;
        words.push_back({within.start + cps[first].start, within.start + cps[i - 1].end});
    }
    return words;
}

}  // namespace empathic
