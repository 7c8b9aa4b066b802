// Loading tokenizer.json and running its stages: split off non-special added tokens,
// normalize, pre-tokenize, run the model, then the post-processor's template.
//
// Special added tokens ("[CLS]", "</s>", ...) are only ever inserted by the template: text that
// spells them is tokenized as ordinary text, and the models never produce their ids.
#include "nlp/tokenizer.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <unordered_set>

#include "core/error.h"
#include "core/fs_util.h"
#include "core/log.h"
#include "nlp/tok_models.h"
#include "nlp/tok_text.h"
#include "nlp/tok_unicode.h"

namespace empathic {

namespace {

using json = nlohmann::json;
using tok::SpecError;

/// A token listed in tokenizer.json's "added_tokens".
struct AddedToken {
    int64_t id = 0;
    std::string content;
    bool special = false;
    bool lstrip = false;
    bool rstrip = false;
};

/// One element of a post-processing template: a run of special ids, or a whole sequence.
struct TemplatePart {
    bool is_sequence = false;
    int sequence = 0;  // 0 = A (premise), 1 = B (hypothesis)
    std::vector<int64_t> ids;
    int64_t type_id = 0;
};

/// The templates for single texts and pairs.
struct Templates {
    std::vector<TemplatePart> single;
    std::vector<TemplatePart> pair;

