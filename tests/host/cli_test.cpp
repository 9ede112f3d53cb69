// Drives the real `bulletin` binary: exit codes, messages, listings.
#include "support/plugins.hpp"

#include "context.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using bulletin::testing::run_command;

namespace {

std::string bulletin_cmd(const std::string& args) {
    return "'" + bulletin::testing::bulletin_binary().string() + "' --plugin-dir '" +
           (fs::path(TEST_MODULES_DIR) / "good").string() + "' " + args;
}

const char* kPipeline = R"(<pipeline name="cli">
  <reader plugin="test.lines"/>
  <segmenter plugin="test.title"/>
  <exporter plugin="test.title-file"/>
</pipeline>
)";

class CliTest : public ::testing::Test {
protected:
    fs::path write(const std::string& name, const std::string& text) {
        auto path = dir_.path() / name;
        bulletin::host::write_file_atomically(path, text);
        return path;
    }
    bulletin::testing::TempDir dir_;
};

} // namespace

TEST_F(CliTest, VersionAndHelp) {
    auto version = run_command(bulletin_cmd("--version"));
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_NE(version.output.find(std::string("bulletin ") + bulletin::kSdkVersion),
              std::string::npos);
    for (const char* cmd : {"--help", "run --help", "validate --help", "plugins --help"}) {
        auto help = run_command(bulletin_cmd(cmd));
        EXPECT_EQ(help.exit_code, 0) << cmd << help.output;
        EXPECT_NE(help.output.find("Usage"), std::string::npos) << cmd;
    }
}

TEST_F(CliTest, UsageErrorsExitWithTwo) {
    EXPECT_EQ(run_command(bulletin_cmd("")).exit_code, 2);
    EXPECT_EQ(run_command(bulletin_cmd("frobnicate")).exit_code, 2);
    EXPECT_EQ(run_command(bulletin_cmd("run")).exit_code, 2);
    EXPECT_EQ(run_command(bulletin_cmd("run --set nodot=1 " + write("p.xml", kPipeline).string() +
                                       " x.txt"))
                  .exit_code,
              2);
}

TEST_F(CliTest, PluginsListsModulesAndPlugins) {
    auto result = run_command(bulletin_cmd("plugins"));
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("test-good"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("reader     test.lines"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("json"), std::string::npos) << result.output; // built-in
}

TEST_F(CliTest, PluginsNameShowsParameters) {
    auto result = run_command(bulletin_cmd("plugins test.words"));
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("Kind:         tagger"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("test_good.so"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("label  (string, required)"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("limit  (int, 0 to 1000, default \"100\")"), std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("mark  (choice: none|bang, default \"none\")"), std::string::npos)
        << result.output;
    auto unknown = run_command(bulletin_cmd("plugins test.wrds"));
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.output.find("did you mean 'test.words'"), std::string::npos)
        << unknown.output;
}

TEST_F(CliTest, ValidateReportsFileLineColumnAndExitsTwo) {
    auto bad = write(
        "broken.xml",
        "<pipeline>\n  <reader plugin=\"test.lines\"/>\n    <taggr plugin=\"x\"/>\n</pipeline>\n");
    auto result = run_command(bulletin_cmd("validate " + bad.string()));
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find(bad.string() + ":3:5: error: unknown element <taggr>"),
              std::string::npos)
        << result.output;
    auto good = run_command(bulletin_cmd("validate " + write("p.xml", kPipeline).string()));
    EXPECT_EQ(good.exit_code, 0) << good.output;
    EXPECT_NE(good.output.find("valid pipeline 'cli'"), std::string::npos) << good.output;
}

TEST_F(CliTest, RunExitCodesTellSuccessAndPartialFailure) {
    auto pipeline = write("p.xml", kPipeline);
    auto good = write("good.txt", "TEST\nHello\n");
    auto bad = write("bad.txt", "TEST\nHello\nTHROW\n");
    auto out = dir_.path() / "out";

    auto ok = run_command(
        bulletin_cmd("run " + pipeline.string() + " " + good.string() + " -o " + out.string()));
    EXPECT_EQ(ok.exit_code, 0) << ok.output;
    EXPECT_NE(ok.output.find("good.title"), std::string::npos) << ok.output;
    EXPECT_EQ(bulletin::testing::read_file(out / "good.title"), "Hello\n");

    auto partial = run_command(bulletin_cmd("run " + pipeline.string() + " " + bad.string() + " " +
                                            good.string() + " -o " + out.string()));
    EXPECT_EQ(partial.exit_code, 1) << partial.output;
    EXPECT_NE(partial.output.find("segmenter 'test.title' failed"), std::string::npos)
        << partial.output;
    EXPECT_NE(partial.output.find("converted 1 of 2 inputs, 1 failed"), std::string::npos)
        << partial.output;
    EXPECT_FALSE(fs::exists(out / "bad.title"));

    auto config = run_command(bulletin_cmd("run " + write("x.xml", "<pipeline>").string() + " " +
                                           good.string() + " -o " + out.string()));
    EXPECT_EQ(config.exit_code, 2) << config.output;
}

TEST_F(CliTest, JsonLogFormatWritesJsonLines) {
    auto pipeline = write("p.xml", R"(<pipeline>
  <reader plugin="test.lines"/>
  <segmenter plugin="test.title"/>
  <tagger plugin="test.words"><param name="label">w</param></tagger>
  <exporter plugin="test.title-file"/>
</pipeline>)");
    auto input = write("in.txt", "TEST\nHi\n");
    // Only stderr (the log) is kept: { cmd >/dev/null; } 2>&1
    auto result = run_command("{ " +
                              bulletin_cmd("--log-format json run " + pipeline.string() + " " +
                                           input.string() + " -o " + (dir_.path() / "o").string()) +
                              " >/dev/null; }");
    EXPECT_EQ(result.exit_code, 0) << result.output;
    auto line = result.output.substr(0, result.output.find('\n'));
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << result.output;
    EXPECT_EQ(parsed["logger"], "test.words");
    EXPECT_EQ(parsed["message"], "tagged 0 entities");
}

TEST_F(CliTest, BulletinPluginPathAddsDirectories) {
    auto result =
        run_command("BULLETIN_PLUGIN_PATH='" + (fs::path(TEST_MODULES_DIR) / "good").string() +
                    "' '" + bulletin::testing::bulletin_binary().string() + "' plugins test.lines");
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("Kind:         reader"), std::string::npos);
}

