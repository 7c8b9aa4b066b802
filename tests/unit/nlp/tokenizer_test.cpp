// Specification of the tokenizers on the real vocabularies that tests/fixtures/gen_vocab
// turns into tokenizer.json folders (BERT WordPiece, RoBERTa byte-level BPE, XLM-R Unigram),
// and of loading errors on broken files. Parity with transformers.js on hundreds of texts is
// the integration test tokenizer_parity (tests/node/tokenizer_parity.mjs).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/error.h"
#include "nlp/tokenizer.h"

namespace empathic {
namespace {

namespace fs = std::filesystem;
using Ids = std::vector<int64_t>;

fs::path fixture(const std::string& family) {
    return fs::path(EMPATHIC_FIXTURES) / "tokenizers" / family;
}

/// Loads a generated tokenizer folder; fails the test (with what to do) when it is missing.
std::unique_ptr<Tokenizer> load_family(const std::string& family) {
    fs::path dir = fixture(family);
    if (!fs::exists(dir / "tokenizer.json")) {
        ADD_FAILURE() << "tokenizer fixture " << dir << " is missing: run `make fixtures`";
        return nullptr;
    }
    return Tokenizer::load(dir / "tokenizer.json", dir / "tokenizer_config.json");
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A scratch folder for hand-written tokenizer.json files, removed after the test.
class ScratchDir {
  public:
    ScratchDir() {
        path_ =
            fs::temp_directory_path() /
            ("empathic-tok-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(path_);
    }
    ~ScratchDir() { fs::remove_all(path_); }
    fs::path write(const std::string& name, const std::string& text) const {
        std::ofstream(path_ / name, std::ios::binary) << text;
        return path_ / name;
    }
    fs::path write_json(const std::string& name, const nlohmann::json& j) const {
        return write(name, j.dump());
    }

  private:
    fs::path path_;
};

/// The code a loading failure carries, and its message (empty code name when none was thrown).
std::pair<std::string, std::string> load_error(const fs::path& tokenizer_json,
                                               const fs::path& config = {}) {
    try {
        Tokenizer::load(tokenizer_json, config);
    } catch (const Error& e) {
        return {std::string(error_code_name(e.code())), e.what()};
    }
    return {"", ""};
}

/// A minimal valid WordPiece tokenizer.json to vary in tests.
nlohmann::json small_wordpiece() {
    return nlohmann::json::parse(R"({
      "added_tokens": [
        {"id": 0, "content": "[PAD]", "special": true},
        {"id": 1, "content": "[UNK]", "special": true},
        {"id": 2, "content": "[CLS]", "special": true},
        {"id": 3, "content": "[SEP]", "special": true}],
      "normalizer": {"type": "BertNormalizer", "lowercase": true},
      "pre_tokenizer": {"type": "BertPreTokenizer"},
      "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
      "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                "max_input_chars_per_word": 5,
                "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "hug": 4, "##s": 5,
                          "i": 6, "!": 7, "cafe": 8}}
    })");
}

// --- Shipped cases ---------------------------------------------------------------------------

/// Checks every llama.cpp .inp/.out case of a family: ids without special tokens.
void check_shipped_cases(const std::string& family) {
    auto tokenizer = load_family(family);
    ASSERT_TRUE(tokenizer);
    fs::path dir = fixture(family);
    ASSERT_TRUE(fs::exists(dir / "cases.inp")) << "run `make fixtures`";
    std::string inp = read_text(dir / "cases.inp");
    std::string out = read_text(dir / "cases.out");
    const std::string sep = "\n__ggml_vocab_test__\n";
    std::vector<std::string> inputs;
    for (std::size_t pos = 0;;) {
        auto next = inp.find(sep, pos);
        inputs.push_back(
            inp.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
        if (next == std::string::npos) break;
        pos = next + sep.size();
    }
    std::istringstream lines(out);
    std::string line;
    std::size_t i = 0;
    for (; std::getline(lines, line) && i < inputs.size(); ++i) {
        Ids expected;
        std::istringstream nums(line);
        for (int64_t id; nums >> id;) expected.push_back(id);
        EXPECT_EQ(tokenizer->tokenize(inputs[i]), expected) << family << " case " << i;
        EXPECT_EQ(tokenizer->count_tokens(inputs[i]), expected.size());
    }
    EXPECT_GE(i, 40u) << "fewer shipped cases than expected; regenerate with `make fixtures`";
}

// The BERT uncased vocabulary gives llama.cpp's expected ids on all its shipped cases.
TEST(TokenizerShipped, BertMatchesLlamaCppCases) {
    check_shipped_cases("bert");
}

// The GPT-2 byte-level BPE vocabulary (RoBERTa's) gives the expected ids on all shipped cases.
TEST(TokenizerShipped, RobertaMatchesLlamaCppCases) {
    check_shipped_cases("roberta");
}

// --- Templates, type ids, masks --------------------------------------------------------------

// BERT: [CLS] a [SEP] b [SEP], type ids 0 for the first part and 1 for the second.
TEST(TokenizerTemplates, BertPairHasTypeIdsZeroThenOne) {
    auto t = load_family("bert");
    ASSERT_TRUE(t);
    Encoding e = t->encode_pair("Hello world", "This is joy.");
    EXPECT_EQ(e.ids, (Ids{101, 7592, 2088, 102, 2023, 2003, 6569, 1012, 102}));
    EXPECT_EQ(e.type_ids, (Ids{0, 0, 0, 0, 1, 1, 1, 1, 1}));
    EXPECT_EQ(e.attention_mask, Ids(9, 1));
    EXPECT_EQ(t->pair_special_tokens(), 3u);
    EXPECT_EQ(t->pad_id(), 0);
    EXPECT_EQ(t->model_max_length(), 512u);
}

// BERT single text: [CLS] text [SEP], all type ids 0.
TEST(TokenizerTemplates, BertSingle) {
    auto t = load_family("bert");
    ASSERT_TRUE(t);
    Encoding e = t->encode("Hello world");
    EXPECT_EQ(e.ids, (Ids{101, 7592, 2088, 102}));
    EXPECT_EQ(e.type_ids, Ids(4, 0));
    EXPECT_EQ(e.attention_mask, Ids(4, 1));
}

// RoBERTa: <s> a </s></s> b </s>, four special tokens, type ids all 0.
TEST(TokenizerTemplates, RobertaPairDoublesTheSeparator) {
    auto t = load_family("roberta");
    ASSERT_TRUE(t);
    Ids a = t->tokenize("Hello world");
    Ids b = t->tokenize("This is joy.");
    EXPECT_EQ(a, (Ids{15496, 995}));
    Encoding e = t->encode_pair("Hello world", "This is joy.");
    Ids expected{50257};
    expected.insert(expected.end(), a.begin(), a.end());
    expected.insert(expected.end(), {50259, 50259});
    expected.insert(expected.end(), b.begin(), b.end());
    expected.push_back(50259);
    EXPECT_EQ(e.ids, expected);
    EXPECT_EQ(e.type_ids, Ids(expected.size(), 0));
    EXPECT_EQ(e.attention_mask, Ids(expected.size(), 1));
    EXPECT_EQ(t->pair_special_tokens(), 4u);
    EXPECT_EQ(t->pad_id(), 50258);
}

// XLM-R: <s> a </s></s> b </s> with Unigram pieces that start words with "▁".
TEST(TokenizerTemplates, XlmrPair) {
    auto t = load_family("xlmr");
    ASSERT_TRUE(t);
    Encoding e = t->encode_pair("Hello world", "joy");
    ASSERT_GE(e.ids.size(), 6u);
    EXPECT_EQ(e.ids.front(), 0);
    EXPECT_EQ(e.ids.back(), 2);
    EXPECT_EQ(std::count(e.ids.begin(), e.ids.end(), 2), 3);
    EXPECT_EQ(e.type_ids, Ids(e.ids.size(), 0));
    EXPECT_EQ(t->pair_special_tokens(), 4u);
    EXPECT_EQ(t->pad_id(), 1);
    EXPECT_EQ(t->tokenize("Hello world"), (Ids{35378, 8999}));
}

// BertProcessing gives the same pair layout as the equivalent TemplateProcessing.
TEST(TokenizerTemplates, BertProcessingMatchesTemplate) {
    ScratchDir dir;
    auto j = small_wordpiece();
    auto t = Tokenizer::load(dir.write_json("tokenizer.json", j));
    Encoding e = t->encode_pair("Hugs!", "I");
    EXPECT_EQ(e.ids, (Ids{2, 4, 5, 7, 3, 6, 3}));
    EXPECT_EQ(e.type_ids, (Ids{0, 0, 0, 0, 0, 1, 1}));
}

// Without a post_processor, tokenizer_config.json's tokenizer_class chooses the usual template.
TEST(TokenizerTemplates, FallsBackToTheClassTemplate) {
    ScratchDir dir;
    auto j = small_wordpiece();
    j["post_processor"] = nullptr;
    auto path = dir.write_json("tokenizer.json", j);
    auto config = dir.write("tokenizer_config.json", R"({"tokenizer_class": "BertTokenizer"})");
    EXPECT_EQ(Tokenizer::load(path, config)->encode("i").ids, (Ids{2, 6, 3}));
    EXPECT_EQ(Tokenizer::load(path)->encode("i").ids, (Ids{6}));
}

// --- Truncation ------------------------------------------------------------------------------

// An over-long pair loses the premise's tail; the hypothesis and special tokens stay whole.
TEST(TokenizerTruncation, CutsOnlyThePremiseTail) {
    for (const std::string family : {"bert", "roberta", "xlmr"}) {
        auto t = load_family(family);
        ASSERT_TRUE(t);
        std::string premise;
        for (int i = 0; i < 200; ++i) premise += "I walked by the sea and felt calm again. ";
        std::string hypothesis = "This example is joy.";
        Ids a = t->tokenize(premise);
        Ids b = t->tokenize(hypothesis);
        Encoding full = t->encode_pair(premise, hypothesis);
        Encoding cut = t->encode_pair(premise, hypothesis, 64);
        ASSERT_EQ(cut.ids.size(), 64u) << family;
        std::size_t keep = 64 - b.size() - t->pair_special_tokens();
        // Same start (special + first `keep` premise tokens), same end (the whole hypothesis part).
        EXPECT_TRUE(std::equal(cut.ids.begin(), cut.ids.begin() + 1 + keep, full.ids.begin()))
            << family;
        std::size_t tail = full.ids.size() - (1 + a.size());
        EXPECT_TRUE(std::equal(cut.ids.end() - tail, cut.ids.end(), full.ids.end() - tail))
            << family;
        EXPECT_EQ(cut.type_ids.size(), 64u);
        EXPECT_EQ(cut.attention_mask, Ids(64, 1));
    }
}

// A pair that fits is left alone, whatever the limit.
TEST(TokenizerTruncation, FittingPairUnchanged) {
    auto t = load_family("bert");
    ASSERT_TRUE(t);
    Encoding plain = t->encode_pair("short entry", "This example is joy.");
    EXPECT_EQ(t->encode_pair("short entry", "This example is joy.", plain.ids.size()).ids,
              plain.ids);
    EXPECT_EQ(t->encode_pair("short entry", "This example is joy.", 0).ids, plain.ids);
}

// A hypothesis that leaves no room for the entry is an error, never a cut hypothesis.
TEST(TokenizerTruncation, HypothesisTooLongIsAnError) {
    auto t = load_family("bert");
    ASSERT_TRUE(t);
    try {
        t->encode_pair("entry", "one two three four five six seven eight", 8);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::TooLarge);
        EXPECT_NE(std::string(e.what()).find("shorter label"), std::string::npos);
    }
}

// --- Special-token look-alikes ---------------------------------------------------------------

// "[SEP]" typed in an entry is the three pieces "[", "sep", "]", not the separator.
TEST(TokenizerLookalikes, BertSepIsPlainText) {
    auto t = load_family("bert");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->tokenize("[SEP]"), (Ids{1031, 19802, 1033}));
    EXPECT_EQ(t->encode("[CLS]").ids, (Ids{101, 1031, 18856, 2015, 1033, 102}));
}

