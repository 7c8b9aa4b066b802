// Tokenizer models: the step that turns one pre-tokenized word into vocabulary ids.
// WordPiece (greedy longest match), BPE (merges by rank, with a per-word cache) and Unigram
// (Viterbi over piece scores), built from the "model" object of tokenizer.json.
//
// Special tokens (the added tokens marked "special") are never produced from text: the models
// skip those pieces, so an entry that contains "</s>" or "[SEP]" cannot inject them.
// Models are immutable after loading except the BPE cache, which is guarded by a mutex, so
// one model may be shared between threads.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace empathic::tok {

/// Turns words into ids.
class Model {
  public:
    virtual ~Model() = default;

    /// Appends the ids of `word` (one pre-token) to `ids`.
    virtual void tokenize(std::string_view word, std::vector<int64_t>& ids) const = 0;

    /// Id of a vocabulary entry, if present.
    virtual std::optional<int64_t> token_to_id(std::string_view token) const = 0;

    /// Number of ids the vocabulary uses (largest id + 1).
    virtual std::size_t vocab_size() const = 0;
};

/// Builds the model described by `config`. `special_ids` are the ids never produced from text.
/// Throws SpecError naming the part for malformed or unsupported models.
std::unique_ptr<Model> make_model(const nlohmann::json& config,
                                  const std::unordered_set<int64_t>& special_ids,
                                  const std::string& part);

}  // namespace empathic::tok
