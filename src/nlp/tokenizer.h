// Tokenizers read from a model's tokenizer.json (Hugging Face tokenizers format), producing
// exactly the ids the reference implementation produces, so scores do not drift.
//
// Supported: WordPiece (BERT family), byte-level BPE (RoBERTa, BART, ModernBERT) and Unigram
// (DeBERTa-v3, XLM-RoBERTa), with their normalizers, pre-tokenizers and the post-processors
// that build "[CLS] premise [SEP] hypothesis [SEP]" (or "<s> a </s></s> b </s>") with the
// right token type ids. Text that looks like a special token ("[SEP]", "</s>") in the user's
// input is always plain text.
//
// A Tokenizer is immutable after loading and safe to share between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

namespace empathic {

/// Model inputs for one sequence or pair, all three the same length.
struct Encoding {
    std::vector<int64_t> ids;
    std::vector<int64_t> type_ids;
    std::vector<int64_t> attention_mask;
};

class Tokenizer {
  public:
    virtual ~Tokenizer() = default;

    /// Loads tokenizer.json; `tokenizer_config` (tokenizer_config.json) may be empty and is used
    /// only for settings tokenizer.json lacks. Throws Error(ModelError) naming the file and the
    /// unsupported or malformed part.
    static std::unique_ptr<Tokenizer> load(const std::filesystem::path& tokenizer_json,
                                           const std::filesystem::path& tokenizer_config = {});

    /// Encodes one text with the post-processor's single-sequence template. Throws
    /// Error(InvalidInput) when `text` is not valid UTF-8 (so do the methods below).
    virtual Encoding encode(std::string_view text) const = 0;

    /// Encodes a (premise, hypothesis) pair. When the result would exceed `max_length` tokens
    /// (0 = no limit), tokens are cut from the end of the premise only; the hypothesis is
    /// never cut: when it and the special tokens alone leave no room for the premise, this
    /// throws Error(TooLarge).
    virtual Encoding encode_pair(std::string_view premise, std::string_view hypothesis,
                                 std::size_t max_length = 0) const = 0;

    /// Number of tokens `text` becomes, without special tokens (for chunking long entries).
    virtual std::size_t count_tokens(std::string_view text) const = 0;

    /// Number of special tokens the post-processor adds to a pair (3 for BERT, 4 for RoBERTa).
    virtual std::size_t pair_special_tokens() const = 0;

    /// Id used to pad a batch.
    virtual int64_t pad_id() const = 0;

    /// Ids of `text` without special tokens (what count_tokens counts).
    virtual std::vector<int64_t> tokenize(std::string_view text) const { return encode(text).ids; }

    /// Longest input the model accepts, from tokenizer_config.json's model_max_length or
    /// tokenizer.json's truncation; 0 when neither says.
    virtual std::size_t model_max_length() const { return 0; }

    /// Number of ids the vocabulary uses, added tokens included (largest id + 1).
    virtual std::size_t vocab_size() const { return 0; }
};

}  // namespace empathic
