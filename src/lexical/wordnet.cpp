#include "lexical/wordnet.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <span>

#include "core/error.h"
#include "core/fs_util.h"
#include "core/log.h"
#include "core/paths.h"

namespace empathic::lexical {
namespace fs = std::filesystem;
namespace {

constexpr const char* kPosFileNames[] = {"noun", "verb", "adj", "adv"};

/// Suffix rules of WordNet's morphology: an inflected ending and what replaces it.
struct Detachment {
    std::string_view suffix;
    std::string_view ending;
};
constexpr Detachment kNounRules[] = {{"s", ""},      {"ses", "s"},   {"xes", "x"},   {"zes", "z"},
                                     {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}};
constexpr Detachment kVerbRules[] = {{"s", ""},   {"ies", "y"}, {"es", "e"},  {"es", ""},
                                     {"ed", "e"}, {"ed", ""},   {"ing", "e"}, {"ing", ""}};
constexpr Detachment kAdjRules[] = {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}};

std::span<const Detachment> rules_for(Pos pos) {
    switch (pos) {
        case Pos::Noun: return kNounRules;
        case Pos::Verb: return kVerbRules;
        case Pos::Adj: return kAdjRules;
        case Pos::Adv: return {};
    }
    return {};
}

Pos pos_from_char(char c) {
    switch (c) {
        case 'n': return Pos::Noun;
        case 'v': return Pos::Verb;
        case 'a':
        case 's': return Pos::Adj;
        case 'r': return Pos::Adv;
        default: throw Error(ErrorCode::Internal, "WordNet data has an unknown part of speech");
    }
}

/// Splits `line` at spaces, skipping empty fields.
std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && line[i] == ' ') ++i;
        auto start = i;
        while (i < line.size() && line[i] != ' ') ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

template <typename T>
T parse_number(std::string_view text, int base = 10) {
    T value{};
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (ec != std::errc()) throw Error(ErrorCode::Internal, "WordNet data has a bad number");
    return value;
}

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
}

}  // namespace

fs::path WordNet::default_dir() {
    if (const char* env = std::getenv("EMPATHIC_WORDNET_DIR"); env && *env) return env;
    auto bundled = paths::data_dir() / "wordnet";
    if (fs::exists(bundled / "index.noun")) return bundled;
    return "/usr/share/wordnet";
}

std::shared_ptr<const WordNet> WordNet::shared() {
    static std::mutex mutex;
    static std::shared_ptr<const WordNet> instance;
    std::lock_guard lock(mutex);
    if (!instance) instance = load(default_dir());
    return instance;
}

std::shared_ptr<const WordNet> WordNet::load(const fs::path& dir) {
    auto started = std::chrono::steady_clock::now();
    if (!fs::exists(dir / "index.noun") || !fs::exists(dir / "data.noun")) {
        throw Error(ErrorCode::Unavailable,
                    "WordNet is not installed in " + dir.string() +
                        "; install it with `sudo apt-get install wordnet-base` (or run "
                        "scripts/bootstrap), or set EMPATHIC_WORDNET_DIR to its folder");
    }

    auto wordnet = std::make_shared<WordNet>();
    for (auto pos : kAllPos) {
        auto p = static_cast<int>(pos);
        std::string name = kPosFileNames[p];
        wordnet->data_[p] = read_file(dir / ("data." + name));

        // index.<pos>: lemma pos synset_cnt p_cnt [ptr...] sense_cnt tagsense_cnt offsets...
        auto index_text = read_file(dir / ("index." + name));
        std::string_view rest = index_text;
        while (!rest.empty()) {
            auto eol = rest.find('\n');
            auto line = rest.substr(0, eol);
            rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
            if (line.empty() || line[0] == ' ') continue;
            auto f = fields(line);
            if (f.size() < 4) continue;
            auto synset_count = parse_number<std::size_t>(f[2]);
            auto pointer_count = parse_number<std::size_t>(f[3]);
            auto first = 4 + pointer_count + 2;
            if (f.size() < first + synset_count) continue;
            std::vector<std::uint32_t> offsets;
            offsets.reserve(synset_count);
            for (std::size_t i = 0; i < synset_count; ++i) {
                offsets.push_back(parse_number<std::uint32_t>(f[first + i]));
            }
            wordnet->index_[p].emplace(std::string(f[0]), std::move(offsets));
        }

        // <pos>.exc: inflected form followed by its base forms.
        auto exc_path = dir / (name + ".exc");
        if (!fs::exists(exc_path)) continue;
        auto exc_text = read_file(exc_path);
        rest = exc_text;
        while (!rest.empty()) {
            auto eol = rest.find('\n');
            auto line = rest.substr(0, eol);
            rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
            auto f = fields(line);
            if (f.size() < 2) continue;
            auto& bases = wordnet->exceptions_[p][std::string(f[0])];
            for (std::size_t i = 1; i < f.size(); ++i) bases.emplace_back(f[i]);
        }
    }

    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count();
    EMP_LOG_INFO("lexical", "loaded WordNet from {} in {:.0f} ms", dir.string(), ms);
    return wordnet;
}

