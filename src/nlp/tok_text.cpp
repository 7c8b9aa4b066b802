// Normalizers and pre-tokenizers of the Hugging Face tokenizers format. Behaviour follows the
// reference (Rust) implementation: where transformers.js differs (see tests/node/
// tokenizer_parity.mjs), the reference wins.
#include "nlp/tok_text.h"

#include <fmt/format.h>

#include <cctype>
#include <optional>

#include "nlp/tok_unicode.h"

namespace empathic::tok {

namespace {

using json = nlohmann::json;

/// Reads an optional member of `config`, or `fallback` when absent or null.
template <typename T>
T get_or(const json& config, const char* key, T fallback, const std::string& part) {
    auto it = config.find(key);
    if (it == config.end() || it->is_null()) return fallback;
    try {
        return it->get<T>();
    } catch (const json::exception&) {
        throw SpecError(fmt::format("{}.{} has the wrong type", part, key));
    }
}

std::string type_of(const json& config, const std::string& part) {
    if (!config.is_object()) throw SpecError(part + " must be an object");
    auto it = config.find("type");
    if (it == config.end() || !it->is_string()) throw SpecError(part + " has no \"type\"");
    return it->get<std::string>();
}

// --- Patterns (Replace, Split) ---------------------------------------------------------------

/// A pattern of tokenizer.json: either a literal string, or a regular expression of one atom
/// (a character, \s, \d, \w or \p{..}-free escape) with an optional quantifier, which covers
/// the patterns real models use (" {2,}", "\s+"). Anything else is rejected at load time.
class Pattern {
  public:
    Pattern(const json& config, const std::string& part) {
        if (config.is_object() && config.contains("String") && config["String"].is_string()) {
            literal_ = config["String"].get<std::string>();
            is_literal_ = true;
            if (literal_.empty()) throw SpecError(part + ".pattern is an empty string");
            return;
        }
        if (!config.is_object() || !config.contains("Regex") || !config["Regex"].is_string()) {
            throw SpecError(part + ".pattern must be {\"String\": ...} or {\"Regex\": ...}");
        }
        parse_regex(config["Regex"].get<std::string>(), part);
    }

    /// Byte ranges [begin, end) of the non-overlapping matches in `text`, left to right.
    std::vector<std::pair<std::size_t, std::size_t>> find_all(std::string_view text) const {
        std::vector<std::pair<std::size_t, std::size_t>> out;
        if (is_literal_) {
            std::size_t pos = 0;
            while ((pos = text.find(literal_, pos)) != std::string_view::npos) {
                out.emplace_back(pos, pos + literal_.size());
                pos += literal_.size();
            }
            return out;
        }
        std::size_t pos = 0;
        while (pos < text.size()) {
            std::size_t end = pos;
            std::size_t count = 0;
            while (end < text.size() && count < max_) {
                std::size_t len = utf8_length(static_cast<unsigned char>(text[end]));
                auto cps = decode(text.substr(end, len));
                if (cps.empty() || !atom_matches(cps[0])) break;
                end += len;
                ++count;
            }
            if (count >= min_ && count > 0) {
                out.emplace_back(pos, end);
                pos = end;
            } else {
                pos += utf8_length(static_cast<unsigned char>(text[pos]));
            }
        }
        return out;
    }

  private:
    enum class Atom { Char, Space, Digit, Word };

