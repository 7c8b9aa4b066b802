// Specifications of HubClient against tests/integration/hub/fake_hub.py on a loopback port,
// which answers the way the hub does: small files directly, large files by a redirect to a
// download host carrying X-Linked-Etag (sha256) and X-Linked-Size, errors with X-Error-Code.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/error.h"
#include "hub/hub_client.h"
#include "hub/sha256.h"

extern char** environ;

namespace empathic::hub {
namespace {
namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

// Starts the fake hub serving one small model as org/tiny (and org/old renamed to it).
class FakeHub : public ::testing::Test {
  protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("empathic-fakehub-" + std::to_string(::getpid()));
        fs::remove_all(root_);
        model_ = root_ / "model";
        write(model_ / "config.json", R"({"id2label": {"0": "entailment"}})");
        onnx_ = std::string(300000, '\0');
        for (std::size_t i = 0; i < onnx_.size(); ++i) onnx_[i] = static_cast<char>(i % 253);
        write(model_ / "onnx" / "model.onnx", onnx_);

        auto ports = root_ / "ports";
        std::string script =
            std::string(EMPATHIC_SOURCE_DIR) + "/tests/integration/hub/fake_hub.py";
        std::string repo = "org/tiny=" + model_.string();
        std::string port_file = ports.string();
        std::vector<std::string> args{
            "/usr/bin/python3", script, "--port-file", port_file,
            "--repo",           repo,   "--rename",    "org/old=org/tiny"};
        std::vector<char*> argv;
        for (auto& arg : args) argv.push_back(arg.data());
        argv.push_back(nullptr);
        ASSERT_EQ(::posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ), 0);

        for (int i = 0; i < 200 && !fs::exists(ports); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        ASSERT_TRUE(fs::exists(ports)) << "the fake hub did not start";
        int port = 0;
        std::ifstream(ports) >> port;
        settings_.endpoint = "http://127.0.0.1:" + std::to_string(port);
    }

    void TearDown() override {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        fs::remove_all(root_);
    }

    fs::path root_;
    fs::path model_;
    std::string onnx_;
    pid_t pid_ = -1;
    HubSettings settings_;
};

// A large file's metadata comes from the redirect: sha256, size, commit, download host.
TEST_F(FakeHub, LargeFileMetadataComesFromTheRedirect) {
    HubClient client(settings_);
    auto file = client.stat("org/tiny", "main", "onnx/model.onnx");
    ASSERT_TRUE(file);
    EXPECT_EQ(file->sha256, sha256_hex(onnx_));
    ASSERT_TRUE(file->size);
    EXPECT_EQ(*file->size, onnx_.size());
    EXPECT_EQ(file->commit.size(), 40u);
    EXPECT_FALSE(file->on_endpoint);
    EXPECT_NE(file->url.find("/cdn/"), std::string::npos);
}

// A small file is answered directly: its size is known, its ETag is no sha256.
TEST_F(FakeHub, SmallFileHasSizeButNoSha256) {
    HubClient client(settings_);
    auto file = client.stat("org/tiny", "main", "config.json");
    ASSERT_TRUE(file);
    EXPECT_TRUE(file->sha256.empty());
    EXPECT_EQ(file->etag.size(), 40u);  // the git blob id
    ASSERT_TRUE(file->size);
    EXPECT_EQ(*file->size, fs::file_size(model_ / "config.json"));
    EXPECT_TRUE(file->on_endpoint);
}

// A missing file is "absent", an unknown model is an error that says it was not found.
TEST_F(FakeHub, MissingFileIsAbsentAndMissingModelIsNotFound) {
    HubClient client(settings_);
    EXPECT_FALSE(client.stat("org/tiny", "main", "tokenizer_config.json"));
    try {
        client.stat("org/none", "main", "config.json");
        FAIL() << "expected NotFound";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::NotFound);
    }
}

// A renamed repository's relative redirect is followed on the endpoint.
TEST_F(FakeHub, RenamedRepositoryIsFollowed) {
    HubClient client(settings_);
    auto file = client.stat("org/old", "main", "onnx/model.onnx");
    ASSERT_TRUE(file);
    EXPECT_EQ(file->sha256, sha256_hex(onnx_));
}

// Fetching resumes from a partial file and the result matches the published checksum.
TEST_F(FakeHub, FetchResumesFromAPartialFile) {
    HubClient client(settings_);
    auto file = client.stat("org/tiny", "main", "onnx/model.onnx");
    ASSERT_TRUE(file);
    auto part = root_ / "staging" / "model.onnx.part";
    write(part, onnx_.substr(0, 123456));
    std::uint64_t first_report = 0;
    client.fetch(*file, part, "org/tiny", "main",
                 [&](std::uint64_t done, std::optional<std::uint64_t>) {
                     if (!first_report) first_report = done;
                 });
    EXPECT_EQ(sha256_file(part), file->sha256);
    EXPECT_GE(first_report, 123456u);  // progress counts the bytes that were already there
}

// A stale partial file longer than the remote one is discarded, not appended to.
TEST_F(FakeHub, FetchDiscardsAnOverlongPartialFile) {
    HubClient client(settings_);
    auto file = client.stat("org/tiny", "main", "onnx/model.onnx");
    ASSERT_TRUE(file);
    auto part = root_ / "staging" / "model.onnx.part";
    write(part, std::string(onnx_.size() + 10, 'z'));
    client.fetch(*file, part, "org/tiny", "main", nullptr);
    EXPECT_EQ(sha256_file(part), file->sha256);
}

}  // namespace
}  // namespace empathic::hub