namespace {

/// Shell code: starts `command` in the background with stderr in `err`, waits (up to 20 s) until
/// stderr shows `ready`, then runs `then` with $pid set; prints "exit=N" at the end.
std::string background(const std::string& command, const fs::path& err, const std::string& ready,
                       const std::string& then) {
    return command + " 2>'" + err.string() + "' & pid=$!; for i in $(seq 400); do grep -q '" +
           ready + "' '" + err.string() + "' && break; sleep 0.05; done; " + then +
           " wait $pid; echo \"exit=$?\"";
}

} // namespace

TEST_F(CliTest, RunStopsBetweenStagesOnSigterm) {
    auto pipeline = write("p.xml", kPipeline);
    auto input = write("slow.txt", "TEST\nTitle\nWAIT\n");
    auto out = dir_.path() / "out";
    auto err = dir_.path() / "err.txt";
    auto result = run_command(background(
        bulletin_cmd("run " + pipeline.string() + " " + input.string() + " -o " + out.string()),
        err, "waiting", "kill -TERM $pid;"));
    EXPECT_NE(result.output.find("exit=3"), std::string::npos) << result.output;
    auto log = bulletin::testing::read_file(err);
    EXPECT_NE(log.find("interrupted (SIGTERM or SIGINT) before the exporter stage"),
              std::string::npos)
        << log;
    EXPECT_FALSE(fs::exists(out / "slow.title")) << "the exporter ran after the stop request";
}

TEST_F(CliTest, ASecondSigtermStopsAPluginThatDoesNotReturn) {
    auto pipeline = write("p.xml", kPipeline);
    auto input = write("stuck.txt", "TEST\nTitle\nSTUCK\n");
    auto err = dir_.path() / "err.txt";
    // Signals sent while one is pending merge into one, so keep sending until the process ends.
    auto result = run_command(background(
        bulletin_cmd("run " + pipeline.string() + " " + input.string() + " -o " +
                     (dir_.path() / "out").string()),
        err, "stuck",
        "for i in $(seq 100); do kill -0 $pid 2>/dev/null || break; kill -TERM $pid; sleep 0.1; "
        "done;"));
    // 128 + SIGTERM: the second request ends the process the way the signal does.
    EXPECT_NE(result.output.find("exit=143"), std::string::npos) << result.output;
}

TEST_F(CliTest, NegativeSizeLimitsAreRefused) {
    auto pipeline = write("p.xml", kPipeline);
    auto input = write("in.txt", "TEST\nHi\n");
    for (const char* value : {"-1", "0", "1e9", "abc"}) {
        auto result =
            run_command(bulletin_cmd("run " + pipeline.string() + " " + input.string() + " -o " +
                                     (dir_.path() / "o").string() + " --max-input-size " + value));
        EXPECT_EQ(result.exit_code, 2) << value << ": " << result.output;
        EXPECT_NE(result.output.find("must be a whole number of bytes"), std::string::npos)
            << result.output;
        auto batch = run_command(bulletin_cmd(
            "batch " + pipeline.string() + " --input " + dir_.path().string() + " --output " +
            (dir_.path() / "b").string() + " --max-input-size " + value));
        EXPECT_EQ(batch.exit_code, 2) << value << ": " << batch.output;
    }
}

TEST_F(CliTest, ControlCharactersFromDocumentsNeverReachTheTerminalRaw) {
    auto pipeline = write("p.xml", R"(<pipeline>
  <reader plugin="test.lines"/>
  <segmenter plugin="test.title"/>
  <exporter plugin="test.title-file"/>
</pipeline>)");
    // The file name and the text both carry an escape sequence (ESC [ 2 J clears the screen),
    // a C1 CSI (U+009B) and a byte that is not UTF-8.
    auto input = write("in\x1b[2J.txt", "TEST\nTitle\nTHROW\n");
    for (const char* format : {"text", "json"}) {
        auto result = run_command(bulletin_cmd(std::string("--log-format ") + format + " run " +
                                               pipeline.string() + " '" + input.string() + "' -o " +
                                               (dir_.path() / "o").string()));
        EXPECT_EQ(result.exit_code, 1) << result.output;
        EXPECT_EQ(result.output.find('\x1b'), std::string::npos) << result.output;
        EXPECT_NE(result.output.find("in\\x1b[2J.txt"), std::string::npos) << result.output;
    }
}
