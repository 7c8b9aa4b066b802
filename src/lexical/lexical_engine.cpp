#include "lexical/lexical_engine.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <numeric>
#include <unordered_map>

#include "core/error.h"
#include "core/log.h"
#include "lexical/lexicon.h"
#include "lexical/text.h"
#include "lexical/wordnet.h"

namespace empathic {
namespace {

using lexical::LabelLexicon;
using lexical::Tokenized;

constexpr double kGain = 0.7;             // score of one full-weight match
constexpr double kMaxMatch = 0.95;        // no single word makes a label certain
constexpr double kNegatedOpposite = 0.8;  // "not calm" for "anxious", relative to "anxious"
constexpr double kQuestionCue = 0.5;      // a question, for curiosity and confusion
constexpr double kShouted = 1.2;          // "I'm SO happy"
constexpr double kExclaimed = 1.1;        // a sentence ending in "!"
constexpr double kHedged = 0.6;           // "kind of", "sort of"
constexpr int kNegationReach = 4;         // words a negation reaches forward
constexpr int kModifierReach = 2;         // modifiers read before a word
constexpr int kRepeatsCounted = 2;        // the same word counts at most twice
constexpr double kUnderstoodShare = 0.5;  // share of known words needed to read a text
constexpr int kMaxPhraseWords = 4;

/// An entry's words prepared for lookup, shared by every label of one request.
struct ReadText {
    Tokenized text;
    std::vector<std::vector<std::string>> keys;       // per word: as written, then base forms
    std::vector<double> modifier;                     // intensity applied to the word
    std::vector<bool> negated;                        // inside a negation's scope
    std::vector<std::vector<std::string>> opposites;  // of negated words: "not happy" -> unhappy
    /// phrases[i][n - 2]: keys of the phrase of n words starting at word i.
    std::vector<std::vector<std::vector<std::string>>> phrases;
    bool understood = true;
};

/// One piece of evidence for a label.
struct Match {
    double weight = 0.0;
    std::size_t sentence = 0;
    std::size_t first = 0;  // words [first, last)
    std::size_t last = 0;
    bool negated_opposite = false;
};

bool same_clause(const Tokenized& text, std::size_t a, std::size_t b) {
    return text.tokens[a].clause == text.tokens[b].clause;
}

ReadText read_text(const std::string& text, const lexical::WordNet& wordnet, int max_phrase) {
    ReadText read;
    read.text = lexical::tokenize(text);
    const auto& tokens = read.text.tokens;
    auto n = tokens.size();
    read.keys.resize(n);
    read.modifier.assign(n, 1.0);
    read.negated.assign(n, false);

    // Words as written and their base forms; and whether the text is English we can read.
    std::size_t counted = 0;
    std::size_t known = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& word = tokens[i].lower;
        auto& keys = read.keys[i];
        keys.push_back(word);
        if (!tokens[i].latin) {
            ++counted;
            continue;
        }
        auto stem = word;
        if (stem.ends_with("'s")) stem.resize(stem.size() - 2);
        for (auto& lemma : wordnet.lemmas(stem)) {
            if (lemma != word) keys.push_back(std::move(lemma));
        }
        bool digits =
            std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (digits) continue;
        ++counted;
        if (keys.size() > 1 || lexical::is_stopword(word) || lexical::is_negation(word) ||
            lexical::intensity_of(word) != 1.0 || wordnet.knows(word)) {
            ++known;
        }
    }
    read.understood = counted > 0 && known > 0 &&
                      static_cast<double>(known) >= kUnderstoodShare * static_cast<double>(counted);

    // Negation scope and modifiers, within the word's clause.
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t back = 1; back <= kNegationReach && back <= i; ++back) {
            auto j = i - back;
            if (!same_clause(read.text, i, j) || lexical::is_contrast(tokens[j].lower)) break;
            if (lexical::is_negation(tokens[j].lower)) {
                read.negated[i] = true;
                break;
            }
        }
        double factor = 1.0;
        for (std::size_t back = 1; back <= kModifierReach && back <= i; ++back) {
            auto j = i - back;
            if (!same_clause(read.text, i, j)) break;
            double f = lexical::intensity_of(tokens[j].lower);
            if (f == 1.0 && back == 1 && tokens[j].lower == "of" && j > 0 &&
                (tokens[j - 1].lower == "kind" || tokens[j - 1].lower == "sort")) {
                f = kHedged;
            }
            if (f == 1.0) break;
            factor *= f;
        }
        if (tokens[i].shouted) factor *= kShouted;
        auto sentence = tokens[i].sentence;
        if (sentence < read.text.sentences.size() && read.text.sentences[sentence].exclamation) {
            factor *= kExclaimed;
        }
        read.modifier[i] = factor;
    }

    read.opposites.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (read.negated[i] && tokens[i].latin)
            read.opposites[i] = wordnet.antonyms(tokens[i].lower);
    }

    // Phrases: words joined with '_', as written and with the last word's base form.
    read.phrases.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        std::string written = tokens[i].lower;
        for (int len = 2; len <= max_phrase && i + len <= n; ++len) {
            auto last = i + len - 1;
            if (tokens[last].sentence != tokens[i].sentence) break;
            written += "_" + tokens[last].lower;
            std::vector<std::string> keys = {written};
            auto prefix = written.substr(0, written.size() - tokens[last].lower.size());
            for (std::size_t k = 1; k < read.keys[last].size(); ++k) {
                keys.push_back(prefix + read.keys[last][k]);
            }
            std::string base_first = read.keys[i].size() > 1 ? read.keys[i][1] : tokens[i].lower;
            keys.push_back(base_first + written.substr(tokens[i].lower.size()));
            read.phrases[i].push_back(std::move(keys));
        }
    }
    return read;
}

