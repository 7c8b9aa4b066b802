// Search and analytics: full text with snippets, tag/date/own-tag filters, sorts, stats.
#include "core/error.h"
#include "journal_fixture.h"

using namespace empathic;
using namespace empathic::testing;

class SearchTest : public JournalTest {
  protected:
    void SetUp() override {
        JournalTest::SetUp();
        add("Presentation at work went well, I am proud.", "2024-03-04T18:00:00+01:00", {"job"});
        add("Work deadline, anxious all day.", "2024-03-05T21:00:00+01:00", {"job"});
        add("Rainy walk, sad and lonely.", "2024-03-12T08:00:00+01:00");
        add("Lunch with Sam, grateful and calm.", "2024-04-02T13:00:00+02:00", {"friends"});
        add("Anxious about the move, sad to leave.", "2024-04-03T23:30:00+02:00");
        journal->tag_pending();
    }

    std::vector<std::string> bodies(const SearchResult& r) {
        std::vector<std::string> out;
        for (const auto& h : r.hits) out.push_back(h.entry.body.substr(0, 10));
        return out;
    }
};

// "entries tagged anxious in March": a tag filter with a date range.
TEST_F(SearchTest, TagAndDateRange) {
    SearchQuery q;
    q.feelings = {{"anxious", std::nullopt}};
    q.from = "2024-03-01";
    q.until = "2024-03-31";
    auto result = journal->search(q);
    EXPECT_EQ(result.total, 1);
    EXPECT_EQ(bodies(result), std::vector<std::string>{"Work deadl"});
    q.from.reset();
    q.until.reset();
    EXPECT_EQ(journal->search(q).total, 2);

    // Bounds with a time of day compare with each entry's local time.
    SearchQuery evening;
    evening.from = "2024-03-05 20:00";
    evening.until = "2024-03-05T22:00:00+01:00";
    EXPECT_EQ(bodies(journal->search(evening)), std::vector<std::string>{"Work deadl"});
}

// "entries about work where I felt proud": full text with a tag, snippet highlighted.
TEST_F(SearchTest, FullTextWithFeeling) {
    SearchQuery q;
    q.text = "work";
    q.feelings = {{"proud", std::nullopt}};
    auto result = journal->search(q);
    ASSERT_EQ(result.total, 1);
    EXPECT_NE(result.hits[0].snippet.find("[work]"), std::string::npos);
    q.feelings = {{"proud", 0.95}};  // a minimum above every score
    EXPECT_EQ(journal->search(q).total, 0);
}

// Own tags filter; sorting by a label's score and by intensity; dates newest first.
TEST_F(SearchTest, OwnTagsAndSorting) {
    SearchQuery q;
    q.own_tags = {"job"};
    EXPECT_EQ(journal->search(q).total, 2);

    SearchQuery by_sad;
    by_sad.sort = SortBy::Score;
    by_sad.sort_label = "sad";
    by_sad.limit = 2;
    auto r = journal->search(by_sad);
    EXPECT_EQ(r.total, 5);
    EXPECT_DOUBLE_EQ(r.hits[0].rank, 0.9);
    EXPECT_DOUBLE_EQ(r.hits[1].rank, 0.9);

    SearchQuery by_date;
    EXPECT_EQ(bodies(journal->search(by_date)).front(), "Anxious ab");
    by_date.ascending = true;
    EXPECT_EQ(bodies(journal->search(by_date)).front(), "Presentati");

    SearchQuery intensity;
    intensity.sort = SortBy::Intensity;
    EXPECT_DOUBLE_EQ(journal->search(intensity).hits[0].rank, 0.9);
}

// Bad searches say what is wrong: unknown label, unknown set, no words to search, bad date.
TEST_F(SearchTest, BadQueriesAreClearErrors) {
    SearchQuery q;
    q.feelings = {{"hangry", std::nullopt}};
    EXPECT_EQ(error_of([&] { journal->search(q); }), ErrorCode::InvalidInput);
    SearchQuery set;
    set.label_set = "nope";
    EXPECT_EQ(error_of([&] { journal->search(set); }), ErrorCode::NotFound);
    SearchQuery syntax;
    syntax.text = "\"unclosed";  // read as the phrase "unclosed"
    EXPECT_EQ(error_of([&] { journal->search(syntax); }), std::nullopt);
    syntax.text = "(*)";
    EXPECT_EQ(error_of([&] { journal->search(syntax); }), ErrorCode::InvalidInput);
    SearchQuery date;
    date.from = "last tuesday-ish";
    EXPECT_EQ(error_of([&] { journal->search(date); }), ErrorCode::InvalidInput);
}

