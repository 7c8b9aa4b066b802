// Cutting long entries into sentence-aligned chunks that fit the model (chunking.h).
#include "nlp/chunking.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "fakes.h"

namespace empathic {
namespace {

using testing::FakeTokenizer;

std::string span_text(const std::string& text, Span s) {
    return text.substr(s.start, s.end - s.start);
}

// A text that fits is one chunk covering all of it, leading and trailing spaces included.
TEST(Chunking, TextThatFitsIsOneWholeChunk) {
    FakeTokenizer tokenizer;
    std::string text = "  One two. Three four.  ";
    auto plan = plan_chunks(text, tokenizer, 4);
    ASSERT_EQ(plan.chunks.size(), 1u);
    EXPECT_EQ(plan.chunks[0].start, 0u);
    EXPECT_EQ(plan.chunks[0].end, text.size());
    EXPECT_EQ(plan.pieces.size(), 2u);
}

// Longer text: chunks start and end on sentence boundaries, each within the budget, in order,
// covering every sentence exactly once.
TEST(Chunking, ChunksAreSentenceAlignedAndFit) {
    FakeTokenizer tokenizer;
    std::string text = "a b c. d e. f g h i. j. k l m n o p.";
    auto plan = plan_chunks(text, tokenizer, 5);
    std::vector<std::string> chunks;
    for (auto c : plan.chunks) chunks.push_back(span_text(text, c));
    EXPECT_EQ(chunks, (std::vector<std::string>{"a b c. d e.", "f g h i. j.", "k l m n o", "p."}));
    for (auto c : plan.chunks) EXPECT_LE(tokenizer.count_tokens(span_text(text, c)), 5u);
}

// A sentence longer than the budget is cut at words.
TEST(Chunking, LongSentenceIsCutAtWords) {
    FakeTokenizer tokenizer;
    std::string text = "one two three four five six seven";
    auto plan = plan_chunks(text, tokenizer, 3);
    std::vector<std::string> pieces;
    for (auto p : plan.pieces) pieces.push_back(span_text(text, p));
    EXPECT_EQ(pieces, (std::vector<std::string>{"one two three", "four five six", "seven"}));
    EXPECT_EQ(plan.chunks.size(), 3u);
}

// A single word longer than the budget is cut at characters (never mid code point).
TEST(Chunking, OverlongWordIsCutAtCharacters) {
    // Counts one token per code point, so a word of 7 code points needs 3 pieces of 3.
    class PerCharTokenizer : public FakeTokenizer {
      public:
        std::size_t count_tokens(std::string_view text) const override {
            std::size_t n = 0;
            for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 && c != ' ';
            return n;
        }
    } tokenizer;
    std::string text = "ééééééé";
    auto plan = plan_chunks(text, tokenizer, 3);
    std::vector<std::string> pieces;
    for (auto p : plan.pieces) pieces.push_back(span_text(text, p));
    EXPECT_EQ(pieces, (std::vector<std::string>{"ééé", "ééé", "é"}));
}

// No budget at all is the caller's mistake, reported as such.
TEST(Chunking, ZeroBudgetIsAnError) {
    FakeTokenizer tokenizer;
    try {
        plan_chunks("text", tokenizer, 0);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
    }
}

}  // namespace
}  // namespace empathic
