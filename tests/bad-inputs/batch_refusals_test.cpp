// Catalogue entries 48-56 (README.md in this folder): trees that `bulletin batch` must refuse or
// report, each beside a good sample, with the shipped pipeline. What a person sees: the exit
// code and the message.
#include "support/plugins.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using bulletin::testing::bulletin_binary;
using bulletin::testing::data_dir;
using bulletin::testing::read_file;
using bulletin::testing::run_command;
using bulletin::testing::source_dir;
using bulletin::testing::TempDir;

namespace {

std::string quote(const fs::path& p) {
    return "'" + p.string() + "'";
}

constexpr const char* kGood = "chengdu-zhuanbao-2024-03.txt";

class BatchRefusal : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::canonical(dir_.path());
        in_ = root_ / "in";
        out_ = root_ / "out";
        outside_ = root_ / "outside";
        fs::create_directories(in_);
        fs::create_directories(outside_);
        fs::copy_file(data_dir() / "samples" / kGood, in_ / kGood);
    }
    bulletin::testing::CommandResult batch(const std::string& extra = "",
                                           const std::string& prefix = "") {
        return run_command(prefix + quote(bulletin_binary()) + " batch " +
                           quote(source_dir() / "pipelines" / "cn-bulletin.xml") + " --input " +
                           quote(in_) + " --output " + quote(out_) + " " + extra);
    }
    /// The good sample was converted.
    bool good_converted() const { return fs::exists(out_ / "chengdu-zhuanbao-2024-03.json"); }

    TempDir dir_;
    fs::path root_, in_, out_, outside_;
};

void expect_says(const bulletin::testing::CommandResult& result, int exit_code,
                 const std::string& message) {
    EXPECT_EQ(result.exit_code, exit_code) << result.output;
    EXPECT_NE(result.output.find(message), std::string::npos) << "expected: " << message << "\n"
                                                              << result.output;
}

} // namespace

TEST_F(BatchRefusal, E40_AnInputLinkOutOfTheInputDirectory) {
    fs::copy_file(data_dir() / "samples" / kGood, outside_ / "private.txt");
    fs::create_symlink(outside_ / "private.txt", in_ / "upload.txt");
    expect_says(batch(), 0,
                (in_ / "upload.txt").string() + " is a symbolic link to " +
                    (outside_ / "private.txt").string() +
                    ", outside the input directory; skipped (--follow-symlinks converts what "
                    "such links point to)");
    EXPECT_TRUE(good_converted());
    EXPECT_FALSE(fs::exists(out_ / "upload.json"));
}

TEST_F(BatchRefusal, E41_ADanglingInputLink) {
    fs::create_symlink(root_ / "gone.txt", in_ / "dangling.txt");
    expect_says(batch(), 1,
                (in_ / "dangling.txt").string() + ": dangling symbolic link (to " +
                    (root_ / "gone.txt").string() + "); not converted");
    EXPECT_TRUE(good_converted());
}

TEST_F(BatchRefusal, E42_AnInputLinkLoop) {
    fs::create_symlink("loop.txt", in_ / "loop.txt");
    expect_says(batch(), 1,
                (in_ / "loop.txt").string() + ": symbolic link loop (to loop.txt); not converted");
    EXPECT_TRUE(good_converted());
}

TEST_F(BatchRefusal, E43_AnUnreadableInputDirectory) {
    std::string prefix;
    if (::geteuid() == 0) {
        if (run_command("command -v setpriv").exit_code != 0)
            GTEST_SKIP() << "running as root without setpriv: permission bits do not stop root";
        prefix = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    }
    fs::create_directories(in_ / "locked");
    fs::copy_file(data_dir() / "samples" / kGood, in_ / "locked" / "other.txt");
    if (::geteuid() == 0) {
        ASSERT_EQ(run_command("chown -R 65534:65534 " + quote(root_)).exit_code, 0);
    }
    fs::permissions(in_ / "locked", fs::perms::owner_exec);
    auto result = batch("", prefix);
    fs::permissions(in_ / "locked", fs::perms::owner_all);
    expect_says(result, 1,
                (in_ / "locked").string() +
                    "/: cannot list directory: Permission denied; not converted");
    EXPECT_TRUE(good_converted());
}

TEST_F(BatchRefusal, E44_AStateDirectoryThatIsALink) {
    fs::create_directories(out_);
    fs::create_directory_symlink(outside_, out_ / ".bulletin");
    expect_says(batch(), 2,
                "bulletin: " + (out_ / ".bulletin").string() +
                    " is a symbolic link inside the output directory; refusing to follow it (it "
                    "would redirect the batch's state, lock or report: remove it, or give "
                    "--state and --report paths outside the output directory)");
    EXPECT_TRUE(fs::is_empty(outside_));
}

TEST_F(BatchRefusal, E45_AStateFileThatIsALink) {
    fs::create_directories(out_ / ".bulletin");
    std::ofstream(outside_ / "precious.db") << "not a database";
    fs::create_symlink(outside_ / "precious.db", out_ / ".bulletin" / "state.sqlite");
    expect_says(batch(), 2,
                (out_ / ".bulletin" / "state.sqlite").string() +
                    " is a symbolic link inside the output directory; refusing to follow it");
    EXPECT_EQ(read_file(outside_ / "precious.db"), "not a database");
}

TEST_F(BatchRefusal, E46_AFifoNamedLikeAnInput) {
    ASSERT_EQ(::mkfifo((in_ / "pipe.txt").c_str(), 0644), 0);
    expect_says(batch(), 1,
                (in_ / "pipe.txt").string() +
                    ": not a regular file (a FIFO, socket or device); not converted");
    EXPECT_TRUE(good_converted());
}

TEST_F(BatchRefusal, E47_ALogFileRedirectedInsideTheOutput) {
    fs::create_directories(out_);
    fs::create_directory_symlink(outside_, out_ / "logs");
    expect_says(batch("--log-file " + quote(out_ / "logs" / "batch.log")), 2,
                (out_ / "logs").string() +
                    " is a symbolic link inside the output directory; refusing to follow it "
                    "(remove it, or give --log-file a path outside the output directory)");
    EXPECT_TRUE(fs::is_empty(outside_));
}
