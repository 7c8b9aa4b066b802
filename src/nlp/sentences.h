// Sentence and word boundaries of an entry, as byte spans into the original text, so that a
// tag can point at the sentence behind it and a long entry can be cut where a reader would.
#pragma once

#include <string_view>
#include <vector>

#include "nlp/engine.h"

namespace empathic {

/// The sentences of valid UTF-8 `text`, in order, each trimmed of surrounding whitespace.
/// A sentence ends:
///  - after a run of . ! ? … (with any closing quotes or brackets) followed by whitespace or
///    the end of the text, unless the word before a single "." is a common abbreviation
///    ("Dr.", "e.g.") or a capital initial ("J.");
///  - after a CJK full stop, exclamation or question mark (。！？), with no space needed;
///  - at a line break (journal entries use them as boundaries even without punctuation).
/// Whitespace-only text has no sentences.
std::vector<Span> split_sentences(std::string_view text);

/// The words (maximal runs of non-whitespace) of `text` inside `within`, in order.
std::vector<Span> split_words(std::string_view text, Span within);

/// True for Unicode whitespace (the space separators and the ASCII/line-break controls).
bool is_space_code_point(char32_t cp);

}  // namespace empathic
