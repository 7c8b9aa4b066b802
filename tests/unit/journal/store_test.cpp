// The store: entries are kept whole, bad input writes nothing, the trash, migrations.
#include <sqlite3.h>

#include <thread>

#include "core/error.h"
#include "journal_fixture.h"

using namespace empathic;
using namespace empathic::testing;

// add() stores the entry at once with tagging pending, and get() returns it as stored.
TEST_F(JournalTest, AddStoresEntryPending) {
    NewEntry input;
    input.body = "A long walk. Felt *calm* afterwards. 🌿";
    input.title = "Sunday";
    input.tags = {"walks", "#nature", "walks", " "};
    input.created = Timestamp::parse("2024-03-05T08:15:00+01:00");
    Entry e = journal->add(input);

    EXPECT_GT(e.id, 0);
    EXPECT_EQ(e.tagging, TaggingState::Pending);
    Entry back = journal->get(e.id);
    EXPECT_EQ(back.body, input.body);
    EXPECT_EQ(back.title, "Sunday");
    EXPECT_EQ(back.tags, (std::vector<std::string>{"nature", "walks"}));
    EXPECT_EQ(back.created.to_string(), "2024-03-05T08:15:00+01:00");
    EXPECT_EQ(to_json(back)["tagging"], "pending");
    EXPECT_EQ(journal->count(), 1);
}

// Invalid UTF-8, an empty text and an entry over the size limit are refused; nothing is written.
TEST_F(JournalTest, BadEntriesWriteNothing) {
    EXPECT_EQ(error_of([&] { add("bad \xff byte"); }), ErrorCode::InvalidInput);
    EXPECT_EQ(error_of([&] { add("   \n"); }), ErrorCode::InvalidInput);
    EXPECT_EQ(error_of([&] { add(std::string(kMaxEntryBytes + 1, 'a')); }), ErrorCode::TooLarge);
    EXPECT_NO_THROW(add(std::string(kMaxEntryBytes, 'a')));
    NewEntry answer;
    answer.body = "an answer";
    answer.parent_id = 999;
    EXPECT_EQ(error_of([&] { journal->add(answer); }), ErrorCode::NotFound);
    EXPECT_EQ(journal->count(), 1);
}

// A date that can't be parsed is a clear error; offsets and bare dates are understood.
TEST_F(JournalTest, TimestampsParseOrFailClearly) {
    EXPECT_EQ(Timestamp::parse("2024-03-05T08:15:00Z").to_string(), "2024-03-05T08:15:00+00:00");
    EXPECT_EQ(Timestamp::parse("2024-03-05T08:15:00-04:30").utc,
              Timestamp::parse("2024-03-05T12:45:00Z").utc);
    EXPECT_EQ(Timestamp::parse("2024-03-05 08:15+0530").offset_minutes, 330);
    EXPECT_EQ(Timestamp::parse("2024-03-05").local(), "2024-03-05T00:00:00");
    for (const char* bad : {"yesterday-ish", "2024-02-30", "2024-13-01", "2024-03-05T25:00",
                            "2024-03-05T08:15:00+1x", ""}) {
        EXPECT_EQ(error_of([&] { Timestamp::parse(bad); }), ErrorCode::InvalidInput) << bad;
    }
    EXPECT_EQ(error_of([&] { resolve_dates("someday"); }), ErrorCode::InvalidInput);
    EXPECT_EQ(resolve_dates("2024-02").first, "2024-02-01");
}

// A month period ends on the month's real last day, leap years included, and reads as a date.
TEST(Timestamp, MonthPeriodsEndOnTheLastDay) {
    EXPECT_EQ(resolve_dates("2024-02").second, "2024-02-29");
    EXPECT_EQ(resolve_dates("2023-02").second, "2023-02-28");
    EXPECT_EQ(resolve_dates("1900-02").second, "1900-02-28");
    EXPECT_EQ(resolve_dates("2000-02").second, "2000-02-29");
    EXPECT_EQ(resolve_dates("2025-04").second, "2025-04-30");
    EXPECT_EQ(resolve_dates("2026-11").second, "2026-11-30");
    EXPECT_EQ(resolve_dates("2026-12").second, "2026-12-31");
    for (const char* phrase : {"this-month", "last-month"}) {
        auto [from, to] = resolve_dates(phrase);
        EXPECT_NO_THROW(Timestamp::parse(to)) << phrase << " ends " << to;
        EXPECT_EQ(from.substr(0, 7), to.substr(0, 7)) << phrase;
    }
    EXPECT_EQ(error_of([&] { resolve_dates("2024-13"); }), ErrorCode::InvalidInput);
}

