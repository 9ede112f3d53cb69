// `bulletin batch` when things go wrong (issue 16): two inputs for one output, a document that
// crashes the process, a state that cannot be written, damaged outputs, inputs that keep
// failing, logging for machines, and messages that say what to do. docs/operations.md, "What
// can go wrong", describes each case.
#include "batch_fixture.hpp"

#include "batch.hpp"
#include "state.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

using namespace bulletin::testing::batch;

namespace {

/// A tmpfs of `size` on `dir` while the object lives; ok() is false where mounting is refused.
class Tmpfs {
public:
    Tmpfs(const fs::path& dir, const std::string& size) : dir_(dir) {
        fs::create_directories(dir);
        mounted_ =
            run_command("mount -t tmpfs -o size=" + size + " tmpfs " + quote(dir) + " 2>/dev/null")
                .exit_code == 0;
    }
    ~Tmpfs() {
        if (mounted_) run_command("umount " + quote(dir_));
    }
    Tmpfs(const Tmpfs&) = delete;
    Tmpfs& operator=(const Tmpfs&) = delete;
    bool ok() const { return mounted_; }
    bool grow(const std::string& size) {
        return run_command("mount -o remount,size=" + size + " " + quote(dir_)).exit_code == 0;
    }

private:
    fs::path dir_;
    bool mounted_ = false;
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

void exec_sql(sqlite3* db, const char* sql) {
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
}

class BatchFaults : public BatchTest {
protected:
    fs::path state() const { return output_ / ".bulletin" / "state.sqlite"; }
    /// The error recorded in the report for `path` ("" when it did not fail).
    static std::string failure(const nlohmann::json& report, const std::string& path) {
        for (const auto& f : report["failures"])
            if (f["path"] == path) return f["error"];
        return "";
    }
};

} // namespace

// --- 1. Two inputs, one output -------------------------------------------------------------

TEST_F(BatchFaults, ASecondInputForAnOwnedOutputFailsInALaterRun) {
    write_input("x.txt", "TEST\nFrom the text\n");
    make_inputs(3);
    ASSERT_EQ(batch().exit_code, 0);
    write_input("x.pdf", "TEST\nFrom the PDF\n"); // {stem}.title: the same output as x.txt

    auto second = batch();
    EXPECT_EQ(second.exit_code, 1) << second.output;
    auto r = report();
    EXPECT_EQ(r["counts"]["failed"], 1);
    auto error = failure(r, "x.pdf");
    EXPECT_TRUE(contains(error, "belongs to x.txt")) << error;
    EXPECT_TRUE(contains(error, "x.pdf")) << error;
    EXPECT_TRUE(contains(error, "{name}") && contains(error, "{ext}")) << error;
    EXPECT_EQ(bulletin::testing::read_file(output_ / "x.title"), "From the text\n");

    // Renamed away (here: out of the input tree), the first input releases its output.
    fs::rename(input_ / "x.txt", dir_.path() / "x.txt");
    auto third = batch();
    EXPECT_EQ(third.exit_code, 0) << third.output;
    EXPECT_EQ(bulletin::testing::read_file(output_ / "x.title"), "From the PDF\n");
}

TEST_F(BatchFaults, TwoInputsForOneOutputInOneIsolatedRunFailTheSecond) {
    make_inputs(8);
    write_input("x.txt", "TEST\nFrom the text\n");
    write_input("x.pdf", "TEST\nFrom the PDF\n");
    auto result = batch("--jobs 2 --isolate");
    EXPECT_EQ(result.exit_code, 1) << result.output;
    auto r = report();
    ASSERT_EQ(r["counts"]["failed"], 1) << r.dump(2);
    std::string loser = r["failures"][0]["path"];
    std::string winner = loser == "x.pdf" ? "x.txt" : "x.pdf";
    EXPECT_TRUE(contains(r["failures"][0]["error"], "belongs to " + winner))
        << r["failures"][0]["error"];
    EXPECT_EQ(bulletin::testing::read_file(output_ / "x.title"),
              winner == "x.txt" ? "From the text\n" : "From the PDF\n");
    // The same holds in the next run, whichever worker gets which input.
    EXPECT_EQ(batch("--jobs 2 --isolate").exit_code, 1);
    EXPECT_EQ(bulletin::testing::read_file(output_ / "x.title"),
              winner == "x.txt" ? "From the text\n" : "From the PDF\n");
}

TEST(ShardOfAStem, EveryFormatOfADocumentIsInTheSameShard) {
    for (int i = 0; i < 200; ++i) {
        std::string stem = "dir" + std::to_string(i % 7) + "/doc" + std::to_string(i);
        for (int k = 1; k <= 5; ++k) {
            bulletin::host::Shard shard{k, 5};
            bool txt = bulletin::host::in_shard(stem + ".txt", shard);
            EXPECT_EQ(bulletin::host::in_shard(stem + ".pdf", shard), txt) << stem;
            EXPECT_EQ(bulletin::host::in_shard(stem + ".docx", shard), txt) << stem;
        }
    }
}

TEST_F(BatchFaults, ShardsSeeBothFormatsOfADocumentAndRefuseTheSecond) {
    for (int i = 0; i < 10; ++i) {
        write_input("p" + std::to_string(i) + ".txt", "TEST\nText " + std::to_string(i) + "\n");
        write_input("p" + std::to_string(i) + ".pdf", "TEST\nPDF " + std::to_string(i) + "\n");
    }
    // As the shipped examples do: one output directory, a state and a report per shard.
    std::size_t failed = 0;
    for (int k = 1; k <= 3; ++k) {
        auto suffix = std::to_string(k);
        auto result =
            batch("--shard " + suffix + "/3 --state " +
                  quote(output_ / ".bulletin" / ("state-" + suffix + ".sqlite")) + " --report " +
                  quote(output_ / ".bulletin" / ("report-" + suffix + ".json")));
        auto r = nlohmann::json::parse(
            bulletin::testing::read_file(output_ / ".bulletin" / ("report-" + suffix + ".json")));
        failed += r["counts"]["failed"].get<std::size_t>();
        EXPECT_EQ(result.exit_code, r["counts"]["failed"] == 0 ? 0 : 1) << result.output;
    }
    EXPECT_EQ(failed, 10u); // one of each pair; none overwritten silently
    for (int i = 0; i < 10; ++i) {
        auto title = bulletin::testing::read_file(output_ / ("p" + std::to_string(i) + ".title"));
        EXPECT_EQ(title, "PDF " + std::to_string(i) + "\n"); // p*.pdf sorts first in its shard
    }
}

// --- 2. A document that crashes the batch process ------------------------------------------

TEST_F(BatchFaults, ADocumentThatCrashesTheProcessIsNamedAndTheRestConverted) {
    for (const char* jobs : {"1", "2"}) {
        SCOPED_TRACE(std::string("--jobs ") + jobs);
        fs::remove_all(input_);
        fs::remove_all(output_);
        make_inputs(20);
        write_input("b/crash.txt", "TEST\nBoom\nCRASH\n"); // test.title aborts on this line
        // No core file; under ASan let the abort kill the process as in a normal build.
        std::string prefix = "ulimit -c 0; ASAN_OPTIONS=\"${ASAN_OPTIONS:-}:handle_abort=0\" ";
        std::string args = std::string("--jobs ") + jobs;

        auto first = run_command(prefix + batch_command(args));
        EXPECT_NE(first.exit_code, 0) << first.output;
        EXPECT_NE(first.exit_code, 1) << first.output; // killed by SIGABRT, no summary
        EXPECT_EQ(report()["status"], "running");      // the report says it is not a finished run

        auto second = run_command(prefix + batch_command(args));
        EXPECT_EQ(second.exit_code, 1) << second.output;
        EXPECT_TRUE(contains(second.output, "b/crash.txt")) << second.output;
        EXPECT_TRUE(contains(second.output, "SIGABRT")) << second.output;
        auto r = report();
        EXPECT_EQ(r["status"], "completed");
        EXPECT_EQ(r["counts"]["gave_up"], 1);
        EXPECT_EQ(r["gave_up"][0]["path"], "b/crash.txt");
        EXPECT_TRUE(r["gave_up"][0]["crashed"].get<bool>());
        EXPECT_EQ(r["counts"]["failed"], 0);
        EXPECT_EQ(outputs(output_).size(), 20u); // all but the crashing one

        // Quarantined: the next in-process run leaves it alone and says so.
        auto third = run_command(prefix + batch_command(args));
        EXPECT_EQ(third.exit_code, 1) << third.output;
        EXPECT_TRUE(contains(third.output, "given up")) << third.output;
        EXPECT_EQ(report()["counts"]["converted"], 0);
        // --isolate converts it in a worker process, where the crash fails only it.
        auto isolated = run_command(prefix + batch_command(args + " --isolate"));
        EXPECT_EQ(isolated.exit_code, 1) << isolated.output;
        EXPECT_TRUE(contains(failure(report(), "b/crash.txt"), "killed by signal 6"))
            << report().dump(2);
    }
}

// --- 3. The state cannot be written --------------------------------------------------------

TEST_F(BatchFaults, AStateThatCannotBeWrittenFailsTheRun) {
    Tmpfs disk(dir_.path() / "small", "128k");
    if (!disk.ok()) GTEST_SKIP() << "mounting a tmpfs is not allowed here (needs root)";
    make_inputs(1000);
    auto state_file = dir_.path() / "small" / "state.sqlite";
    auto result = batch("--state " + quote(state_file));
    EXPECT_EQ(result.exit_code, bulletin::host::kExitStateFailure) << result.output;
    EXPECT_TRUE(contains(result.output, "cannot record the state in " + state_file.string()))
        << result.output;
    EXPECT_TRUE(contains(result.output, "No space left on device")) << result.output;
    EXPECT_TRUE(contains(result.output, "free space")) << result.output;
    auto r = report();
    EXPECT_EQ(r["status"], "failed");
    EXPECT_TRUE(contains(r["error"], "No space left on device"));

    // With room again, the next run records everything, and the outputs are complete.
    ASSERT_TRUE(disk.grow("16m"));
    auto rerun = batch("--state " + quote(state_file));
    EXPECT_EQ(rerun.exit_code, 0) << rerun.output;
    EXPECT_EQ(outputs(output_).size(), 1000u);
    EXPECT_EQ(batch("--state " + quote(state_file)).exit_code, 0);
    EXPECT_EQ(report()["counts"]["skipped"], 1000);
}

// --- 5. Damaged outputs ----------------------------------------------------------------------

TEST_F(BatchFaults, DamagedOutputsAreConvertedAgain) {
    make_inputs(9);
    ASSERT_EQ(batch().exit_code, 0);
    std::ofstream(output_ / "b" / "doc1.title", std::ios::trunc).close();  // 0 bytes
    std::ofstream(output_ / "c" / "doc2.title", std::ios::trunc) << "Tit"; // truncated
    auto result = run_command(batch_command("", {}, /*quiet=*/false));
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_TRUE(contains(result.output, "damaged or truncated")) << result.output;
    EXPECT_EQ(report()["counts"]["converted"], 2);
    EXPECT_EQ(report()["counts"]["damaged_outputs"], 2);
    EXPECT_EQ(bulletin::testing::read_file(output_ / "b" / "doc1.title"), "Title 1\n");
    EXPECT_EQ(bulletin::testing::read_file(output_ / "c" / "doc2.title"), "Title 2\n");

    // Same size, other bytes: only --verify (SHA-256) notices.
    std::ofstream(output_ / "a" / "doc0.title", std::ios::trunc) << "Tixle 0\n";
    EXPECT_EQ(batch().exit_code, 0);
    EXPECT_EQ(report()["counts"]["converted"], 0);
    EXPECT_EQ(batch("--verify").exit_code, 0);
    EXPECT_EQ(report()["counts"]["converted"], 1);
    EXPECT_EQ(bulletin::testing::read_file(output_ / "a" / "doc0.title"), "Title 0\n");
}

TEST(StateSchema, AStateFileOfTheFirstSchemaOpensAndIsMigrated) {
    bulletin::testing::TempDir dir;
    auto file = dir.path() / "state.sqlite";
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    exec_sql(db, R"(PRAGMA journal_mode=WAL;
        CREATE TABLE inputs(path TEXT PRIMARY KEY, input_sha256 TEXT NOT NULL,
            size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, pipeline_hash TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('done','failed')), outputs TEXT NOT NULL,
            error TEXT NOT NULL, seconds REAL NOT NULL, attempts INTEGER NOT NULL,
            finished_at TEXT NOT NULL);
        INSERT INTO inputs VALUES('a.txt', 'aa', 3, 4, 'p', 'done', '["/out/a.json"]', '', 0.5,
            7, '2024-01-01T00:00:00Z');
        INSERT INTO inputs VALUES('b.txt', 'bb', 3, 4, 'p', 'failed', '[]', 'bad', 0.5, 7,
            '2024-01-01T00:00:00Z');)");
    sqlite3_close(db);

