// Specifications of the model catalogue (data/models/catalogue.json, src/hub/catalogue.h).
#include <gtest/gtest.h>

#include <set>

#include "core/error.h"
#include "core/fs_util.h"
#include "hub/catalogue.h"

namespace empathic::hub {
namespace {

Catalogue shipped() {
    auto path = std::string(EMPATHIC_SOURCE_DIR) + "/data/models/catalogue.json";
    return parse_catalogue(read_file(path), path);
}

// The shipped catalogue offers a fast, a strong, a multilingual and the classic model.
TEST(Catalogue, ShipsFourRolesAndOneDefault) {
    auto catalogue = shipped();
    std::set<std::string> roles;
    int defaults = 0;
    for (const auto& entry : catalogue.models) {
        roles.insert(entry.role);
        defaults += entry.is_default;
    }
    EXPECT_EQ(roles, (std::set<std::string>{"fast", "strong", "multilingual", "classic"}));
    EXPECT_EQ(defaults, 1);
    EXPECT_EQ(catalogue.default_entry().role, "fast");
}

// Every entry names its ONNX repository and source, languages, licence and both variants.
TEST(Catalogue, EntriesAreComplete) {
    for (const auto& entry : shipped().models) {
        SCOPED_TRACE(entry.id);
        EXPECT_NE(entry.id.find('/'), std::string::npos);
        EXPECT_FALSE(entry.source.empty());
        EXPECT_FALSE(entry.languages.empty());
        EXPECT_FALSE(entry.license.empty());
        ASSERT_TRUE(entry.variants.count("quantized") && entry.variants.count("full"));
        EXPECT_EQ(entry.variants.at("quantized").file, "onnx/model_quantized.onnx");
        EXPECT_EQ(entry.variants.at("full").file, "onnx/model.onnx");
        EXPECT_GT(entry.size_mb("full"), entry.size_mb("quantized"));
    }
}

// The original prototype's model is there, found case-insensitively; unknown ids are not.
TEST(Catalogue, FindsTheClassicBartModel) {
    auto catalogue = shipped();
    const auto* bart = catalogue.find("xenova/BART-large-mnli");
    ASSERT_NE(bart, nullptr);
    EXPECT_EQ(bart->source, "facebook/bart-large-mnli");
    EXPECT_EQ(catalogue.find("nobody/nothing"), nullptr);
}

// A broken or default-less catalogue is a defect of the shipped data (Internal).
TEST(Catalogue, MalformedDataIsInternalError) {
    for (const char* text : {"{", R"({"models": []})",
                             R"({"default": "a/b", "models": [{"id": "c/d", "variants": {}}]})"}) {
        try {
            parse_catalogue(text, "test");
            FAIL() << text;
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::Internal) << text;
        }
    }
}

}  // namespace
}  // namespace empathic::hub
