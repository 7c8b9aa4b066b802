// UTF-8 helpers shared by every component. Text in Empathic is always UTF-8 std::string;
// offsets inside the engine are byte offsets, offsets shown to users and in JSON are
// characters (Unicode code points), converted here.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace empathic::utf8 {

/// Byte offset of the first invalid UTF-8 sequence, or nullopt when `text` is valid.
std::optional<std::size_t> find_invalid(std::string_view text);

/// Throws Error(InvalidInput) naming the byte offset when `text` is not valid UTF-8.
/// `what` names the input in the message ("the entry", "label 3").
void require_valid(std::string_view text, std::string_view what);

/// Number of code points in the first `byte_offset` bytes of valid UTF-8 `text`.
std::size_t chars_before(std::string_view text, std::size_t byte_offset);

/// Byte offset of code point number `char_offset` in valid UTF-8 `text` (clamped to size).
std::size_t byte_offset_of(std::string_view text, std::size_t char_offset);

/// Number of code points in valid UTF-8 `text`.
std::size_t length(std::string_view text);

/// Leading and trailing Unicode whitespace removed.
std::string trim(std::string_view text);

/// Lower-cased with Unicode case folding rules (utf8proc), for comparisons and keys.
std::string lower(std::string_view text);

}  // namespace empathic::utf8
