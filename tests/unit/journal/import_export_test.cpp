// Import and export: each format round-trips, real-shaped fixtures import, malformed files
// import nothing and name the entry and field, and re-running an import adds nothing.
#include <zip.h>

#include <fstream>

#include "core/error.h"
#include "core/fs_util.h"
#include "journal_fixture.h"

using namespace empathic;
using namespace empathic::testing;

namespace {

const std::filesystem::path kFixtures =
    std::filesystem::path(EMPATHIC_SOURCE_DIR) / "tests/fixtures/journal";

// What must survive a round trip, per format.
nlohmann::json essence(const Entry& e, bool scores, bool seconds, bool offsets) {
    nlohmann::json j;
    std::string created = offsets ? e.created.to_string() : e.created.local();
    j["created"] = seconds ? created : created.substr(0, 16);
    j["title"] = e.title;
    j["body"] = e.body;
    j["tags"] = e.tags;
    if (scores) {
        j["scores"] = nlohmann::json::array();
        for (const auto& run : e.scores) {
            auto r = to_json(run, e.body);
            j["scores"].push_back(r);
        }
        j["question"] = e.question;
        j["has_parent"] = e.parent_id.has_value();
    }
    return j;
}

nlohmann::json journal_essence(Journal& journal, bool scores, bool seconds, bool offsets) {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& e : journal.list(1000)) {
        all.push_back(essence(journal.get(e.id), scores, seconds, offsets));
    }
    return all;
}

void write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

class RoundTripTest : public JournalTest {
  protected:
    void SetUp() override {
        JournalTest::SetUp();
        add("Proud of my first 10 km! ![finish](photos/finish.jpg)", "2024-03-05T08:15:00+01:00",
            {"running", "health"});
        add("Tokyo: 雨の日。Felt lonely — but calm by evening. 🌧️",
            "2024-07-19T22:40:10+09:00", {"travel"});
        NewEntry titled;
        titled.title = "Anxious \"Monday\"";
        titled.body = "Line one\n\n- a list item\n- **bold** and `code`\n";
        titled.created = Timestamp::parse("2024-12-30T07:05:00-05:00");
        Entry monday = journal->add(titled);
        journal->add_answer(monday.id, "What is one small step?", "Call Ana at noon.");
        journal->tag_pending();
    }

    std::filesystem::path round_trip(const std::string& format, const std::string& name,
                                     bool scores, bool seconds, bool offsets) {
        auto out = temp(name);
        journal->export_to(format, out);
        auto copy = open(temp("copy-" + name));
        BatchReport report = copy->import(format, out);
        EXPECT_EQ(report.added, 4) << format;
        EXPECT_EQ(journal_essence(*copy, scores, seconds, offsets),
                  journal_essence(*journal, scores, seconds, offsets))
            << format;
        EXPECT_EQ(copy->import(format, out).added, 0) << "re-running adds nothing";
        EXPECT_EQ(copy->count(), 4);
        return out;
    }
};

// Our JSON keeps everything: dates with offsets, tags, scores with provenance, threads.
TEST_F(RoundTripTest, Json) {
    journal->save_reflection(1, {{"question", "What helped?"}});
    round_trip("json", "export.json", true, true, true);
}

// A Markdown folder keeps everything too, the mood living in each note's front matter.
TEST_F(RoundTripTest, Markdown) {
    auto out = round_trip("markdown", "notes", true, true, true);
    for (const auto& f : std::filesystem::directory_iterator(out)) {
        std::string text = read_file(f.path());
        EXPECT_EQ(text.rfind("---\nuid: ", 0), 0u);
        EXPECT_NE(text.find("moods:"), std::string::npos);
    }
}

// Day One keeps text, title, tags, dates and whole-hour offsets (scores are recomputed).
TEST_F(RoundTripTest, DayOneJsonAndZip) {
    round_trip("dayone", "Journal.json", false, true, true);
    round_trip("dayone", "dayone.zip", false, true, true);
}

// jrnl keeps text, tags and the minute in local time.
TEST_F(RoundTripTest, Jrnl) {
    round_trip("jrnl", "jrnl.json", false, false, false);
}