// No family ever turns text that spells a special token into that token's id.
TEST(TokenizerLookalikes, NoSpecialIdsFromText) {
    const std::map<std::string, Ids> specials = {
        {"bert", {0, 100, 101, 102, 103}},
        {"roberta", {50256, 50257, 50258, 50259, 50260, 50261}},
        {"xlmr", {0, 1, 2, 3, 250001}}};
    const std::vector<std::string> texts = {
        "[SEP]",         "[CLS] x [SEP]", "</s>",
        "<s>",           "<s>hi</s>",     "<mask>",
        "<pad>",         "<unk>",         "[MASK] [PAD] [UNK]",
        "<|endoftext|>", "a </s></s> b",  "text<s>glued</s>text"};
    for (const auto& [family, ids] : specials) {
        auto t = load_family(family);
        ASSERT_TRUE(t);
        for (const auto& text : texts) {
            for (int64_t id : t->tokenize(text)) {
                bool unk_allowed = (family == "bert" && id == 100) || (family == "xlmr" && id == 3);
                EXPECT_TRUE(unk_allowed || std::find(ids.begin(), ids.end(), id) == ids.end())
                    << family << " turned \"" << text << "\" into special id " << id;
            }
        }
    }
}

// --- Behaviour of the stages -----------------------------------------------------------------

