// The lexical engine's behaviour on sentences written for these tests: labels it has never
// seen, negation, intensity, multi-word labels, text it cannot read, and the Engine contract.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "core/error.h"
#include "lexical/lexical_engine.h"

namespace empathic {
namespace {

namespace fs = std::filesystem;

fs::path shipped_seeds() {
    return fs::path(EMPATHIC_SOURCE_DIR) / "data/lexical/seeds.json";
}

/// The journal's engine: WordNet and the shipped seed words.
LexicalEngine& seeded() {
    static LexicalEngine engine([] {
        LexicalOptions options;
        options.seed_files = {shipped_seeds()};
        return options;
    }());
    return engine;
}

/// WordNet alone: what any label the seed lists do not know gets.
LexicalEngine& wordnet_only() {
    static LexicalEngine engine([] {
        LexicalOptions options;
        options.seeds = false;
        return options;
    }());
    return engine;
}

Classification classify(Engine& engine, const std::string& text, std::vector<std::string> labels,
                        bool multi_label = true) {
    ClassifyRequest request;
    request.text = text;
    request.labels = std::move(labels);
    request.multi_label = multi_label;
    std::vector<std::string> warnings;
    return engine.classify(normalize_request(request, warnings));
}

double score(Engine& engine, const std::string& text, const std::string& label) {
    return classify(engine, text, {label}).scores.at(0);
}

// --- Labels through WordNet ---------------------------------------------------------------

// A label found in no seed list matches its WordNet relatives: "grateful" for "gratitude".
TEST(LexicalEngine, UnseededLabelMatchesDerivedForm) {
    EXPECT_GE(score(wordnet_only(), "I am so grateful for my sister today.", "gratitude"), 0.5);
}

// "terrified" is evidence of "fear" through WordNet alone.
TEST(LexicalEngine, UnseededLabelMatchesSynonym) {
    EXPECT_GE(score(wordnet_only(), "Last night I was terrified of the storm.", "fear"), 0.5);
}

// A label no list was written for still finds its synonyms ("envious" for "jealousy").
TEST(LexicalEngine, NeverSeenLabelMatchesThroughWordNet) {
    EXPECT_GT(score(seeded(), "I was so envious of her new job.", "jealousy"), 0.2);
}

// Text with no word related to the label scores 0.
TEST(LexicalEngine, UnrelatedTextScoresZero) {
    EXPECT_EQ(score(seeded(), "The train leaves at nine from platform four.", "gratitude"), 0.0);
}

// Inflected words of the entry are matched through their base forms ("cried" -> "cry").
TEST(LexicalEngine, EntryWordsAreLemmatised) {
    EXPECT_GE(score(seeded(), "I cried all the way home.", "sad"), 0.5);
}

// --- Negation -----------------------------------------------------------------------------

// "not happy" removes the match that "happy" makes.
TEST(LexicalEngine, NegationRemovesMatch) {
    EXPECT_GE(score(seeded(), "I am happy today.", "happy"), 0.5);
    EXPECT_EQ(score(seeded(), "I am not happy today.", "happy"), 0.0);
}

// "never felt calm": the negation reaches past the verb.
TEST(LexicalEngine, NeverReachesPastVerb) {
    EXPECT_GE(score(seeded(), "I felt calm.", "calm"), 0.5);
    EXPECT_EQ(score(seeded(), "I never felt calm.", "calm"), 0.0);
}

// Contractions negate as well: "don't", "didn't", with a curly apostrophe too.
TEST(LexicalEngine, ContractionsNegate) {
    EXPECT_EQ(score(seeded(), "I didn't feel proud of it.", "proud"), 0.0);
    EXPECT_EQ(score(seeded(), "I don\u2019t feel proud of it.", "proud"), 0.0);
}

// A negated opposite flips into evidence: "not happy" counts for "sad".
TEST(LexicalEngine, NegatedOppositeFlipsToLabel) {
    EXPECT_GT(score(seeded(), "I'm not happy.", "sad"), 0.3);
    EXPECT_EQ(score(seeded(), "I'm happy.", "sad"), 0.0);
}

// A negation stops at the end of its clause: "not tired, but happy" is still happy.
TEST(LexicalEngine, NegationEndsAtClause) {
    auto result = classify(seeded(), "I'm not tired, but I am happy.", {"happy", "tired"});
    EXPECT_EQ(result.labels[0], "happy");
    EXPECT_GE(result.scores[0], 0.5);
    EXPECT_EQ(result.scores[1], 0.0);
}

// --- Intensity ----------------------------------------------------------------------------

// Intensifiers raise a score and diminishers lower it.
TEST(LexicalEngine, IntensifiersAndDiminishers) {
    double plain = score(seeded(), "I am sad.", "sad");
    double very = score(seeded(), "I am very sad.", "sad");
    double slightly = score(seeded(), "I am slightly sad.", "sad");
    EXPECT_GT(very, plain);
    EXPECT_LT(slightly, plain);
    EXPECT_GT(slightly, 0.0);
}

// --- Multi-word labels --------------------------------------------------------------------

// "overwhelmed at work" uses all its words: the feeling word counts most, the context less.
TEST(LexicalEngine, MultiWordLabelUsesAllContentWords) {
    const std::string label = "overwhelmed at work";
    double both = score(seeded(), "I felt overwhelmed with work today.", label);
    double feeling = score(seeded(), "I felt overwhelmed today.", label);
    double context = score(seeded(), "Work was fine today.", label);
    EXPECT_GT(both, feeling);
    EXPECT_GT(feeling, context);
    EXPECT_GT(context, 0.0);
    EXPECT_GE(score(seeded(), "I felt overwhelmed at work today.", label), 0.5);
}

// A label WordNet knows as a phrase, with seeds, matches the phrase in the entry.
TEST(LexicalEngine, PhraseLabelMatchesPhrase) {
    EXPECT_GE(score(seeded(), "I'm completely burned out this week.", "burned out"), 0.5);
    EXPECT_GE(score(seeded(), "Thank you so much for the flowers!", "gratitude"), 0.5);
}

// --- Text the engine cannot read ----------------------------------------------------------

// Chinese is refused politely: not understood, every score 0, a warning that says why.
TEST(LexicalEngine, ChineseIsNotUnderstood) {
    auto result = classify(seeded(), "今天我很开心，谢谢你的帮助。", {"joyful", "grateful"});
    EXPECT_FALSE(result.understood);
    for (double s : result.scores) EXPECT_EQ(s, 0.0);
    ASSERT_FALSE(result.warnings.empty());
    EXPECT_NE(result.warnings[0].find("English"), std::string::npos);
}

// Other languages in Latin script are refused too, not given wrong tags.
TEST(LexicalEngine, GermanIsNotUnderstood) {
    auto result = classify(seeded(), "Ich bin heute sehr glücklich und dankbar für alles.",
                           {"joyful", "grateful"});
    EXPECT_FALSE(result.understood);
}

// English with a foreign word or two is still read.
TEST(LexicalEngine, EnglishWithForeignWordIsUnderstood) {
    auto result = classify(seeded(), "Such a lovely dinner, merci beaucoup to everyone!", {"joy"});
    EXPECT_TRUE(result.understood);
}

// --- The Engine contract ------------------------------------------------------------------

// Results say which engine and model made them.
TEST(LexicalEngine, ResultNamesEngineAndModel) {
    auto result = classify(seeded(), "What a day.", {"joy"});
    EXPECT_EQ(result.engine, "lexical");
    EXPECT_EQ(result.model, kLexicalModelId);
    EXPECT_EQ(seeded().kind(), "lexical");
    EXPECT_EQ(wordnet_only().model_id(), "lexical-wordnet-noseeds-1");
}

// Labels come sorted by score, descending, ties keeping the request's order.
TEST(LexicalEngine, SortedByScoreTiesKeepOrder) {
    auto result = classify(seeded(), "I was terrified.", {"joy", "calm", "fear", "pride"});
    ASSERT_EQ(result.labels.size(), 4u);
    EXPECT_EQ(result.labels[0], "fear");
    EXPECT_EQ(result.labels[1], "joy");
    EXPECT_EQ(result.labels[2], "calm");
    EXPECT_EQ(result.labels[3], "pride");
    for (std::size_t i = 1; i < result.scores.size(); ++i) {
        EXPECT_GE(result.scores[i - 1], result.scores[i]);
    }
}

// Multi-label scores are each in [0, 1].
TEST(LexicalEngine, MultiLabelScoresInUnitRange) {
    auto result = classify(seeded(), "SO SO happy!!! Thank you thank you thank you, wow!",
                           {"joy", "gratitude", "surprise", "anger"});
    for (double s : result.scores) {
        EXPECT_GE(s, 0.0);
        EXPECT_LE(s, 1.0);
    }
}

// Single-label scores sum to 1; with no evidence at all they are shared evenly.
TEST(LexicalEngine, SingleLabelScoresSumToOne) {
    auto result =
        classify(seeded(), "I was terrified, then relieved.", {"fear", "relief", "joy"}, false);
    EXPECT_NEAR(result.scores[0] + result.scores[1] + result.scores[2], 1.0, 1e-9);
    EXPECT_FALSE(result.multi_label);

    auto none = classify(seeded(), "The bus was late.", {"fear", "joy"}, false);
    EXPECT_DOUBLE_EQ(none.scores[0], 0.5);
    EXPECT_DOUBLE_EQ(none.scores[1], 0.5);
}

// A single label is scored alone even in single-label mode.
TEST(LexicalEngine, SingleLabelIsScoredAlone) {
    EXPECT_LT(classify(seeded(), "The bus was late.", {"fear"}, false).scores[0], 0.5);
}

// The evidence of a label is the sentence that matched, in bytes of the text.
TEST(LexicalEngine, EvidenceIsMatchedSentence) {
    std::string text = "Work was long. I was terrified on the drive home. Dinner was fine.";
    auto result = classify(seeded(), text, {"fear", "pride"});
    ASSERT_EQ(result.labels[0], "fear");
    auto span = result.evidence[0];
    EXPECT_EQ(text.substr(span.start, span.end - span.start), "I was terrified on the drive home.");
    EXPECT_EQ(result.evidence[1].start, result.evidence[1].end);  // pride: nothing matched
}

// explain() lists the words behind each score, as the user wrote them.
TEST(LexicalEngine, ExplainListsMatchedWords) {
    ClassifyRequest request;
    request.text = "Thank you so much. I'm not happy about the rain though.";
    request.labels = {"gratitude", "sad"};
    auto evidence = seeded().explain(request);
    ASSERT_EQ(evidence.size(), 2u);
    ASSERT_FALSE(evidence[0].words.empty());
    EXPECT_EQ(evidence[0].words[0], "Thank you");
    ASSERT_FALSE(evidence[1].words.empty());
    EXPECT_EQ(evidence[1].words[0], "not happy");
}

// A question mark is evidence of curiosity (a cue from the seed file).
TEST(LexicalEngine, QuestionCueForCuriosity) {
    EXPECT_GT(score(seeded(), "Where does the river go after the bridge?", "curiosity"), 0.0);
    EXPECT_EQ(score(seeded(), "The river goes under the bridge.", "curiosity"), 0.0);
}

// Many threads may classify at once and get the same answers.
TEST(LexicalEngine, ThreadSafe) {
    const std::vector<std::string> labels = {"joy", "fear", "gratitude", "lonely", "excited"};
    const std::string text = "Thanks for coming. I was lonely before, now I'm excited!";
    auto expected = classify(seeded(), text, labels).scores;
    std::vector<std::thread> threads;
    std::vector<int> mismatches(4, 0);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 50; ++i) {
                if (classify(seeded(), text, labels).scores != expected) ++mismatches[t];
            }
        });
    }
    for (auto& thread : threads) thread.join();
    for (int m : mismatches) EXPECT_EQ(m, 0);
}

