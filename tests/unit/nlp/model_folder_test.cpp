// Reading model folders (model_folder.h) and resolving model names (nli_engine.h).
#include "nlp/model_folder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/paths.h"
#include "nlp/nli_engine.h"

namespace empathic {
namespace {
namespace fs = std::filesystem;

nlohmann::json labels_config(std::vector<std::string> names) {
    nlohmann::json config = {{"id2label", nlohmann::json::object()},
                             {"label2id", nlohmann::json::object()}};
    for (std::size_t i = 0; i < names.size(); ++i) {
        config["id2label"][std::to_string(i)] = names[i];
        config["label2id"][names[i]] = i;
    }
    return config;
}

// The message of the Error `fn` throws, checked to have `code`.
template <typename Fn>
std::string error_message(Fn fn, ErrorCode code) {
    try {
        fn();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), code) << e.what();
        return e.what();
    }
    ADD_FAILURE() << "expected an Error";
    return "";
}

// A fresh folder under the test's temporary directory.
fs::path temp_folder(const std::string& name) {
    fs::path dir =
        fs::temp_directory_path() / ("empathic_nlp_test_" + std::to_string(getpid())) / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void write(const fs::path& file, const std::string& contents) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << contents;
}

// A folder with every file a model needs (the ONNX files are placeholders here).
fs::path complete_folder(const std::string& name) {
    fs::path dir = temp_folder(name);
    write(dir / "config.json", labels_config({"contradiction", "entailment", "neutral"}).dump());
    write(dir / "tokenizer.json", "{}");
    write(dir / "onnx/model.onnx", "onnx");
    return dir;
}

// Entailment and contradiction are found by name, whatever their order and case.
TEST(NliClasses, FoundByNameInAnyOrder) {
    auto a = find_nli_classes(labels_config({"contradiction", "entailment", "neutral"}), "c");
    EXPECT_EQ(a.entailment, 1u);
    EXPECT_EQ(a.contradiction, 0u);
    auto b = find_nli_classes(labels_config({"ENTAILMENT", "NEUTRAL", "CONTRADICTION"}), "c");
    EXPECT_EQ(b.entailment, 0u);
    EXPECT_EQ(b.contradiction, 2u);
    EXPECT_EQ(b.names[1], "NEUTRAL");
}

// label2id alone is enough; two-way models use not_entailment as the contradiction class.
TEST(NliClasses, Label2IdOnlyAndTwoWayModels) {
    nlohmann::json config = {{"label2id", {{"not_entailment", 1}, {"entailment", 0}}}};
    auto classes = find_nli_classes(config, "c");
    EXPECT_EQ(classes.entailment, 0u);
    EXPECT_EQ(classes.contradiction, 1u);
}

// A model without an entailment label is refused with a message that lists its classes.
TEST(NliClasses, NoEntailmentLabelIsAnError) {
    auto message = error_message(
        [] {
            find_nli_classes(labels_config({"positive", "negative"}), "m/config.json");
        },
        ErrorCode::ModelError);
    EXPECT_NE(message.find("m/config.json has no entailment label"), std::string::npos);
    EXPECT_NE(message.find("positive, negative"), std::string::npos);
}

// No label maps at all, or indices with gaps, are malformed configs.
TEST(NliClasses, MissingOrMalformedLabelMapsAreErrors) {
    auto none = error_message(
        [] {
            find_nli_classes({{"model_type", "bert"}}, "c");
        },
        ErrorCode::ModelError);
    EXPECT_NE(none.find("no id2label or label2id"), std::string::npos);
    nlohmann::json gap = {{"id2label", {{"0", "entailment"}, {"2", "contradiction"}}}};
    error_message([&] { find_nli_classes(gap, "c"); }, ErrorCode::ModelError);
}

// The pair limit: model_max_length capped by positions (less 2 for RoBERTa-style models).
TEST(MaxLength, FromTokenizerConfigAndPositions) {
    EXPECT_EQ(find_max_length({{"max_position_embeddings", 512}}, {}), 512u);
    EXPECT_EQ(find_max_length({{"max_position_embeddings", 514}, {"model_type", "roberta"}},
                              {{"model_max_length", 1e30}}),
              512u);
    EXPECT_EQ(find_max_length({{"max_position_embeddings", 512}}, {{"model_max_length", 128}}),
              128u);
    EXPECT_EQ(find_max_length({}, {}), 512u);
}

// A complete folder is read; the quantized file is preferred unless full precision is asked.
TEST(ModelFolder, QuantizedPreferredWhenPresent) {
    fs::path dir = complete_folder("quantized");
    write(dir / "onnx/model_quantized.onnx", "q");
    write(dir / "tokenizer_config.json", R"({"model_max_length": 256})");

    auto preferred = read_model_folder(dir, true);
    EXPECT_EQ(preferred.onnx_file, dir / "onnx/model_quantized.onnx");
    EXPECT_TRUE(preferred.quantized);
    EXPECT_EQ(preferred.max_length, 256u);
    EXPECT_EQ(preferred.classes.entailment, 1u);
    EXPECT_EQ(preferred.id, "quantized");

    auto full = read_model_folder(dir, false);
    EXPECT_EQ(full.onnx_file, dir / "onnx/model.onnx");
    EXPECT_FALSE(full.quantized);
}

// Each missing file is named in the error.
TEST(ModelFolder, MissingFilesAreNamed) {
    fs::path dir = complete_folder("missing");
    fs::remove(dir / "tokenizer.json");
    EXPECT_NE(error_message([&] { read_model_folder(dir, true); }, ErrorCode::ModelError)
                  .find("has no tokenizer.json"),
              std::string::npos);

    dir = complete_folder("missing");
    fs::remove(dir / "config.json");
    EXPECT_NE(error_message([&] { read_model_folder(dir, true); }, ErrorCode::ModelError)
                  .find("has no config.json"),
              std::string::npos);

    dir = complete_folder("missing");
    fs::remove_all(dir / "onnx");
    EXPECT_NE(error_message([&] { read_model_folder(dir, true); }, ErrorCode::ModelError)
                  .find("has no onnx/model.onnx"),
              std::string::npos);

    dir = complete_folder("missing");
    write(dir / "config.json", "{not json");
    EXPECT_NE(error_message([&] { read_model_folder(dir, true); }, ErrorCode::ModelError)
                  .find("is not valid JSON"),
              std::string::npos);
}

// A hub id resolves under $EMPATHIC_HOME/models/<org>/<name> and is reported as the model id;
// an unknown name says how to install it; ".." cannot escape the models folder.
TEST(ModelFolder, HubIdsResolveUnderModelsDir) {
    fs::path home = temp_folder("home");
    paths::set_home(home);
    fs::path installed = home / "models/acme/nli-small";
    fs::create_directories(installed);
    write(installed / "config.json", labels_config({"entailment", "contradiction"}).dump());
    write(installed / "tokenizer.json", "{}");
    write(installed / "onnx/model.onnx", "onnx");

    EXPECT_EQ(resolve_model_folder("acme/nli-small"), installed);
    EXPECT_EQ(read_model_folder(resolve_model_folder("acme/nli-small"), true).id, "acme/nli-small");
    auto message = error_message([] { resolve_model_folder("acme/unknown"); }, ErrorCode::NotFound);
    EXPECT_NE(message.find("empathic model pull acme/unknown"), std::string::npos);
    fs::create_directories(home / "escape");
    error_message([] { resolve_model_folder("../escape"); }, ErrorCode::NotFound);
}

}  // namespace
}  // namespace empathic
