// The fixture of the `bulletin batch` integration tests: a pipeline of test plugins
// (tests/host/modules/good_module.cpp), generated input trees, and helpers to run the real binary.
#pragma once

#include "support/plugins.hpp"

#include "context.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>

namespace bulletin::testing::batch {

namespace fs = std::filesystem;
using bulletin::testing::run_command;

inline std::string quote(const fs::path& p) {
    return "'" + p.string() + "'";
}

/// Shell code that waits (up to 20 s) until the batch in the background has written its first
/// output: by then it holds the state lock and handles SIGTERM. A fixed sleep raced with slow
/// starts (a sanitizer build, a loaded machine).
inline std::string wait_for_first_output(const fs::path& output) {
    return "for i in $(seq 400); do [ -n \"$(find " + quote(output) +
           " -name '*.title' -print -quit 2>/dev/null)\" ] && break; sleep 0.05; done; ";
}

/// The binary with the test plugins, quiet unless `quiet` is false.
inline std::string bulletin_cmd(bool quiet = true) {
    return quote(bulletin::testing::bulletin_binary()) + (quiet ? " -q" : "") + " --plugin-dir " +
           quote(fs::path(TEST_MODULES_DIR) / "good");
}

inline const char* kPipeline = R"(<pipeline name="batch">
  <reader plugin="test.lines"/>
  <segmenter plugin="test.title"/>
  <tagger plugin="test.words"><param name="label">w</param><param name="limit">3</param></tagger>
  <exporter plugin="test.title-file"><param name="path">{output}/{dir}/{stem}.title</param></exporter>
</pipeline>
)";

class BatchTest : public ::testing::Test {
protected:
    void SetUp() override {
        pipeline_ = dir_.path() / "p.xml";
        bulletin::host::write_file_atomically(pipeline_, kPipeline);
        input_ = dir_.path() / "in";
        output_ = dir_.path() / "out";
    }

    /// `count` inputs spread over three subdirectories; `extra` lines go into every input.
    void make_inputs(int count, const std::string& extra = "") {
        for (int i = 0; i < count; ++i) {
            auto sub = std::string(1, static_cast<char>('a' + i % 3));
            write_input(sub + "/doc" + std::to_string(i) + ".txt",
                        "TEST\nTitle " + std::to_string(i) + "\n" + extra);
        }
    }
    void write_input(const std::string& relative, const std::string& text) {
        bulletin::host::write_file_atomically(input_ / relative, text, /*sync=*/false);
    }

    /// The command line of a batch over input_ (quiet unless `quiet` is false).
    std::string batch_command(const std::string& args = "", const fs::path& output = {},
                              bool quiet = true) const {
        return bulletin_cmd(quiet) + " batch " + quote(pipeline_) + " --input " + quote(input_) +
               " --output " + quote(output.empty() ? output_ : output) + " " + args;
    }
    bulletin::testing::CommandResult batch(const std::string& args = "",
                                           const fs::path& output = {}) {
        return run_command(batch_command(args, output));
    }
    nlohmann::json report(const fs::path& output = {}) {
        auto text = bulletin::testing::read_file((output.empty() ? output_ : output) / ".bulletin" /
                                                 "report.json");
        return nlohmann::json::parse(text);
    }
    /// Every output file (relative path -> content), without the .bulletin directory.
    static std::map<std::string, std::string> outputs(const fs::path& root) {
        std::map<std::string, std::string> files;
        for (const auto& e : fs::recursive_directory_iterator(root)) {
            auto rel = e.path().lexically_relative(root).generic_string();
            if (rel.starts_with(".bulletin") || !e.is_regular_file()) continue;
            files[rel] = bulletin::testing::read_file(e.path());
        }
        return files;
    }

    bulletin::testing::TempDir dir_;
    fs::path pipeline_, input_, output_;
};

} // namespace bulletin::testing::batch