// Accents and case are folded for uncased BERT; CJK ideographs become single-character words.
TEST(TokenizerStages, BertNormalizes) {
    auto t = load_family("bert");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->tokenize("CAFÉ"), t->tokenize("cafe"));
    EXPECT_EQ(t->tokenize("Ｃａｆｅ"), t->tokenize("Ｃａｆｅ"));
    EXPECT_EQ(t->tokenize("我爱你").size(), 3u);
    EXPECT_EQ(t->tokenize("tab\tand\nnewline"), t->tokenize("tab and newline"));
    EXPECT_TRUE(t->tokenize("").empty());
    EXPECT_TRUE(t->tokenize(" \t\n").empty());
}

// Where transformers.js departs from the reference, BERT follows the reference: every CJK
// ideograph is its own word, also outside the Basic Multilingual Plane. Unassigned code points
// stay in the word (both keep them), while format characters are removed.
TEST(TokenizerStages, BertFollowsTheReferenceWhereTransformersJsDiffers) {
    auto t = load_family("bert");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->tokenize("\U00020000\U00020001"), (Ids{100, 100}));
    EXPECT_EQ(t->tokenize("un\u0378known"), (Ids{100}));
    EXPECT_EQ(t->tokenize("un\u200bknown"), t->tokenize("unknown"));
}

