// Specifications of checksums (src/hub/sha256.h) and the progress line (src/hub/progress.h).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "hub/progress.h"
#include "hub/sha256.h"

namespace empathic::hub {
namespace {

// The standard test vectors of SHA-256.
TEST(Sha256, MatchesKnownVectors) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// A file larger than one read block hashes like the same bytes in memory.
TEST(Sha256, FileHashEqualsMemoryHash) {
    auto path = std::filesystem::temp_directory_path() / "empathic-sha256-test.bin";
    std::string data(3 * 1024 * 1024 + 17, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 % 251);
    std::ofstream(path, std::ios::binary).write(data.data(), data.size());
    EXPECT_EQ(sha256_file(path), sha256_hex(data));
    std::filesystem::remove(path);
}

// A missing file is NotFound, not a crash.
TEST(Sha256, MissingFileIsNotFound) {
    try {
        sha256_file("/nonexistent/empathic/file");
        FAIL() << "expected Error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::NotFound);
    }
}

// Sizes read the way the hub's pages show them.
TEST(HumanSize, UsesPowersOfThousand) {
    EXPECT_EQ(human_size(512), "512 B");
    EXPECT_EQ(human_size(87'200'000), "87.2 MB");
    EXPECT_EQ(human_size(1'630'000'000), "1.63 GB");
}

// With a known total the line shows percentage, bar, sizes, speed and time left.
TEST(RenderProgress, ShowsPercentSizesSpeedAndTimeLeft) {
    auto line = render_progress("onnx/model.onnx", 50'000'000, 100'000'000, 5'000'000, 10);
    EXPECT_EQ(line, "onnx/model.onnx   50% [#####.....]  50.0 MB / 100.0 MB  5.0 MB/s  0:10 left");
}

// Without a total it shows what arrived and the speed; a finished file shows no time left.
TEST(RenderProgress, HandlesUnknownTotalAndCompletion) {
    EXPECT_EQ(render_progress("f", 2'000'000, std::nullopt, 1'000'000), "f  2.0 MB  1.0 MB/s");
    auto done = render_progress("f", 10, 10, 5, 4);
    EXPECT_NE(done.find("100% [####]"), std::string::npos);
    EXPECT_EQ(done.find("left"), std::string::npos);
}

}  // namespace
}  // namespace empathic::hub