    std::size_t specials(const std::vector<TemplatePart>& parts) const {
        std::size_t n = 0;
        for (const auto& p : parts) n += p.is_sequence ? 0 : p.ids.size();
        return n;
    }
};

TemplatePart special_part(int64_t id, int64_t type_id) {
    return {false, 0, {id}, type_id};
}
TemplatePart sequence_part(int sequence, int64_t type_id) {
    return {true, sequence, {}, type_id};
}

/// [CLS] A [SEP] / [CLS] A [SEP] B [SEP] with type ids 0 then 1.
Templates bert_templates(int64_t cls, int64_t sep) {
    Templates t;
    t.single = {special_part(cls, 0), sequence_part(0, 0), special_part(sep, 0)};
    t.pair = {special_part(cls, 0), sequence_part(0, 0), special_part(sep, 0), sequence_part(1, 1),
              special_part(sep, 1)};
    return t;
}

/// <s> A </s> / <s> A </s></s> B </s>, all type ids 0.
Templates roberta_templates(int64_t cls, int64_t sep) {
    Templates t;
    t.single = {special_part(cls, 0), sequence_part(0, 0), special_part(sep, 0)};
    t.pair = {special_part(cls, 0), sequence_part(0, 0), special_part(sep, 0),
              special_part(sep, 0), sequence_part(1, 0), special_part(sep, 0)};
    return t;
}

/// Reads ["token", id] as BertProcessing and RobertaProcessing store cls and sep.
int64_t token_pair_id(const json& c, const char* key, const std::string& part) {
    auto it = c.find(key);
    if (it == c.end() || !it->is_array() || it->size() != 2 || !(*it)[1].is_number_integer()) {
        throw SpecError(fmt::format("{}.{} must be [\"token\", id]", part, key));
    }
    return (*it)[1].get<int64_t>();
}

std::vector<TemplatePart> read_template(const json& items, const json& special_tokens,
                                        const std::string& part) {
    if (!items.is_array()) throw SpecError(part + " must be a list");
    std::vector<TemplatePart> out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const json& item = items[i];
        std::string where = fmt::format("{}[{}]", part, i);
        if (item.contains("SpecialToken")) {
            const json& s = item["SpecialToken"];
            std::string name = s.value("id", std::string());
            auto def = special_tokens.find(name);
            if (def == special_tokens.end() || !def->contains("ids") || !(*def)["ids"].is_array()) {
                throw SpecError(
                    fmt::format("{} names special token \"{}\", which the "
                                "post_processor's special_tokens lack",
                                where, name));
            }
            TemplatePart p;
            p.type_id = s.value("type_id", int64_t{0});
            for (const auto& id : (*def)["ids"]) p.ids.push_back(id.get<int64_t>());
            out.push_back(std::move(p));
        } else if (item.contains("Sequence")) {
            const json& s = item["Sequence"];
            std::string id = s.value("id", std::string("A"));
            if (id != "A" && id != "B") throw SpecError(where + ".Sequence.id must be A or B");
            out.push_back(sequence_part(id == "A" ? 0 : 1, s.value("type_id", int64_t{0})));
        } else {
            throw SpecError(where + " must be a SpecialToken or a Sequence");
        }
    }
    return out;
}

/// The templates of a post_processor object; ByteLevel entries (offset trimming only) are
/// ignored, and a Sequence may hold at most one template-making processor.
std::optional<Templates> read_post_processor(const json& c, const std::string& part) {
    if (c.is_null()) return std::nullopt;
    if (!c.is_object() || !c.contains("type")) throw SpecError(part + " has no \"type\"");
    std::string type = c["type"].get<std::string>();
    if (type == "TemplateProcessing") {
        const json special = c.value("special_tokens", json::object());
        Templates t;
        t.single = read_template(c.value("single", json()), special, part + ".single");
        t.pair = read_template(c.value("pair", json()), special, part + ".pair");
        return t;
    }
    if (type == "BertProcessing") {
        return bert_templates(token_pair_id(c, "cls", part), token_pair_id(c, "sep", part));
    }
    if (type == "RobertaProcessing") {
        return roberta_templates(token_pair_id(c, "cls", part), token_pair_id(c, "sep", part));
    }
    if (type == "ByteLevel") return std::nullopt;
    if (type == "Sequence") {
        std::optional<Templates> found;
        const json& list = c.value("processors", json::array());
        for (std::size_t i = 0; i < list.size(); ++i) {
            auto t = read_post_processor(list[i], fmt::format("{}.processors[{}]", part, i));
            if (t && found) throw SpecError(part + " has more than one template processor");
            if (t) found = std::move(t);
        }
        return found;
    }
    throw SpecError(fmt::format(
        "{} type \"{}\" is not supported (supported: TemplateProcessing, BertProcessing, "
        "RobertaProcessing, ByteLevel, Sequence)",
        part, type));
}

class HfTokenizer : public Tokenizer {
  public:
    HfTokenizer(const json& spec, const json& config) {
        // Added tokens: the special ones are kept out of text; the others split it.
        std::unordered_set<int64_t> special_ids;
        const json& added = spec.value("added_tokens", json::array());
        if (!added.is_array()) throw SpecError("added_tokens must be a list");
        for (std::size_t i = 0; i < added.size(); ++i) {
            const json& a = added[i];
            if (!a.is_object() || !a.contains("id") || !a["id"].is_number_integer() ||
                !a.contains("content") || !a["content"].is_string()) {
                throw SpecError(
                    fmt::format("added_tokens[{}] needs an integer id and a content", i));
            }
            AddedToken t{a["id"].get<int64_t>(), a["content"].get<std::string>(),
                         a.value("special", false), a.value("lstrip", false),
                         a.value("rstrip", false)};
            if (t.content.empty()) continue;
            by_content_[t.content] = t.id;
            max_added_id_ = std::max(max_added_id_, t.id);
            if (t.special) {
                special_ids.insert(t.id);
            } else {
                splitters_.push_back(std::move(t));
            }
        }
        std::sort(splitters_.begin(), splitters_.end(),
                  [](const AddedToken& a, const AddedToken& b) {
                      return a.content.size() > b.content.size();
                  });

        // The stages.
        normalizer_ = tok::make_normalizer(spec.value("normalizer", json()), "normalizer");
        pre_tokenizer_ =
            tok::make_pre_tokenizer(spec.value("pre_tokenizer", json()), "pre_tokenizer");
        if (!spec.contains("model")) throw SpecError("the \"model\" object is missing");
        model_ = tok::make_model(spec["model"], special_ids, "model");

        // Post-processor, or the family's usual template when tokenizer.json has none.
        auto templates =
            read_post_processor(spec.value("post_processor", json()), "post_processor");
        if (!templates) templates = fallback_templates(config);
        if (templates) {
            templates_ = std::move(*templates);
        } else {
            // No special tokens: the texts as they are, the second one with type id 1.
            templates_.single = {sequence_part(0, 0)};
            templates_.pair = {sequence_part(0, 0), sequence_part(1, 1)};
        }

        pad_id_ = find_pad_id(spec, config);
        max_length_ = find_max_length(spec, config);
    }

    Encoding encode(std::string_view text) const override {
        return apply(templates_.single, tokenize(text), {});
    }