    void parse_regex(const std::string& regex, const std::string& part) {
        auto unsupported = [&]() {
            return SpecError(fmt::format(
                "{}.pattern: the regular expression \"{}\" is not supported (only one character "
                "or \\s, \\d, \\w with a quantifier)",
                part, regex));
        };
        auto cps = decode(regex);
        std::size_t i = 0;
        if (cps.empty()) throw unsupported();
        if (cps[0] == U'\\') {
            if (cps.size() < 2) throw unsupported();
            switch (cps[1]) {
                case U's': atom_ = Atom::Space; break;
                case U'd': atom_ = Atom::Digit; break;
                case U'w': atom_ = Atom::Word; break;
                default:
                    if (std::isalnum(static_cast<int>(cps[1] < 128 ? cps[1] : 'a')))
                        throw unsupported();
                    atom_ = Atom::Char;
                    char_ = cps[1];
            }
            i = 2;
        } else {
            if (std::u32string_view(U".[](){}|*+?^$").find(cps[0]) != std::u32string_view::npos) {
                throw unsupported();
            }
            atom_ = Atom::Char;
            char_ = cps[0];
            i = 1;
        }
        std::string rest = encode(std::vector<char32_t>(cps.begin() + i, cps.end()));
        if (rest.empty()) {
            min_ = max_ = 1;
        } else if (rest == "+") {
            min_ = 1;
        } else if (rest == "*") {
            throw unsupported();  // would match the empty string everywhere
        } else if (rest.front() == '{' && rest.back() == '}') {
            std::string body = rest.substr(1, rest.size() - 2);
            auto comma = body.find(',');
            try {
                min_ = std::stoul(body.substr(0, comma));
                if (comma == std::string::npos) {
                    max_ = min_;
                } else if (comma + 1 < body.size()) {
                    max_ = std::stoul(body.substr(comma + 1));
                }
            } catch (const std::exception&) {
                throw unsupported();
            }
            if (min_ == 0 || max_ < min_) throw unsupported();
        } else {
            throw unsupported();
        }
    }

    bool atom_matches(char32_t cp) const {
        switch (atom_) {
            case Atom::Char: return cp == char_;
            case Atom::Space: return is_whitespace(cp);
            case Atom::Digit: return is_number(cp);
            case Atom::Word: return is_letter(cp) || is_mark(cp) || is_number(cp) || cp == U'_';
        }
        return false;
    }

    bool is_literal_ = false;
    std::string literal_;
    Atom atom_ = Atom::Char;
    char32_t char_ = 0;
    std::size_t min_ = 1;
    std::size_t max_ = static_cast<std::size_t>(-1);
};

// --- Normalizers -----------------------------------------------------------------------------

class BertNormalizer : public Normalizer {
  public:
    BertNormalizer(const json& c, const std::string& part)
        : clean_text_(get_or(c, "clean_text", true, part)),
          chinese_chars_(get_or(c, "handle_chinese_chars", true, part)),
          lowercase_(get_or(c, "lowercase", true, part)) {
        // strip_accents: null means "the same as lowercase".
        strip_accents_ = get_or(c, "strip_accents", lowercase_, part);
    }

    std::string normalize(std::string text) const override {
        std::string out;
        out.reserve(text.size() + 8);
        for (char32_t cp : decode(text)) {
            if (clean_text_) {
                if (cp == 0 || cp == 0xFFFD) continue;
                bool tab_or_newline = cp == U'\t' || cp == U'\n' || cp == U'\r';
                if (!tab_or_newline && is_other(cp)) continue;
                if (tab_or_newline || is_whitespace(cp)) cp = U' ';
            }
            if (chinese_chars_ && is_cjk_ideograph(cp)) {
                out.push_back(' ');
                append_utf8(out, cp);
                out.push_back(' ');
            } else {
                append_utf8(out, cp);
            }
        }
        if (lowercase_) out = to_lower(out);
        if (strip_accents_) out = strip_marks(normalize_form(out));
        return out;
    }

  private:
    static std::string normalize_form(const std::string& text) {
        return tok::normalize(text, NormalForm::NFD);
    }
    static std::string strip_marks(const std::string& text) {
        std::string out;
        out.reserve(text.size());
        for (char32_t cp : decode(text)) {
            if (!is_nonspacing_mark(cp)) append_utf8(out, cp);
        }
        return out;
    }