// Years below 1000 are written with four digits and read back; year 0 and beyond are refused.
TEST(Timestamp, FourDigitYears) {
    Timestamp early = Timestamp::parse("0001-01-01T00:00:00+00:00");
    EXPECT_EQ(early.to_string(), "0001-01-01T00:00:00+00:00");
    EXPECT_EQ(Timestamp::parse(early.to_string()).utc, early.utc);
    EXPECT_EQ(Timestamp::parse("0999-05-05 10:00").local(), "0999-05-05T10:00:00");
    EXPECT_EQ(Timestamp::parse("9999-12-31T12:00:00Z").local(), "9999-12-31T12:00:00");
    for (const char* bad : {"0000-01-01", "0000-06-01T12:00:00Z", "0001-01-01T00:00:00+05:00",
                            "9999-12-31T23:00:00-05:00"}) {
        EXPECT_EQ(error_of([&] { Timestamp::parse(bad); }), ErrorCode::InvalidInput) << bad;
    }
}

// An entry of year 999 survives a JSON export and import.
TEST_F(JournalTest, EarlyYearsSurviveExport) {
    add("an old letter", "0999-05-05T10:00:00+00:00");
    for (const std::string format : {"json", "markdown", "dayone"}) {
        auto out = temp("early-" + format);
        journal->export_to(format, out);
        auto other = open(temp("early-import-" + format));
        EXPECT_EQ(other->import(format, out).added, 1) << format;
        auto entries = other->list();
        ASSERT_EQ(entries.size(), 1u) << format;
        EXPECT_EQ(entries[0].created.to_string(), "0999-05-05T10:00:00+00:00") << format;
    }
    auto entries = journal->list();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].created.to_string(), "0999-05-05T10:00:00+00:00");
}

// Editing the text drops the old scores in the same step and marks the entry pending again.
TEST_F(JournalTest, EditDropsScoresOfOldText) {
    Entry e = add("I feel proud today");
    journal->tag_pending();
    ASSERT_EQ(journal->get(e.id).tagging, TaggingState::Done);

    EntryUpdate change;
    change.body = "Now I am sad";
    Entry edited = journal->update(e.id, change);
    EXPECT_EQ(edited.tagging, TaggingState::Pending);
    EXPECT_TRUE(edited.scores.empty());

    EntryUpdate tags_only;
    tags_only.tags = std::vector<std::string>{"home"};
    journal->tag_pending();
    EXPECT_EQ(journal->update(e.id, tags_only).tagging, TaggingState::Done);
    EXPECT_EQ(error_of([&] { journal->update(424242, change); }), ErrorCode::NotFound);
    EXPECT_TRUE(journal->check()["ok"].get<bool>());
}

// delete moves to the trash (out of list and search), restore brings it back, purge forgets.
TEST_F(JournalTest, TrashAndRestore) {
    Entry e = add("walk in the rain");
    journal->remove(e.id);
    EXPECT_EQ(journal->count(), 0);
    EXPECT_TRUE(journal->get(e.id).deleted);
    SearchQuery q;
    q.text = "rain";
    EXPECT_EQ(journal->search(q).total, 0);
    q.trash = true;
    EXPECT_EQ(journal->search(q).total, 1);
    EXPECT_EQ(error_of([&] { journal->remove(e.id); }), ErrorCode::Conflict);

    journal->restore(e.id);
    EXPECT_EQ(journal->count(), 1);
    EXPECT_EQ(error_of([&] { journal->restore(e.id); }), ErrorCode::Conflict);

    journal->remove(e.id);
    EXPECT_EQ(journal->purge_trash(), 1);
    EXPECT_EQ(error_of([&] { journal->get(e.id); }), ErrorCode::NotFound);
}

// Reopening keeps everything; the folder and the database are private to the user.
TEST_F(JournalTest, ReopenKeepsDataAndFilesArePrivate) {
    Entry e = add("kept across restarts");
    journal.reset();
    journal = open(folder);
    EXPECT_EQ(journal->get(e.id).body, "kept across restarts");
    EXPECT_EQ(journal->label_sets().size(), 5u);
    auto perms = std::filesystem::status(folder).permissions();
    EXPECT_EQ(perms & std::filesystem::perms::all, std::filesystem::perms::owner_all);
    auto db_perms = std::filesystem::status(journal->database_path()).permissions();
    EXPECT_EQ(db_perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none);
}