// XLM-R's charsmap is applied per grapheme as the reference does: a short grapheme is replaced
// whole by the rule of its shortest matching prefix (so "o" + diaeresis + acute becomes "ö"),
// and a long one character by character.
TEST(TokenizerStages, PrecompiledWorksPerGrapheme) {
    auto t = load_family("xlmr");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->tokenize("o\u0308\u0301"), t->tokenize("\u00f6"));
    EXPECT_EQ(t->tokenize("e\u0301te\u0301"), t->tokenize("\u00e9t\u00e9"));
    EXPECT_NE(t->tokenize("a\u0301\u0302\u0303\u0304\u0305"),
              t->tokenize("\u00e1\u0302\u0303\u0304\u0305"));
}

// Added tokens that are not special are found in text (with lstrip/rstrip eating the spaces
// beside them); special ones never are.
TEST(TokenizerStages, NonSpecialAddedTokensSplitText) {
    ScratchDir dir;
    auto j = small_wordpiece();
    j["added_tokens"].push_back(
        {{"id", 9}, {"content", "<3"}, {"special", false}, {"lstrip", true}, {"rstrip", true}});
    auto t = Tokenizer::load(dir.write_json("tokenizer.json", j));
    EXPECT_EQ(t->tokenize("hug <3 i"), (Ids{4, 9, 6}));
    EXPECT_EQ(t->tokenize("<3<3"), (Ids{9, 9}));
    EXPECT_EQ(t->tokenize("i [SEP] i"), (Ids{6, 1, 1, 1, 6}));  // "[", "sep", "]" are unknown
    EXPECT_EQ(t->vocab_size(), 10u);
}