    bool clean_text_;
    bool chinese_chars_;
    bool lowercase_;
    bool strip_accents_;
};

/// SentencePiece's normalization rules, compiled into a blob: a little-endian u32 giving the
/// byte size of a double-array trie (darts-clone units), the trie, then a pool of
/// NUL-terminated replacement strings that the trie's values point into.
class Precompiled : public Normalizer {
  public:
    Precompiled(const json& c, const std::string& part) {
        auto it = c.find("precompiled_charsmap");
        if (it == c.end() || it->is_null()) return;  // no rules: text passes unchanged
        if (!it->is_string()) throw SpecError(part + ".precompiled_charsmap must be a string");
        std::string blob = base64_decode(it->get<std::string>(), part + ".precompiled_charsmap");
        if (blob.empty()) return;
        if (blob.size() < 4) throw SpecError(part + ".precompiled_charsmap is truncated");
        uint32_t trie_bytes = 0;
        for (int i = 3; i >= 0; --i) trie_bytes = (trie_bytes << 8) | static_cast<uint8_t>(blob[i]);
        if (trie_bytes % 4 != 0 || trie_bytes == 0 || 4 + std::size_t{trie_bytes} > blob.size()) {
            throw SpecError(part + ".precompiled_charsmap has a bad trie size");
        }
        units_.resize(trie_bytes / 4);
        for (std::size_t u = 0; u < units_.size(); ++u) {
            uint32_t v = 0;
            for (int b = 3; b >= 0; --b) v = (v << 8) | static_cast<uint8_t>(blob[4 + u * 4 + b]);
            units_[u] = v;
        }
        pool_ = blob.substr(4 + trie_bytes);
    }

    std::string normalize(std::string text) const override {
        if (units_.empty()) return text;
        std::string out;
        out.reserve(text.size());
        for (std::string_view grapheme : graphemes(text)) {
            if (grapheme.size() < 6) {
                if (auto rule = transform(grapheme)) {
                    out += *rule;
                    continue;
                }
            }
            std::size_t pos = 0;
            while (pos < grapheme.size()) {
                std::size_t len = utf8_length(static_cast<unsigned char>(grapheme[pos]));
                std::string_view ch = grapheme.substr(pos, len);
                if (auto rule = transform(ch)) {
                    out += *rule;
                } else {
                    out += ch;
                }
                pos += len;
            }
        }
        return out;
    }

  private:
    static uint32_t offset(uint32_t unit) { return (unit >> 10) << ((unit & (1u << 9)) >> 6); }
    static uint32_t label(uint32_t unit) { return unit & ((1u << 31) | 0xFFu); }
    static bool has_leaf(uint32_t unit) { return ((unit >> 8) & 1u) == 1u; }
    static uint32_t value(uint32_t unit) { return unit & ((1u << 31) - 1); }

    /// The replacement of the shortest rule that matches a prefix of `chunk`, if any.
    std::optional<std::string_view> transform(std::string_view chunk) const {
        std::size_t node = 0;
        uint32_t unit = units_[0];
        node ^= offset(unit);
        for (unsigned char c : chunk) {
            if (c == 0) break;
            node ^= c;
            if (node >= units_.size()) return std::nullopt;
            unit = units_[node];
            if (label(unit) != c) return std::nullopt;
            node ^= offset(unit);
            if (node >= units_.size()) return std::nullopt;
            if (has_leaf(unit)) {
                std::size_t start = value(units_[node]);
                if (start >= pool_.size()) return std::nullopt;
                std::size_t end = pool_.find('\0', start);
                if (end == std::string::npos) end = pool_.size();
                return std::string_view(pool_).substr(start, end - start);
            }
        }
        return std::nullopt;
    }