// Real-shaped Day One export: time zones become the writer's offsets, titles and photo links
// are kept, and the zip form reads the same.
TEST_F(JournalTest, ImportsDayOneFixture) {
    BatchReport report = journal->import("dayone", kFixtures / "dayone/Journal.json");
    EXPECT_EQ(report.added, 3);
    auto entries = journal->list();
    ASSERT_EQ(entries.size(), 3u);
    const Entry& tokyo = entries[0];
    EXPECT_EQ(tokyo.created.to_string(), "2025-01-01T07:05:00+09:00");
    const Entry& ny = entries[1];
    EXPECT_EQ(ny.created.to_string(), "2024-07-19T19:40:00-04:00");
    const Entry& paris = entries[2];
    EXPECT_EQ(paris.title, "Morning run");
    EXPECT_EQ(paris.created.to_string(), "2024-03-05T08:15:00+01:00");
    EXPECT_NE(paris.body.find("![](dayone-moment://4F3E2D1C"), std::string::npos);
    EXPECT_EQ(paris.tags, (std::vector<std::string>{"health", "running"}));
    EXPECT_EQ(paris.uid, "8D5C1A6E4F2B4C3D9E0A1B2C3D4E5F60");

    // The zip with Journal.json, as Day One writes it, adds nothing new.
    auto zip_path = temp("dayone.zip");
    int error = 0;
    zip_t* archive = zip_open(zip_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    std::string json = read_file(kFixtures / "dayone/Journal.json");
    zip_file_add(archive, "Journal.json", zip_source_buffer(archive, json.data(), json.size(), 0),
                 0);
    zip_close(archive);
    report = journal->import("dayone", zip_path);
    EXPECT_EQ(report.added, 0);
    EXPECT_EQ(report.skipped, 3);
}

// jrnl's export: '@' tags lose their sign; one-sentence entries become the body.
TEST_F(JournalTest, ImportsJrnlFixture) {
    EXPECT_EQ(journal->import("jrnl", kFixtures / "jrnl.json").added, 3);
    auto entries = journal->list();
    EXPECT_EQ(entries[0].body, "Frustrated with the release.");
    EXPECT_EQ(entries[0].title, "");
    EXPECT_EQ(entries[2].title, "Big presentation today.");
    EXPECT_EQ(entries[2].tags, std::vector<std::string>{"work"});
    EXPECT_EQ(entries[2].created.local(), "2024-02-10T18:30:00");
    EXPECT_EQ(journal->import("jrnl", kFixtures / "jrnl.json").added, 0);
}

// Markdown notes with front matter: scores and moods come in as the entry's tags.
TEST_F(JournalTest, ImportsMarkdownFixture) {
    EXPECT_EQ(journal->import("markdown", kFixtures / "markdown").added, 2);
    auto entries = journal->list();
    ASSERT_EQ(entries.size(), 2u);
    const Entry& first = entries[1];
    EXPECT_EQ(first.title, "Première journée au nouveau poste");
    EXPECT_EQ(first.tagging, TaggingState::Done);
    EXPECT_EQ(first.empathic_tags(), std::vector<std::string>{"excited"});
    EXPECT_EQ(first.scores.at(0).model, "lexical-test");
    EXPECT_NE(first.body.find("![desk](images/desk.jpg)"), std::string::npos);
    const Entry& second = entries[0];
    EXPECT_EQ(second.tags, std::vector<std::string>{"family"});
    EXPECT_EQ(second.tagging, TaggingState::Pending);
}

// A malformed file imports nothing and names the entry and the field.
TEST_F(JournalTest, MalformedImportsWriteNothing) {
    auto dir = temp("bad");
    std::filesystem::create_directories(dir);
    auto message = [&](const std::string& format, const std::filesystem::path& path) {
        try {
            journal->import(format, path);
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
            return std::string(e.what());
        }
        return std::string("no error");
    };

    write(dir / "jrnl.json",
          R"({"entries":[{"date":"2024-01-01","time":"10:00","title":"ok","body":"fine"},
                         {"date":"2024-01-32","time":"10:00","title":"bad","body":"x"}]})");
    std::string m = message("jrnl", dir / "jrnl.json");
    EXPECT_NE(m.find("entry 2"), std::string::npos) << m;
    EXPECT_NE(m.find("'date'"), std::string::npos) << m;

    write(dir / "dayone.json", R"({"entries":[{"uuid":"A","creationDate":"2024-01-01T00:00:00Z",
          "text":"ok"},{"uuid":"B","text":"no date"}]})");
    m = message("dayone", dir / "dayone.json");
    EXPECT_NE(m.find("entry 2"), std::string::npos) << m;
    EXPECT_NE(m.find("creationDate"), std::string::npos) << m;

    write(dir / "nul.json", R"({"entries":[{"created":"2024-01-01","body":"bad \u0000 ok"}]})");
    m = message("json", dir / "nul.json");
    EXPECT_NE(m.find("entry 1 of nul.json"), std::string::npos) << m;
    EXPECT_NE(m.find("control character U+0000 at byte 4"), std::string::npos) << m;
    write(dir / "ours.json", R"({"entries":[{"created":"2024-01-01","body":"fine"},
          {"created":"2024-01-02","body":17}]})");
    m = message("json", dir / "ours.json");
    EXPECT_NE(m.find("'body'"), std::string::npos) << m;

    write(dir / "notjson.json", "{ not json");
    EXPECT_NE(message("json", dir / "notjson.json").find("not valid JSON"), std::string::npos);

    write(dir / "badutf8.json", "{\"entries\":[{\"date\":\"2024-01-01\",\"body\":\"\xff\"}]}");
    EXPECT_NE(message("jrnl", dir / "badutf8.json"), "no error");

    auto notes = dir / "notes";
    std::filesystem::create_directories(notes);
    write(notes / "a.md", "---\ncreated: 2024-01-01\n---\nfine\n");
    write(notes / "b.md", "---\ncreated: someday\n---\nbad date\n");
    m = message("markdown", notes);
    EXPECT_NE(m.find("b.md"), std::string::npos) << m;
    EXPECT_NE(m.find("'created'"), std::string::npos) << m;

    // Messages in words, naming the file, the entry and the field; no library jargon.
    write(dir / "scores.json", R"({"entries":[{"created":"2024-01-01","body":"ok",
          "scores":["joy"]}]})");
    m = message("json", dir / "scores.json");
    EXPECT_NE(m.find("entry 1 of scores.json"), std::string::npos) << m;
    EXPECT_NE(m.find("'scores'"), std::string::npos) << m;
    EXPECT_EQ(m.find("json.exception"), std::string::npos) << m;
    write(dir / "scores2.json", R"({"entries":[{"created":"2024-01-01","body":"ok",
          "scores":"joy"}]})");
    m = message("json", dir / "scores2.json");
    EXPECT_NE(m.find("'scores'"), std::string::npos) << m;
    EXPECT_EQ(m.find("json.exception"), std::string::npos) << m;

    write(dir / "sets.json", R"({"label_sets":[{"name":"x"}],"entries":[]})");
    m = message("json", dir / "sets.json");
    EXPECT_EQ(m.rfind("import failed: label set 1 of sets.json", 0), 0u) << m;
    EXPECT_NE(m.find("'label_sets'"), std::string::npos) << m;
    EXPECT_EQ(m.find("json.exception"), std::string::npos) << m;

    write(dir / "plain.txt", "2024-01-01 10:00 A jrnl entry in plain text.\n");
    m = message("jrnl", dir / "plain.txt");
    EXPECT_NE(m.find("jrnl --export json"), std::string::npos) << m;
    m = message("dayone", dir / "plain.txt");
    EXPECT_NE(m.find("neither a Day One zip nor"), std::string::npos) << m;
    EXPECT_EQ(m.find("json.exception"), std::string::npos) << m;

    {
        int error = 0;
        auto zip_path = dir / "photos.zip";
        zip_t* archive = zip_open(zip_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
        ASSERT_NE(archive, nullptr);
        static const char kText[] = "not a journal";
        zip_source_t* source = zip_source_buffer(archive, kText, sizeof kText - 1, 0);
        ASSERT_GE(zip_file_add(archive, "photo.txt", source, ZIP_FL_OVERWRITE), 0);
        ASSERT_EQ(zip_close(archive), 0);
        m = message("dayone", zip_path);
        EXPECT_NE(m.find("Journal.json is missing from the zip"), std::string::npos) << m;
    }

    EXPECT_EQ(error_of([&] { journal->import("evernote", dir); }), ErrorCode::InvalidInput);
    EXPECT_EQ(error_of([&] { journal->import("json", dir / "missing.json"); }),
              ErrorCode::NotFound);
    EXPECT_EQ(journal->count(), 0);
}

// A large import reports progress per batch and commits batch by batch.
TEST_F(JournalTest, LargeImportShowsProgress) {
    nlohmann::json root = {{"entries", nlohmann::json::array()}};
    for (int i = 0; i < 1200; ++i) {
        root["entries"].push_back({{"date", "2024-01-01"},
                                   {"time", "10:" + std::to_string(10 + i % 50)},
                                   {"title", ""},
                                   {"body", "entry " + std::to_string(i)},
                                   {"tags", {"@bulk"}}});
    }
    auto path = temp("bulk.json");
    write(path, root.dump());
    std::vector<std::int64_t> seen;
    journal->import("jrnl", path, [&](std::int64_t done, std::int64_t total) {
        EXPECT_EQ(total, 1200);
        seen.push_back(done);
        return true;
    });
    EXPECT_EQ(seen, (std::vector<std::int64_t>{500, 1000, 1200}));
    EXPECT_EQ(journal->count(), 1200);
    EXPECT_EQ(journal->import("jrnl", path).added, 0);
}