// A word longer than max_input_chars_per_word, or with no matching pieces, is one [UNK].
TEST(TokenizerStages, WordPieceUnknowns) {
    ScratchDir dir;
    auto t = Tokenizer::load(dir.write_json("tokenizer.json", small_wordpiece()));
    EXPECT_EQ(t->tokenize("hugs"), (Ids{4, 5}));
    EXPECT_EQ(t->tokenize("hugsss"), (Ids{1}));  // 6 characters > 5
    EXPECT_EQ(t->tokenize("hugz"), (Ids{1}));    // "##z" missing: the whole word is unknown
    EXPECT_EQ(t->tokenize("Café"), (Ids{8}));    // accents stripped with lowercase
}

// Byte-level BPE keeps every byte: emoji and control characters never become unknown.
TEST(TokenizerStages, ByteLevelCoversAllBytes) {
    auto t = load_family("roberta");
    ASSERT_TRUE(t);
    EXPECT_FALSE(t->tokenize("👨‍👩‍👧").empty());
    EXPECT_EQ(t->tokenize(" Hello"), (Ids{18435}));
    EXPECT_EQ(t->tokenize(std::string("a\0b", 3)).size(), 3u);
}

// XLM-R's Precompiled normalizer folds full-width letters to ASCII, like sentencepiece.
TEST(TokenizerStages, PrecompiledFoldsFullWidth) {
    auto t = load_family("xlmr");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->tokenize("Ｈｅｌｌｏ"), t->tokenize("Hello"));
    EXPECT_EQ(t->tokenize("Hello   world"), t->tokenize("Hello world"));
}

// Metaspace with prepend_scheme "never" does not add the leading "▁"; Replace, Strip, NFKC and
// Lowercase normalizers run in sequence; byte_fallback spells unknown characters as bytes.
TEST(TokenizerStages, UnigramWithSequenceAndByteFallback) {
    ScratchDir dir;
    nlohmann::json vocab = nlohmann::json::array(
        {{"<unk>", 0.0}, {"▁", -2.0}, {"a", -1.0}, {"b", -1.0}, {"▁ab", -0.5}, {"ab", -1.5}});
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        vocab.push_back({name, -5.0});
    }
    nlohmann::json j = {
        {"added_tokens", {{{"id", 0}, {"content", "<unk>"}, {"special", true}}}},
        {"normalizer",
         {{"type", "Sequence"},
          {"normalizers",
           {{{"type", "Strip"}, {"strip_left", true}, {"strip_right", true}},
            {{"type", "NFKC"}},
            {{"type", "Lowercase"}},
            {{"type", "Replace"}, {"pattern", {{"String", "x"}}}, {"content", "a"}}}}}},
        {"pre_tokenizer",
         {{"type", "Metaspace"}, {"replacement", "▁"}, {"prepend_scheme", "always"}}},
        {"post_processor", nullptr},
        {"model", {{"type", "Unigram"}, {"unk_id", 0}, {"vocab", vocab}, {"byte_fallback", true}}}};
    auto t = Tokenizer::load(dir.write_json("tokenizer.json", j));
    EXPECT_EQ(t->tokenize("  AB "), (Ids{4}));  // stripped, lower-cased: "▁ab"
    EXPECT_EQ(t->tokenize("ＸB"), (Ids{4}));    // NFKC, lower-case, x -> a
    EXPECT_EQ(t->tokenize("ab é"), (Ids{4, 1, 6 + 0xC3, 6 + 0xA9}));  // é as two bytes

    j["pre_tokenizer"]["prepend_scheme"] = "never";
    auto never = Tokenizer::load(dir.write_json("tokenizer.json", j));
    EXPECT_EQ(never->tokenize("ab"), (Ids{5}));
}

