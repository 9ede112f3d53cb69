// Runs every ```sh block of docs/new-series.md, in order, in a scratch copy of the repository
// layout, so the tutorial cannot rot.
#include "support/plugins.hpp"

#include "context.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

std::vector<std::string> sh_blocks(const fs::path& markdown) {
    std::ifstream in(markdown);
    std::vector<std::string> blocks;
    std::string line, block;
    bool inside = false;
    while (std::getline(in, line)) {
        if (!inside && line == "```sh") {
            inside = true;
            block.clear();
        } else if (inside && line == "```") {
            inside = false;
            blocks.push_back(block);
        } else if (inside) {
            block += line + "\n";
        }
    }
    return blocks;
}

} // namespace

TEST(Tutorial, EveryCommandOfNewSeriesWorksAsWritten) {
    auto doc = bulletin::testing::source_dir() / "docs" / "new-series.md";
    auto blocks = sh_blocks(doc);
    ASSERT_GE(blocks.size(), 8u) << "no ```sh blocks found in " << doc;

    // The tutorial runs from the repository root; give it one whose writes go to a scratch dir.
    bulletin::testing::TempDir root;
    fs::create_directory_symlink(bulletin::testing::source_dir() / "pipelines",
                                 root.path() / "pipelines");
    fs::create_directory_symlink(bulletin::testing::source_dir() / "tests", root.path() / "tests");
    fs::create_directory_symlink(BULLETIN_BUILD_DIR, root.path() / "build");

    std::string script = "set -eu -o pipefail\ncd '" + root.path().string() + "'\n";
    for (const auto& block : blocks)
        script += block;
    bulletin::host::write_file_atomically(root.path() / "tutorial.sh", script);
    auto result =
        bulletin::testing::run_command("bash '" + (root.path() / "tutorial.sh").string() + "'");
    ASSERT_EQ(result.exit_code, 0) << result.output;

    // What the text of the tutorial says the reader will see.
    for (const char* expected :
         {"valid pipeline 'yueyang-daibiao'",
          "my-series/typo.xml:5:5: error: plugin 'cn.persons' has no parameter 'bylnes'; did you "
          "mean 'bylines'?",
          "exit code 2", "persons.names              0.857  missing '陈晓燕'", "exit code 1",
          "structure 1.000 entities 1.000", "3 inputs: 3 converted"}) {
        EXPECT_NE(result.output.find(expected), std::string::npos) << expected << "\n"
                                                                   << result.output;
    }
    EXPECT_TRUE(fs::exists(root.path() / "my-series" / "out" / "yueyang-daibiao-2023-12.json"));
}
