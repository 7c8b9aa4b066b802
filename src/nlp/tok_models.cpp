#include "nlp/tok_models.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <mutex>
#include <queue>
#include <shared_mutex>
#include <unordered_map>

#include "core/error.h"
#include "nlp/tok_text.h"
#include "nlp/tok_unicode.h"

namespace empathic::tok {

namespace {

using json = nlohmann::json;

/// Hash for string-keyed maps that can be queried with a string_view without a copy.
struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

using Vocab = std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>>;

/// Reads a {"piece": id} object into a vocabulary.
Vocab read_vocab_object(const json& config, const std::string& part) {
    auto it = config.find("vocab");
    if (it == config.end() || !it->is_object()) throw SpecError(part + ".vocab must be an object");
    Vocab vocab;
    vocab.reserve(it->size());
    for (auto entry = it->begin(); entry != it->end(); ++entry) {
        if (!entry.value().is_number_integer() || entry.value().get<int64_t>() < 0) {
            throw SpecError(
                fmt::format("{}.vocab[\"{}\"] must be a non-negative integer", part, entry.key()));
        }
        vocab.emplace(entry.key(), entry.value().get<int64_t>());
    }
    return vocab;
}

std::size_t max_id_plus_one(const Vocab& vocab) {
    int64_t max_id = -1;
    for (const auto& [piece, id] : vocab) max_id = std::max(max_id, id);
    return static_cast<std::size_t>(max_id + 1);
}

std::string byte_token(unsigned char b) {
    return fmt::format("<0x{:02X}>", b);
}

// --- WordPiece -------------------------------------------------------------------------------

class WordPiece : public Model {
  public:
    WordPiece(const json& c, const std::unordered_set<int64_t>& special, const std::string& part)
        : vocab_(read_vocab_object(c, part)), special_(special) {
        prefix_ = c.value("continuing_subword_prefix", std::string("##"));
        max_chars_ = c.value("max_input_chars_per_word", std::size_t{100});
        std::string unk = c.value("unk_token", std::string("[UNK]"));
        auto it = vocab_.find(unk);
        if (it == vocab_.end()) {
            throw SpecError(fmt::format("{}.unk_token \"{}\" is not in the vocabulary", part, unk));
        }
        unk_id_ = it->second;
        size_ = max_id_plus_one(vocab_);
    }

    void tokenize(std::string_view word, std::vector<int64_t>& ids) const override {
        // Byte offsets of the code point boundaries of the word.
        std::vector<std::size_t> bounds;
        for (std::size_t pos = 0; pos < word.size();) {
            bounds.push_back(pos);
            pos += utf8_length(static_cast<unsigned char>(word[pos]));
        }
        bounds.push_back(word.size());
        std::size_t chars = bounds.size() - 1;
        if (chars > max_chars_) {
            ids.push_back(unk_id_);
            return;
        }

        // Greedy longest match from the left; a word with an unmatched rest is one [UNK].
        std::size_t first = ids.size();
        std::string candidate;
        std::size_t start = 0;
        while (start < chars) {
            std::size_t end = chars;
            std::optional<int64_t> found;
            while (end > start) {
                std::string_view piece = word.substr(bounds[start], bounds[end] - bounds[start]);
                if (start > 0) {
                    candidate.assign(prefix_);
                    candidate.append(piece);
                    found = lookup(candidate);
                } else {
                    found = lookup(piece);
                }
                if (found) break;
                --end;
            }
            if (!found) {
                ids.resize(first);
                ids.push_back(unk_id_);
                return;
            }
            ids.push_back(*found);
            start = end;
        }
    }

    std::optional<int64_t> token_to_id(std::string_view token) const override {
        auto it = vocab_.find(token);
        if (it == vocab_.end()) return std::nullopt;
        return it->second;
    }

    std::size_t vocab_size() const override { return size_; }

  private:
    std::optional<int64_t> lookup(std::string_view piece) const {
        auto it = vocab_.find(piece);
        if (it == vocab_.end() || special_.count(it->second)) return std::nullopt;
        return it->second;
    }