// The splitting pre-tokenizers (which transformers.js implements differently, so they are
// specified here): Punctuation, Digits, Split and Whitespace with their delimiter behaviours.
TEST(TokenizerStages, SplittingPreTokenizers) {
    ScratchDir dir;
    nlohmann::json vocab = {{"[UNK]", 0}, {"a", 1},  {"b", 2},  {"1", 3}, {"2", 4},  {"12", 5},
                            {"!", 6},     {"!!", 7}, {"a!", 8}, {"-", 9}, {"ab", 11}};
    auto with = [&](nlohmann::json pre_tokenizer) {
        nlohmann::json j = {
            {"added_tokens", {{{"id", 0}, {"content", "[UNK]"}, {"special", true}}}},
            {"normalizer", nullptr},
            {"pre_tokenizer", pre_tokenizer},
            {"post_processor", nullptr},
            {"model", {{"type", "WordPiece"}, {"unk_token", "[UNK]"}, {"vocab", vocab}}}};
        return Tokenizer::load(dir.write_json("tokenizer.json", j));
    };
    auto punctuation = [](const char* behavior) {
        return nlohmann::json{{"type", "Punctuation"}, {"behavior", behavior}};
    };
    auto split = [](const char* behavior) {
        return nlohmann::json{
            {"type", "Split"}, {"pattern", {{"String", "-"}}}, {"behavior", behavior}};
    };

    EXPECT_EQ(with(punctuation("Isolated"))->tokenize("ab!!"), (Ids{11, 6, 6}));
    EXPECT_EQ(with(punctuation("Contiguous"))->tokenize("ab!!"), (Ids{11, 7}));
    EXPECT_EQ(with(punctuation("MergedWithPrevious"))->tokenize("a!b"), (Ids{8, 2}));
    EXPECT_EQ(with({{"type", "Digits"}, {"individual_digits", true}})->tokenize("a12"),
              (Ids{1, 3, 4}));
    EXPECT_EQ(with({{"type", "Digits"}, {"individual_digits", false}})->tokenize("a12"),
              (Ids{1, 5}));
    EXPECT_EQ(with(split("Removed"))->tokenize("a-b"), (Ids{1, 2}));
    EXPECT_EQ(with(split("Isolated"))->tokenize("a-b"), (Ids{1, 9, 2}));
    EXPECT_EQ(with(split("MergedWithNext"))->tokenize("a-b"), (Ids{1, 0}));  // "-b" unknown
    EXPECT_EQ(with({{"type", "Whitespace"}})->tokenize("ab! a"), (Ids{11, 6, 1}));
    EXPECT_EQ(with({{"type", "WhitespaceSplit"}})->tokenize(" a\tb\u00a0ab "), (Ids{1, 2, 11}));
    EXPECT_EQ(with({{"type", "Split"}, {"pattern", {{"Regex", "\\s+"}}}, {"behavior", "Removed"}})
                  ->tokenize("a \t b"),
              (Ids{1, 2}));
}