    bulletin::host::StateStore state(file);
    EXPECT_EQ(state.schema_version(), bulletin::host::StateStore::kSchemaVersion);
    auto a = state.find("a.txt");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, "done");
    EXPECT_EQ(a->outputs, std::vector<std::string>{"/out/a.json"});
    EXPECT_EQ(a->attempts, 7);
    EXPECT_EQ(a->crashes, 0);
    // The first schema counted every conversion as an attempt: a failed input starts again.
    EXPECT_EQ(state.find("b.txt")->attempts, 1);
    EXPECT_TRUE(state.outputs().empty());
    state.commit({}, {{"a.json", "a.txt", 12, "cafe"}});
    EXPECT_EQ(state.outputs().at(0).size, 12);
}

TEST_F(BatchFaults, ABatchOverAStateOfTheFirstSchemaSkipsWhatIsDone) {
    make_inputs(6);
    ASSERT_EQ(batch().exit_code, 0);
    { // Back to the first schema: no outputs table, no crashes column, no version.
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(state().c_str(), &db), SQLITE_OK);
        exec_sql(db, "DROP TABLE outputs; ALTER TABLE inputs DROP COLUMN crashes; "
                     "PRAGMA user_version = 0;");
        sqlite3_close(db);
    }
    std::ofstream(output_ / "a" / "doc3.title", std::ios::trunc).close(); // empty: redone
    auto result = batch();
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(report()["counts"]["skipped"], 5);
    EXPECT_EQ(report()["counts"]["converted"], 1);
    // Sizes were taken from the outputs found: a truncation from now on is noticed.
    std::ofstream(output_ / "b" / "doc1.title", std::ios::trunc) << "Ti";
    EXPECT_EQ(batch().exit_code, 0);
    EXPECT_EQ(report()["counts"]["converted"], 1);
    EXPECT_EQ(bulletin::testing::read_file(output_ / "b" / "doc1.title"), "Title 1\n");
}