    Vocab vocab_;
    std::unordered_set<int64_t> special_;
    std::string prefix_;
    std::size_t max_chars_ = 100;
    int64_t unk_id_ = 0;
    std::size_t size_ = 0;
};

// --- BPE -------------------------------------------------------------------------------------

class Bpe : public Model {
  public:
    Bpe(const json& c, const std::unordered_set<int64_t>& special, const std::string& part)
        : vocab_(read_vocab_object(c, part)), special_(special) {
        auto str = [&](const char* key) {
            auto it = c.find(key);
            return it == c.end() || it->is_null() ? std::string() : it->get<std::string>();
        };
        prefix_ = str("continuing_subword_prefix");
        suffix_ = str("end_of_word_suffix");
        fuse_unk_ = c.value("fuse_unk", false);
        byte_fallback_ = c.value("byte_fallback", false);
        ignore_merges_ = c.value("ignore_merges", false);
        std::string unk = str("unk_token");
        if (!unk.empty()) {
            auto it = vocab_.find(unk);
            if (it == vocab_.end()) {
                throw SpecError(
                    fmt::format("{}.unk_token \"{}\" is not in the vocabulary", part, unk));
            }
            unk_id_ = it->second;
        }
        read_merges(c, part);
        size_ = max_id_plus_one(vocab_);
    }

    void tokenize(std::string_view word, std::vector<int64_t>& ids) const override {
        if (word.empty()) return;
        if (ignore_merges_) {
            if (auto id = lookup(word)) {
                ids.push_back(*id);
                return;
            }
        }
        {
            std::shared_lock lock(cache_mutex_);
            auto it = cache_.find(word);
            if (it != cache_.end()) {
                ids.insert(ids.end(), it->second.begin(), it->second.end());
                return;
            }
        }
        std::vector<int64_t> result = merge_word(word);
        ids.insert(ids.end(), result.begin(), result.end());
        if (word.size() < kMaxCachedWordBytes) {
            std::unique_lock lock(cache_mutex_);
            if (cache_.size() >= kCacheCapacity) cache_.clear();
            cache_.emplace(std::string(word), std::move(result));
        }
    }

    std::optional<int64_t> token_to_id(std::string_view token) const override {
        auto it = vocab_.find(token);
        if (it == vocab_.end()) return std::nullopt;
        return it->second;
    }

    std::size_t vocab_size() const override { return size_; }

  private:
    static constexpr std::size_t kCacheCapacity = 10000;
    static constexpr std::size_t kMaxCachedWordBytes = 256;
    static constexpr int64_t kUnknown = -1;
    static constexpr int64_t kMerged = -3;
    static constexpr std::size_t kEnd = static_cast<std::size_t>(-1);

    struct Merge {
        uint32_t rank;
        int64_t merged;
    };

    static uint64_t pair_key(int64_t a, int64_t b) {
        return (static_cast<uint64_t>(a) << 32) | static_cast<uint64_t>(b);
    }

    void read_merges(const json& c, const std::string& part) {
        auto it = c.find("merges");
        if (it == c.end() || !it->is_array()) throw SpecError(part + ".merges must be a list");
        merges_.reserve(it->size());
        for (std::size_t rank = 0; rank < it->size(); ++rank) {
            const json& m = (*it)[rank];
            std::string left, right;
            if (m.is_string()) {
                const std::string& s = m.get_ref<const std::string&>();
                auto space = s.find(' ', 1);
                if (space == std::string::npos) {
                    throw SpecError(fmt::format("{}.merges[{}] is not \"left right\"", part, rank));
                }
                left = s.substr(0, space);
                right = s.substr(space + 1);
            } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
                left = m[0].get<std::string>();
                right = m[1].get<std::string>();
            } else {
                throw SpecError(fmt::format("{}.merges[{}] is malformed", part, rank));
            }
            auto a = vocab_.find(left), b = vocab_.find(right);
            std::string joined = left + right;
            if (!prefix_.empty() && joined.compare(left.size(), prefix_.size(), prefix_) == 0) {
                joined.erase(left.size(), prefix_.size());
            }
            auto ab = vocab_.find(joined);
            if (a == vocab_.end() || b == vocab_.end() || ab == vocab_.end()) {
                throw SpecError(fmt::format(
                    "{}.merges[{}] uses a piece missing from the vocabulary", part, rank));
            }
            merges_.emplace(pair_key(a->second, b->second),
                            Merge{static_cast<uint32_t>(rank), ab->second});
        }
    }

    std::optional<int64_t> lookup(std::string_view piece) const {
        auto it = vocab_.find(piece);
        if (it == vocab_.end() || special_.count(it->second)) return std::nullopt;
        return it->second;
    }

