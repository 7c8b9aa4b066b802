#include "lexical/lexicon.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "core/error.h"
#include "core/fs_util.h"
#include "core/paths.h"
#include "core/utf8.h"
#include "lexical/text.h"

namespace empathic::lexical {
namespace fs = std::filesystem;
namespace {

// How much of a meaning's weight each WordNet link passes on, by pointer symbol.
constexpr double kDerivedFactor = 0.9;        // "+": anger -> angry
constexpr double kSimilarFactor = 0.75;       // "&": similar adjectives
constexpr double kPertainymFactor = 0.8;      // "\", "<": pertains to, participle of
constexpr double kAttributeFactor = 0.7;      // "=": noun <-> adjective attribute
constexpr double kAlsoSeeFactor = 0.6;        // "^", "$": also see, verb group
constexpr double kHyponymFactor = 0.6;        // "~": kinds of the feeling
constexpr double kHypernymFactor = 0.45;      // "@": what the feeling is a kind of
constexpr double kAntonymFactor = 0.7;        // "!": its opposite, negated
constexpr double kOtherCategoryFactor = 0.5;  // a label sense outside the feeling categories
constexpr double kDefinitionWeight = 0.45;    // words whose definition mentions the label
constexpr std::size_t kMaxDefinitions = 60;   // more: the word is too general to define by
constexpr double kMinWeight = 0.08;           // lighter words are noise, not evidence
constexpr double kSeedWeight = 1.0;
constexpr double kSeedInflectionWeight = 0.9;
constexpr double kWordNetWithSeedsScale = 0.7;  // seed words weigh more than WordNet's
constexpr double kContextUnitWeight = 0.5;      // a label word with no feeling sense ("work")

// Words WordNet links to feelings that say nothing about which feeling an entry expresses.
const std::unordered_set<std::string_view> kTooGeneral = {
    "feel",
    "feeling",
    "feelings",
    "emotion",
    "emotional",
    "mood",
    "state",
    "sense",
    "be",
    "have",
    "get",
    "make",
    "go",
    "do",
    "take",
    "give",
    "thing",
    "way",
    "person",
    "people",
    "one",
    "time",
    "quality",
    "condition",
    "act",
    "cause",
    "experience",
    "show",
    "express",
    "affect",
    "affection",
    "set",
    "put",
    "come",
    "see",
    "know",
    "think",
    "say",
    "tell",
    "want",
    "need",
    "find",
    "look",
    "let",
    "keep",
    "turn",
    "run",
    "move",
    "good",
    "bad",
    "well",
    "great",
    "right",
    "like",
    "hold",
    "form",
    "kind",
    "sort",
    "state_of_mind",
    "attitude",
    "property",
    "situation",
    "concern",
    "matter",
    "work",
    "use",
    "word",
    "mind",
    "head",
    "heart",
    "body",
    "trait",
    "manner",
    "mental_state",
    "psychological_state",
    "reaction",
    "response",
};

/// Categories whose meanings are about feelings, thoughts or what people say: expansion only
/// follows links into these (so "love" does not drift to "bang", nor "pride" to lions).
bool is_affective(const Synset& synset) {
    switch (synset.pos) {
        case Pos::Adj:
        case Pos::Adv: return true;
        case Pos::Noun:
            return synset.lexfile == lexfile::kNounFeeling ||
                   synset.lexfile == lexfile::kNounState ||
                   synset.lexfile == lexfile::kNounCognition ||
                   synset.lexfile == lexfile::kNounCommunication ||
                   synset.lexfile == lexfile::kNounAttribute ||
                   synset.lexfile == lexfile::kNounMotive;
        case Pos::Verb:
            return synset.lexfile == lexfile::kVerbEmotion ||
                   synset.lexfile == lexfile::kVerbCognition ||
                   synset.lexfile == lexfile::kVerbCommunication ||
                   synset.lexfile == lexfile::kVerbPerception;
    }
    return false;
}

/// Categories that name a feeling itself, used to tell a label's feeling words from context.
bool names_a_feeling(const Synset& synset) {
    if (synset.pos == Pos::Adj || synset.pos == Pos::Adv)
        return synset.lexfile != lexfile::kAdjPert;
    return synset.lexfile == lexfile::kNounFeeling || synset.lexfile == lexfile::kNounState ||
           synset.lexfile == lexfile::kVerbEmotion;
}

/// A word counts fully when its emotional sense is its first one, less the further down its
/// list of senses that meaning is ("bang" is a rare word for love).
double sense_rank_factor(int rank) {
    if (rank >= 1000) return 0.5;
    return 1.0 / (1.0 + 0.5 * rank);
}

double link_factor(std::string_view symbol) {
    if (symbol == "+") return kDerivedFactor;
    if (symbol == "&") return kSimilarFactor;
    if (symbol == "\\" || symbol == "<") return kPertainymFactor;
    if (symbol == "=") return kAttributeFactor;
    if (symbol == "^" || symbol == "$") return kAlsoSeeFactor;
    if (symbol == "~") return kHyponymFactor;
    if (symbol == "@") return kHypernymFactor;
    return 0.0;
}

/// True for definitions such as "not feeling gratitude" or "lacking hope": they name the
/// opposite of the word they mention.
bool defines_by_absence(std::string_view gloss) {
    auto definition = gloss.substr(0, gloss.find('"'));
    for (std::string_view cue :
         {"not ", "lack", "without", "absence", "free from", "devoid", "no ", "less than"}) {
        if (definition.find(cue) != std::string_view::npos) return true;
    }
    return false;
}

struct SynsetIdHash {
    std::size_t operator()(const SynsetId& id) const {
        return std::hash<std::uint64_t>{}((std::uint64_t(id.pos) << 32) | id.offset);
    }
};

/// Keeps the largest weight seen for each key.
void raise(std::unordered_map<std::string, double>& map, const std::string& key, double weight) {
    if (key.empty() || weight <= 0.0) return;
    auto& slot = map[key];
    slot = std::max(slot, std::min(weight, 1.0));
}

/// The label's words, lower-cased, as WordNet writes phrases ("burned out" -> "burned_out").
std::vector<std::string> words_of(std::string_view label) {
    std::vector<std::string> out;
    for (auto& token : tokenize(label).tokens) out.push_back(token.lower);
    return out;
}

/// A WordNet entry for the whole phrase, if any ("burned out" -> "burn_out").
std::string phrase_lemma(const std::vector<std::string>& words, const WordNet& wordnet) {
    if (words.size() < 2) return "";
    std::string tail;
    for (std::size_t i = 1; i < words.size(); ++i) tail += "_" + words[i];
    if (!wordnet.lemmas(words[0] + tail).empty()) return words[0] + tail;
    for (auto& head : wordnet.lemmas(words[0])) {
        if (!wordnet.lemmas(head + tail).empty()) return head + tail;
    }
    return "";
}

/// One content unit of a label, expanded through WordNet into `out`.
class Expander {
  public:
    Expander(const WordNet& wordnet, const ExpansionOptions& options, double scale)
        : wordnet_(wordnet), options_(options), scale_(scale) {}

