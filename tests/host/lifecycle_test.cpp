// SDK 2's run-level pieces through the real binary: the exporter run lifecycle with records
// (a corpus file complete under --jobs, --isolate and incremental re-runs), catch-all readers
// tried last, the segmenter with the best score, and the kind a class really has.
#include "batch_fixture.hpp"

#include <sstream>

namespace {

using namespace bulletin::testing::batch;
using bulletin::testing::read_file;

const char* kCorpusPipeline = R"(<pipeline name="corpus">
  <reader plugin="test.lines"/>
  <segmenter plugin="test.title"/>
  <exporter plugin="test.title-file"><param name="path">{output}/{dir}/{stem}.title</param></exporter>
  <exporter plugin="test.corpus"/>
</pipeline>
)";

class Lifecycle : public BatchTest {
protected:
    void SetUp() override {
        BatchTest::SetUp();
        bulletin::host::write_file_atomically(pipeline_, kCorpusPipeline);
    }
    /// The corpus rows, in file order.
    std::vector<std::string> corpus(const std::string& name = "corpus.tsv") {
        std::vector<std::string> rows;
        std::istringstream in(read_file(output_ / name));
        for (std::string line; std::getline(in, line);)
            rows.push_back(line);
        return rows;
    }
    static std::string row(int i) {
        return "doc" + std::to_string(i) + ".txt\tTitle " + std::to_string(i);
    }
};

TEST_F(Lifecycle, TheCorpusHoldsEveryDocumentWhoeverConvertedIt) {
    for (const char* args : {"--jobs 1", "--jobs 2", "--isolate --jobs 2"}) {
        SCOPED_TRACE(args);
        fs::remove_all(output_);
        make_inputs(52);
        auto result = batch(args);
        ASSERT_EQ(result.exit_code, 0) << result.output;
        auto rows = corpus();
        ASSERT_EQ(rows.size(), 52u) << "one row per document, once: end_run runs once per run";
        // Ordered by input path: a/doc0, a/doc12, ... then b/..., c/...
        EXPECT_EQ(rows.front(), row(0));
    }
}

TEST_F(Lifecycle, AnIncrementalRunKeepsTheRowsOfSkippedDocumentsAndReplacesTheChanged) {
    make_inputs(52);
    ASSERT_EQ(batch("--isolate --jobs 2").exit_code, 0);
    for (int i : {3, 17, 40})
        write_input(std::string(1, static_cast<char>('a' + i % 3)) + "/doc" + std::to_string(i) +
                        ".txt",
                    "TEST\nChanged " + std::to_string(i) + "\n");
    auto result = batch("--jobs 2");
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(report()["counts"]["skipped"], 49);
    auto rows = corpus();
    ASSERT_EQ(rows.size(), 52u);
    int changed = 0;
    for (const auto& r : rows)
        changed += r.find("\tChanged ") != std::string::npos;
    EXPECT_EQ(changed, 3);
    EXPECT_NE(std::find(rows.begin(), rows.end(), "doc17.txt\tChanged 17"), rows.end());

    // A removed input leaves the corpus; a failed conversion keeps its earlier row.
    fs::remove(input_ / "b" / "doc1.txt");
    write_input("c/doc2.txt", "TEST\nBroken\nTHROW\n");
    result = batch();
    EXPECT_EQ(result.exit_code, 1) << result.output;
    rows = corpus();
    EXPECT_EQ(rows.size(), 51u);
    EXPECT_EQ(std::find(rows.begin(), rows.end(), row(1)), rows.end());
    EXPECT_NE(std::find(rows.begin(), rows.end(), row(2)), rows.end());
}

TEST_F(Lifecycle, ACrashingDocumentUnderIsolateDoesNotEmptyTheCorpus) {
    make_inputs(6);
    write_input("a/crash.txt", "TEST\nCrash\nCRASH\n");
    auto result = batch("--isolate");
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_EQ(corpus().size(), 6u);
}

TEST_F(Lifecycle, ShardsWriteTheirOwnCorpus) {
    make_inputs(12);
    for (const char* shard : {"1/2", "2/2"})
        ASSERT_EQ(batch(std::string("--shard ") + shard).exit_code, 0);
    EXPECT_EQ(corpus("corpus-1-of-2.tsv").size() + corpus("corpus-2-of-2.tsv").size(), 12u);
}

TEST_F(Lifecycle, RunCallsTheLifecycleOnceForAllItsInputs) {
    make_inputs(3);
    auto result =
        run_command(bulletin_cmd() + " run " + quote(pipeline_) + " -o " + quote(output_) + " " +
                    quote(input_ / "a" / "doc0.txt") + " " + quote(input_ / "b" / "doc1.txt") +
                    " " + quote(input_ / "c" / "doc2.txt"));
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(corpus(), (std::vector<std::string>{row(0), row(1), row(2)}));
}