    /// The word's characters as initial symbols, merged pair by pair, lowest rank first
    /// (leftmost on ties), then mapped to ids with the unknown-character rules.
    std::vector<int64_t> merge_word(std::string_view word) const {
        // Initial symbols: one per character, with prefix/suffix as the model configures.
        std::vector<std::string_view> chars;
        for (std::size_t pos = 0; pos < word.size();) {
            std::size_t len =
                std::min(utf8_length(static_cast<unsigned char>(word[pos])), word.size() - pos);
            chars.push_back(word.substr(pos, len));
            pos += len;
        }
        std::vector<int64_t> symbols;
        std::vector<std::string_view> unknown_text;  // the character, where the id is unknown
        symbols.reserve(chars.size());
        std::string piece;
        for (std::size_t i = 0; i < chars.size(); ++i) {
            piece.clear();
            if (i > 0) piece += prefix_;
            piece += chars[i];
            if (i + 1 == chars.size()) piece += suffix_;
            auto id = lookup(piece);
            symbols.push_back(id ? *id : kUnknown);
            unknown_text.push_back(chars[i]);
        }

        // Merge loop: a heap of candidate pairs ordered by rank, then by position (leftmost
        // first). Symbols form a linked list; a popped candidate whose symbols have changed
        // since it was pushed is stale and skipped. O(n log n) even for very long words.
        struct Candidate {
            uint32_t rank;
            std::size_t left;
            int64_t left_id;
            int64_t right_id;
            bool operator>(const Candidate& o) const {
                return rank != o.rank ? rank > o.rank : left > o.left;
            }
        };
        std::size_t n = symbols.size();
        std::vector<std::size_t> next(n), prev(n);
        for (std::size_t i = 0; i < n; ++i) {
            next[i] = i + 1;
            prev[i] = i == 0 ? kEnd : i - 1;
        }
        std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
        auto push = [&](std::size_t left) {
            if (left == kEnd || next[left] >= n) return;
            int64_t a = symbols[left], b = symbols[next[left]];
            if (a == kUnknown || b == kUnknown) return;
            auto it = merges_.find(pair_key(a, b));
            if (it != merges_.end()) heap.push({it->second.rank, left, a, b});
        };
        for (std::size_t i = 0; i + 1 < n; ++i) push(i);
        while (!heap.empty()) {
            Candidate c = heap.top();
            heap.pop();
            std::size_t right = next[c.left];
            if (symbols[c.left] != c.left_id || right >= n || symbols[right] != c.right_id) {
                continue;  // stale
            }
            symbols[c.left] = merges_.at(pair_key(c.left_id, c.right_id)).merged;
            symbols[right] = kMerged;
            next[c.left] = next[right];
            if (next[right] < n) prev[next[right]] = c.left;
            push(prev[c.left]);
            push(c.left);
        }

        // Surviving symbols, in order, with the text of each for the unknown-character rules.
        std::vector<int64_t> merged_ids;
        std::vector<std::string_view> merged_text;
        for (std::size_t i = 0; i < n; i = next[i]) {
            merged_ids.push_back(symbols[i]);
            merged_text.push_back(unknown_text[i]);
        }
        symbols = std::move(merged_ids);
        unknown_text = std::move(merged_text);

        // Unknown characters: byte tokens, the unknown token (fused when asked), or nothing.
        std::vector<int64_t> out;
        out.reserve(symbols.size());
        bool previous_unk = false;
        for (std::size_t i = 0; i < symbols.size(); ++i) {
            if (symbols[i] != kUnknown) {
                out.push_back(symbols[i]);
                previous_unk = false;
                continue;
            }
            if (byte_fallback_) {
                std::vector<int64_t> bytes;
                for (unsigned char b : unknown_text[i]) {
                    if (auto id = lookup(byte_token(b))) bytes.push_back(*id);
                }
                if (bytes.size() == unknown_text[i].size()) {
                    out.insert(out.end(), bytes.begin(), bytes.end());
                    previous_unk = false;
                    continue;
                }
            }
            if (unk_id_) {
                if (!(fuse_unk_ && previous_unk)) out.push_back(*unk_id_);
                previous_unk = true;
            }
        }
        return out;
    }

    Vocab vocab_;
    std::unordered_set<int64_t> special_;
    std::unordered_map<uint64_t, Merge> merges_;
    std::string prefix_;
    std::string suffix_;
    std::optional<int64_t> unk_id_;
    bool fuse_unk_ = false;
    bool byte_fallback_ = false;
    bool ignore_merges_ = false;
    std::size_t size_ = 0;

