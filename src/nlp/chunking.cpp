#include "nlp/chunking.h"

#include "core/error.h"
#include "nlp/sentences.h"

namespace empathic {
namespace {

// Token counting over spans of one text, against one budget.
class Fitter {
  public:
    Fitter(std::string_view text, const Tokenizer& tokenizer, std::size_t budget)
        : text_(text), tokenizer_(tokenizer), budget_(budget) {}

    bool fits(std::size_t start, std::size_t end) const {
        return tokenizer_.count_tokens(text_.substr(start, end - start)) <= budget_;
    }

    /// Largest index `j` in [first, last) such that [starts(first), ends(j)) fits, found by
    /// binary search (token counts grow with the span); `first` itself when nothing longer
    /// fits. `starts`/`ends` map an index to byte offsets.
    template <typename Starts, typename Ends>
    std::size_t longest_fit(std::size_t first, std::size_t last, Starts starts, Ends ends) const {
        std::size_t lo = first;  // known to fit, or the minimum we accept
        std::size_t hi = last;   // exclusive
        while (hi - lo > 1) {
            std::size_t mid = lo + (hi - lo) / 2;
            if (fits(starts(first), ends(mid))) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

  private:
    std::string_view text_;
    const Tokenizer& tokenizer_;
    std::size_t budget_;
};

// Byte offsets of each code point start in [span.start, span.end), plus span.end.
std::vector<std::size_t> code_point_bounds(std::string_view text, Span span) {
    std::vector<std::size_t> bounds;
    for (std::size_t i = span.start; i < span.end; ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) bounds.push_back(i);
    }
    bounds.push_back(span.end);
    return bounds;
}

// Cuts one over-long word at code points into pieces that fit (at least one code point each).
void cut_word(std::string_view text, const Fitter& fitter, Span word, std::vector<Span>& out) {
    auto bounds = code_point_bounds(text, word);
    std::size_t first = 0;
    while (first + 1 < bounds.size()) {
        // Index into bounds of the piece's end: pieces end at bounds[first + 1 ...].
        std::size_t end = fitter.longest_fit(
            first + 1, bounds.size(), [&](std::size_t) { return bounds[first]; },
            [&](std::size_t j) { return bounds[j]; });
        out.push_back({bounds[first], bounds[end]});
        first = end;
    }
}

// Cuts one over-long sentence at words into pieces that fit.
void cut_sentence(std::string_view text, const Fitter& fitter, Span sentence,
                  std::vector<Span>& out) {
    auto words = split_words(text, sentence);
    std::size_t i = 0;
    while (i < words.size()) {
        if (!fitter.fits(words[i].start, words[i].end)) {
            cut_word(text, fitter, words[i], out);
            ++i;
            continue;
        }
        std::size_t last = fitter.longest_fit(
            i, words.size(), [&](std::size_t j) { return words[j].start; },
            [&](std::size_t j) { return words[j].end; });
        out.push_back({words[i].start, words[last].end});
        i = last + 1;
    }
}

}  // namespace

ChunkPlan plan_chunks(std::string_view text, const Tokenizer& tokenizer, std::size_t budget) {
    if (budget == 0) {
        throw Error(ErrorCode::InvalidInput,
                    "no room is left for the text next to the hypothesis; use a shorter "
                    "template or shorter labels");
    }
    Fitter fitter(text, tokenizer, budget);
    ChunkPlan plan;

    // Pieces: sentences, with those over the budget cut at words.
    bool whole_fits = fitter.fits(0, text.size());
    for (const Span& sentence : split_sentences(text)) {
        if (whole_fits || fitter.fits(sentence.start, sentence.end)) {
            plan.pieces.push_back(sentence);
        } else {
            cut_sentence(text, fitter, sentence, plan.pieces);
        }
    }
    if (whole_fits) {
        plan.chunks.push_back({0, text.size()});
        return plan;
    }

    // Chunks: as many consecutive pieces as fit together.
    std::size_t i = 0;
    while (i < plan.pieces.size()) {
        std::size_t last = fitter.longest_fit(
            i, plan.pieces.size(), [&](std::size_t j) { return plan.pieces[j].start; },
            [&](std::size_t j) { return plan.pieces[j].end; });
        plan.chunks.push_back({plan.pieces[i].start, plan.pieces[last].end});
        i = last + 1;
    }
    return plan;
}

}  // namespace empathic
