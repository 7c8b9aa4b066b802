// Request validation shared by every engine (README, "Scoring contract").
#include <gtest/gtest.h>

#include "core/error.h"
#include "nlp/engine.h"

using namespace empathic;

namespace {

std::string error_of(ClassifyRequest request) {
    std::vector<std::string> warnings;
    try {
        normalize_request(std::move(request), warnings);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(NormalizeRequest, TrimsAndDeduplicatesLabelsWithWarnings) {
    std::vector<std::string> warnings;
    auto request =
        normalize_request({"I am fine", {" joy", "grief ", "", "Joy", "pride"}}, warnings);
    EXPECT_EQ(request.labels, (std::vector<std::string>{"joy", "grief", "pride"}));
    ASSERT_EQ(warnings.size(), 2u);
    EXPECT_NE(warnings[1].find("duplicate label 'Joy'"), std::string::npos);
}

TEST(NormalizeRequest, RejectsTemplatesWithoutExactlyOnePlaceholder) {
    EXPECT_NE(error_of({"text", {"joy"}, "This example is."}).find("no \"{}\""), std::string::npos);
    EXPECT_NE(error_of({"text", {"joy"}, "{} and {}"}).find("more than one"), std::string::npos);
}

TEST(NormalizeRequest, RejectsEmptyTextNoLabelsAndBadUtf8) {
    EXPECT_NE(error_of({"  \n", {"joy"}}).find("empty"), std::string::npos);
    EXPECT_NE(error_of({"text", {" ", ""}}).find("no labels"), std::string::npos);
    EXPECT_NE(error_of({"ok \xFF", {"joy"}}).find("offset 3"), std::string::npos);
}

TEST(SplitLabels, SplitsOnCommas) {
    EXPECT_EQ(split_labels("joy, grief,pride"),
              (std::vector<std::string>{"joy", " grief", "pride"}));
    EXPECT_EQ(make_hypothesis("I feel {}.", "calm"), "I feel calm.");
}