// --- 8. Inputs that keep failing -------------------------------------------------------------

TEST_F(BatchFaults, AnInputThatKeepsFailingIsGivenUpUntilItChanges) {
    make_inputs(3);
    write_input("bad.txt", "TEST\nBad\nTHROW\n");
    for (int attempt = 1; attempt <= 3; ++attempt) {
        EXPECT_EQ(batch().exit_code, 1);
        EXPECT_EQ(report()["counts"]["failed"], 1) << "attempt " << attempt;
        EXPECT_EQ(report()["failures"][0]["attempts"], attempt);
    }
    auto fourth = batch();
    EXPECT_EQ(fourth.exit_code, 1) << fourth.output; // still not converted: not a success
    EXPECT_TRUE(contains(fourth.output, "1 input given up after failing 3 times")) << fourth.output;
    EXPECT_TRUE(contains(fourth.output, "bad.txt")) << fourth.output;
    auto r = report();
    EXPECT_EQ(r["counts"]["failed"], 0);
    EXPECT_EQ(r["counts"]["gave_up"], 1);
    EXPECT_EQ(r["gave_up"][0]["path"], "bad.txt");
    EXPECT_EQ(r["gave_up"][0]["attempts"], 3);
    EXPECT_TRUE(contains(r["gave_up"][0]["error"], "told to throw"));

    EXPECT_EQ(batch("--retry-failed").exit_code, 1);
    EXPECT_EQ(report()["counts"]["failed"], 1);
    // A changed input starts again (here with --max-attempts 1: given up after one failure).
    write_input("bad.txt", "TEST\nStill bad\nTHROW\n");
    EXPECT_EQ(batch("--max-attempts 1").exit_code, 1);
    EXPECT_EQ(report()["failures"][0]["attempts"], 1);
    EXPECT_EQ(batch("--max-attempts 1").exit_code, 1);
    EXPECT_EQ(report()["counts"]["gave_up"], 1);
    write_input("bad.txt", "TEST\nFixed\n");
    EXPECT_EQ(batch().exit_code, 0);
    EXPECT_EQ(bulletin::testing::read_file(output_ / "bad.title"), "Fixed\n");
}