    std::vector<uint32_t> units_;
    std::string pool_;
};

class SequenceNormalizer : public Normalizer {
  public:
    SequenceNormalizer(const json& c, const std::string& part) {
        auto it = c.find("normalizers");
        if (it == c.end() || !it->is_array()) throw SpecError(part + ".normalizers must be a list");
        for (std::size_t i = 0; i < it->size(); ++i) {
            auto n = make_normalizer((*it)[i], fmt::format("{}.normalizers[{}]", part, i));
            if (n) steps_.push_back(std::move(n));
        }
    }
    std::string normalize(std::string text) const override {
        for (const auto& step : steps_) text = step->normalize(std::move(text));
        return text;
    }

  private:
    std::vector<std::unique_ptr<Normalizer>> steps_;
};

class ReplaceNormalizer : public Normalizer {
  public:
    ReplaceNormalizer(const json& c, const std::string& part)
        : pattern_(c.value("pattern", json()), part),
          content_(get_or<std::string>(c, "content", "", part)) {}
    std::string normalize(std::string text) const override {
        auto matches = pattern_.find_all(text);
        if (matches.empty()) return text;
        std::string out;
        std::size_t prev = 0;
        for (auto [b, e] : matches) {
            out.append(text, prev, b - prev);
            out += content_;
            prev = e;
        }
        out.append(text, prev);
        return out;
    }

  private:
    Pattern pattern_;
    std::string content_;
};

class FormNormalizer : public Normalizer {
  public:
    explicit FormNormalizer(NormalForm form) : form_(form) {}
    std::string normalize(std::string text) const override { return tok::normalize(text, form_); }

  private:
    NormalForm form_;
};

class StripNormalizer : public Normalizer {
  public:
    StripNormalizer(const json& c, const std::string& part)
        : left_(get_or(c, "strip_left", true, part)),
          right_(get_or(c, "strip_right", true, part)) {}
    std::string normalize(std::string text) const override {
        auto cps = decode(text);
        std::size_t b = 0, e = cps.size();
        if (left_) {
            while (b < e && is_whitespace(cps[b])) ++b;
        }
        if (right_) {
            while (e > b && is_whitespace(cps[e - 1])) --e;
        }
        return encode(std::vector<char32_t>(cps.begin() + b, cps.begin() + e));
    }

  private:
    bool left_;
    bool right_;
};

/// Removes every combining mark (category M); unlike BertNormalizer's strip_accents it does not
/// decompose first, so files put NFD or NFKD before it.
class StripAccentsNormalizer : public Normalizer {
  public:
    std::string normalize(std::string text) const override {
        std::string out;
        for (char32_t cp : decode(text)) {
            if (!is_mark(cp)) append_utf8(out, cp);
        }
        return out;
    }
};

class LowercaseNormalizer : public Normalizer {
  public:
    std::string normalize(std::string text) const override { return to_lower(text); }
};

class PrependNormalizer : public Normalizer {
  public:
    PrependNormalizer(const json& c, const std::string& part)
        : prefix_(get_or<std::string>(c, "prepend", "", part)) {}
    std::string normalize(std::string text) const override {
        return text.empty() ? text : prefix_ + text;
    }