// A journal written by a newer Empathic (higher schema version) is refused, not touched.
TEST_F(JournalTest, NewerSchemaIsRefused) {
    journal.reset();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((folder / "journal.db").c_str(), &db), SQLITE_OK);
    sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    EXPECT_EQ(error_of([&] { open(folder); }), ErrorCode::Conflict);
}

// Reflections keep their history; recent_reflections spans the journal, newest first.
TEST_F(JournalTest, ReflectionsKeepHistory) {
    Entry a = add("first entry");
    Entry b = add("second entry");
    EXPECT_FALSE(journal->latest_reflection(a.id));
    journal->save_reflection(a.id, {{"question", "What helped?"}});
    journal->save_reflection(a.id, {{"question", "What else?"}});
    journal->save_reflection(b.id, {{"question", "Who was there?"}});
    EXPECT_EQ((*journal->latest_reflection(a.id))["question"], "What else?");
    auto recent = journal->recent_reflections(2);
    ASSERT_EQ(recent.size(), 2u);
    EXPECT_EQ(recent[0]["entry_id"], b.id);
    EXPECT_EQ(recent[1]["reflection"]["question"], "What else?");
    EXPECT_EQ(to_json(journal->get(a.id))["reflection"]["question"], "What else?");
    EXPECT_EQ(error_of([&] { journal->save_reflection(999, {}); }), ErrorCode::NotFound);
}

// An answer to a reflection's question is an entry, in its parent's thread, and searchable.
TEST_F(JournalTest, AnswersFormThreads) {
    Entry parent = add("Hard day at work");
    Entry answer = journal->add_answer(parent.id, "What would help tomorrow?", "A walk at lunch");
    EXPECT_EQ(answer.parent_id, parent.id);
    auto json = to_json(journal->get(parent.id));
    ASSERT_EQ(json["thread"].size(), 1u);
    EXPECT_EQ(json["thread"][0]["question"], "What would help tomorrow?");
    SearchQuery q;
    q.text = "lunch";
    EXPECT_EQ(journal->search(q).hits.at(0).entry.id, answer.id);
    EXPECT_EQ(error_of([&] { journal->add_answer(parent.id, "", "x"); }), ErrorCode::InvalidInput);
    EXPECT_EQ(error_of([&] { journal->add_answer(999, "Why?", "x"); }), ErrorCode::NotFound);
}

// Ten first opens of a new journal at once (each its own connection, as separate processes
// would be) all succeed, and every entry they add is stored.
TEST_F(JournalTest, ConcurrentFirstOpensLoseNothing) {
    auto fresh = temp("concurrent");
    constexpr int kWriters = 10;
    std::vector<std::thread> threads;
    std::vector<std::string> errors(kWriters);
    for (int i = 0; i < kWriters; ++i) {
        threads.emplace_back([&, i] {
            try {
                auto own = open(fresh);
                NewEntry e;
                e.body = "entry " + std::to_string(i);
                own->add(e);
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
        });
    }
    for (auto& t : threads) t.join();
    for (int i = 0; i < kWriters; ++i) EXPECT_EQ(errors[i], "") << "writer " << i;
    auto check = open(fresh);
    EXPECT_EQ(check->count(), kWriters);
    EXPECT_EQ(check->label_sets().size(), journal->label_sets().size());
}

// NUL and other C0 control characters are refused in titles and bodies, naming the offset;
// tab and line breaks are kept.
TEST_F(JournalTest, ControlCharactersRefused) {
    for (std::string bad :
         {std::string("before\0after", 12), std::string("bell\a"), std::string("\x1b]0;pwned\a")}) {
        NewEntry e;
        e.body = bad;
        try {
            journal->add(e);
            ADD_FAILURE() << "accepted a control character";
        } catch (const Error& error) {
            EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
            EXPECT_NE(std::string(error.what()).find("control character U+00"), std::string::npos)
                << error.what();
        }
        NewEntry titled;
        titled.title = bad;
        titled.body = "fine";
        EXPECT_EQ(error_of([&] { journal->add(titled); }), ErrorCode::InvalidInput);
    }
    try {
        add(std::string("abc\0", 4));
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("at byte 3"), std::string::npos) << error.what();
    }
    EXPECT_EQ(journal->count(), 0);
    EXPECT_EQ(add("tab\there\r\nnext line").body, "tab\there\r\nnext line");
}