// --- 9. Quiet and machine-readable -----------------------------------------------------------

TEST_F(BatchFaults, QuietPrintsNothingOnSuccessAndTheFailuresOtherwise) {
    make_inputs(100);
    auto quiet = batch(); // the fixture passes -q
    EXPECT_EQ(quiet.exit_code, 0);
    EXPECT_EQ(quiet.output, "");
    write_input("bad.txt", "TEST\nBad\nTHROW\n");
    auto failing = batch();
    EXPECT_EQ(failing.exit_code, 1);
    auto lines = lines_of(failing.output);
    ASSERT_EQ(lines.size(), 2u) << failing.output; // the error and the summary
    EXPECT_TRUE(contains(lines[0], "bad.txt")) << lines[0];
    EXPECT_TRUE(contains(lines[1], "101 inputs: 0 converted, 100 skipped (unchanged), 1 failed"))
        << lines[1];
}

TEST_F(BatchFaults, JsonLogsAreJsonOnEveryLine) {
    make_inputs(40);
    write_input("bad.txt", "TEST\nBad\nTHROW\n");
    write_input("x.pdf", "TEST\nAnother x\n");
    write_input("x.txt", "TEST\nOne x\n");
    for (const char* mode : {"", "--isolate --jobs 2"}) {
        SCOPED_TRACE(mode);
        fs::remove_all(output_);
        auto result =
            run_command(bulletin_cmd(false) + " --log-format json batch " + quote(pipeline_) +
                        " --input " + quote(input_) + " --output " + quote(output_) + " " + mode);
        EXPECT_EQ(result.exit_code, 1) << result.output;
        auto lines = lines_of(result.output);
        EXPECT_GT(lines.size(), 5u);
        bool summary = false, progress = false;
        for (const auto& line : lines) {
            auto json = nlohmann::json::parse(line, nullptr, false);
            ASSERT_TRUE(json.is_object()) << "not JSON: " << line;
            EXPECT_TRUE(json.contains("level") && json.contains("message")) << line;
            summary |= contains(json.value("message", ""), "43 inputs: 41 converted");
            progress |= contains(json.value("message", ""), "progress: ");
        }
        EXPECT_TRUE(summary) << result.output;
        EXPECT_TRUE(progress) << result.output;
    }
}

