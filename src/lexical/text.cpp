#include "lexical/text.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>

#include "core/utf8.h"

namespace empathic::lexical {
namespace {

// English function words; none of them is evidence of a feeling on its own.
constexpr std::array kStopwords = {
    "a",          "about",      "above",   "after",  "again",   "against", "all",    "am",
    "an",         "and",        "any",     "are",    "as",      "at",      "be",     "because",
    "been",       "before",     "being",   "below",  "between", "both",    "but",    "by",
    "can",        "could",      "did",     "do",     "does",    "doing",   "down",   "during",
    "each",       "few",        "for",     "from",   "further", "had",     "has",    "have",
    "having",     "he",         "her",     "here",   "hers",    "herself", "him",    "himself",
    "his",        "how",        "i",       "if",     "in",      "into",    "is",     "it",
    "its",        "itself",     "just",    "me",     "more",    "most",    "my",     "myself",
    "of",         "off",        "on",      "once",   "only",    "or",      "other",  "our",
    "ours",       "ourselves",  "out",     "over",   "own",     "same",    "she",    "should",
    "some",       "such",       "than",    "that",   "the",     "their",   "theirs", "them",
    "themselves", "then",       "there",   "these",  "they",    "this",    "those",  "through",
    "to",         "too",        "under",   "until",  "up",      "us",      "very",   "was",
    "we",         "were",       "what",    "when",   "where",   "which",   "while",  "who",
    "whom",       "why",        "will",    "with",   "would",   "you",     "your",   "yours",
    "yourself",   "yourselves", "i'm",     "i've",   "i'll",    "i'd",     "you're", "you've",
    "you'll",     "you'd",      "he's",    "she's",  "it's",    "we're",   "we've",  "we'll",
    "they're",    "they've",    "they'll", "that's", "there's", "what's",  "let's",  "who's",
    "im",         "ive",        "ill",     "id",     "youre",   "thats",   "theres", "also",
    "yet",        "so",         "well",    "still",  "even",    "much",    "many",   "every",
    "might",      "must",       "shall",   "may",    "upon",    "via",     "per",    "whose",
    "u",          "ur",         "gonna",   "wanna",  "gotta",   "ya",      "y'all",  "'s",
};

constexpr std::array kNegations = {
    "not",     "no",      "never",  "nothing", "nobody",  "none",     "neither", "nor",
    "nowhere", "without", "cannot", "dont",    "didnt",   "doesnt",   "isnt",    "wasnt",
    "werent",  "arent",   "cant",   "couldnt", "wouldnt", "shouldnt", "wont",    "havent",
    "hasnt",   "hadnt",   "aint",   "hardly",  "barely",  "scarcely", "nope",    "nah",
};

struct Modifier {
    const char* word;
    double factor;
};
constexpr std::array kModifiers = {
    Modifier{"very", 1.5},           Modifier{"really", 1.4},     Modifier{"so", 1.4},
    Modifier{"extremely", 1.7},      Modifier{"incredibly", 1.7}, Modifier{"totally", 1.5},
    Modifier{"completely", 1.5},     Modifier{"absolutely", 1.6}, Modifier{"deeply", 1.6},
    Modifier{"truly", 1.4},          Modifier{"super", 1.5},      Modifier{"utterly", 1.7},
    Modifier{"terribly", 1.6},       Modifier{"awfully", 1.5},    Modifier{"too", 1.3},
    Modifier{"such", 1.3},           Modifier{"insanely", 1.7},   Modifier{"hugely", 1.5},
    Modifier{"immensely", 1.6},      Modifier{"profoundly", 1.6}, Modifier{"genuinely", 1.3},
    Modifier{"overwhelmingly", 1.7}, Modifier{"beyond", 1.4},     Modifier{"most", 1.3},
    Modifier{"slightly", 0.5},       Modifier{"somewhat", 0.6},   Modifier{"bit", 0.6},
    Modifier{"little", 0.6},         Modifier{"kinda", 0.6},      Modifier{"sorta", 0.6},
    Modifier{"mildly", 0.5},         Modifier{"fairly", 0.8},     Modifier{"rather", 0.8},
    Modifier{"partly", 0.6},         Modifier{"marginally", 0.5}, Modifier{"vaguely", 0.5},
};

constexpr std::array kContrasts = {"but", "though", "although", "however", "yet", "except"};

template <typename List>
std::unordered_set<std::string_view> make_set(const List& list) {
    return std::unordered_set<std::string_view>(list.begin(), list.end());
}

/// The word with apostrophes removed, so "don't", "dont" and "don’t" read alike.
std::string without_apostrophes(std::string_view word) {
    std::string out;
    for (char c : word) {
        if (c != '\'') out += c;
    }
    return out;
}

bool is_word_cp(utf8proc_int32_t cp) {
    switch (utf8proc_category(cp)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ND: return true;
        default: return false;
    }
}

/// Latin letters: ASCII and the Latin blocks up to Latin Extended Additional.
bool is_latin_letter(utf8proc_int32_t cp) {
    if (cp < 0x80) return true;
    return (cp >= 0xC0 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF);
}

bool is_apostrophe(utf8proc_int32_t cp) {
    return cp == '\'' || cp == 0x2019;
}

bool ends_sentence(utf8proc_int32_t cp) {
    return cp == '.' || cp == '!' || cp == '?' || cp == '\n' || cp == 0x3002 || cp == 0xFF01 ||
           cp == 0xFF1F || cp == 0x2026;
}

bool ends_clause(utf8proc_int32_t cp) {
    return cp == ',' || cp == ';' || cp == ':' || cp == 0xFF0C || cp == 0x3001 || cp == '(' ||
           cp == ')' || cp == 0x2014;
}

}  // namespace

Tokenized tokenize(std::string_view text) {
    Tokenized out;
    std::size_t sentence = 0;
    std::size_t clause = 0;
    std::size_t sentence_start = std::string_view::npos;
    bool sentence_has_words = false;

    auto decode = [&](std::size_t pos, utf8proc_int32_t& cp) {
        auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos),
                                  static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
        return n > 0 ? static_cast<std::size_t>(n) : std::size_t{1};
    };
    auto close_sentence = [&](std::size_t end, bool question, bool exclamation) {
        if (sentence_start == std::string_view::npos) return;
        out.sentences.push_back({sentence_start, end, question, exclamation});
        sentence_start = std::string_view::npos;
        if (sentence_has_words) ++sentence;
        sentence_has_words = false;
        ++clause;
    };