const std::vector<std::uint32_t>* WordNet::senses(std::string_view lemma, Pos pos) const {
    const auto& index = index_[static_cast<int>(pos)];
    auto it = index.find(lemma);
    return it == index.end() ? nullptr : &it->second;
}

std::vector<std::string> WordNet::base_forms(std::string_view word, Pos pos) const {
    std::vector<std::string> out;
    auto add = [&](std::string candidate) {
        if (senses(candidate, pos) && std::find(out.begin(), out.end(), candidate) == out.end()) {
            out.push_back(std::move(candidate));
        }
    };

    add(std::string(word));
    const auto& exceptions = exceptions_[static_cast<int>(pos)];
    if (auto it = exceptions.find(word); it != exceptions.end()) {
        for (const auto& base : it->second) add(base);
    }
    for (const auto& rule : rules_for(pos)) {
        if (word.size() <= rule.suffix.size() + 1 || !word.ends_with(rule.suffix)) continue;
        auto stem = std::string(word.substr(0, word.size() - rule.suffix.size()));
        add(stem + std::string(rule.ending));

        // "stopped", "sobbing": the doubled final consonant of the stem goes too.
        if (pos == Pos::Verb && rule.ending.empty() && rule.suffix != "s" && stem.size() > 2 &&
            stem.back() == stem[stem.size() - 2]) {
            add(stem.substr(0, stem.size() - 1));
        }
    }
    return out;
}

std::vector<std::string> WordNet::lemmas(std::string_view word) const {
    std::vector<std::string> out;
    for (auto pos : kAllPos) {
        for (auto& base : base_forms(word, pos)) {
            if (std::find(out.begin(), out.end(), base) == out.end()) out.push_back(base);
        }
    }
    return out;
}

bool WordNet::knows(std::string_view word) const {
    for (auto pos : kAllPos) {
        if (!base_forms(word, pos).empty()) return true;
    }
    return false;
}

Synset WordNet::synset(SynsetId id) const {
    const auto& data = data_[static_cast<int>(id.pos)];
    auto bad = [] { return Error(ErrorCode::Internal, "WordNet index points outside a synset"); };
    if (id.offset >= data.size()) throw bad();
    std::string_view line(data.data() + id.offset, data.size() - id.offset);
    line = line.substr(0, line.find('\n'));

    auto bar = line.find(" | ");
    Synset synset;
    synset.pos = id.pos;
    synset.offset = id.offset;
    if (bar != std::string_view::npos) synset.gloss = line.substr(bar + 3);
    auto f = fields(line.substr(0, bar));
    if (f.size() < 4 || parse_number<std::uint32_t>(f[0]) != id.offset) throw bad();

    // offset lexfile ss_type w_cnt (word lex_id)... p_cnt (symbol offset pos source/target)...
    synset.lexfile = parse_number<int>(f[1]);
    auto word_count = parse_number<std::size_t>(f[3], 16);
    std::size_t i = 4;
    for (std::size_t w = 0; w < word_count && i + 1 < f.size(); ++w, i += 2) {
        auto word = f[i];
        if (auto paren = word.find('('); paren != std::string_view::npos) {
            word = word.substr(0, paren);  // adjective position markers: "(p)", "(a)", "(ip)"
        }
        synset.words.push_back(lower_ascii(word));
    }
    if (i >= f.size()) return synset;
    auto pointer_count = parse_number<std::size_t>(f[i++]);
    for (std::size_t k = 0; k < pointer_count && i + 3 < f.size(); ++k, i += 4) {
        Pointer pointer;
        pointer.symbol = std::string(f[i]);
        pointer.offset = parse_number<std::uint32_t>(f[i + 1]);
        pointer.pos = pos_from_char(f[i + 2][0]);
        auto source_target = f[i + 3];
        if (source_target.size() == 4) {
            pointer.source = parse_number<int>(source_target.substr(0, 2), 16);
            pointer.target = parse_number<int>(source_target.substr(2, 2), 16);
        }
        synset.pointers.push_back(std::move(pointer));
    }
    return synset;
}

