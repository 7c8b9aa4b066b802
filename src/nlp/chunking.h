// Cutting an entry that is too long for the model into pieces that fit, along sentence
// boundaries, so a long entry is scored whole instead of silently truncated.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "nlp/engine.h"
#include "nlp/tokenizer.h"

namespace empathic {

/// How a text is cut. All spans are byte offsets into the text, in order, not overlapping.
struct ChunkPlan {
    /// The sentences of the text (split_sentences), except that a sentence longer than the
    /// budget is cut further at word boundaries (and a single over-long word at characters).
    /// Every piece fits the budget.
    std::vector<Span> pieces;
    /// Consecutive pieces packed greedily into spans of at most `budget` tokens. A chunk runs
    /// from its first piece's start to its last piece's end (whitespace between included).
    std::vector<Span> chunks;
};

/// Cuts `text` into chunks of at most `budget` premise tokens (Tokenizer::count_tokens of the
/// span's text). A text that fits whole is one chunk covering all of it, untrimmed. Throws
/// Error(InvalidInput) when `budget` is 0.
ChunkPlan plan_chunks(std::string_view text, const Tokenizer& tokenizer, std::size_t budget);

}  // namespace empathic
