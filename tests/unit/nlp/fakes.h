// Stand-ins for a tokenizer and a model, so the scoring contract can be checked with logits
// the test chooses.
//
// FakeTokenizer: one token per whitespace-separated word, "[CLS] premise [SEP] hypothesis
// [SEP]" (3 special tokens), ids handed out per distinct word and remembered, so FakeScorer
// can turn a batch back into words. FakeScorer calls a function of (premise words,
// hypothesis words) for each pair and records every batch it ran.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "nlp/pair_scorer.h"
#include "nlp/tokenizer.h"

namespace empathic::testing {

class FakeTokenizer : public Tokenizer {
  public:
    static constexpr int64_t kPad = 0;
    static constexpr int64_t kCls = 1;
    static constexpr int64_t kSep = 2;

    Encoding encode(std::string_view text) const override {
        Encoding e;
        e.ids.push_back(kCls);
        for (const auto& word : words(text)) e.ids.push_back(id_of(word));
        e.ids.push_back(kSep);
        e.type_ids.assign(e.ids.size(), 0);
        e.attention_mask.assign(e.ids.size(), 1);
        return e;
    }

    Encoding encode_pair(std::string_view premise, std::string_view hypothesis,
                         std::size_t max_length) const override {
        auto a = words(premise);
        auto b = words(hypothesis);
        if (max_length > 0 && a.size() + b.size() + 3 > max_length) {
            a.resize(max_length > b.size() + 3 ? max_length - b.size() - 3 : 0);
        }
        Encoding e;
        e.ids.push_back(kCls);
        for (const auto& w : a) e.ids.push_back(id_of(w));
        e.ids.push_back(kSep);
        e.type_ids.assign(e.ids.size(), 0);
        for (const auto& w : b) e.ids.push_back(id_of(w));
        e.ids.push_back(kSep);
        e.type_ids.resize(e.ids.size(), 1);
        e.attention_mask.assign(e.ids.size(), 1);
        return e;
    }

    std::size_t count_tokens(std::string_view text) const override { return words(text).size(); }
    std::size_t pair_special_tokens() const override { return 3; }
    int64_t pad_id() const override { return kPad; }

    /// The word an id stands for.
    std::string word_of(int64_t id) const {
        std::lock_guard lock(mutex_);
        return by_id_.at(id);
    }

    static std::vector<std::string> words(std::string_view text) {
        std::istringstream in{std::string(text)};
        std::vector<std::string> out;
        for (std::string w; in >> w;) out.push_back(w);
        return out;
    }

  private:
    int64_t id_of(const std::string& word) const {
        std::lock_guard lock(mutex_);
        auto [it, added] = ids_.emplace(word, static_cast<int64_t>(ids_.size()) + 3);
        if (added) by_id_[it->second] = word;
        return it->second;
    }

    mutable std::mutex mutex_;
    mutable std::map<std::string, int64_t> ids_;
    mutable std::map<int64_t, std::string> by_id_;
};

/// Logits of one pair, from its premise and hypothesis words.
using LogitFunction = std::function<std::vector<float>(const std::vector<std::string>& premise,
                                                       const std::vector<std::string>& hypothesis)>;

class FakeScorer : public PairScorer {
  public:
    FakeScorer(const FakeTokenizer& tokenizer, std::size_t classes, LogitFunction logits)
        : tokenizer_(tokenizer), classes_(classes), logits_(std::move(logits)) {}

    LogitMatrix score(const std::vector<const Encoding*>& batch) const override {
        LogitMatrix out;
        out.rows = batch.size();
        out.cols = classes_;
        for (const Encoding* e : batch) {
            std::vector<std::string> premise;
            std::vector<std::string> hypothesis;
            bool second = false;
            for (std::size_t i = 1; i < e->ids.size(); ++i) {
                if (e->ids[i] == FakeTokenizer::kSep) {
                    second = true;
                    continue;
                }
                (second ? hypothesis : premise).push_back(tokenizer_.word_of(e->ids[i]));
            }
            premises.push_back(premise);
            auto row = logits_(premise, hypothesis);
            out.cols = row.size();  // a wrong-sized row shows up as a wrong shape
            out.values.insert(out.values.end(), row.begin(), row.end());
        }
        batch_sizes.push_back(batch.size());
        return out;
    }

    std::size_t num_classes() const override { return classes_; }

    /// Size of every batch run so far, in order.
    mutable std::vector<std::size_t> batch_sizes;
    /// Premise words of every pair run so far, in order.
    mutable std::vector<std::vector<std::string>> premises;

  private:
    const FakeTokenizer& tokenizer_;
    std::size_t classes_;
    LogitFunction logits_;
};

}  // namespace empathic::testing