  private:
    std::string prefix_;
};

// --- Pre-tokenizers --------------------------------------------------------------------------

/// How a split keeps the delimiters it found (SplitDelimiterBehavior).
enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

Behavior parse_behavior(const json& c, Behavior fallback, const std::string& part) {
    std::string name = get_or<std::string>(c, "behavior", "", part);
    if (name.empty()) return fallback;
    if (name == "Removed") return Behavior::Removed;
    if (name == "Isolated") return Behavior::Isolated;
    if (name == "MergedWithPrevious") return Behavior::MergedWithPrevious;
    if (name == "MergedWithNext") return Behavior::MergedWithNext;
    if (name == "Contiguous") return Behavior::Contiguous;
    throw SpecError(fmt::format("{}.behavior \"{}\" is not supported", part, name));
}

/// Cuts `word` at the byte ranges `matches` (sorted, non-overlapping) as `behavior` says,
/// appending the non-empty pieces to `out`.
void split_at(std::string_view word, std::vector<std::pair<std::size_t, std::size_t>> matches,
              Behavior behavior, bool invert, std::vector<std::string>& out) {
    if (invert) {
        // The delimiters become what lies between the matches.
        std::vector<std::pair<std::size_t, std::size_t>> gaps;
        std::size_t prev = 0;
        for (auto [b, e] : matches) {
            if (b > prev) gaps.emplace_back(prev, b);
            prev = e;
        }
        if (prev < word.size()) gaps.emplace_back(prev, word.size());
        matches = std::move(gaps);
    }
    if (behavior == Behavior::Contiguous) {
        std::vector<std::pair<std::size_t, std::size_t>> fused;
        for (auto m : matches) {
            if (!fused.empty() && fused.back().second == m.first) {
                fused.back().second = m.second;
            } else {
                fused.push_back(m);
            }
        }
        matches = std::move(fused);
        behavior = Behavior::Isolated;
    }

    std::vector<std::pair<std::size_t, std::size_t>> pieces;
    std::size_t prev = 0;
    std::size_t pending_start = std::string_view::npos;  // MergedWithNext: where the piece starts
    for (auto [b, e] : matches) {
        switch (behavior) {
            case Behavior::Removed: pieces.emplace_back(prev, b); break;
            case Behavior::Isolated:
                pieces.emplace_back(prev, b);
                pieces.emplace_back(b, e);
                break;
            case Behavior::MergedWithPrevious: pieces.emplace_back(prev, e); break;
            case Behavior::MergedWithNext:
                pieces.emplace_back(pending_start == std::string_view::npos ? prev : pending_start,
                                    b);
                pending_start = b;
                break;
            case Behavior::Contiguous: break;
        }
        prev = e;
    }
    std::size_t last_start =
        behavior == Behavior::MergedWithNext && pending_start != std::string_view::npos
            ? pending_start
            : prev;
    pieces.emplace_back(last_start, word.size());
    for (auto [b, e] : pieces) {
        if (e > b) out.emplace_back(word.substr(b, e - b));
    }
}

/// Byte ranges of the code points of `word` for which `pred` holds, one range per code point.
template <typename Pred>
std::vector<std::pair<std::size_t, std::size_t>> char_matches(std::string_view word, Pred pred) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    std::size_t pos = 0;
    for (char32_t cp : decode(word)) {
        std::size_t len = utf8_length(static_cast<unsigned char>(word[pos]));
        if (pred(cp)) out.emplace_back(pos, pos + len);
        pos += len;
    }
    return out;
}

/// Applies `fn(word, out)` to every word.
template <typename Fn>
void for_each_word(std::vector<std::string>& words, Fn fn) {
    std::vector<std::string> out;
    out.reserve(words.size() * 2);
    for (const auto& w : words) fn(std::string_view(w), out);
    words = std::move(out);
}

class BertPreTokenizer : public PreTokenizer {
  public:
    void split(std::vector<std::string>& words, bool) const override {
        for_each_word(words, [](std::string_view w, std::vector<std::string>& out) {
            std::vector<std::string> parts;
            split_at(w, char_matches(w, is_whitespace), Behavior::Removed, false, parts);
            for (const auto& p : parts) {
                split_at(p, char_matches(p, is_bert_punctuation), Behavior::Isolated, false, out);
            }
        });
    }
};

class WhitespaceSplitPreTokenizer : public PreTokenizer {
  public:
    void split(std::vector<std::string>& words, bool) const override {
        for_each_word(words, [](std::string_view w, std::vector<std::string>& out) {
            split_at(w, char_matches(w, is_whitespace), Behavior::Removed, false, out);
        });
    }
};

/// The \w+|[^\w\s]+ split.
class WhitespacePreTokenizer : public PreTokenizer {
  public:
    void split(std::vector<std::string>& words, bool) const override {
        for_each_word(words, [](std::string_view w, std::vector<std::string>& out) {
            auto kind = [](char32_t cp) {
                if (is_letter(cp) || is_mark(cp) || is_number(cp) || cp == U'_') return 1;
                return is_whitespace(cp) ? 0 : 2;
            };
            std::size_t pos = 0, start = 0;
            int current = -1;
            for (char32_t cp : decode(w)) {
                std::size_t len = utf8_length(static_cast<unsigned char>(w[pos]));
                int k = kind(cp);
                if (k != current) {
                    if (current > 0 && pos > start) out.emplace_back(w.substr(start, pos - start));
                    start = pos;
                    current = k;
                }
                pos += len;
            }
            if (current > 0 && pos > start) out.emplace_back(w.substr(start, pos - start));
        });
    }
};

class PunctuationPreTokenizer : public PreTokenizer {
  public:
    PunctuationPreTokenizer(const json& c, const std::string& part)
        : behavior_(parse_behavior(c, Behavior::Isolated, part)) {}
    void split(std::vector<std::string>& words, bool) const override {
        for_each_word(words, [this](std::string_view w, std::vector<std::string>& out) {
            split_at(w, char_matches(w, is_bert_punctuation), behavior_, false, out);
        });
    }