    mutable std::shared_mutex cache_mutex_;
    mutable std::unordered_map<std::string, std::vector<int64_t>, StringHash, std::equal_to<>>
        cache_;
};

// --- Unigram ---------------------------------------------------------------------------------

/// A byte trie over the pieces, stored flat: the children of a node are contiguous and sorted
/// by byte, so a lookup is a binary search per byte.
class PieceTrie {
  public:
    /// Builds the trie of `pieces` (pairs of piece and id; duplicates keep the last id).
    explicit PieceTrie(std::vector<std::pair<std::string_view, int32_t>> pieces) {
        std::stable_sort(pieces.begin(), pieces.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        nodes_.push_back(Node{});
        struct Range {
            std::size_t lo, hi, depth;
            uint32_t node;
        };
        std::vector<Range> queue{{0, pieces.size(), 0, 0}};
        for (std::size_t q = 0; q < queue.size(); ++q) {
            Range r = queue[q];
            // Pieces that end here (equal strings are adjacent; the last one wins).
            while (r.lo < r.hi && pieces[r.lo].first.size() == r.depth) {
                nodes_[r.node].value = pieces[r.lo].second;
                ++r.lo;
            }
            nodes_[r.node].first_child = static_cast<uint32_t>(nodes_.size());
            std::size_t lo = r.lo;
            while (lo < r.hi) {
                unsigned char byte = static_cast<unsigned char>(pieces[lo].first[r.depth]);
                std::size_t hi = lo;
                while (hi < r.hi && static_cast<unsigned char>(pieces[hi].first[r.depth]) == byte) {
                    ++hi;
                }
                Node child;
                child.label = byte;
                nodes_.push_back(child);
                queue.push_back({lo, hi, r.depth + 1, static_cast<uint32_t>(nodes_.size() - 1)});
                lo = hi;
            }
            nodes_[r.node].child_count =
                static_cast<uint32_t>(nodes_.size() - nodes_[r.node].first_child);
        }
    }

    /// Calls fn(length, id) for every piece that is a prefix of `text`, shortest first.
    template <typename Fn>
    void for_each_prefix(std::string_view text, Fn fn) const {
        uint32_t node = 0;
        for (std::size_t i = 0; i < text.size(); ++i) {
            const Node& n = nodes_[node];
            auto begin = nodes_.begin() + n.first_child;
            auto end = begin + n.child_count;
            unsigned char byte = static_cast<unsigned char>(text[i]);
            auto it = std::lower_bound(begin, end, byte,
                                       [](const Node& a, unsigned char b) { return a.label < b; });
            if (it == end || it->label != byte) return;
            node = static_cast<uint32_t>(it - nodes_.begin());
            if (nodes_[node].value >= 0) fn(i + 1, nodes_[node].value);
        }
    }

  private:
    struct Node {
        uint32_t first_child = 0;
        uint32_t child_count = 0;
        int32_t value = -1;
        unsigned char label = 0;
    };
    std::vector<Node> nodes_;
};

class Unigram : public Model {
  public:
    Unigram(const json& c, const std::unordered_set<int64_t>& special, const std::string& part) {
        auto it = c.find("vocab");
        if (it == c.end() || !it->is_array() || it->empty()) {
            throw SpecError(part + ".vocab must be a non-empty list of [piece, score]");
        }
        pieces_.reserve(it->size());
        scores_.reserve(it->size());
        for (std::size_t i = 0; i < it->size(); ++i) {
            const json& e = (*it)[i];
            if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_number()) {
                throw SpecError(fmt::format("{}.vocab[{}] must be [piece, score]", part, i));
            }
            pieces_.push_back(e[0].get<std::string>());
            scores_.push_back(e[1].get<double>());
        }
        ids_.reserve(pieces_.size());
        for (std::size_t i = 0; i < pieces_.size(); ++i) {
            ids_[pieces_[i]] = static_cast<int64_t>(i);  // a repeated piece keeps its last id
        }

        auto unk = c.find("unk_id");
        if (unk != c.end() && !unk->is_null()) {
            if (!unk->is_number_integer() || unk->get<int64_t>() < 0 ||
                unk->get<std::size_t>() >= pieces_.size()) {
                throw SpecError(part + ".unk_id is not an id of the vocabulary");
            }
            unk_id_ = unk->get<int64_t>();
        }
        byte_fallback_ = c.value("byte_fallback", false);
        double min_score = *std::min_element(scores_.begin(), scores_.end());
        unk_score_ = min_score - kUnkPenalty;

        std::vector<std::pair<std::string_view, int32_t>> entries;
        entries.reserve(pieces_.size());
        for (std::size_t i = 0; i < pieces_.size(); ++i) {
            // The trie keeps the last of repeated pieces, as the id map does.
            if (pieces_[i].empty() || special.count(static_cast<int64_t>(i))) continue;
            entries.emplace_back(pieces_[i], static_cast<int32_t>(i));
        }
        trie_ = std::make_unique<PieceTrie>(std::move(entries));
    }