    void expand(const std::string& unit, LabelLexicon& out) {
        // The unit and its base forms are the label word itself.
        std::vector<std::string> forms = {unit};
        for (auto& lemma : wordnet_.lemmas(unit)) {
            if (std::find(forms.begin(), forms.end(), lemma) == forms.end()) forms.push_back(lemma);
        }
        for (auto& form : forms) raise(out.words, form, unit_weight_);
        if (!options_.wordnet || context_only_) return;

        // Its meanings, weighted by how common each sense is.
        std::unordered_map<SynsetId, double, SynsetIdHash> frontier;
        for (auto& form : forms) {
            for (auto pos : kAllPos) {
                const auto* senses = wordnet_.senses(form, pos);
                if (!senses) continue;
                for (std::size_t rank = 0; rank < senses->size(); ++rank) {
                    SynsetId id{pos, (*senses)[rank]};
                    auto synset = wordnet_.synset(id);
                    double weight = sense_rank_factor(static_cast<int>(rank));
                    if (!is_affective(synset)) weight *= kOtherCategoryFactor;
                    auto& slot = frontier[id];
                    slot = std::max(slot, weight);
                }
            }
        }

        // A few hops along the links that keep the meaning, within the feeling categories.
        std::vector<std::string> derived = forms;
        for (int hop = 0; hop <= options_.max_hops && !frontier.empty(); ++hop) {
            std::unordered_map<SynsetId, double, SynsetIdHash> next;
            for (auto& [id, weight] : frontier) {
                auto& best = visited_[id];
                if (best >= weight) continue;
                best = weight;
                auto synset = wordnet_.synset(id);
                add_words(synset, weight, out);
                if (hop == options_.max_hops) continue;
                follow(synset, weight, hop, next, derived, out);
            }
            frontier = std::move(next);
        }

        // Meanings defined with the label word or a form derived from it ("thank: express
        // gratitude").
        if (!options_.glosses) return;
        for (auto& form : derived) {
            if (form.size() < 3 || is_stopword(form)) continue;
            // A word used in many definitions ("work") is too general to define a feeling by:
            // then only meanings that name a feeling count.
            const auto& defined = wordnet_.defined_with(form);
            bool general = defined.size() > kMaxDefinitions;
            for (auto id : defined) {
                auto synset = wordnet_.synset(id);
                if (!is_affective(synset) || defines_by_absence(synset.gloss)) continue;
                if (general && (synset.pos == Pos::Adj || !names_a_feeling(synset))) continue;
                add_words(synset, kDefinitionWeight, out);
            }
        }
    }