// One tokenizer shared by threads gives every thread the same answers (the BPE cache is safe).
TEST(TokenizerStages, SharedBetweenThreads) {
    auto t = load_family("roberta");
    ASSERT_TRUE(t);
    std::string text = "Grateful for the small things: coffee, sunshine, a text from Mom.";
    Ids expected = t->tokenize(text);
    std::vector<std::thread> threads;
    std::atomic<int> mismatches{0};
    for (int k = 0; k < 4; ++k) {
        threads.emplace_back([&, k] {
            for (int i = 0; i < 200; ++i) {
                if (t->tokenize(text + std::to_string(i % 7 + k)).empty()) ++mismatches;
                if (t->tokenize(text) != expected) ++mismatches;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(mismatches.load(), 0);
}

// Text that is not UTF-8 is refused with InvalidInput, not tokenized into garbage.
TEST(TokenizerStages, InvalidUtf8IsRefused) {
    auto t = load_family("bert");
    ASSERT_TRUE(t);
    try {
        t->encode("bad \xff byte");
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
    }
}

// --- Loading errors --------------------------------------------------------------------------

// A missing file is NotFound; text that is not JSON is ModelError naming the file.
TEST(TokenizerLoading, MissingOrUnparsableFile) {
    ScratchDir dir;
    EXPECT_EQ(load_error(fs::path("/nonexistent/tokenizer.json")).first, "not_found");
    auto bad = dir.write("tokenizer.json", "{ not json");
    auto [code, message] = load_error(bad);
    EXPECT_EQ(code, "model_error");
    EXPECT_NE(message.find(bad.string()), std::string::npos) << message;
}

// An unsupported model type is ModelError naming the file, the part and the type.
TEST(TokenizerLoading, UnsupportedModelType) {
    ScratchDir dir;
    auto j = small_wordpiece();
    j["model"]["type"] = "WordLevel";
    auto path = dir.write_json("tokenizer.json", j);
    auto [code, message] = load_error(path);
    EXPECT_EQ(code, "model_error");
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find("model.type"), std::string::npos) << message;
    EXPECT_NE(message.find("WordLevel"), std::string::npos) << message;
}

// Malformed parts are named: missing model, unknown normalizer, bad merges, bad template,
// a vocabulary without its unknown token.
TEST(TokenizerLoading, MalformedPartsAreNamed) {
    ScratchDir dir;
    struct Case {
        std::function<void(nlohmann::json&)> breakage;
        std::string part;
    };
    std::vector<Case> cases = {
        {[](auto& j) { j.erase("model"); }, "\"model\""},
        {[](auto& j) {
             j["normalizer"] = {{"type", "Fancy"}};
         },
         "normalizer type \"Fancy\""},
        {[](auto& j) {
             j["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"Regex", "(a|b)+"}}}};
         },
         "pre_tokenizer.pattern"},
        {[](auto& j) {
             j["post_processor"] = {{"type", "TemplateProcessing"},
                                    {"single", {{{"SpecialToken", {{"id", "[X]"}}}}}},
                                    {"pair", nlohmann::json::array()},
                                    {"special_tokens", nlohmann::json::object()}};
         },
         "post_processor.single[0]"},
        {[](auto& j) { j["model"]["unk_token"] = "<missing>"; }, "model.unk_token"},
        {[](auto& j) { j["model"]["vocab"] = 3; }, "model.vocab"},
        {[](auto& j) {
             j["added_tokens"] = {{{"content", "x"}}};
         },
         "added_tokens[0]"},
        {[](auto& j) {
             j["model"] = {{"type", "BPE"}, {"vocab", {{"a", 0}}}, {"merges", {"a b"}}};
         },
         "model.merges[0]"},
    };
    for (const auto& c : cases) {
        auto j = small_wordpiece();
        c.breakage(j);
        auto path = dir.write_json("tokenizer.json", j);
        auto [code, message] = load_error(path);
        EXPECT_EQ(code, "model_error") << c.part;
        EXPECT_NE(message.find(c.part), std::string::npos)
            << "wanted " << c.part << " in: " << message;
        EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    }
}

}  // namespace
}  // namespace empathic