double lookup(const std::unordered_map<std::string, double>& map,
              const std::vector<std::string>& keys) {
    double best = 0.0;
    for (const auto& key : keys) {
        if (auto it = map.find(key); it != map.end()) best = std::max(best, it->second);
    }
    return best;
}

/// The matches of one label in a read text.
std::vector<Match> match_label(const ReadText& read, const LabelLexicon& lexicon) {
    std::vector<Match> matches;
    const auto& tokens = read.text.tokens;
    std::unordered_map<std::string, int> repeats;

    std::size_t i = 0;
    while (i < tokens.size()) {
        // The longest phrase of the lexicon starting here, else the word.
        double weight = 0.0;
        std::size_t length = 1;
        for (int len = std::min(lexicon.max_phrase_words, kMaxPhraseWords); len >= 2; --len) {
            if (static_cast<std::size_t>(len - 2) >= read.phrases[i].size()) continue;
            weight = lookup(lexicon.words, read.phrases[i][len - 2]);
            if (weight > 0.0) {
                length = static_cast<std::size_t>(len);
                break;
            }
        }
        if (weight == 0.0) weight = lookup(lexicon.words, read.keys[i]);

        Match match{0.0, tokens[i].sentence, i, i + length, false};
        if (weight > 0.0 && !read.negated[i]) {
            match.weight = weight * read.modifier[i];
        } else if (read.negated[i]) {
            double opposite = std::max(lookup(lexicon.negated, read.keys[i]),
                                       lookup(lexicon.words, read.opposites[i]));
            match.weight = opposite * kNegatedOpposite;
            match.negated_opposite = true;
        }
        if (match.weight > 0.0 && ++repeats[read.keys[i].back()] <= kRepeatsCounted) {
            matches.push_back(match);
        }
        i += length;
    }

    // A question is evidence of the labels that ask (curiosity, confusion).
    if (lexicon.question_cue) {
        for (std::size_t s = 0; s < read.text.sentences.size(); ++s) {
            if (!read.text.sentences[s].question) continue;
            Match match;
            match.weight = kQuestionCue;
            match.sentence = s;
            matches.push_back(match);
            break;
        }
    }
    return matches;
}

double calibrate(const std::vector<Match>& matches) {
    double none = 1.0;
    for (const auto& match : matches) none *= 1.0 - std::min(kMaxMatch, kGain * match.weight);
    return 1.0 - none;
}

/// The sentence holding the most evidence, as a byte span; empty when nothing matched.
Span evidence_span(const ReadText& read, const std::vector<Match>& matches) {
    if (matches.empty() || read.text.sentences.empty()) return {};
    std::vector<double> per_sentence(read.text.sentences.size(), 0.0);
    for (const auto& match : matches) {
        if (match.sentence < per_sentence.size()) per_sentence[match.sentence] += match.weight;
    }
    auto best = std::max_element(per_sentence.begin(), per_sentence.end()) - per_sentence.begin();
    const auto& sentence = read.text.sentences[best];
    return {sentence.start, sentence.end};
}

std::string model_id_for(const LexicalOptions& options) {
    if (options.expansion == LexicalOptions::Expansion::LabelWord) return "lexical-labelword-1";
    return options.seeds ? kLexicalModelId : "lexical-wordnet-noseeds-1";
}

}  // namespace

struct LexicalEngine::Impl {
    LexicalOptions options;
    std::shared_ptr<const lexical::WordNet> wordnet;
    lexical::SeedLists seeds;
    lexical::ExpansionOptions expansion;
    std::string model_id;

    std::mutex mutex;  // guards lexicons
    std::unordered_map<std::string, std::shared_ptr<const LabelLexicon>> lexicons;