    /// Weight of the unit's words; a context unit ("work" in "overwhelmed at work") is not
    /// expanded, since its relatives say nothing about the feeling.
    void set_unit(double weight, bool context_only) {
        unit_weight_ = weight;
        context_only_ = context_only;
    }

  private:
    void add_words(const Synset& synset, double weight, LabelLexicon& out) {
        for (auto& word : synset.words) {
            if (kTooGeneral.contains(word) || is_stopword(word) || word.size() < 2) continue;
            double w =
                weight * sense_rank_factor(wordnet_.sense_rank(word, synset.pos, synset.offset));
            w *= scale_ * unit_weight_;
            if (w < kMinWeight) continue;
            raise(out.words, word, w);
            if (word.find('_') != std::string::npos) {
                auto n = static_cast<int>(std::count(word.begin(), word.end(), '_')) + 1;
                out.max_phrase_words = std::max(out.max_phrase_words, n);
            }
        }
    }

    void follow(const Synset& synset, double weight, int hop,
                std::unordered_map<SynsetId, double, SynsetIdHash>& next,
                std::vector<std::string>& derived, LabelLexicon& out) {
        for (auto& pointer : synset.pointers) {
            SynsetId target_id{pointer.pos, pointer.offset};

            // Opposites feed the negation rule: "not calm" is evidence of anxiety.
            if (pointer.symbol == "!") {
                if (hop > 1) continue;
                auto target = wordnet_.synset(target_id);
                for (std::size_t i = 0; i < target.words.size(); ++i) {
                    if (pointer.target != 0 && static_cast<int>(i + 1) != pointer.target) continue;
                    raise(out.negated, target.words[i],
                          weight * kAntonymFactor * scale_ * unit_weight_);
                }
                continue;
            }

            double factor = link_factor(pointer.symbol);
            if (factor == 0.0 || weight * factor < kMinWeight) continue;
            auto target = wordnet_.synset(target_id);

            // Derived forms keep the exact word even outside the feeling categories.
            if (pointer.symbol == "+" && pointer.target != 0 &&
                pointer.target <= static_cast<int>(target.words.size())) {
                auto& word = target.words[pointer.target - 1];
                if (hop == 0) derived.push_back(word);
                if (!is_affective(target)) {
                    if (!kTooGeneral.contains(word)) {
                        raise(out.words, word, weight * factor * scale_ * unit_weight_);
                    }
                    continue;
                }
            }
            if (!is_affective(target)) continue;
            if (pointer.symbol == "~" && hop > 0 && synset.pos != Pos::Adj) continue;

            auto& slot = next[target_id];
            slot = std::max(slot, weight * factor);
        }
    }

