// Integration tests of `bulletin batch`, driving the real binary over generated input trees.
#include "batch_fixture.hpp"

#include "batch.hpp"

#include <set>

using namespace bulletin::testing::batch;

TEST(Shard, ParsesAndPartitionsStably) {
    EXPECT_FALSE(bulletin::host::parse_shard("0/3"));
    EXPECT_FALSE(bulletin::host::parse_shard("4/3"));
    EXPECT_FALSE(bulletin::host::parse_shard("3"));
    auto shard = bulletin::host::parse_shard("2/3");
    ASSERT_TRUE(shard);
    EXPECT_EQ(shard->index, 2);
    // Stable: the same path always lands in the same shard (FNV-1a, not std::hash).
    EXPECT_EQ(bulletin::host::in_shard("a/doc1.txt", {1, 2}),
              bulletin::host::in_shard("a/doc1.txt", {1, 2}));
    for (int i = 0; i < 100; ++i) {
        std::string path = "dir/" + std::to_string(i) + ".txt";
        int owners = 0;
        for (int k = 1; k <= 4; ++k)
            owners += bulletin::host::in_shard(path, {k, 4});
        EXPECT_EQ(owners, 1) << path;
    }
}

TEST_F(BatchTest, ASecondRunOverUnchangedInputsConvertsNothing) {
    make_inputs(200);
    auto first = batch();
    ASSERT_EQ(first.exit_code, 0) << first.output;
    EXPECT_EQ(report()["counts"]["converted"], 200);
    EXPECT_EQ(bulletin::testing::read_file(output_ / "b" / "doc1.title"), "Title 1\n");

    auto second = run_command(batch_command("", {}, /*quiet=*/false));
    ASSERT_EQ(second.exit_code, 0) << second.output;
    auto r = report();
    EXPECT_EQ(r["counts"]["converted"], 0);
    EXPECT_EQ(r["counts"]["skipped"], 200);
    EXPECT_NE(second.output.find("200 inputs: 0 converted, 200 skipped"), std::string::npos)
        << second.output;
}

TEST_F(BatchTest, AChangedInputAndAChangedParameterAreRedone) {
    make_inputs(12);
    ASSERT_EQ(batch().exit_code, 0);
    write_input("a/doc0.txt", "TEST\nNew title\n");
    ASSERT_EQ(batch().exit_code, 0);
    EXPECT_EQ(report()["counts"]["converted"], 1);
    EXPECT_EQ(bulletin::testing::read_file(output_ / "a" / "doc0.title"), "New title\n");

    // Touching a file without changing it costs a hash, not a conversion.
    fs::last_write_time(input_ / "a" / "doc3.txt", fs::file_time_type::clock::now());
    ASSERT_EQ(batch().exit_code, 0);
    EXPECT_EQ(report()["counts"]["converted"], 0);

    // A different parameter value is a different pipeline: everything is redone.
    ASSERT_EQ(batch("--set test.words.limit=4").exit_code, 0);
    EXPECT_EQ(report()["counts"]["converted"], 12);
    // A deleted output is redone too.
    fs::remove(output_ / "c" / "doc2.title");
    ASSERT_EQ(batch("--set test.words.limit=4").exit_code, 0);
    EXPECT_EQ(report()["counts"]["converted"], 1);
    EXPECT_TRUE(fs::exists(output_ / "c" / "doc2.title"));
}

TEST_F(BatchTest, FailuresAreReportedAndRetried) {
    make_inputs(5);
    write_input("bad.txt", "TEST\nBad\nTHROW\n");
    write_input("notes.md", "not considered: wrong extension\n");
    auto first = batch();
    EXPECT_EQ(first.exit_code, 1) << first.output;
    auto r = report();
    EXPECT_EQ(r["counts"]["inputs"], 6);
    EXPECT_EQ(r["counts"]["failed"], 1);
    EXPECT_EQ(r["failures"][0]["path"], "bad.txt");
    EXPECT_NE(r["failures"][0]["error"].get<std::string>().find("segmenter 'test.title' failed"),
              std::string::npos);
    // Fixed: the retry converts it and nothing else.
    write_input("bad.txt", "TEST\nGood now\n");
    EXPECT_EQ(batch().exit_code, 0);
    EXPECT_EQ(report()["counts"]["converted"], 1);
}

TEST_F(BatchTest, KilledRunsThenRerunMatchAnUninterruptedRun) {
    make_inputs(120, "SLOW\n"); // ~5 ms each, so the kills land mid-batch
    auto reference = dir_.path() / "reference";
    ASSERT_EQ(batch("", reference).exit_code, 0);
    auto expected = outputs(reference);
    ASSERT_EQ(expected.size(), 120u);

    for (const char* delay : {"0.1", "0.25", "0.4"}) {
        auto killed = run_command("(" + bulletin_cmd() + " batch " + quote(pipeline_) +
                                  " --input " + quote(input_) + " --output " + quote(output_) +
                                  " >/dev/null 2>&1 & pid=$!; sleep " + delay +
                                  "; kill -9 $pid; wait $pid; echo status=$?)");
        EXPECT_NE(killed.output.find("status=137"), std::string::npos)
            << "the run finished before the kill at " << delay << "s: " << killed.output;
    }
    auto rerun = batch();
    ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
    EXPECT_EQ(outputs(output_), expected); // every output complete, none missing, no extra files
}

