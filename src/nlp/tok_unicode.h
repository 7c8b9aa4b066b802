// Unicode helpers for the tokenizers: code point iteration, general categories, the
// whitespace and punctuation classes of the Hugging Face tokenizers, normalization forms and
// full lower-casing. All category data comes from utf8proc.
//
// Known shortcoming: the reference (Rust tokenizers) classifies characters with category tables
// from an older Unicode release, so a character assigned since then (new punctuation, a newly
// encoded script) may be split or cleaned differently there; transformers.js and these helpers
// use current tables. Everyday text is not affected.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace empathic::tok {

/// Decodes valid UTF-8 into code points. Throws Error(InvalidInput) on invalid UTF-8.
std::vector<char32_t> decode(std::string_view text);

/// Appends the UTF-8 encoding of `cp` to `out`.
void append_utf8(std::string& out, char32_t cp);

/// UTF-8 encoding of a sequence of code points.
std::string encode(const std::vector<char32_t>& cps);

/// Byte length of the UTF-8 sequence that starts with lead byte `lead` (1 for stray bytes).
inline std::size_t utf8_length(unsigned char lead) {
    return lead < 0x80           ? 1
           : (lead >> 5) == 0x6  ? 2
           : (lead >> 4) == 0xE  ? 3
           : (lead >> 3) == 0x1E ? 4
                                 : 1;
}

/// Unicode White_Space (what Rust's char::is_whitespace and the tokenizers' regexes call \s).
bool is_whitespace(char32_t cp);
/// General category L* (letters).
bool is_letter(char32_t cp);
/// General category N* (numbers).
bool is_number(char32_t cp);
/// General category M* (marks).
bool is_mark(char32_t cp);
/// General category Mn (non-spacing marks: the accents that strip_accents removes).
bool is_nonspacing_mark(char32_t cp);
/// Categories Cc, Cf and Co: what BertNormalizer's clean_text removes (unassigned code points
/// stay, as in the reference).
bool is_other(char32_t cp);
/// ASCII punctuation or general category P*: where BertPreTokenizer splits.
bool is_bert_punctuation(char32_t cp);
/// CJK ideographs that BertNormalizer surrounds with spaces.
bool is_cjk_ideograph(char32_t cp);

/// Unicode normalization forms.
enum class NormalForm { NFC, NFD, NFKC, NFKD };
/// `text` in the given normalization form.
std::string normalize(std::string_view text, NormalForm form);

/// Full lower-casing as Rust's str::to_lowercase does it: simple mappings from utf8proc plus
/// the two context rules that matter (U+0130 becomes "i" + U+0307; a final capital sigma
/// becomes U+03C2).
std::string to_lower(std::string_view text);

/// Splits valid UTF-8 into extended grapheme clusters (UAX #29, via utf8proc).
std::vector<std::string_view> graphemes(std::string_view text);

}  // namespace empathic::tok
