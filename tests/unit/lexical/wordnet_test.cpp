// WordNet access and the entry's word splitting, which the lexical engine stands on.
#include <gtest/gtest.h>

#include <algorithm>

#include "lexical/text.h"
#include "lexical/wordnet.h"

namespace empathic::lexical {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// Irregular forms come from the exception lists ("felt" -> "feel").
TEST(WordNet, BaseFormsFromExceptionLists) {
    auto wordnet = WordNet::shared();
    EXPECT_TRUE(contains(wordnet->base_forms("felt", Pos::Verb), "feel"));
    EXPECT_TRUE(contains(wordnet->base_forms("worse", Pos::Adj), "bad"));
}

// Regular forms come from the suffix rules, doubled consonants included.
TEST(WordNet, BaseFormsFromSuffixRules) {
    auto wordnet = WordNet::shared();
    EXPECT_TRUE(contains(wordnet->base_forms("cried", Pos::Verb), "cry"));
    EXPECT_TRUE(contains(wordnet->base_forms("happier", Pos::Adj), "happy"));
    EXPECT_TRUE(contains(wordnet->base_forms("sobbing", Pos::Verb), "sob"));
    EXPECT_TRUE(contains(wordnet->base_forms("worries", Pos::Noun), "worry"));
}

// Words WordNet does not know have no base forms.
TEST(WordNet, UnknownWordHasNoBaseForms) {
    auto wordnet = WordNet::shared();
    EXPECT_TRUE(wordnet->lemmas("qwzxv").empty());
    EXPECT_FALSE(wordnet->knows("qwzxv"));
    EXPECT_TRUE(wordnet->knows("gratitude"));
}

// Senses come most frequent first, and synsets parse with words, links and category.
TEST(WordNet, SynsetOfFirstSense) {
    auto wordnet = WordNet::shared();
    const auto* senses = wordnet->senses("gratitude", Pos::Noun);
    ASSERT_NE(senses, nullptr);
    auto synset = wordnet->synset({Pos::Noun, senses->front()});
    EXPECT_TRUE(contains(synset.words, "gratitude"));
    EXPECT_EQ(synset.lexfile, lexfile::kNounFeeling);
    EXPECT_FALSE(synset.pointers.empty());
    EXPECT_NE(synset.gloss.find("thankfulness"), std::string_view::npos);
}

// Opposites of a word: "happy" -> "unhappy".
TEST(WordNet, Antonyms) {
    EXPECT_TRUE(contains(WordNet::shared()->antonyms("happy"), "unhappy"));
}

// Definitions that mention a word are found; examples in quotes do not count.
TEST(WordNet, DefinedWith) {
    auto wordnet = WordNet::shared();
    bool thank_found = false;
    for (auto id : wordnet->defined_with("gratitude")) {
        if (contains(wordnet->synset(id).words, "thank")) thank_found = true;
    }
    EXPECT_TRUE(thank_found);
}

// Sentences and words carry byte offsets into the text.
TEST(Text, SentencesAndWords) {
    std::string text = "I'm fine. Really?! Yes";
    auto t = tokenize(text);
    ASSERT_EQ(t.sentences.size(), 3u);
    EXPECT_EQ(text.substr(t.sentences[0].start, t.sentences[0].end - t.sentences[0].start),
              "I'm fine.");
    EXPECT_TRUE(t.sentences[1].question);
    EXPECT_TRUE(t.sentences[1].exclamation);
    EXPECT_EQ(text.substr(t.sentences[2].start, t.sentences[2].end - t.sentences[2].start), "Yes");
    ASSERT_EQ(t.tokens.size(), 4u);
    EXPECT_EQ(t.tokens[0].lower, "i'm");
    EXPECT_EQ(t.tokens[2].sentence, 1u);
}

// Words are case-folded, curly apostrophes straightened, capitals noticed.
TEST(Text, WordsNormalised) {
    auto t = tokenize("DON\u2019T well-being");
    ASSERT_EQ(t.tokens.size(), 2u);
    EXPECT_EQ(t.tokens[0].lower, "don't");
    EXPECT_TRUE(t.tokens[0].shouted);
    EXPECT_EQ(t.tokens[1].lower, "well-being");
}

// Chinese characters are words of their own, not Latin script.
TEST(Text, HanCharactersAreNotLatin) {
    auto t = tokenize("我很开心");
    ASSERT_EQ(t.tokens.size(), 4u);
    EXPECT_FALSE(t.tokens[0].latin);
}

// Commas start a new clause; negations and modifiers are recognised.
TEST(Text, ClausesAndWordLists) {
    auto t = tokenize("not tired, happy");
    EXPECT_EQ(t.tokens[0].clause, t.tokens[1].clause);
    EXPECT_NE(t.tokens[1].clause, t.tokens[2].clause);
    EXPECT_TRUE(is_negation("not"));
    EXPECT_TRUE(is_negation("isn't"));
    EXPECT_TRUE(is_negation("dont"));
    EXPECT_FALSE(is_negation("note"));
    EXPECT_GT(intensity_of("very"), 1.0);
    EXPECT_LT(intensity_of("slightly"), 1.0);
    EXPECT_EQ(intensity_of("table"), 1.0);
    EXPECT_TRUE(is_stopword("the"));
    EXPECT_FALSE(is_stopword("happy"));
}

}  // namespace
}  // namespace empathic::lexical