    const WordNet& wordnet_;
    const ExpansionOptions& options_;
    double scale_;
    double unit_weight_ = 1.0;
    bool context_only_ = false;
    std::unordered_map<SynsetId, double, SynsetIdHash> visited_;
};

/// True when one of the first senses of `word` names a feeling.
bool is_feeling_word(const std::string& word, const WordNet& wordnet) {
    constexpr std::size_t kSensesChecked = 3;
    for (auto& lemma : wordnet.lemmas(word)) {
        for (auto pos : kAllPos) {
            const auto* senses = wordnet.senses(lemma, pos);
            if (!senses) continue;
            for (std::size_t i = 0; i < senses->size() && i < kSensesChecked; ++i) {
                if (names_a_feeling(wordnet.synset({pos, (*senses)[i]}))) return true;
            }
        }
    }
    return false;
}

void add_seed(const std::string& seed, const WordNet& wordnet, LabelLexicon& out) {
    auto words = words_of(seed);
    if (words.empty()) return;
    if (words.size() > 1) {
        std::string key = words[0];
        for (std::size_t i = 1; i < words.size(); ++i) key += "_" + words[i];
        raise(out.words, key, kSeedWeight);
        out.max_phrase_words = std::max(out.max_phrase_words, static_cast<int>(words.size()));
        return;
    }
    raise(out.words, words[0], kSeedWeight);
    for (auto& lemma : wordnet.lemmas(words[0])) raise(out.words, lemma, kSeedInflectionWeight);
}

}  // namespace

SeedLists SeedLists::load(const std::vector<fs::path>& files) {
    SeedLists seeds;
    for (const auto& file : files) {
        if (!fs::exists(file)) continue;
        nlohmann::json json;
        try {
            json = nlohmann::json::parse(read_file(file));
        } catch (const nlohmann::json::exception& e) {
            throw Error(ErrorCode::InvalidInput, "seed word file " + file.string() +
                                                     " is not valid JSON (" + e.what() +
                                                     "); fix it or remove it");
        }
        auto bad = [&](const std::string& what) {
            return Error(ErrorCode::InvalidInput, "seed word file " + file.string() + ": " + what);
        };
        if (!json.is_object()) throw bad("expected an object with \"labels\"");
        if (json.contains("labels")) {
            if (!json["labels"].is_object()) throw bad("\"labels\" must map labels to word lists");
            for (auto& [label, words] : json["labels"].items()) {
                if (!words.is_array()) throw bad("the words of '" + label + "' must be a list");
                auto& list = seeds.words[utf8::lower(utf8::trim(label))];
                for (auto& word : words) {
                    if (!word.is_string()) throw bad("the words of '" + label + "' must be text");
                    list.push_back(utf8::lower(utf8::trim(word.get<std::string>())));
                }
            }
        }
        if (json.contains("question_cue")) {
            if (!json["question_cue"].is_array()) throw bad("\"question_cue\" must be a list");
            for (auto& label : json["question_cue"]) {
                if (label.is_string())
                    seeds.question_cue.insert(utf8::lower(label.get<std::string>()));
            }
        }
    }
    return seeds;
}

std::vector<fs::path> SeedLists::default_files() {
    std::vector<fs::path> out;
    for (const auto& dir : {paths::data_dir() / "lexical", paths::home() / "lexical"}) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) continue;
        std::vector<fs::path> found;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            auto name = entry.path().filename().string();
            if (name.starts_with("seeds") && name.ends_with(".json")) found.push_back(entry.path());
        }
        std::sort(found.begin(), found.end());
        out.insert(out.end(), found.begin(), found.end());
    }
    return out;
}

LabelLexicon build_lexicon(std::string_view label, const WordNet& wordnet, const SeedLists& seeds,
                           const ExpansionOptions& options) {
    LabelLexicon out;
    auto key = utf8::lower(label);
    auto words = words_of(label);

    // The label's content units: the whole phrase when WordNet knows it, else its content words.
    std::vector<std::string> units;
    if (auto phrase = phrase_lemma(words, wordnet); !phrase.empty()) {
        units.push_back(phrase);
    } else {
        for (auto& word : words) {
            if (!is_stopword(word)) units.push_back(word);
        }
        if (units.empty()) units = words;
    }

    // Seeds for the label as written, else for one of its forms.
    const std::vector<std::string>* seed_words = nullptr;
    if (options.seeds) {
        if (auto it = seeds.words.find(key); it != seeds.words.end()) seed_words = &it->second;
        if (!seed_words && units.size() == 1) {
            for (auto& lemma : wordnet.lemmas(units[0])) {
                if (auto it = seeds.words.find(lemma); it != seeds.words.end()) {
                    seed_words = &it->second;
                    break;
                }
            }
        }
    }
    out.question_cue = seeds.question_cue.contains(key);

    // Feeling words carry the label; the other words ("work") set the scene and weigh less.
    std::vector<double> unit_weights;
    double total = 0.0;
    for (auto& unit : units) {
        double w = units.size() == 1 || is_feeling_word(unit, wordnet) ? 1.0 : kContextUnitWeight;
        unit_weights.push_back(w);
        total += w;
    }
    double scale = seed_words ? kWordNetWithSeedsScale : 1.0;
    Expander expander(wordnet, options, scale);
    for (std::size_t i = 0; i < units.size(); ++i) {
        expander.set_unit(unit_weights[i] / total, unit_weights[i] < 1.0);
        expander.expand(units[i], out);
    }
    if (units.size() > 1) {
        std::string joined = words[0];
        for (std::size_t i = 1; i < words.size(); ++i) joined += "_" + words[i];
        raise(out.words, joined, 1.0);
        out.max_phrase_words = std::max(out.max_phrase_words, static_cast<int>(words.size()));
    }

    // Opposites reached through the expansion are not evidence for the label.
    for (auto& [word, weight] : out.negated) {
        if (out.words.contains(word) && out.words[word] < 1.0) out.words.erase(word);
    }

    if (seed_words) {
        for (auto& seed : *seed_words) add_seed(seed, wordnet, out);
    }
    return out;
}

}  // namespace empathic::lexical