    Encoding encode_pair(std::string_view premise, std::string_view hypothesis,
                         std::size_t max_length) const override {
        std::vector<int64_t> a = tokenize(premise);
        std::vector<int64_t> b = tokenize(hypothesis);
        std::size_t specials = pair_special_tokens();
        if (max_length > 0 && a.size() + b.size() + specials > max_length) {
            if (b.size() + specials >= max_length) {
                throw Error(ErrorCode::TooLarge,
                            fmt::format("the hypothesis takes {} tokens, leaving no room for the "
                                        "entry within the model's {}; use a shorter label or "
                                        "template",
                                        b.size() + specials, max_length));
            }
            a.resize(max_length - specials - b.size());
        }
        return apply(templates_.pair, std::move(a), std::move(b));
    }

    std::size_t count_tokens(std::string_view text) const override { return tokenize(text).size(); }

    std::size_t pair_special_tokens() const override {
        return templates_.specials(templates_.pair);
    }

    int64_t pad_id() const override { return pad_id_; }

    std::vector<int64_t> tokenize(std::string_view text) const override {
        std::vector<int64_t> ids;
        bool first = true;
        std::string_view rest = text;
        // Cut at non-special added tokens; each stretch between them is a section.
        while (!rest.empty()) {
            auto [at, token] = find_added(rest);
            std::string_view section = rest.substr(0, at);
            if (token && token->lstrip) section = rstrip(section);
            tokenize_section(section, first, ids);
            first = false;
            if (!token) break;
            ids.push_back(token->id);
            rest = rest.substr(at + token->content.size());
            if (token->rstrip) rest = lstrip(rest);
        }
        return ids;
    }

    std::size_t model_max_length() const override { return max_length_; }

    std::size_t vocab_size() const override {
        return std::max(model_->vocab_size(), static_cast<std::size_t>(max_added_id_ + 1));
    }

  private:
    void tokenize_section(std::string_view section, bool first, std::vector<int64_t>& ids) const {
        if (section.empty()) return;
        std::string text(section);
        tok::decode(text);  // rejects invalid UTF-8 with a clear message
        if (normalizer_) text = normalizer_->normalize(std::move(text));
        if (text.empty()) return;
        std::vector<std::string> words{std::move(text)};
        if (pre_tokenizer_) pre_tokenizer_->split(words, first);
        for (const auto& w : words) model_->tokenize(w, ids);
    }

    /// The first non-special added token in `text` (longest at the earliest position).
    std::pair<std::size_t, const AddedToken*> find_added(std::string_view text) const {
        std::size_t best_at = text.size();
        const AddedToken* best = nullptr;
        for (const auto& t : splitters_) {
            auto at = text.find(t.content);
            if (at != std::string_view::npos && at < best_at) {
                best_at = at;
                best = &t;
            }
        }
        return {best_at, best};
    }

