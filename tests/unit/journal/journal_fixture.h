// Shared by the journal's tests: a fake engine that scores a label high when the entry contains
// its word, and a journal in a fresh temporary folder.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "core/utf8.h"
#include "journal/journal.h"

namespace empathic::testing {

/// Scores 0.9 when the lower-cased text contains the label, 0.1 otherwise; the evidence is
/// the label's first occurrence. Counts the labels it was asked to score.
class FakeEngine : public Engine {
  public:
    Classification classify(const ClassifyRequest& request) override {
        if (before_classify) before_classify();
        Classification c;
        c.sequence = request.text;
        c.engine = "lexical";
        c.model = model;
        c.multi_label = request.multi_label;
        c.hypothesis_template = request.hypothesis_template;
        std::string lower = utf8::lower(request.text);
        for (const auto& label : request.labels) {
            ++labels_scored;
            auto pos = lower.find(utf8::lower(label));
            c.labels.push_back(label);
            c.scores.push_back(pos == std::string::npos ? 0.1 : 0.9);
            c.evidence.push_back(pos == std::string::npos ? Span{0, 0}
                                                          : Span{pos, pos + label.size()});
        }
        return c;
    }
    std::string kind() const override { return "lexical"; }
    std::string model_id() const override { return model; }

    std::string model = "fake-1";
    std::atomic<int> labels_scored{0};
    std::function<void()> before_classify;
};

/// A journal in its own temporary folder, removed afterwards, with the product's label sets.
class JournalTest : public ::testing::Test {
  protected:
    void SetUp() override {
        folder = std::filesystem::temp_directory_path() /
                 ("empathic-journal-test-" + std::to_string(::getpid()) + "-" +
                  std::to_string(counter()++));
        std::filesystem::remove_all(folder);
        engine = std::make_shared<FakeEngine>();
        journal = open(folder);
    }
    void TearDown() override {
        journal.reset();
        std::filesystem::remove_all(folder);
        for (auto& f : extra) std::filesystem::remove_all(f);
    }

    std::unique_ptr<Journal> open(const std::filesystem::path& dir) {
        Journal::Options options;
        options.folder = dir;
        options.engines = [this](const std::string&) -> std::shared_ptr<Engine> {
            if (engine_error) throw std::runtime_error(engine_error);
            return engine;
        };
        options.default_label_sets =
            std::filesystem::path(EMPATHIC_SOURCE_DIR) / "data/labelsets/default.json";
        return std::make_unique<Journal>(options);
    }

    /// A second temporary folder, removed at the end.
    std::filesystem::path temp(const std::string& name) {
        auto path = folder.string() + "-" + name;
        std::filesystem::remove_all(path);
        extra.push_back(path);
        return path;
    }

    Entry add(const std::string& body, const std::string& created = "",
              std::vector<std::string> tags = {}) {
        NewEntry e;
        e.body = body;
        e.tags = std::move(tags);
        if (!created.empty()) e.created = Timestamp::parse(created);
        return journal->add(e);
    }

    static int& counter() {
        static int n = 0;
        return n;
    }

    std::filesystem::path folder;
    std::vector<std::filesystem::path> extra;
    std::shared_ptr<FakeEngine> engine;
    const char* engine_error = nullptr;
    std::unique_ptr<Journal> journal;
};

/// The error code `f` throws, or nullopt.
template <typename F>
std::optional<ErrorCode> error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.code();
    }
    return std::nullopt;
}

}  // namespace empathic::testing
