#include "nlp/tok_unicode.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

#include "core/error.h"

namespace empathic::tok {

namespace {

utf8proc_category_t category(char32_t cp) {
    return utf8proc_category(static_cast<utf8proc_int32_t>(cp));
}

/// Lu, Ll and Lt: the letters that have case, for the final-sigma rule.
bool is_cased(char32_t cp) {
    auto c = category(cp);
    return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL || c == UTF8PROC_CATEGORY_LT;
}

/// Case_Ignorable: marks, format characters, modifiers and the word-internal punctuation.
bool is_case_ignorable(char32_t cp) {
    switch (cp) {
        case 0x27:
        case 0x2E:
        case 0x3A:
        case 0xB7:
        case 0x387:
        case 0x5F4:
        case 0x2018:
        case 0x2019:
        case 0x2024:
        case 0x2027:
        case 0xFE13:
        case 0xFE52:
        case 0xFE55:
        case 0xFF07:
        case 0xFF0E:
        case 0xFF1A: return true;
        default: break;
    }
    auto c = category(cp);
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_ME || c == UTF8PROC_CATEGORY_CF ||
           c == UTF8PROC_CATEGORY_LM || c == UTF8PROC_CATEGORY_SK;
}

// Decodes the code point at byte `pos` into `cp` and returns its length in bytes; invalid
// UTF-8 is the caller's input error, named by its byte offset.
std::size_t next_code_point(std::string_view text, std::size_t pos, utf8proc_int32_t& cp) {
    auto data = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
    auto n = utf8proc_iterate(data + pos, static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
    if (n <= 0) {
        throw Error(ErrorCode::InvalidInput, "text is not valid UTF-8 at byte " +
                                                 std::to_string(pos) +
                                                 "; save it as UTF-8 and try again");
    }
    return static_cast<std::size_t>(n);
}

}  // namespace

std::vector<char32_t> decode(std::string_view text) {
    std::vector<char32_t> out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        utf8proc_int32_t cp = 0;
        pos += next_code_point(text, pos, cp);
        out.push_back(static_cast<char32_t>(cp));
    }
    return out;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string encode(const std::vector<char32_t>& cps) {
    std::string out;
    out.reserve(cps.size());
    for (char32_t cp : cps) append_utf8(out, cp);
    return out;
}

bool is_whitespace(char32_t cp) {
    if ((cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85) return true;
    if (cp < 0x80) return false;
    auto c = category(cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP;
}

bool is_letter(char32_t cp) {
    auto c = category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

bool is_number(char32_t cp) {
    auto c = category(cp);
    return c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO;
}

bool is_mark(char32_t cp) {
    auto c = category(cp);
    return c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME;
}

bool is_nonspacing_mark(char32_t cp) {
    return category(cp) == UTF8PROC_CATEGORY_MN;
}

bool is_other(char32_t cp) {
    auto c = category(cp);
    return c == UTF8PROC_CATEGORY_CC || c == UTF8PROC_CATEGORY_CF || c == UTF8PROC_CATEGORY_CO;
}

bool is_bert_punctuation(char32_t cp) {
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) ||
        (cp >= 123 && cp <= 126)) {
        return true;
    }
    auto c = category(cp);
    return c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO;
}

bool is_cjk_ideograph(char32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
           (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

std::string normalize(std::string_view text, NormalForm form) {
    int options = UTF8PROC_STABLE;
    switch (form) {
        case NormalForm::NFC: options |= UTF8PROC_COMPOSE; break;
        case NormalForm::NFD: options |= UTF8PROC_DECOMPOSE; break;
        case NormalForm::NFKC: options |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT; break;
        case NormalForm::NFKD: options |= UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT; break;
    }
    utf8proc_uint8_t* result = nullptr;
    auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                          static_cast<utf8proc_ssize_t>(text.size()), &result,
                          static_cast<utf8proc_option_t>(options));
    if (n < 0) {
        throw Error(ErrorCode::InvalidInput,
                    std::string("text could not be normalized: ") + utf8proc_errmsg(n));
    }
    std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(result, &std::free);
    return std::string(reinterpret_cast<const char*>(result), static_cast<std::size_t>(n));
}

std::string to_lower(std::string_view text) {
    std::vector<char32_t> cps = decode(text);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < cps.size(); ++i) {
        char32_t cp = cps[i];
        if (cp == 0x130) {
            append_utf8(out, U'i');
            append_utf8(out, 0x307);
            continue;
        }
        if (cp == 0x3A3) {
            // Final sigma: a cased letter before (skipping case-ignorables), none after.
            bool cased_before = false;
            for (std::size_t j = i; j-- > 0;) {
                if (is_case_ignorable(cps[j])) continue;
                cased_before = is_cased(cps[j]);
                break;
            }
            bool cased_after = false;
            for (std::size_t j = i + 1; j < cps.size(); ++j) {
                if (is_case_ignorable(cps[j])) continue;
                cased_after = is_cased(cps[j]);
                break;
            }
            append_utf8(out, cased_before && !cased_after ? 0x3C2 : 0x3C3);
            continue;
        }
        append_utf8(out,
                    static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))));
    }
    return out;
}

std::vector<std::string_view> graphemes(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    std::size_t pos = 0;
    utf8proc_int32_t prev = -1;
    utf8proc_int32_t state = 0;
    while (pos < text.size()) {
        utf8proc_int32_t cp = 0;
        std::size_t n = next_code_point(text, pos, cp);
        if (prev >= 0 && utf8proc_grapheme_break_stateful(prev, cp, &state)) {
            out.push_back(text.substr(start, pos - start));
            start = pos;
        }
        prev = cp;
        pos += n;
    }
    if (pos > start) out.push_back(text.substr(start, pos - start));
    return out;
}

}  // namespace empathic::tok