    /// The lexicon of `label`, built on first use and cached.
    std::shared_ptr<const LabelLexicon> lexicon(const std::string& label) {
        {
            std::lock_guard lock(mutex);
            if (auto it = lexicons.find(label); it != lexicons.end()) return it->second;
        }
        auto built = std::make_shared<const LabelLexicon>(
            lexical::build_lexicon(label, *wordnet, seeds, expansion));
        std::lock_guard lock(mutex);
        return lexicons.emplace(label, std::move(built)).first->second;
    }

    struct Scored {
        ReadText read;
        std::vector<std::vector<Match>> matches;  // per label, request order
        std::vector<double> scores;
    };

    Scored score(const ClassifyRequest& request) {
        std::vector<std::shared_ptr<const LabelLexicon>> lexicons_used;
        int max_phrase = 1;
        for (const auto& label : request.labels) {
            lexicons_used.push_back(lexicon(label));
            max_phrase = std::max(max_phrase, lexicons_used.back()->max_phrase_words);
        }

        Scored scored;
        scored.read = read_text(request.text, *wordnet, std::min(max_phrase, kMaxPhraseWords));
        for (const auto& lexicon : lexicons_used) {
            if (!scored.read.understood) {
                scored.matches.emplace_back();
                scored.scores.push_back(0.0);
                continue;
            }
            scored.matches.push_back(match_label(scored.read, *lexicon));
            scored.scores.push_back(calibrate(scored.matches.back()));
        }
        return scored;
    }
};

LexicalEngine::LexicalEngine(const LexicalOptions& options) : impl_(std::make_unique<Impl>()) {
    auto started = std::chrono::steady_clock::now();
    impl_->options = options;
    impl_->wordnet = options.wordnet_dir.empty() ? lexical::WordNet::shared()
                                                 : lexical::WordNet::load(options.wordnet_dir);
    impl_->expansion.wordnet = options.expansion == LexicalOptions::Expansion::WordNet;
    impl_->expansion.glosses = impl_->expansion.wordnet;
    impl_->expansion.seeds = options.seeds;
    if (options.seeds) {
        impl_->seeds = lexical::SeedLists::load(
            options.seed_files.empty() ? lexical::SeedLists::default_files() : options.seed_files);
    }
    impl_->model_id = model_id_for(options);
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count();
    EMP_LOG_INFO("lexical", "engine {} ready in {:.0f} ms ({} seeded labels)", impl_->model_id, ms,
                 impl_->seeds.words.size());
}

LexicalEngine::~LexicalEngine() = default;

Classification LexicalEngine::classify(const ClassifyRequest& request) {
    auto scored = impl_->score(request);

    Classification result;
    result.sequence = request.text;
    result.engine = kind();
    result.model = impl_->model_id;
    result.multi_label = request.multi_label;
    result.hypothesis_template = request.hypothesis_template;
    result.understood = scored.read.understood;
    if (!result.understood) {
        result.warnings.push_back(
            "the lexical engine reads English only and could not read this text, so it gave no "
            "tags; install an NLI model that knows the language (empathic model pull) to tag it");
    }

    // Single-label mode: scores shared out so they sum to 1 (evenly when nothing matched).
    auto scores = scored.scores;
    auto n = scores.size();
    if (!request.multi_label && n > 1 && result.understood) {
        double total = std::accumulate(scores.begin(), scores.end(), 0.0);
        for (auto& score : scores) score = total > 0.0 ? score / total : 1.0 / n;
    }

    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    for (auto i : order) {
        result.labels.push_back(request.labels[i]);
        result.scores.push_back(scores[i]);
        result.evidence.push_back(evidence_span(scored.read, scored.matches[i]));
    }
    return result;
}

std::vector<LexicalEvidence> LexicalEngine::explain(const ClassifyRequest& request) {
    auto scored = impl_->score(request);
    std::vector<LexicalEvidence> out;
    const auto& tokens = scored.read.text.tokens;
    for (std::size_t i = 0; i < request.labels.size(); ++i) {
        LexicalEvidence evidence;
        evidence.label = request.labels[i];
        evidence.score = scored.scores[i];
        evidence.sentence = evidence_span(scored.read, scored.matches[i]);
        for (const auto& match : scored.matches[i]) {
            if (match.last <= match.first) continue;  // a cue with no word (question mark)
            auto start = tokens[match.first].start;
            auto end = tokens[match.last - 1].end;
            std::string words = request.text.substr(start, end - start);
            if (match.negated_opposite) words = "not " + words;
            evidence.words.push_back(std::move(words));
        }
        out.push_back(std::move(evidence));
    }
    return out;
}

std::string LexicalEngine::kind() const {
    return "lexical";
}

std::string LexicalEngine::model_id() const {
    return impl_->model_id;
}

std::unique_ptr<Engine> make_lexical_engine() {
    return make_lexical_engine(LexicalOptions{});
}

std::unique_ptr<Engine> make_lexical_engine(const LexicalOptions& options) {
    return std::make_unique<LexicalEngine>(options);
}

}  // namespace empathic
