// Read access to Princeton WordNet 3.x in its original database files (Debian's wordnet-base:
// index.*, data.*, *.exc), used by the lexical engine to expand labels and lemmatise entries.
//
// Ownership and invariants: a WordNet object owns the text of the four data files and a parsed
// index (lemma -> synset offsets, in WordNet's sense order, most frequent sense first). Synsets
// are parsed on demand from the data text at their byte offset, which is how the database
// addresses them. Nothing changes after load() except an index of the words used in definitions,
// built once on the first defined_with() call under std::call_once; so one object may be shared
// by any number of threads without further locking.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace empathic::lexical {

/// WordNet's four parts of speech (adjective satellites count as adjectives).
enum class Pos : std::uint8_t { Noun = 0, Verb = 1, Adj = 2, Adv = 3 };
inline constexpr Pos kAllPos[] = {Pos::Noun, Pos::Verb, Pos::Adj, Pos::Adv};

/// Lexicographer file numbers (WordNet's word categories) the engine cares about.
namespace lexfile {
inline constexpr int kAdjAll = 0;
inline constexpr int kAdjPert = 1;
inline constexpr int kAdvAll = 2;
inline constexpr int kNounAttribute = 7;
inline constexpr int kNounCognition = 9;
inline constexpr int kNounCommunication = 10;
inline constexpr int kNounFeeling = 12;
inline constexpr int kNounMotive = 16;
inline constexpr int kNounState = 26;
inline constexpr int kVerbCognition = 31;
inline constexpr int kVerbCommunication = 32;
inline constexpr int kVerbEmotion = 37;
inline constexpr int kVerbPerception = 39;
inline constexpr int kAdjPpl = 44;
}  // namespace lexfile

/// A link from one synset to another. `source`/`target` are 1-based word numbers inside the
/// two synsets for lexical links (derived forms, antonyms, ...), 0 for links between meanings.
struct Pointer {
    std::string symbol;  // "@" hypernym, "~" hyponym, "+" derived form, "&" similar to, ...
    Pos pos = Pos::Noun;
    std::uint32_t offset = 0;
    int source = 0;
    int target = 0;
};

/// One meaning: its words (lower-case, spaces as '_'), links, category and definition.
struct Synset {
    Pos pos = Pos::Noun;
    std::uint32_t offset = 0;
    int lexfile = 0;
    std::vector<std::string> words;
    std::vector<Pointer> pointers;
    std::string_view gloss;  // definition and examples, viewing the WordNet object's text
};

/// A synset's address: part of speech and byte offset in that part's data file.
struct SynsetId {
    Pos pos = Pos::Noun;
    std::uint32_t offset = 0;
    bool operator==(const SynsetId&) const = default;
};

class WordNet {
  public:
    /// Loads the database in `dir` (index.*, data.*, *.exc). Throws Error(Unavailable) with
    /// install advice when the files are missing.
    static std::shared_ptr<const WordNet> load(const std::filesystem::path& dir);

    /// $EMPATHIC_WORDNET_DIR, else <data_dir>/wordnet when it holds index.noun, else
    /// /usr/share/wordnet (Debian's wordnet-base).
    static std::filesystem::path default_dir();

    /// Loads default_dir() once per process and returns the same object afterwards.
    static std::shared_ptr<const WordNet> shared();

    /// Synsets of `lemma` (lower-case, '_' between words) as `pos`, most frequent sense
    /// first; nullptr when WordNet does not know it.
    const std::vector<std::uint32_t>* senses(std::string_view lemma, Pos pos) const;

    /// Base forms of an inflected `word` as `pos` that WordNet knows ("felt" -> "feel",
    /// "happier" -> "happy"), using the exception lists and the suffix rules; the word itself
    /// comes first when it is known as it is.
    std::vector<std::string> base_forms(std::string_view word, Pos pos) const;

    /// Base forms over all parts of speech, without duplicates.
    std::vector<std::string> lemmas(std::string_view word) const;

    /// True when `word` or one of its base forms is in WordNet.
    bool knows(std::string_view word) const;

    /// The synset at `id`. Throws Error(Internal) when the offset does not start a synset.
    Synset synset(SynsetId id) const;

    /// Rank (0 = most frequent) of synset `offset` among the senses of `lemma` as `pos`; a
    /// large number when the lemma does not have that sense.
    int sense_rank(std::string_view lemma, Pos pos, std::uint32_t offset) const;

    /// Opposites of `word` in its first few senses ("happy" -> "unhappy"), through the base
    /// forms of an inflected word.
    std::vector<std::string> antonyms(std::string_view word) const;

    /// Synsets whose definition (not the examples) contains `word` as a whole word. The first
    /// call indexes every definition (a few hundred milliseconds, once per process).
    const std::vector<SynsetId>& defined_with(std::string_view word) const;

  private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };
    using Index =
        std::unordered_map<std::string, std::vector<std::uint32_t>, Hash, std::equal_to<>>;
    using Exceptions =
        std::unordered_map<std::string, std::vector<std::string>, Hash, std::equal_to<>>;

    using DefinitionIndex =
        std::unordered_map<std::string, std::vector<SynsetId>, Hash, std::equal_to<>>;

    void index_definitions() const;

    Index index_[4];
    mutable std::once_flag definitions_once_;
    mutable DefinitionIndex definitions_;
    Exceptions exceptions_[4];
    std::string data_[4];
};

}  // namespace empathic::lexical