TEST_F(Lifecycle, ADocumentFieldInARunLevelPathIsAnErrorNamingTheTemplate) {
    bulletin::host::write_file_atomically(pipeline_, R"(<pipeline name="corpus">
  <reader plugin="test.lines"/>
  <segmenter plugin="test.title"/>
  <exporter plugin="test.corpus"><param name="path">{output}/{stem}.tsv</param></exporter>
</pipeline>
)");
    make_inputs(1);
    auto result = batch("", {});
    EXPECT_EQ(result.exit_code, 1) << result.output;
    auto quiet = run_command(batch_command("", {}, false));
    EXPECT_NE(quiet.output.find("uses {stem}, which names a document"), std::string::npos)
        << quiet.output;
}

// --- Readers and segmenters chosen by what they declare ---

TEST_F(Lifecycle, AReaderAddedByExtendsIsTriedBeforeTheCatchAll) {
    auto base = dir_.path() / "base.xml";
    bulletin::host::write_file_atomically(base, R"(<pipeline name="base">
  <reader plugin="test.anything"/>
  <segmenter plugin="test.title"/>
  <exporter plugin="test.title-file"><param name="path">{output}/{stem}.title</param></exporter>
</pipeline>
)");
    bulletin::host::write_file_atomically(pipeline_, R"(<pipeline name="child" extends="base.xml">
  <reader plugin="test.lines"/>
</pipeline>
)");
    write_input("x.txt", "TEST\nRead by lines\n");
    write_input("y.txt", "not a TEST file\n");
    ASSERT_EQ(batch().exit_code, 0);
    EXPECT_EQ(read_file(output_ / "x.title"), "Read by lines\n");
    EXPECT_EQ(read_file(output_ / "y.title"), "anything\n");
}

TEST_F(Lifecycle, ABatchTakesTheFilesItsReadersDeclareUnlessToldOtherwise) {
    write_input("a.txt", "TEST\nA\n");
    write_input("b.md", "TEST\nB\n");
    write_input("c.TXT", "TEST\nC\n");
    ASSERT_EQ(batch().exit_code, 0);
    EXPECT_EQ(report()["counts"]["inputs"], 2) << "test.lines declares txt and pdf";
    EXPECT_TRUE(fs::exists(output_ / "c.title"));
    EXPECT_FALSE(fs::exists(output_ / "b.title"));
    fs::remove_all(output_);
    ASSERT_EQ(batch("--extensions .md").exit_code, 0);
    EXPECT_EQ(report()["counts"]["inputs"], 1);
    EXPECT_TRUE(fs::exists(output_ / "b.title"));
}

TEST_F(Lifecycle, TheSegmenterWithTheBestScoreRuns) {
    bulletin::host::write_file_atomically(pipeline_, R"(<pipeline name="two families">
  <reader plugin="test.lines"/>
  <segmenter plugin="test.title"/>
  <segmenter plugin="test.scored"/>
  <exporter plugin="test.title-file"><param name="path">{output}/{stem}.title</param></exporter>
</pipeline>
)");
    write_input("scored.txt", "TEST\nSCORED\nbody\n");
    write_input("plain.txt", "TEST\nPlain title\nbody\n");
    ASSERT_EQ(batch().exit_code, 0);
    EXPECT_EQ(read_file(output_ / "scored.title"), "scored\n");     // 0.9 beats 0.5
    EXPECT_EQ(read_file(output_ / "plain.title"), "Plain title\n"); // 0.5 beats 0.1
}

TEST(Kinds, AClassOfAnotherKindThanDeclaredIsRefusedNotCalled) {
    bulletin::testing::TempDir dir;
    auto pipeline = dir.path() / "p.xml";
    bulletin::host::write_file_atomically(pipeline, R"(<pipeline name="k">
  <reader plugin="test.lines"/>
  <tagger plugin="wrong.kind"/>
  <exporter plugin="test.title-file"/>
</pipeline>
)");
    auto input = dir.path() / "in.txt";
    bulletin::host::write_file_atomically(input, "TEST\nTitle\n");
    auto result = run_command(
        bulletin_cmd(false) + " --plugin-dir " + quote(fs::path(TEST_MODULES_DIR) / "wrong-kind") +
        " run " + quote(pipeline) + " -o " + quote(dir.path() / "out") + " " + quote(input));
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("is declared a tagger but its class does not implement "
                                 "bulletin::Tagger"),
              std::string::npos)
        << result.output;
}

} // namespace
