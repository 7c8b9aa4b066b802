#include "core/utf8.h"

#include <utf8proc.h>

#include "core/error.h"

namespace empathic::utf8 {
namespace {

// Decodes one code point at `pos`; returns its length in bytes or -1 when invalid.
int decode(std::string_view text, std::size_t pos, utf8proc_int32_t& cp) {
    auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos);
    auto n = utf8proc_iterate(bytes, static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
    return n > 0 ? static_cast<int>(n) : -1;
}

bool is_space(utf8proc_int32_t cp) {
    auto category = utf8proc_category(cp);
    return cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' ||
           category == UTF8PROC_CATEGORY_ZS || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

}  // namespace

std::optional<std::size_t> find_invalid(std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        utf8proc_int32_t cp;
        int n = decode(text, pos, cp);
        if (n < 0) return pos;
        pos += static_cast<std::size_t>(n);
    }
    return std::nullopt;
}

void require_valid(std::string_view text, std::string_view what) {
    if (auto bad = find_invalid(text)) {
        throw Error(ErrorCode::InvalidInput,
                    std::string(what) + " is not valid UTF-8 (first bad byte at offset " +
                        std::to_string(*bad) + "); save it as UTF-8 and try again");
    }
}

std::size_t chars_before(std::string_view text, std::size_t byte_offset) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < byte_offset && i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++count;
    }
    return count;
}

std::size_t byte_offset_of(std::string_view text, std::size_t char_offset) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (count == char_offset) return i;
            ++count;
        }
    }
    return text.size();
}

std::size_t length(std::string_view text) {
    return chars_before(text, text.size());
}

std::string trim(std::string_view text) {
    std::size_t begin = 0;
    std::size_t end = text.size();
    while (begin < end) {
        utf8proc_int32_t cp;
        int n = decode(text, begin, cp);
        if (n < 0 || !is_space(cp)) break;
        begin += static_cast<std::size_t>(n);
    }
    while (end > begin) {
        std::size_t start = end - 1;
        while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
        utf8proc_int32_t cp;
        int n = decode(text, start, cp);
        if (n < 0 || !is_space(cp)) break;
        end = start;
    }
    return std::string(text.substr(begin, end - begin));
}

std::string lower(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        utf8proc_int32_t cp;
        int n = decode(text, pos, cp);
        if (n < 0) {  // keep invalid bytes as they are; callers validate first
            out.push_back(text[pos++]);
            continue;
        }
        utf8proc_uint8_t buf[4];
        auto len = utf8proc_encode_char(utf8proc_tolower(cp), buf);
        out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(len));
        pos += static_cast<std::size_t>(n);
    }
    return out;
}

}  // namespace empathic::utf8