    void tokenize(std::string_view word, std::vector<int64_t>& ids) const override {
        if (word.empty()) return;

        // Forward pass: the best path ending at each byte position.
        struct Best {
            double score = 0;
            std::size_t start = 0;
            int64_t id = -1;
            bool reached = false;
        };
        std::vector<Best> best(word.size() + 1);
        best[0].reached = true;
        for (std::size_t start = 0; start < word.size();) {
            std::size_t char_len =
                std::min(utf8_length(static_cast<unsigned char>(word[start])), word.size() - start);
            double here = best[start].score;
            bool single = false;
            trie_->for_each_prefix(word.substr(start), [&](std::size_t len, int32_t id) {
                double candidate = here + scores_[static_cast<std::size_t>(id)];
                Best& target = best[start + len];
                if (!target.reached || candidate > target.score) {
                    target = Best{candidate, start, id, true};
                }
                if (len == char_len) single = true;
            });
            if (!single) {
                double candidate = here + unk_score_;
                Best& target = best[start + char_len];
                if (!target.reached || candidate > target.score) {
                    target = Best{candidate, start, kUnknownPiece, true};
                }
            }
            start += char_len;
        }

        // Backward pass, fusing runs of unknown characters into one piece.
        std::vector<std::pair<std::size_t, std::size_t>> spans;  // [start, end) in bytes
        std::vector<int64_t> span_ids;
        std::size_t end = word.size();
        while (end > 0) {
            const Best& b = best[end];
            bool unknown = b.id == kUnknownPiece || (unk_id_ && b.id == *unk_id_);
            if (unknown && !span_ids.empty() && span_ids.back() == kUnknownPiece) {
                spans.back().first = b.start;
            } else {
                spans.emplace_back(b.start, end);
                span_ids.push_back(unknown ? kUnknownPiece : b.id);
            }
            end = b.start;
        }
        for (std::size_t k = spans.size(); k-- > 0;) {
            if (span_ids[k] != kUnknownPiece) {
                ids.push_back(span_ids[k]);
                continue;
            }
            std::string_view text = word.substr(spans[k].first, spans[k].second - spans[k].first);
            if (byte_fallback_ && append_bytes(text, ids)) continue;
            if (!unk_id_) {
                throw Error(ErrorCode::ModelError,
                            "the tokenizer's Unigram model has no unk_id but the text has a "
                            "character outside its vocabulary; use a model with an unk_id");
            }
            ids.push_back(*unk_id_);
        }
    }

    std::optional<int64_t> token_to_id(std::string_view token) const override {
        auto it = ids_.find(token);
        if (it == ids_.end()) return std::nullopt;
        return it->second;
    }

    std::size_t vocab_size() const override { return pieces_.size(); }

  private:
    static constexpr double kUnkPenalty = 10.0;
    static constexpr int64_t kUnknownPiece = -2;

    bool append_bytes(std::string_view text, std::vector<int64_t>& ids) const {
        std::vector<int64_t> bytes;
        for (unsigned char b : text) {
            auto it = ids_.find(byte_token(b));
            if (it == ids_.end()) return false;
            bytes.push_back(it->second);
        }
        ids.insert(ids.end(), bytes.begin(), bytes.end());
        return true;
    }

    std::vector<std::string> pieces_;
    std::vector<double> scores_;
    std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>> ids_;
    std::optional<int64_t> unk_id_;
    bool byte_fallback_ = false;
    double unk_score_ = 0;
    std::unique_ptr<PieceTrie> trie_;
};

}  // namespace

std::unique_ptr<Model> make_model(const json& c, const std::unordered_set<int64_t>& special_ids,
                                  const std::string& part) {
    if (!c.is_object()) throw SpecError(part + " must be an object");
    std::string type;
    if (auto it = c.find("type"); it != c.end() && it->is_string()) {
        type = it->get<std::string>();
    } else if (c.contains("merges")) {
        type = "BPE";  // older files omit the type
    } else if (c.contains("vocab") && c["vocab"].is_array()) {
        type = "Unigram";
    } else {
        type = "WordPiece";
    }
    try {
        if (type == "WordPiece") return std::make_unique<WordPiece>(c, special_ids, part);
        if (type == "BPE") return std::make_unique<Bpe>(c, special_ids, part);
        if (type == "Unigram") return std::make_unique<Unigram>(c, special_ids, part);
    } catch (const json::exception& e) {
        throw SpecError(fmt::format("{} is malformed ({})", part, e.what()));
    }
    throw SpecError(fmt::format(
        "{}.type \"{}\" is not supported (supported: WordPiece, BPE, Unigram)", part, type));
}

}  // namespace empathic::tok
