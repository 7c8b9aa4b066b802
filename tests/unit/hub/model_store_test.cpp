// Specifications of the installed-model store (src/hub/model_store.h): ids, folder checks,
// adding, replacing, listing, choosing and removing models, each in a fresh temporary home.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app/config.h"
#include "core/error.h"
#include "core/paths.h"
#include "hub/model_store.h"

namespace empathic::hub {
namespace {
namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

// Each test gets its own $EMPATHIC_HOME and a small model folder in the hub layout.
class ModelStore : public ::testing::Test {
  protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() /
                ("empathic-store-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        paths::set_home(root_ / "home");
        source_ = root_ / "source";
        write(source_ / "config.json",
              R"({"model_type": "bert", "architectures": ["BertForSequenceClassification"],
                  "id2label": {"0": "contradiction", "1": "entailment", "2": "neutral"}})");
        write(source_ / "tokenizer.json", "{}");
        write(source_ / "onnx" / "model.onnx", std::string(1000, 'x'));
    }
    void TearDown() override { fs::remove_all(root_); }

    fs::path root_;
    fs::path source_;
};

// Ids are ORG/NAME of safe characters; anything that could escape the store is refused.
TEST(ModelId, AcceptsHubIdsAndRefusesOthers) {
    for (const char* good : {"Xenova/nli-deberta-v3-xsmall", "a/b", "org_1/name.v2"}) {
        EXPECT_NO_THROW(check_model_id(good)) << good;
    }
    for (const char* bad : {"", "name", "a/b/c", "../x", "a/..", "a/.hidden", "a b/c", "/a"}) {
        EXPECT_THROW(check_model_id(bad), Error) << bad;
    }
}

// A folder without a tokenizer, an ONNX file or labels is refused, naming what is missing.
TEST_F(ModelStore, FolderCheckNamesTheMissingPart) {
    EXPECT_NO_THROW(check_model_folder(source_));
    fs::rename(source_ / "tokenizer.json", root_ / "t.json");
    try {
        check_model_folder(source_);
        FAIL() << "expected ModelError";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::ModelError);
        EXPECT_NE(std::string(e.what()).find("tokenizer.json"), std::string::npos);
    }
    fs::rename(root_ / "t.json", source_ / "tokenizer.json");
    fs::remove_all(source_ / "onnx");
    EXPECT_THROW(check_model_folder(source_), Error);
}

// An added folder is listed with its size, architecture and labels, and a record of origin.
TEST_F(ModelStore, AddedFolderIsListedWithItsDetails) {
    auto model = add_model_folder(source_, "usb/tiny");
    EXPECT_EQ(model.id, "usb/tiny");
    EXPECT_TRUE(fs::exists(paths::models_dir() / "usb/tiny" / kManifestName));
    auto models = list_installed_models();
    ASSERT_EQ(models.size(), 1u);
    EXPECT_EQ(models[0].model_type, "bert");
    EXPECT_EQ(models[0].architecture, "BertForSequenceClassification");
    EXPECT_EQ(models[0].labels,
              (std::vector<std::string>{"contradiction", "entailment", "neutral"}));
    EXPECT_EQ(models[0].onnx_files, (std::vector<std::string>{"onnx/model.onnx"}));
    EXPECT_GE(models[0].size_bytes, 1000u);
    EXPECT_EQ(models[0].origin, "folder");
    EXPECT_FALSE(fs::exists(staging_root() / ("add-" + std::to_string(::getpid()))));
}

// Adding over an installed id is a conflict unless replacing is asked for.
TEST_F(ModelStore, AddingTwiceIsAConflict) {
    add_model_folder(source_, "usb/tiny");
    try {
        add_model_folder(source_, "usb/tiny");
        FAIL() << "expected Conflict";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::Conflict);
    }
    EXPECT_NO_THROW(add_model_folder(source_, "usb/tiny", /*replace=*/true));
}

// A broken folder leaves nothing behind: no model, no staging folder.
TEST_F(ModelStore, BrokenFolderInstallsNothing) {
    fs::remove(source_ / "config.json");
    EXPECT_THROW(add_model_folder(source_, "usb/broken"), Error);
    EXPECT_FALSE(fs::exists(paths::models_dir() / "usb/broken"));
    EXPECT_TRUE(!fs::exists(staging_root()) || fs::is_empty(staging_root()));
}

// Installing a staged folder over an installed model replaces it whole.
TEST_F(ModelStore, StagedFolderReplacesTheInstalledOne) {
    add_model_folder(source_, "usb/tiny");
    auto staging = staging_root() / "replacement";
    fs::copy(source_, staging, fs::copy_options::recursive);
    write(staging / "onnx" / "model.onnx", "new weights");
    install_staged_folder(staging, "usb/tiny");
    std::ifstream in(paths::models_dir() / "usb/tiny/onnx/model.onnx");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, "new weights");
    EXPECT_FALSE(fs::exists(staging));
    EXPECT_FALSE(fs::exists(paths::models_dir() / "usb/tiny" / kManifestName));
}

// Staging folders and other dot-folders are never listed as models.
TEST_F(ModelStore, StagingFoldersAreNotModels) {
    fs::create_directories(staging_root());
    fs::create_directories(paths::models_dir() / ".hidden");
    fs::copy(source_, staging_root() / "org--half", fs::copy_options::recursive);
    fs::copy(source_, paths::models_dir() / ".hidden" / "x", fs::copy_options::recursive);
    EXPECT_TRUE(list_installed_models().empty());
}

// `use` needs an installed model; `use lexical` clears the setting.
TEST_F(ModelStore, UseNeedsAnInstalledModelAndLexicalClearsIt) {
    try {
        use_model("nobody/nothing");
        FAIL() << "expected NotFound";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::NotFound);
        EXPECT_NE(std::string(e.what()).find("empathic model pull"), std::string::npos);
    }
    add_model_folder(source_, "usb/tiny");
    use_model("usb/tiny");
    EXPECT_EQ(model_in_use(), "usb/tiny");
    EXPECT_TRUE(list_installed_models()[0].in_use);
    use_model("lexical");
    EXPECT_EQ(model_in_use(), "");
}

// Removing the model in use sends the journal back to the lexical engine.
TEST_F(ModelStore, RemovingTheModelInUseFallsBackToLexical) {
    add_model_folder(source_, "usb/tiny");
    use_model("usb/tiny");
    EXPECT_TRUE(remove_model("usb/tiny"));
    EXPECT_EQ(model_in_use(), "");
    EXPECT_FALSE(fs::exists(paths::models_dir() / "usb"));
    EXPECT_THROW(remove_model("usb/tiny"), Error);
}

// A folder added without an id gets local/<folder name>.
TEST(DefaultId, UsesTheFolderName) {
    EXPECT_EQ(default_id_for_folder("/media/usb/nli model"), "local/nli-model");
    EXPECT_EQ(default_id_for_folder("/tmp/.x"), "local/x");
}

}  // namespace
}  // namespace empathic::hub