// Monthly analytics: counts, means, valence line, co-occurrence, weekdays, streaks.
TEST_F(SearchTest, MonthlyStats) {
    StatsQuery q;
    q.period = Period::Month;
    auto stats = journal->stats(q);
    ASSERT_EQ(stats["periods"].size(), 2u);
    auto march = stats["periods"][0];
    EXPECT_EQ(march["period"], "2024-03");
    EXPECT_EQ(march["entries"], 3);
    EXPECT_EQ(march["counts"]["anxious"], 1);
    EXPECT_NEAR(march["means"]["proud"].get<double>(), (0.9 + 0.1 + 0.1) / 3, 1e-9);
    EXPECT_LT(march["valence"].get<double>(), 0.1);
    EXPECT_EQ(stats["totals"]["entries"], 5);
    EXPECT_EQ(stats["streaks"]["longest"], 2);  // 4 and 5 March
    EXPECT_EQ(stats["streaks"]["longest_from"], "2024-03-04");
    EXPECT_EQ(stats["weekdays"][0]["weekday"], "Monday");
    EXPECT_EQ(stats["weekdays"][0]["entries"], 1);  // 4 March
    EXPECT_EQ(stats["weekdays"][1]["entries"], 3);  // 5 and 12 March, 2 April
    bool found = false;
    for (const auto& pair : stats["cooccurrence"]) {
        if (pair["labels"] == nlohmann::json::array({"anxious", "sad"})) found = true;
    }
    EXPECT_TRUE(found);
    EXPECT_EQ(stats["time_of_day"][3]["part"], "night");
    EXPECT_EQ(stats["time_of_day"][3]["entries"], 1);
}

// "My saddest week": weeks ranked by the mean score of sad.
TEST_F(SearchTest, SaddestWeek) {
    auto top = journal->top_periods("sad", Period::Week, 1);
    ASSERT_EQ(top["periods"].size(), 1u);
    EXPECT_EQ(top["periods"][0]["period"], "2024-03-11");  // the week of the rainy walk
    EXPECT_EQ(error_of([&] { journal->top_periods("hangry", Period::Week); }),
              ErrorCode::InvalidInput);
    EXPECT_EQ(error_of([&] { parse_period("fortnight"); }), ErrorCode::InvalidInput);
}

// Ordinary words with punctuation are plain text, not FTS5 syntax; phrases, OR and prefix* work.
TEST_F(SearchTest, PunctuatedWordsJustWork) {
    add("Self-care day: don't check e-mail before 9:30, x -y.", "2024-05-01T09:00:00+02:00");
    for (const char* words : {"self-care", "don't", "9:30", "e-mail", "x -y", "(self", "care)"}) {
        SearchQuery q;
        q.text = words;
        EXPECT_EQ(journal->search(q).total, 1) << words;
    }
    SearchQuery q;
    q.text = "\"proud\" OR lonely";
    EXPECT_EQ(journal->search(q).total, 2);
    q.text = "anx*";
    EXPECT_EQ(journal->search(q).total, 2);
    q.text = "\"sad and lonely\"";
    EXPECT_EQ(journal->search(q).total, 1);
    q.text = "anxious NOT move";
    EXPECT_EQ(journal->search(q).total, 1);
    q.text = "OR work";
    EXPECT_EQ(journal->search(q).total, 2);

    // Nothing searchable left: a clear message, not an FTS5 error.
    for (const char* nothing : {"*", "-", "\"\"", "OR"}) {
        q.text = nothing;
        try {
            journal->search(q);
            ADD_FAILURE() << nothing << " was accepted";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
            EXPECT_NE(std::string(e.what()).find("no words"), std::string::npos) << e.what();
        }
    }
}
