// The text stages of a Hugging Face tokenizer: normalizers (rewrite the text) and
// pre-tokenizers (cut it into words), built from the "normalizer" and "pre_tokenizer" objects
// of tokenizer.json. Each stage is immutable after construction and safe to share between
// threads.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace empathic::tok {

/// A malformed or unsupported part of tokenizer.json; the message names the part. The loader
/// turns it into Error(ModelError) naming the file.
class SpecError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Rewrites text before it is cut into words (lower-casing, accents, Unicode forms, ...).
class Normalizer {
  public:
    virtual ~Normalizer() = default;
    /// The normalized form of valid UTF-8 `text`.
    virtual std::string normalize(std::string text) const = 0;
};

/// Cuts normalized text into words, each of which the model tokenizes on its own.
class PreTokenizer {
  public:
    virtual ~PreTokenizer() = default;
    /// Replaces `words` by their pieces. `first_section` is true for the start of a text
    /// (Metaspace's prepend_scheme "first" looks at it).
    virtual void split(std::vector<std::string>& words, bool first_section) const = 0;
};

/// Builds the normalizer described by `config` (null gives nullptr). `part` names the
/// object in error messages ("normalizer"). Throws SpecError.
std::unique_ptr<Normalizer> make_normalizer(const nlohmann::json& config, const std::string& part);

/// Builds the pre-tokenizer described by `config` (null gives nullptr). Throws SpecError.
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const nlohmann::json& config,
                                                 const std::string& part);

/// The byte-to-character table of byte-level BPE: byte b stands for code point
/// byte_to_unicode()[b], so every byte sequence becomes printable text.
const std::array<char32_t, 256>& byte_to_unicode();

/// Decodes standard base64 (padding optional). Throws SpecError on bad input.
std::string base64_decode(std::string_view text, const std::string& part);

}  // namespace empathic::tok