TEST_F(BatchTest, SigtermStopsAtTheNextStageAndExitsThree) {
    make_inputs(150, "SLOW\n");
    auto result =
        run_command("(" + bulletin_cmd() + " batch " + quote(pipeline_) + " --input " +
                    quote(input_) + " --output " + quote(output_) + " >/dev/null 2>&1 & pid=$!; " +
                    wait_for_first_output(output_) + "kill -TERM $pid; wait $pid; echo status=$?)");
    EXPECT_NE(result.output.find("status=3"), std::string::npos) << result.output;
    auto r = report();
    EXPECT_TRUE(r["interrupted"].get<bool>());
    EXPECT_GT(r["counts"]["not_started"].get<int>(), 0);
    // Everything that was written is complete.
    for (const auto& [name, content] : outputs(output_))
        EXPECT_EQ(content.back(), '\n') << name;
    EXPECT_EQ(batch().exit_code, 0);
    EXPECT_EQ(outputs(output_).size(), 150u);
}

TEST_F(BatchTest, IsolateTurnsACrashAndAHangIntoOneFailureEach) {
    make_inputs(6);
    write_input("segv.txt", "TEST\nCrash\nSEGV\n");
    write_input("hang.txt", "TEST\nHang\nHANG\n");
    // Under ASan the sanitizer would catch the SIGSEGV and exit 1 itself; let the worker die of
    // the signal as it does in a normal build.
    auto result = run_command("ASAN_OPTIONS=\"${ASAN_OPTIONS:-}:handle_segv=0\" " + bulletin_cmd() +
                              " batch " + quote(pipeline_) + " --input " + quote(input_) +
                              " --output " + quote(output_) + " --isolate --timeout 2 --jobs 2");
    EXPECT_EQ(result.exit_code, 1) << result.output;
    auto r = report();
    EXPECT_EQ(r["counts"]["converted"], 6);
    EXPECT_EQ(r["counts"]["failed"], 2);
    std::map<std::string, std::string> errors;
    for (const auto& f : r["failures"])
        errors[f["path"]] = f["error"];
    EXPECT_NE(errors["segv.txt"].find("killed by signal 11 (SIGSEGV"), std::string::npos)
        << errors["segv.txt"];
    EXPECT_NE(errors["hang.txt"].find("timed out after 2 s"), std::string::npos)
        << errors["hang.txt"];
    EXPECT_EQ(outputs(output_).size(), 6u);
}

TEST_F(BatchTest, TwoRunsOnOneStateAreRefused) {
    make_inputs(100, "SLOW\n");
    auto result =
        run_command("(" + bulletin_cmd() + " batch " + quote(pipeline_) + " --input " +
                    quote(input_) + " --output " + quote(output_) + " >/dev/null 2>&1 & pid=$!; " +
                    wait_for_first_output(output_) + bulletin_cmd() + " batch " + quote(pipeline_) +
                    " --input " + quote(input_) + " --output " + quote(output_) +
                    "; echo second=$?; wait $pid)");
    // Its own exit code: a scheduler can tell "already running" from a configuration error.
    EXPECT_NE(result.output.find("second=4"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("another bulletin batch is running on this state"),
              std::string::npos)
        << result.output;
}

TEST_F(BatchTest, ShardsCoverEveryInputExactlyOnce) {
    make_inputs(60);
    std::set<std::string> seen;
    std::size_t total = 0;
    for (int k = 1; k <= 3; ++k) {
        auto out = dir_.path() / ("shard" + std::to_string(k));
        auto result = batch("--shard " + std::to_string(k) + "/3", out);
        ASSERT_EQ(result.exit_code, 0) << result.output;
        for (const auto& [name, content] : outputs(out)) {
            EXPECT_TRUE(seen.insert(name).second) << name << " is in two shards";
            ++total;
        }
    }
    EXPECT_EQ(total, 60u);
    EXPECT_EQ(seen.size(), 60u);
}

TEST_F(BatchTest, ConfigurationErrorsExitWithTwo) {
    EXPECT_EQ(run_command(bulletin_cmd() + " batch " + quote(pipeline_) + " --input " +
                          quote(dir_.path() / "missing") + " --output " + quote(output_))
                  .exit_code,
              2);
    EXPECT_EQ(batch("--shard 5/3").exit_code, 2);
    bulletin::host::write_file_atomically(pipeline_,
                                          "<pipeline><reader plugin=\"nope\"/></pipeline>");
    make_inputs(1);
    auto result = batch();
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.output.find("unknown reader plugin 'nope'"), std::string::npos)
        << result.output;
}

TEST_F(BatchTest, ADocumentInterruptedMidPipelineIsNeitherWrittenNorCountedFailed) {
    write_input("wait.txt", "TEST\nTitle\nWAIT\n");
    auto log = dir_.path() / "log.txt";
    auto result = run_command(
        "(" + quote(bulletin::testing::bulletin_binary()) + " --plugin-dir " +
        quote(fs::path(TEST_MODULES_DIR) / "good") + " batch " + quote(pipeline_) + " --input " +
        quote(input_) + " --output " + quote(output_) + " >/dev/null 2>" + quote(log) +
        " & pid=$!; for i in $(seq 400); do grep -q waiting " + quote(log) +
        " && break; sleep 0.05; done; kill -TERM $pid; wait $pid; echo status=$?)");
    EXPECT_NE(result.output.find("status=3"), std::string::npos) << result.output;
    EXPECT_FALSE(fs::exists(output_ / "wait.title")) << "exported after the stop request";
    auto r = report();
    EXPECT_EQ(r["counts"]["failed"], 0) << r.dump(2);
    EXPECT_EQ(r["counts"]["not_started"], 1) << r.dump(2);
}