int WordNet::sense_rank(std::string_view lemma, Pos pos, std::uint32_t offset) const {
    constexpr int kNotASense = 1000;
    const auto* list = senses(lemma, pos);
    if (!list) return kNotASense;
    auto it = std::find(list->begin(), list->end(), offset);
    return it == list->end() ? kNotASense : static_cast<int>(it - list->begin());
}

std::vector<std::string> WordNet::antonyms(std::string_view word) const {
    constexpr std::size_t kSensesRead = 3;
    std::vector<std::string> out;
    for (auto pos : kAllPos) {
        for (const auto& base : base_forms(word, pos)) {
            const auto& offsets = *senses(base, pos);
            for (std::size_t i = 0; i < offsets.size() && i < kSensesRead; ++i) {
                auto synset = this->synset({pos, offsets[i]});
                auto word_number = std::find(synset.words.begin(), synset.words.end(), base) -
                                   synset.words.begin() + 1;
                for (const auto& pointer : synset.pointers) {
                    if (pointer.symbol != "!" ||
                        (pointer.source != 0 && pointer.source != word_number)) {
                        continue;
                    }
                    auto opposite = this->synset({pointer.pos, pointer.offset});
                    if (pointer.target < 1 ||
                        pointer.target > static_cast<int>(opposite.words.size())) {
                        continue;
                    }
                    auto& antonym = opposite.words[pointer.target - 1];
                    if (std::find(out.begin(), out.end(), antonym) == out.end()) {
                        out.push_back(antonym);
                    }
                }
            }
        }
    }
    return out;
}

const std::vector<SynsetId>& WordNet::defined_with(std::string_view word) const {
    static const std::vector<SynsetId> kNone;
    std::call_once(definitions_once_, [this] { index_definitions(); });
    auto it = definitions_.find(word);
    return it == definitions_.end() ? kNone : it->second;
}

void WordNet::index_definitions() const {
    auto started = std::chrono::steady_clock::now();
    for (auto pos : kAllPos) {
        const auto& data = data_[static_cast<int>(pos)];
        std::size_t line_start = 0;
        while (line_start < data.size()) {
            auto line_end = data.find('\n', line_start);
            if (line_end == std::string::npos) line_end = data.size();
            std::string_view line(data.data() + line_start, line_end - line_start);
            auto offset = static_cast<std::uint32_t>(line_start);
            line_start = line_end + 1;
            if (line.empty() || line[0] == ' ') continue;  // the licence at the top

            // The definition: after " | ", up to the first quoted example.
            auto bar = line.find(" | ");
            if (bar == std::string_view::npos) continue;
            auto definition = line.substr(bar + 3);
            definition = definition.substr(0, definition.find('"'));

            std::string word;
            auto flush = [&] {
                while (!word.empty() && word.back() == '-') word.pop_back();
                if (word.size() > 1) {
                    auto& list = definitions_[word];
                    if (list.empty() || !(list.back() == SynsetId{pos, offset})) {
                        list.push_back({pos, offset});
                    }
                }
                word.clear();
            };
            for (char c : definition) {
                if (is_word_char(c)) {
                    word += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
                } else {
                    flush();
                }
            }
            flush();
        }
    }
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count();
    EMP_LOG_INFO("lexical", "indexed {} definition words in {:.0f} ms", definitions_.size(), ms);
}

}  // namespace empathic::lexical