  private:
    Behavior behavior_;
};

class DigitsPreTokenizer : public PreTokenizer {
  public:
    DigitsPreTokenizer(const json& c, const std::string& part)
        : individual_(get_or(c, "individual_digits", false, part)) {}
    void split(std::vector<std::string>& words, bool) const override {
        Behavior b = individual_ ? Behavior::Isolated : Behavior::Contiguous;
        for_each_word(words, [b](std::string_view w, std::vector<std::string>& out) {
            split_at(w, char_matches(w, is_number), b, false, out);
        });
    }

  private:
    bool individual_;
};

class SplitPreTokenizer : public PreTokenizer {
  public:
    SplitPreTokenizer(const json& c, const std::string& part)
        : pattern_(c.value("pattern", json()), part),
          behavior_(parse_behavior(c, Behavior::Isolated, part)),
          invert_(get_or(c, "invert", false, part)) {}
    void split(std::vector<std::string>& words, bool) const override {
        for_each_word(words, [this](std::string_view w, std::vector<std::string>& out) {
            split_at(w, pattern_.find_all(w), behavior_, invert_, out);
        });
    }

  private:
    Pattern pattern_;
    Behavior behavior_;
    bool invert_;
};

/// GPT-2's split, 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+,
/// followed by the byte-to-character mapping.
class ByteLevelPreTokenizer : public PreTokenizer {
  public:
    ByteLevelPreTokenizer(const json& c, const std::string& part)
        : add_prefix_space_(get_or(c, "add_prefix_space", true, part)),
          use_regex_(get_or(c, "use_regex", true, part)) {}

    void split(std::vector<std::string>& words, bool) const override {
        for_each_word(words, [this](std::string_view w, std::vector<std::string>& out) {
            std::string text(w);
            if (add_prefix_space_ && (text.empty() || text.front() != ' ')) text.insert(0, " ");
            std::vector<std::string> pieces;
            if (use_regex_) {
                gpt2_split(text, pieces);
            } else {
                pieces.push_back(text);
            }
            const auto& table = byte_to_unicode();
            for (const auto& p : pieces) {
                std::string mapped;
                mapped.reserve(p.size() * 2);
                for (unsigned char b : p) append_utf8(mapped, table[b]);
                out.push_back(std::move(mapped));
            }
        });
    }

  private:
    static void gpt2_split(const std::string& text, std::vector<std::string>& out) {
        std::vector<char32_t> cps = decode(text);
        std::vector<std::size_t> at(cps.size() + 1, 0);  // byte offset of each code point
        for (std::size_t i = 0; i < cps.size(); ++i) {
            at[i + 1] = at[i] + utf8_length(static_cast<unsigned char>(text[at[i]]));
        }
        auto n = cps.size();
        auto other = [](char32_t cp) {
            return !is_whitespace(cp) && !is_letter(cp) && !is_number(cp);
        };
        std::size_t i = 0;
        while (i < n) {
            std::size_t end = match_at(cps, i, other);
            out.emplace_back(text.substr(at[i], at[end] - at[i]));
            i = end;
        }
    }