    std::size_t pos = 0;
    while (pos < text.size()) {
        utf8proc_int32_t cp = 0;
        auto n = decode(pos, cp);

        // A word: word characters, with single apostrophes or hyphens between them.
        if (is_word_cp(cp)) {
            if (sentence_start == std::string_view::npos) sentence_start = pos;
            Token token;
            token.start = pos;
            bool latin = true;
            int upper = 0;
            int letters = 0;
            auto end = pos;
            while (end < text.size()) {
                utf8proc_int32_t c = 0;
                auto m = decode(end, c);
                if (is_word_cp(c)) {
                    latin = latin && is_latin_letter(c);
                    auto category = utf8proc_category(c);
                    if (category == UTF8PROC_CATEGORY_LU) ++upper;
                    if (category == UTF8PROC_CATEGORY_LU || category == UTF8PROC_CATEGORY_LL) {
                        ++letters;
                    }
                    // Han, kana and similar scripts have no spaces: one token per character.
                    if (!latin && c >= 0x2E80) {
                        end += m;
                        break;
                    }
                    end += m;
                    continue;
                }
                if ((is_apostrophe(c) || c == '-') && end + m < text.size()) {
                    utf8proc_int32_t next = 0;
                    decode(end + m, next);
                    if (is_word_cp(next) && is_latin_letter(next)) {
                        end += m;
                        continue;
                    }
                }
                break;
            }
            token.end = end;
            token.latin = latin;
            token.shouted = letters >= 2 && upper == letters;
            token.sentence = sentence;
            token.clause = clause;
            auto lower = utf8::lower(text.substr(pos, end - pos));
            for (std::size_t i = 0; i + 2 < lower.size(); ++i) {
                if (lower.compare(i, 3, "\xE2\x80\x99") == 0) lower.replace(i, 3, "'");
            }
            token.lower = std::move(lower);
            out.tokens.push_back(std::move(token));
            sentence_has_words = true;
            pos = end;
            continue;
        }

        // Punctuation that ends a sentence (a run of it: "?!", "...").
        if (ends_sentence(cp)) {
            auto end = pos;
            bool question = false;
            bool exclamation = false;
            while (end < text.size()) {
                utf8proc_int32_t c = 0;
                auto m = decode(end, c);
                if (!ends_sentence(c)) break;
                question = question || c == '?' || c == 0xFF1F;
                exclamation = exclamation || c == '!' || c == 0xFF01;
                end += m;
            }
            close_sentence(cp == '\n' ? pos : end, question, exclamation);
            pos = end;
            continue;
        }

        if (ends_clause(cp)) ++clause;
        bool space = utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS || cp == '\t' || cp == '\r';
        if (!space && sentence_start == std::string_view::npos) sentence_start = pos;
        pos += n;
    }

    // The last sentence, trimmed of trailing spaces.
    if (sentence_start != std::string_view::npos) {
        auto end = text.size();
        while (end > sentence_start && (text[end - 1] == ' ' || text[end - 1] == '\t' ||
                                        text[end - 1] == '\r' || text[end - 1] == '\n')) {
            --end;
        }
        close_sentence(end, false, false);
    }
    return out;
}

bool is_stopword(std::string_view word) {
    static const auto set = make_set(kStopwords);
    return set.contains(word);
}

bool is_negation(std::string_view word) {
    static const auto set = make_set(kNegations);
    if (set.contains(word)) return true;
    if (word.ends_with("n't")) return true;
    return word.find('\'') != std::string_view::npos && set.contains(without_apostrophes(word));
}

double intensity_of(std::string_view word) {
    static const auto map = [] {
        std::unordered_map<std::string_view, double> m;
        for (const auto& modifier : kModifiers) m.emplace(modifier.word, modifier.factor);
        return m;
    }();
    auto it = map.find(word);
    return it == map.end() ? 1.0 : it->second;
}

bool is_contrast(std::string_view word) {
    static const auto set = make_set(kContrasts);
    return set.contains(word);
}

}  // namespace empathic::lexical