// --- Seed files and WordNet location -------------------------------------------------------

// The user's seed file adds words to any label, even a made-up one.
TEST(LexicalEngine, UserSeedFileAddsWords) {
    auto dir = fs::temp_directory_path() / "empathic-lexical-seeds";
    fs::create_directories(dir);
    std::ofstream(dir / "seeds-mine.json") << R"({"labels": {"Cozy Sunday": ["blanket fort"]}})";
    LexicalOptions options;
    options.seed_files = {shipped_seeds(), dir / "seeds-mine.json"};
    LexicalEngine engine(options);
    EXPECT_GE(score(engine, "We built a blanket fort.", "cozy sunday"), 0.5);
    fs::remove_all(dir);
}

// A malformed seed file is an input error naming the file.
TEST(LexicalEngine, MalformedSeedFileIsInputError) {
    auto file = fs::temp_directory_path() / "empathic-bad-seeds.json";
    std::ofstream(file) << R"({"labels": {"joy": "not a list"}})";
    LexicalOptions options;
    options.seed_files = {file};
    try {
        LexicalEngine engine(options);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
        EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos);
    }
    fs::remove(file);
}

// Without WordNet the engine says how to install it.
TEST(LexicalEngine, MissingWordNetSaysHowToInstall) {
    LexicalOptions options;
    options.wordnet_dir = "/nonexistent/wordnet";
    try {
        LexicalEngine engine(options);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::Unavailable);
        EXPECT_NE(std::string(e.what()).find("wordnet-base"), std::string::npos);
    }
}

// The factory makes the journal's default engine.
TEST(LexicalEngine, FactoryMakesDefaultEngine) {
    auto engine = make_lexical_engine();
    EXPECT_EQ(engine->kind(), "lexical");
    EXPECT_EQ(engine->model_id(), kLexicalModelId);
}

}  // namespace
}  // namespace empathic