    template <typename Other>
    static std::size_t match_at(const std::vector<char32_t>& cps, std::size_t i, Other other) {
        std::size_t n = cps.size();
        // Contractions.
        if (cps[i] == U'\'' && i + 1 < n) {
            char32_t a = cps[i + 1];
            if (a == U's' || a == U't' || a == U'm' || a == U'd') return i + 2;
            if (i + 2 < n) {
                char32_t b = cps[i + 2];
                if ((a == U'r' && b == U'e') || (a == U'v' && b == U'e') ||
                    (a == U'l' && b == U'l')) {
                    return i + 3;
                }
            }
        }
        // An optional space, then a run of one class.
        std::size_t start = i;
        if (cps[i] == U' ' && i + 1 < n) start = i + 1;
        for (auto cls : {0, 1, 2}) {
            auto in_class = [&](char32_t cp) {
                return cls == 0 ? is_letter(cp) : cls == 1 ? is_number(cp) : other(cp);
            };
            std::size_t s = in_class(cps[i]) ? i : start;
            if (s < n && in_class(cps[s]) && (s == i || cps[i] == U' ')) {
                std::size_t e = s;
                while (e < n && in_class(cps[e])) ++e;
                return e;
            }
        }
        // Whitespace: \s+(?!\S), else \s+.
        std::size_t e = i;
        while (e < n && is_whitespace(cps[e])) ++e;
        if (e == n || e - i == 1) return e;
        return e - 1;
    }

    bool add_prefix_space_;
    bool use_regex_;
};

class MetaspacePreTokenizer : public PreTokenizer {
  public:
    MetaspacePreTokenizer(const json& c, const std::string& part) {
        std::string replacement = get_or<std::string>(c, "replacement", "\u2581", part);
        auto cps = decode(replacement);
        if (cps.size() != 1) throw SpecError(part + ".replacement must be one character");
        replacement_ = replacement;
        split_ = get_or(c, "split", true, part);
        std::string scheme = get_or<std::string>(c, "prepend_scheme", "", part);
        if (scheme.empty()) {
            scheme = get_or(c, "add_prefix_space", true, part) ? "always" : "never";
        }
        if (scheme == "always") {
            scheme_ = Scheme::Always;
        } else if (scheme == "first") {
            scheme_ = Scheme::First;
        } else if (scheme == "never") {
            scheme_ = Scheme::Never;
        } else {
            throw SpecError(fmt::format("{}.prepend_scheme \"{}\" is not supported", part, scheme));
        }
    }

    void split(std::vector<std::string>& words, bool first_section) const override {
        for_each_word(words, [&](std::string_view w, std::vector<std::string>& out) {
            std::string text;
            text.reserve(w.size() + 8);
            for (char c : w) {
                if (c == ' ') {
                    text += replacement_;
                } else {
                    text.push_back(c);
                }
            }
            bool prepend = scheme_ == Scheme::Always || (scheme_ == Scheme::First && first_section);
            if (prepend && text.compare(0, replacement_.size(), replacement_) != 0) {
                text.insert(0, replacement_);
            }
            if (!split_) {
                out.push_back(std::move(text));
                return;
            }
            std::vector<std::pair<std::size_t, std::size_t>> matches;
            std::size_t pos = 0;
            while ((pos = text.find(replacement_, pos)) != std::string::npos) {
                matches.emplace_back(pos, pos + replacement_.size());
                pos += replacement_.size();
            }
            split_at(text, matches, Behavior::MergedWithNext, false, out);
        });
    }

