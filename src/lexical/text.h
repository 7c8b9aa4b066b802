// Splitting an entry into sentences, clauses and words for the lexical engine, and the small
// closed word lists it reads them with (stopwords, negations, intensifiers, diminishers).
// Offsets are bytes into the original text, so evidence spans point at what the user wrote.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace empathic::lexical {

/// A word of the entry: letters, digits and marks, with inner apostrophes and hyphens kept
/// ("don't", "well-being").
struct Token {
    std::size_t start = 0;  // bytes, [start, end)
    std::size_t end = 0;
    std::string lower;  // case-folded, curly apostrophes made straight
    std::size_t sentence = 0;
    std::size_t clause = 0;  // increases at , ; : and at sentence ends
    bool latin = true;       // every letter is a Latin-script letter
    bool shouted = false;    // written in capitals, at least two letters ("SO")
};

/// A sentence: bytes [start, end) without surrounding spaces, and how it ends.
struct Sentence {
    std::size_t start = 0;
    std::size_t end = 0;
    bool question = false;
    bool exclamation = false;
};

struct Tokenized {
    std::vector<Token> tokens;
    std::vector<Sentence> sentences;
};

/// Splits valid UTF-8 `text` into sentences and words.
Tokenized tokenize(std::string_view text);

/// Function words of English that carry no feeling ("the", "at", "i").
bool is_stopword(std::string_view word);

/// Words that negate what follows in their clause ("not", "never", "don't", "without").
bool is_negation(std::string_view word);

/// Factor a modifier word applies to the next feeling word: above 1 for intensifiers ("very",
/// "so"), below 1 for diminishers ("slightly", "somewhat"), 1 otherwise.
double intensity_of(std::string_view word);

/// Words that join clauses with a contrast, ending a negation's scope ("but", "though").
bool is_contrast(std::string_view word);

}  // namespace empathic::lexical
