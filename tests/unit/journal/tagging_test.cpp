// Automatic tagging: scores with evidence and provenance, the cache, pending state, retag,
// the reflection hook, and label sets.
#include "core/error.h"
#include "journal_fixture.h"

using namespace empathic;
using namespace empathic::testing;

namespace {

double score_of(const Entry& e, const std::string& label) {
    for (const auto& s : e.scores.at(0).scores) {
        if (s.label == label) return s.score;
    }
    return -1;
}

}  // namespace

// Tagging stores every label's score, the evidence, and what produced it.
TEST_F(JournalTest, TaggingStoresScoresEvidenceAndProvenance) {
    Entry e = add("Finished the marathon, so proud!");
    EXPECT_EQ(journal->tag_pending().added, 1);

    Entry tagged = journal->get(e.id);
    EXPECT_EQ(tagged.tagging, TaggingState::Done);
    const TagResult& run = tagged.scores.at(0);
    EXPECT_EQ(run.label_set, "feelings");
    EXPECT_EQ(run.label_set_version, 1);
    EXPECT_EQ(run.hypothesis_template, "The writer feels {}.");
    EXPECT_EQ(run.engine, "lexical");
    EXPECT_EQ(run.model, "fake-1");
    EXPECT_EQ(run.scores.size(), journal->active_label_set().labels.size());
    EXPECT_EQ(tagged.empathic_tags(), std::vector<std::string>{"proud"});

    auto json = to_json(tagged);
    EXPECT_EQ(json["tagging"], "done");
    EXPECT_EQ(json["empathic_tags"], nlohmann::json::array({"proud"}));
    auto top = json["scores"][0]["scores"][0];
    EXPECT_EQ(top["label"], "proud");
    EXPECT_EQ(top["evidence"]["text"], "proud");
    EXPECT_EQ(top["tagged"], true);
}

// Adding a label re-scores only that label (cache); editing an entry re-scores that entry.
TEST_F(JournalTest, CacheScoresOnlyWhatChanged) {
    add("calm morning");
    add("anxious evening");
    journal->tag_pending();
    int labels = static_cast<int>(journal->active_label_set().labels.size());
    EXPECT_EQ(engine->labels_scored, 2 * labels);

    LabelSet set = journal->active_label_set();
    set.labels.push_back({"sleepy", Valence::Neutral});
    LabelSet updated = journal->update_label_set("feelings", set);
    EXPECT_EQ(updated.version, 2);
    EXPECT_EQ(journal->pending_count(), 2);
    journal->tag_pending();
    EXPECT_EQ(engine->labels_scored, 2 * labels + 2);  // only "sleepy", once per entry

    Entry first = journal->list(1, 1).at(0);
    EntryUpdate change;
    change.body = "sleepy afternoon";
    journal->update(first.id, change);
    journal->tag_pending();
    EXPECT_EQ(engine->labels_scored, 2 * labels + 2 + labels + 1);
    EXPECT_DOUBLE_EQ(score_of(journal->get(first.id), "sleepy"), 0.9);
    EXPECT_EQ(journal->get(first.id).scores.at(0).label_set_version, 2);
}

// When no engine can be opened, entries stay pending and say why; later tagging catches up.
TEST_F(JournalTest, EngineUnavailableLeavesEntriesPending) {
    engine_error = "lexical engine not built yet";
    Entry e = add("proud of the garden");
    BatchReport report = journal->tag_pending();
    EXPECT_EQ(report.added, 0);
    ASSERT_EQ(report.messages.size(), 1u);
    Entry pending = journal->get(e.id);
    EXPECT_EQ(pending.tagging, TaggingState::Pending);
    EXPECT_NE(pending.tagging_error.find("not built yet"), std::string::npos);
    EXPECT_EQ(error_of([&] { journal->tag(e.id); }), ErrorCode::Unavailable);

    engine_error = nullptr;
    EXPECT_EQ(journal->tag_pending().added, 1);
    EXPECT_EQ(journal->get(e.id).tagging_error, "");
}

// Scores computed for a text that was edited meanwhile are dropped, never stored on the new one.
TEST_F(JournalTest, ScoresOfAnOldTextNeverLand) {
    Entry e = add("proud moment");
    bool edited = false;
    engine->before_classify = [&] {
        if (edited) return;
        edited = true;
        EntryUpdate change;
        change.body = "sad moment";
        journal->update(e.id, change);
    };
    journal->tag_pending(1);
    engine->before_classify = nullptr;
    Entry after = journal->get(e.id);
    EXPECT_EQ(after.body, "sad moment");
    EXPECT_TRUE(after.scores.empty());  // the scores of "proud moment" were dropped
    EXPECT_EQ(after.tagging, TaggingState::Pending);
    EXPECT_TRUE(journal->check()["ok"].get<bool>());

    journal->tag_pending();
    EXPECT_EQ(journal->get(e.id).empathic_tags(), std::vector<std::string>{"sad"});
}