TEST_F(BatchFaults, TheLogFileGetsTheSummaryAlsoWhenQuiet) {
    make_inputs(5);
    auto log = dir_.path() / "batch.log";
    auto result = batch("--log-file " + quote(log));
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.output, "");
    auto text = bulletin::testing::read_file(log);
    EXPECT_TRUE(contains(text, "5 inputs: 5 converted")) << text;
    EXPECT_TRUE(contains(text, " info bulletin: ")) << text; // the file's own format
}

TEST_F(BatchFaults, SigtermDuringSetUpExitsThreeEvenWithNothingToDo) {
    make_inputs(5);
    ASSERT_EQ(batch().exit_code, 0);
    // Hold the state database so that the next run waits in its set-up (after taking its lock).
    sqlite3* holder = nullptr;
    ASSERT_EQ(sqlite3_open(state().c_str(), &holder), SQLITE_OK);
    exec_sql(holder, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;");
    auto release = dir_.path() / "release";
    std::thread releaser([&] {
        for (int i = 0; i < 4000 && !fs::exists(release); ++i) // 20 s at most
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        sqlite3_close(holder); // ends the transaction and the exclusive lock
    });
    // Once the batch has the lock file open it is past its set-up of signal handlers (testing
    // the lock itself with flock(1) would take it from the batch).
    auto result = run_command("(" + batch_command() +
                              " & pid=$!; for i in $(seq 400); do ls -l /proc/$pid/fd 2>/dev/null "
                              "| grep -q 'state.sqlite.lock' && break; sleep 0.05; done; "
                              "kill -TERM $pid; touch " +
                              quote(release) + "; wait $pid; echo status=$?)");
    releaser.join();
    EXPECT_TRUE(contains(result.output, "status=3")) << result.output;
    EXPECT_TRUE(report()["interrupted"].get<bool>());
}

TEST_F(BatchFaults, TimeoutWithoutIsolateIsAnError) {
    make_inputs(2);
    auto result = batch("--timeout 5");
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_TRUE(contains(result.output, "add --isolate")) << result.output;
    EXPECT_FALSE(fs::exists(output_ / "a" / "doc0.title"));
    EXPECT_EQ(batch("--timeout 5 --isolate").exit_code, 0);
}

// --- 10. Messages that say what failed, where, and what to do --------------------------------

TEST_F(BatchFaults, AnUnwritableOutputDirectoryIsNamedWithWhatToDo) {
    if (run_command("command -v setpriv").exit_code != 0)
        GTEST_SKIP() << "setpriv (util-linux) is needed to run the batch as another user";
    make_inputs(2);
    fs::create_directories(output_); // root's, 0755: not writable for nobody
    auto result =
        run_command("setpriv --reuid=65534 --regid=65534 --clear-groups " + batch_command());
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_TRUE(contains(result.output, (output_ / ".bulletin").string())) << result.output;
    EXPECT_TRUE(contains(result.output, "Permission denied")) << result.output;
    EXPECT_TRUE(contains(result.output, "--state")) << result.output;
    EXPECT_FALSE(contains(result.output, "No such file or directory")) << result.output;
}

TEST_F(BatchFaults, AStateDiskTooSmallToStartSaysSo) {
    make_inputs(2);
    // 4 KiB at most per file: the lock file and the report fit, the database does not.
    auto result = run_command("sh -c \"trap '' XFSZ; ulimit -f 8; exec " + batch_command() + "\"");
    EXPECT_EQ(result.exit_code, bulletin::host::kExitStateFailure) << result.output;
    EXPECT_TRUE(contains(result.output, state().string())) << result.output;
    EXPECT_TRUE(contains(result.output, "File too large")) << result.output;
    EXPECT_TRUE(contains(result.output, "free space")) << result.output;
    EXPECT_FALSE(contains(result.output, "is it a bulletin state database")) << result.output;
}

TEST_F(BatchFaults, AReportThatCannotBeWrittenIsNotPointedAt) {
    Tmpfs disk(dir_.path() / "small", "4k");
    if (!disk.ok()) GTEST_SKIP() << "mounting a tmpfs is not allowed here (needs root)";
    make_inputs(2);
    for (int i = 0; i < 60; ++i) // enough failures for the final report not to fit in 4 KiB
        write_input("bad" + std::to_string(i) + ".txt", "TEST\nBad\nTHROW\n");
    auto report_file = dir_.path() / "small" / "report.json";
    auto result = run_command(batch_command("--report " + quote(report_file), {}, false));
    EXPECT_EQ(result.exit_code, bulletin::host::kExitStateFailure) << result.output;
    auto summary = lines_of(result.output);
    ASSERT_FALSE(summary.empty());
    std::string last;
    for (const auto& line : summary)
        if (contains(line, "62 inputs:")) last = line;
    EXPECT_TRUE(contains(last, "cannot write the run report")) << result.output;
    EXPECT_TRUE(contains(last, "No space left on device")) << last;
    EXPECT_FALSE(contains(last, "; report: ")) << last;
    EXPECT_EQ(nlohmann::json::parse(bulletin::testing::read_file(report_file))["status"],
              "running");
}

// --- Nothing is lost on kill -9 --------------------------------------------------------------

namespace {

// The names of the files that are missing, extra or different, for a message that shows them.
std::vector<std::string> differences(const std::map<std::string, std::string>& got,
                                     const std::map<std::string, std::string>& want) {
    std::vector<std::string> found;
    for (const auto& [name, bytes] : want) {
        auto it = got.find(name);
        if (it == got.end())
            found.push_back("missing " + name);
        else if (it->second != bytes)
            found.push_back("different " + name + ": " + it->second);
    }
    for (const auto& [name, bytes] : got)
        if (!want.contains(name)) found.push_back("extra " + name);
    return found;
}

} // namespace

TEST_F(BatchFaults, KillNineAtTwentyRandomPointsLeavesWhatAnUninterruptedRunWrites) {
    unsigned seed = 16;
    if (const char* env = std::getenv("BULLETIN_KILL_SEED"))
        seed = static_cast<unsigned>(std::stoul(env));
    std::cout << "kill -9 points from seed " << seed << " (BULLETIN_KILL_SEED=N for others)\n";
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> delay_ms(10, 250);
    make_inputs(60, "SLOW\nSLOW\n"); // ~10 ms each: a run lasts longer than the latest kill
    auto reference = dir_.path() / "reference";
    ASSERT_EQ(batch("", reference).exit_code, 0);
    auto expected = outputs(reference);
    ASSERT_EQ(expected.size(), 60u);

    struct Mode {
        const char* args;
        int kills;
    };
    int landed = 0;
    for (const auto& [args, kills] :
         {Mode{"--jobs 1", 7}, Mode{"--jobs 2", 7}, Mode{"--isolate --jobs 2", 6}}) {
        SCOPED_TRACE(args);
        auto out = dir_.path() / ("killed" + std::to_string(landed));
        std::string script = "(";
        for (int k = 0; k < kills; ++k) {
            auto ms = delay_ms(random);
            script += batch_command(args, out) + " >/dev/null 2>&1 & pid=$!; sleep " +
                      std::to_string(ms / 1000.0) + "; kill -9 $pid; wait $pid; echo status=$?; ";
        }
        auto killed = run_command(script + ")");
        for (std::size_t at = 0; (at = killed.output.find("status=137", at)) != std::string::npos;
             ++at)
            ++landed;
        auto rerun = batch(args, out);
        ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
        // every output complete, none missing, none extra
        EXPECT_EQ(differences(outputs(out), expected), std::vector<std::string>{});
        auto r = report(out);
        EXPECT_EQ(r["counts"]["failed"], 0);
        EXPECT_EQ(r["counts"]["gave_up"], 0);
        EXPECT_EQ(batch(args, out).exit_code, 0);
        EXPECT_EQ(report(out)["counts"]["skipped"], 60); // and all of it is recorded
    }
    EXPECT_GE(landed, 12) << "most kills should land while the batch runs";
}

TEST_F(BatchFaults, TheCronAndSystemdExamplesRunAsWritten) {
    make_inputs(3);
    auto logs = dir_.path() / "log";
    fs::create_directories(logs);
    auto examples = bulletin::testing::source_dir() / "examples" / "scheduling";
    for (const char* name : {"crontab", "bulletin-batch.service"}) {
        SCOPED_TRACE(name);
        auto text = bulletin::testing::read_file(examples / name);
        for (std::size_t at; (at = text.find("\\\n")) != std::string::npos;)
            text.replace(at, 2, " "); // systemd's continued lines
        std::string command;
        for (const auto& line : lines_of(text))
            if (auto at = line.find("/usr/local/bin/bulletin "); at != std::string::npos)
                command = line.substr(at + std::string("/usr/local/bin/bulletin").size());
        ASSERT_FALSE(command.empty());
        auto replace = [&](const std::string& from, const fs::path& to) {
            for (std::size_t at; (at = command.find(from)) != std::string::npos;)
                command.replace(at, from.size(), quote(to));
        };
        replace("/usr/local/share/bulletin/pipelines/cn-bulletin.xml", pipeline_);
        replace("/srv/bulletins/incoming", input_);
        replace("/srv/bulletins/converted", output_);
        replace("/var/log/bulletin", logs);
        auto result = run_command(quote(bulletin::testing::bulletin_binary()) + " --plugin-dir " +
                                  quote(fs::path(TEST_MODULES_DIR) / "good") + command);
        EXPECT_EQ(result.exit_code, 0) << command << "\n" << result.output;
        if (contains(command, " -q ")) {
            EXPECT_EQ(result.output, "") << command;
        }
        EXPECT_TRUE(contains(bulletin::testing::read_file(logs / "batch.log"), "3 inputs: "));
        fs::remove_all(output_);
        fs::remove(logs / "batch.log");
    }
}