    static std::string_view rstrip(std::string_view s) {
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) {
            s.remove_suffix(1);
        }
        return s;
    }
    static std::string_view lstrip(std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) {
            s.remove_prefix(1);
        }
        return s;
    }

    static Encoding apply(const std::vector<TemplatePart>& parts, std::vector<int64_t> a,
                          std::vector<int64_t> b) {
        Encoding e;
        for (const auto& p : parts) {
            const std::vector<int64_t>& ids = p.is_sequence ? (p.sequence == 0 ? a : b) : p.ids;
            e.ids.insert(e.ids.end(), ids.begin(), ids.end());
            e.type_ids.insert(e.type_ids.end(), ids.size(), p.type_id);
        }
        e.attention_mask.assign(e.ids.size(), 1);
        return e;
    }

    std::optional<int64_t> id_of(const std::string& token) const {
        if (auto it = by_content_.find(token); it != by_content_.end()) return it->second;
        return model_->token_to_id(token);
    }

    /// Reads a token name from tokenizer_config.json ("[CLS]" or {"content": "[CLS]"}).
    static std::string config_token(const json& config, const char* key) {
        auto it = config.find(key);
        if (it == config.end()) return {};
        if (it->is_string()) return it->get<std::string>();
        if (it->is_object() && it->contains("content") && (*it)["content"].is_string()) {
            return (*it)["content"].get<std::string>();
        }
        return {};
    }

    std::optional<Templates> fallback_templates(const json& config) const {
        std::string cls_name = config_token(config, "tokenizer_class");
        auto named = [&](std::initializer_list<const char*> prefixes) {
            return std::any_of(prefixes.begin(), prefixes.end(),
                               [&](const char* p) { return cls_name.rfind(p, 0) == 0; });
        };
        bool bert_like = named({"Bert", "DistilBert", "Electra", "Deberta", "MobileBert",
                                "SqueezeBert", "Funnel", "Mpnet", "MPNet"});
        bool roberta_like = named({"Roberta", "XLMRoberta", "Bart", "Camembert", "Longformer"});
        if (!bert_like && !roberta_like) return std::nullopt;
        std::string cls = config_token(config, "cls_token");
        std::string sep = config_token(config, "sep_token");
        if (cls.empty()) cls = bert_like ? "[CLS]" : "<s>";
        if (sep.empty()) sep = bert_like ? "[SEP]" : "</s>";
        auto cls_id = id_of(cls), sep_id = id_of(sep);
        if (!cls_id || !sep_id) return std::nullopt;
        return bert_like ? bert_templates(*cls_id, *sep_id) : roberta_templates(*cls_id, *sep_id);
    }

    int64_t find_pad_id(const json& spec, const json& config) const {
        const json& padding = spec.value("padding", json());
        if (padding.is_object() && padding.contains("pad_id") &&
            padding["pad_id"].is_number_integer()) {
            return padding["pad_id"].get<int64_t>();
        }
        std::string name = config_token(config, "pad_token");
        for (const std::string& candidate : {name, std::string("[PAD]"), std::string("<pad>")}) {
            if (candidate.empty()) continue;
            if (auto id = id_of(candidate)) return *id;
        }
        return 0;
    }

    static std::size_t find_max_length(const json& spec, const json& config) {
        auto it = config.find("model_max_length");
        // Files without a real limit store a huge sentinel (1e30); ignore it.
        if (it != config.end() && it->is_number() && it->get<double>() > 0 &&
            it->get<double>() < 1e9) {
            return static_cast<std::size_t>(it->get<double>());
        }
        const json& truncation = spec.value("truncation", json());
        if (truncation.is_object() && truncation.contains("max_length") &&
            truncation["max_length"].is_number_unsigned()) {
            return truncation["max_length"].get<std::size_t>();
        }
        return 0;
    }

    std::unique_ptr<tok::Normalizer> normalizer_;
    std::unique_ptr<tok::PreTokenizer> pre_tokenizer_;
    std::unique_ptr<tok::Model> model_;
    Templates templates_;
    std::vector<AddedToken> splitters_;
    std::unordered_map<std::string, int64_t> by_content_;
    int64_t max_added_id_ = -1;
    int64_t pad_id_ = 0;
    std::size_t max_length_ = 0;
};

json parse_json_file(const std::filesystem::path& path) {
    std::string text = read_file(path);
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        throw Error(ErrorCode::ModelError,
                    fmt::format("{} is not valid JSON ({}); download the model again",
                                path.string(), e.what()));
    }
}

}  // namespace

std::unique_ptr<Tokenizer> Tokenizer::load(const std::filesystem::path& tokenizer_json,
                                           const std::filesystem::path& tokenizer_config) {
    json spec = parse_json_file(tokenizer_json);
    json config = json::object();
    if (!tokenizer_config.empty() && std::filesystem::exists(tokenizer_config)) {
        config = parse_json_file(tokenizer_config);
        if (!config.is_object()) {
            throw Error(ErrorCode::ModelError,
                        fmt::format("{} must hold a JSON object", tokenizer_config.string()));
        }
    }
    if (!spec.is_object()) {
        throw Error(ErrorCode::ModelError,
                    fmt::format("{} must hold a JSON object", tokenizer_json.string()));
    }
    try {
        auto tokenizer = std::make_unique<HfTokenizer>(spec, config);
        EMP_LOG_DEBUG("tokenizer", "loaded {} ({} ids)", tokenizer_json.filename().string(),
                      tokenizer->vocab_size());
        return tokenizer;
    } catch (const SpecError& e) {
        throw Error(ErrorCode::ModelError, fmt::format("{}: {}; the tokenizer cannot be used as is",
                                                       tokenizer_json.string(), e.what()));
    } catch (const json::exception& e) {
        throw Error(ErrorCode::ModelError,
                    fmt::format("{} is malformed ({}); the tokenizer cannot be used as is",
                                tokenizer_json.string(), e.what()));
    }
}

}  // namespace empathic
