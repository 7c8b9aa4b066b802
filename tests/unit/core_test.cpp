// Core helpers: UTF-8 validation and offsets, trimming, errors.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/utf8.h"

using namespace empathic;

TEST(Utf8, FindsFirstInvalidByte) {
    EXPECT_FALSE(utf8::find_invalid("caf\xC3\xA9 ok").has_value());
    EXPECT_EQ(utf8::find_invalid("ab\xFF"
                                 "cd"),
              2u);
    EXPECT_EQ(utf8::find_invalid("abc\xC3"), 3u);  // truncated sequence at the end
}

TEST(Utf8, RequireValidNamesTheOffset) {
    try {
        utf8::require_valid("hi\xC0\xAF", "the entry");
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
        EXPECT_NE(std::string(e.what()).find("offset 2"), std::string::npos) << e.what();
    }
}

TEST(Utf8, ConvertsBetweenBytesAndCharacters) {
    std::string text = "\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80!";  // "été 😀!"
    EXPECT_EQ(utf8::length(text), 6u);
    EXPECT_EQ(utf8::chars_before(text, 5), 3u);
    EXPECT_EQ(utf8::byte_offset_of(text, 4), 6u);
    EXPECT_EQ(utf8::byte_offset_of(text, 99), text.size());
}

TEST(Utf8, TrimsUnicodeSpaceAndLowers) {
    EXPECT_EQ(utf8::trim("\xC2\xA0 joy\t\n"), "joy");
    EXPECT_EQ(utf8::lower("\xC3\x89T\xC3\x89"), "\xC3\xA9t\xC3\xA9");
}