  private:
    enum class Scheme { Always, First, Never };
    std::string replacement_;
    bool split_ = true;
    Scheme scheme_ = Scheme::Always;
};

class SequencePreTokenizer : public PreTokenizer {
  public:
    SequencePreTokenizer(const json& c, const std::string& part) {
        auto it = c.find("pretokenizers");
        if (it == c.end() || !it->is_array()) {
            throw SpecError(part + ".pretokenizers must be a list");
        }
        for (std::size_t i = 0; i < it->size(); ++i) {
            auto p = make_pre_tokenizer((*it)[i], fmt::format("{}.pretokenizers[{}]", part, i));
            if (p) steps_.push_back(std::move(p));
        }
    }
    void split(std::vector<std::string>& words, bool first_section) const override {
        for (const auto& step : steps_) step->split(words, first_section);
    }

  private:
    std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

}  // namespace

std::unique_ptr<Normalizer> make_normalizer(const json& c, const std::string& part) {
    if (c.is_null()) return nullptr;
    std::string type = type_of(c, part);
    if (type == "BertNormalizer") return std::make_unique<BertNormalizer>(c, part);
    if (type == "Precompiled") return std::make_unique<Precompiled>(c, part);
    if (type == "Sequence") return std::make_unique<SequenceNormalizer>(c, part);
    if (type == "Replace") return std::make_unique<ReplaceNormalizer>(c, part);
    if (type == "NFC") return std::make_unique<FormNormalizer>(NormalForm::NFC);
    if (type == "NFD") return std::make_unique<FormNormalizer>(NormalForm::NFD);
    if (type == "NFKC") return std::make_unique<FormNormalizer>(NormalForm::NFKC);
    if (type == "NFKD") return std::make_unique<FormNormalizer>(NormalForm::NFKD);
    if (type == "Strip") return std::make_unique<StripNormalizer>(c, part);
    if (type == "StripAccents") return std::make_unique<StripAccentsNormalizer>();
    if (type == "Lowercase") return std::make_unique<LowercaseNormalizer>();
    if (type == "Prepend") return std::make_unique<PrependNormalizer>(c, part);
    throw SpecError(fmt::format("{} type \"{}\" is not supported", part, type));
}

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const json& c, const std::string& part) {
    if (c.is_null()) return nullptr;
    std::string type = type_of(c, part);
    if (type == "BertPreTokenizer") return std::make_unique<BertPreTokenizer>();
    if (type == "ByteLevel") return std::make_unique<ByteLevelPreTokenizer>(c, part);
    if (type == "Metaspace") return std::make_unique<MetaspacePreTokenizer>(c, part);
    if (type == "WhitespaceSplit") return std::make_unique<WhitespaceSplitPreTokenizer>();
    if (type == "Whitespace") return std::make_unique<WhitespacePreTokenizer>();
    if (type == "Punctuation") return std::make_unique<PunctuationPreTokenizer>(c, part);
    if (type == "Digits") return std::make_unique<DigitsPreTokenizer>(c, part);
    if (type == "Split") return std::make_unique<SplitPreTokenizer>(c, part);
    if (type == "Sequence") return std::make_unique<SequencePreTokenizer>(c, part);
    throw SpecError(fmt::format("{} type \"{}\" is not supported", part, type));
}

const std::array<char32_t, 256>& byte_to_unicode() {
    static const std::array<char32_t, 256> table = [] {
        std::array<char32_t, 256> t{};
        char32_t next = 256;
        for (int b = 0; b < 256; ++b) {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            t[b] = printable ? static_cast<char32_t>(b) : next++;
        }
        return t;
    }();
    return table;
}

std::string base64_decode(std::string_view text, const std::string& part) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    std::string out;
    out.reserve(text.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        if (c == '=') break;
        if (c == '\n' || c == '\r') continue;
        int v = value(c);
        if (v < 0) throw SpecError(part + " is not valid base64");
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    return out;
}

}  // namespace empathic::tok
