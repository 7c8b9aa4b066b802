// Sentence and word boundaries (sentences.h), as byte spans of the original text.
#include "nlp/sentences.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace empathic {
namespace {

std::vector<std::string> texts(std::string_view text, const std::vector<Span>& spans) {
    std::vector<std::string> out;
    for (const auto& s : spans) out.emplace_back(text.substr(s.start, s.end - s.start));
    return out;
}

std::vector<std::string> sentences(std::string_view text) {
    return texts(text, split_sentences(text));
}

// Sentences end after . ! ? followed by a space, and are trimmed.
TEST(Sentences, SplitAtTerminalPunctuation) {
    EXPECT_EQ(sentences("  I won! Did I? Yes.  "),
              (std::vector<std::string>{"I won!", "Did I?", "Yes."}));
}

// A run of marks and closing quotes stays with its sentence.
TEST(Sentences, RunsOfMarksAndClosingQuotesStayTogether) {
    EXPECT_EQ(sentences("She said \"stop.\" Then what?!\u2026 Nothing."),
              (std::vector<std::string>{"She said \"stop.\"", "Then what?!\u2026", "Nothing."}));
}

// Dots inside numbers, abbreviations and initials do not end a sentence.
TEST(Sentences, AbbreviationsAndNumbersDoNotSplit) {
    EXPECT_EQ(sentences("Dr. Lee paid 3.50 today, e.g. for J. Smith. Fine."),
              (std::vector<std::string>{"Dr. Lee paid 3.50 today, e.g. for J. Smith.", "Fine."}));
}

// A line break ends a sentence even without punctuation; blank lines give nothing.
TEST(Sentences, LineBreaksSplit) {
    EXPECT_EQ(sentences("Monday\n\nTired all day\r\nbut ok"),
              (std::vector<std::string>{"Monday", "Tired all day", "but ok"}));
}

// CJK full stops split without a following space.
TEST(Sentences, CjkTerminatorsSplitWithoutSpace) {
    EXPECT_EQ(sentences("今日は楽しかった。明日も？"),
              (std::vector<std::string>{"今日は楽しかった。", "明日も？"}));
}

// Text without a terminator is one sentence; whitespace-only text has none.
TEST(Sentences, EdgeCases) {
    EXPECT_EQ(sentences("no punctuation at all"),
              (std::vector<std::string>{"no punctuation at all"}));
    EXPECT_TRUE(split_sentences(" \n\t ").empty());
    EXPECT_TRUE(split_sentences("").empty());
}

// Offsets are bytes into the original text, also after multi-byte characters.
TEST(Sentences, OffsetsAreBytesOfTheOriginal) {
    std::string text = "Café ok. Naïve?";
    auto spans = split_sentences(text);
    ASSERT_EQ(spans.size(), 2u);
    EXPECT_EQ(spans[0].start, 0u);
    EXPECT_EQ(spans[0].end, 9u);  // "Café" is 5 bytes
    EXPECT_EQ(spans[1].start, 10u);
    EXPECT_EQ(spans[1].end, text.size());
}

// Words are runs of non-whitespace inside the given span.
TEST(Words, SplitAtWhitespaceInsideSpan) {
    std::string text = "xx  one\u00a0two \tthree  yy";
    Span inner{2, text.size() - 2};
    EXPECT_EQ(texts(text, split_words(text, inner)),
              (std::vector<std::string>{"one", "two", "three"}));
}

}  // namespace
}  // namespace empathic
