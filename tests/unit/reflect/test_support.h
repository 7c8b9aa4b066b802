// Helpers shared by the reflect tests: a private journal folder per test, the test entries of
// entries.json, and fake engines whose scores the tests choose.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/fs_util.h"
#include "core/paths.h"
#include "nlp/engine.h"
#include "reflect/reflect.h"

namespace empathic::reflect::testing {

/// Gives each test an empty $EMPATHIC_HOME and fresh reflect data.
class HomeFixture : public ::testing::Test {
  protected:
    void SetUp() override {
        home_ = std::filesystem::temp_directory_path() /
                ("empathic-reflect-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(home_);
        std::filesystem::create_directories(home_);
        paths::set_home(home_);
        reload_data();
    }
    void TearDown() override {
        reload_data();
        std::filesystem::remove_all(home_);
    }
    std::filesystem::path home_;
};

/// One entry of entries.json.
struct TestEntry {
    std::string kind;  // single, mixed, neutral, risk, lookalike
    std::string text;
    std::vector<Tag> tags;
};

/// The shipped label set's valence of a label ("neutral" when it is not there).
inline std::string default_valence(const std::string& label) {
    static const nlohmann::json sets = nlohmann::json::parse(
        read_file(std::filesystem::path(EMPATHIC_SOURCE_DIR) / "data/labelsets/default.json"));
    for (const auto& set : sets["sets"]) {
        for (const auto& l : set["labels"]) {
            if (l["label"] == label) return l["valence"].get<std::string>();
        }
    }
    return "neutral";
}

inline std::vector<TestEntry> test_entries() {
    auto doc = nlohmann::json::parse(
        read_file(std::filesystem::path(EMPATHIC_SOURCE_DIR) / "tests/unit/reflect/entries.json"));
    std::vector<TestEntry> out;
    for (const auto& e : doc["entries"]) {
        TestEntry entry{e["kind"], e["text"], {}};
        for (const auto& t : e.value("tags", nlohmann::json::array())) {
            Tag tag;
            tag.label = t["label"];
            tag.score = t["score"];
            tag.valence = default_valence(tag.label);
            tag.threshold = 0.5;
            tag.evidence = {0, entry.text.size()};
            entry.tags.push_back(tag);
        }
        out.push_back(std::move(entry));
    }
    return out;
}

/// An engine that scores each hypothesis with a function the test chooses.
class FakeEngine : public Engine {
  public:
    using Scorer = std::function<double(const std::string& text, const std::string& hypothesis)>;
    FakeEngine(std::string kind, Scorer scorer)
        : kind_(std::move(kind)), scorer_(std::move(scorer)) {}

    Classification classify(const ClassifyRequest& request) override {
        ++calls;
        Classification out;
        out.sequence = request.text;
        out.engine = kind_;
        out.model = "fake";
        for (const auto& label : request.labels) {
            out.labels.push_back(label);
            out.scores.push_back(
                scorer_(request.text, make_hypothesis(request.hypothesis_template, label)));
            out.evidence.push_back({0, request.text.size()});
        }
        return out;
    }
    std::string kind() const override { return kind_; }
    std::string model_id() const override { return "fake"; }

    int calls = 0;

  private:
    std::string kind_;
    Scorer scorer_;
};

}  // namespace empathic::reflect::testing