// retag re-scores the journal with progress, and resumes after an interruption.
TEST_F(JournalTest, RetagIsResumable) {
    for (int i = 0; i < 5; ++i) add("entry number " + std::to_string(i) + " calm");
    journal->tag_pending();

    int calls = 0;
    BatchReport first = journal->retag([&](std::int64_t done, std::int64_t total) {
        EXPECT_EQ(total, 5);
        return ++calls < 2;  // interrupted after two entries
    });
    EXPECT_EQ(first.added, 2);
    EXPECT_EQ(journal->pending_count(), 3);

    std::int64_t last_total = 0;
    BatchReport second = journal->retag([&](std::int64_t, std::int64_t total) {
        last_total = total;
        return true;
    });
    EXPECT_EQ(second.added, 3);  // resumed: the first two were not marked again
    EXPECT_EQ(last_total, 3);
    EXPECT_EQ(journal->pending_count(), 0);
}

// The reflector's answer is stored as the entry's reflection; safety stays out of the tags.
TEST_F(JournalTest, ReflectorResultIsStored) {
    journal->set_reflector([](const Entry& e, const TagResult& r) -> std::optional<nlohmann::json> {
        return nlohmann::json{{"text", "That sounds hard."},
                              {"safety", true},
                              {"tags_seen", r.tags()},
                              {"entry", e.id}};
    });
    Entry e = add("I feel sad and hopeless");
    journal->tag(e.id);
    Entry tagged = journal->get(e.id);
    ASSERT_TRUE(tagged.reflection);
    EXPECT_EQ((*tagged.reflection)["safety"], true);
    EXPECT_EQ((*tagged.reflection)["entry"], e.id);
    for (const auto& tag : tagged.empathic_tags()) EXPECT_NE(tag, "safety");
}

// Another set can be applied on demand and is stored beside the active set's scores.
TEST_F(JournalTest, ApplyAnotherLabelSet) {
    Entry e = add("tired but hopeful");
    journal->tag(e.id);
    TagResult run = journal->apply_label_set(e.id, "morning check-in");
    EXPECT_EQ(run.label_set, "morning check-in");
    auto tags = run.tags();
    EXPECT_NE(std::find(tags.begin(), tags.end(), "tired"), tags.end());
    Entry both = journal->get(e.id);
    ASSERT_EQ(both.scores.size(), 2u);
    EXPECT_EQ(both.scores[0].label_set, "feelings");  // the active set first
    EXPECT_EQ(error_of([&] { journal->apply_label_set(e.id, "nope"); }), ErrorCode::NotFound);
}

// Label sets: create, rename, edit, activate, delete; bad sets are refused with a reason.
TEST_F(JournalTest, LabelSetsAreEditable) {
    LabelSet set;
    set.name = "travel";
    set.labels = {{"adventurous", Valence::Positive}, {"homesick", Valence::Negative}};
    LabelSet created = journal->create_label_set(set);
    EXPECT_EQ(created.version, 1);
    EXPECT_EQ(error_of([&] { journal->create_label_set(set); }), ErrorCode::Conflict);

    created.name = "trips";
    created.labels.push_back({" jetlagged ", Valence::Negative});
    LabelSet renamed = journal->update_label_set("travel", created);
    EXPECT_EQ(renamed.name, "trips");
    EXPECT_EQ(renamed.labels.back().label, "jetlagged");
    EXPECT_EQ(error_of([&] { journal->label_set("travel"); }), ErrorCode::NotFound);

    journal->activate_label_set("trips");
    EXPECT_EQ(journal->active_label_set().name, "trips");
    EXPECT_EQ(error_of([&] { journal->delete_label_set("trips"); }), ErrorCode::Conflict);
    journal->activate_label_set("feelings");
    journal->delete_label_set("trips");
    EXPECT_EQ(error_of([&] { journal->delete_label_set("trips"); }), ErrorCode::NotFound);

    LabelSet bad = set;
    bad.name = "bad template";
    bad.hypothesis_template = "no placeholder";
    EXPECT_EQ(error_of([&] { journal->create_label_set(bad); }), ErrorCode::InvalidInput);
    bad.hypothesis_template = "I feel {}.";
    bad.threshold = 1.5;
    EXPECT_EQ(error_of([&] { journal->create_label_set(bad); }), ErrorCode::InvalidInput);
    bad.threshold = 0.5;
    bad.labels.clear();
    EXPECT_EQ(error_of([&] { journal->create_label_set(bad); }), ErrorCode::InvalidInput);
    EXPECT_EQ(error_of([&] { parse_valence("happy"); }), ErrorCode::InvalidInput);
}

// The shipped label sets: one broad set of about 25 feelings, narrow sets, all valid.
TEST_F(JournalTest, ShippedLabelSetsAreSensible) {
    auto sets = journal->label_sets();
    ASSERT_GE(sets.size(), 4u);
    EXPECT_EQ(journal->active_label_set().name, "feelings");
    EXPECT_GE(journal->active_label_set().labels.size(), 20u);
    EXPECT_LE(journal->active_label_set().labels.size(), 30u);
    for (const auto& set : sets) {
        EXPECT_NO_THROW(label_set_from_json(to_json(set))) << set.name;
        EXPECT_GE(set.labels.size(), 5u) << set.name;
    }
}
