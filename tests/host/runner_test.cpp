#include "support/plugins.hpp"

#include "context.hpp"
#include "pipeline.hpp"
#include "runner.hpp"

#include <gtest/gtest.h>

namespace fs = std::filesystem;
using namespace bulletin::host;

namespace {

bulletin::Document doc_from(const std::string& path) {
    bulletin::Document doc;
    doc.source.path = path;
    return doc;
}

class RunnerTest : public ::testing::Test {
protected:
    void SetUp() override { registry_.add_directory(fs::path(TEST_MODULES_DIR) / "good"); }

    std::unique_ptr<PipelineRunner> runner(const std::string& xml) {
        auto file = dir_.path() / "p.xml";
        write_file_atomically(file, xml);
        auto load = load_pipeline(file, registry_);
        EXPECT_TRUE(load.ok());
        RunOptions options;
        options.output_root = dir_.path() / "out";
        return std::make_unique<PipelineRunner>(*load.pipeline, registry_, options);
    }
    fs::path input(const std::string& name, const std::string& text) {
        auto path = dir_.path() / name;
        write_file_atomically(path, text);
        return path;
    }

    Registry registry_;
    bulletin::testing::TempDir dir_;
};

const char* kPipeline = R"(<pipeline>
  <reader plugin="test.lines"/>
  <segmenter plugin="test.title"/>
  <tagger plugin="test.words"><param name="label">fruit</param><param name="words">apple,pear</param></tagger>
  <exporter plugin="test.title-file"/>
  <exporter plugin="test.title-file" id="copy"><param name="path">{output}/copies/{stem}.txt</param></exporter>
</pipeline>)";

} // namespace

TEST(OutputPath, ExpandsFieldsInsideTheRoot) {
    auto doc = doc_from("/in/dir/report.gb18030.txt");
    doc.masthead.date = "2023-04-24";
    doc.source.format = "text";
    auto root = fs::temp_directory_path();
    auto path = expand_output_path("{output}/{date}/{stem}.{format}.json", root, doc);
    EXPECT_EQ(path, fs::weakly_canonical(root) / "2023-04-24" / "report.gb18030.text.json");
    EXPECT_EQ(expand_output_path("x/{name}", root, doc),
              fs::weakly_canonical(root) / "x" / "report.gb18030.txt");
}

TEST(OutputPath, RefusesPathsThatLeaveTheRoot) {
    auto doc = doc_from("a.txt");
    auto root = fs::temp_directory_path() / "bulletin-root";
    EXPECT_THROW(expand_output_path("{output}/../escape.json", root, doc), bulletin::Error);
    EXPECT_THROW(expand_output_path("/etc/passwd", root, doc), bulletin::Error);
    EXPECT_THROW(expand_output_path("{output}", root, doc), bulletin::Error);
    EXPECT_THROW(expand_output_path("{output}/{nosuch}.json", root, doc), bulletin::Error);
    // A document value cannot add path structure.
    doc.masthead.series = "../../etc";
    auto path = expand_output_path("{output}/{series}.json", root, doc);
    EXPECT_EQ(path.parent_path(), fs::weakly_canonical(root));
}

TEST(AtomicWrite, LeavesOnlyTheFinalFile) {
    bulletin::testing::TempDir dir;
    auto file = dir.path() / "sub" / "out.json";
    write_file_atomically(file, "first");
    write_file_atomically(file, "second");
    EXPECT_EQ(bulletin::testing::read_file(file), "second");
    int entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(file.parent_path()))
        ++entries;
    EXPECT_EQ(entries, 1);
}

TEST(AtomicWrite, ReportsAnUnwritableDirectory) {
    if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
    bulletin::testing::TempDir dir;
    fs::permissions(dir.path(), fs::perms::owner_write, fs::perm_options::remove);
    EXPECT_THROW(write_file_atomically(dir.path() / "x.json", "x"), bulletin::Error);
}

TEST(Sha256, MatchesTheKnownDigest) {
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_F(RunnerTest, RunsEveryStageAndRecordsOutputs) {
    auto r = runner(kPipeline);
    auto outcome = r->process(input("doc.txt", "TEST\nTitle\nan apple a day\npear\n"));
    ASSERT_TRUE(outcome.ok) << outcome.error;
    EXPECT_EQ(outcome.reader, "test.lines");
    const auto& doc = outcome.document;
    EXPECT_EQ(doc.source.format, "test");
    EXPECT_EQ(doc.source.pages, 1);
    EXPECT_EQ(doc.source.sha256.size(), 64u);
    ASSERT_EQ(doc.articles.size(), 1u);
    EXPECT_EQ(doc.articles[0].title, "Title");
    ASSERT_EQ(doc.entities.size(), 2u);
    ASSERT_EQ(outcome.outputs.size(), 2u);
    EXPECT_EQ(bulletin::testing::read_file(outcome.outputs[0]), "Title\n");
    EXPECT_EQ(outcome.outputs[1].filename(), "doc.txt");
    EXPECT_EQ(outcome.outputs[1].parent_path().filename(), "copies");
}

TEST_F(RunnerTest, AThrowingPluginFailsTheDocumentNamingPluginAndFile) {
    auto r = runner(kPipeline);
    auto bad = input("bad.txt", "TEST\nTitle\nTHROW\n");
    auto outcome = r->process(bad);
    EXPECT_FALSE(outcome.ok);
    EXPECT_NE(outcome.error.find(bad.string()), std::string::npos) << outcome.error;
    EXPECT_NE(outcome.error.find("segmenter 'test.title' failed: the segmenter was told to throw"),
              std::string::npos)
        << outcome.error;
    EXPECT_TRUE(outcome.outputs.empty());
    // The runner keeps working for the next document.
    EXPECT_TRUE(r->process(input("good.txt", "TEST\nFine\n")).ok);
}

TEST_F(RunnerTest, NoReaderAccepts) {
    auto r = runner(kPipeline);
    auto outcome = r->process(input("plain.txt", "not a test file"));
    EXPECT_FALSE(outcome.ok);
    EXPECT_NE(
        outcome.error.find("no reader of this pipeline accepts this file (tried: test.lines)"),
        std::string::npos)
        << outcome.error;
}

TEST_F(RunnerTest, MissingAndOversizedInputs) {
    auto r = runner(kPipeline);
    auto missing = r->process(dir_.path() / "nope.txt");
    EXPECT_FALSE(missing.ok);
    EXPECT_NE(missing.error.find("cannot read input"), std::string::npos) << missing.error;

    auto file = dir_.path() / "p2.xml";
    write_file_atomically(file, kPipeline);
    RunOptions options;
    options.output_root = dir_.path() / "out";
    options.max_input_bytes = 4;
    PipelineRunner small(*load_pipeline(file, registry_).pipeline, registry_, options);
    auto big = small.process(input("big.txt", "TEST\nTitle\n"));
    EXPECT_FALSE(big.ok);
    EXPECT_NE(big.error.find("more than the limit of 4"), std::string::npos) << big.error;
}

TEST_F(RunnerTest, AFailingExporterDoesNotStopTheOthers) {
    auto r = runner(R"(<pipeline>
  <reader plugin="test.lines"/>
  <segmenter plugin="test.title"/>
  <exporter plugin="test.title-file" id="bad"><param name="path">{output}/../x</param></exporter>
  <exporter plugin="test.title-file"/>
</pipeline>)");
    auto outcome = r->process(input("doc.txt", "TEST\nTitle\n"));
    EXPECT_FALSE(outcome.ok);
    EXPECT_NE(outcome.error.find("outside the output directory"), std::string::npos)
        << outcome.error;
    ASSERT_EQ(outcome.outputs.size(), 1u);
    EXPECT_TRUE(fs::exists(outcome.outputs[0]));
}

TEST(OutputPath, ARelativeOutputRootIsAppliedOnce) {
    auto doc = doc_from("in/report.txt");
    auto path = expand_output_path("{output}/{dir}/{stem}.json", "relative-out", doc);
    EXPECT_EQ(path, fs::weakly_canonical(fs::absolute("relative-out") / "report.json"));
    EXPECT_EQ(expand_output_path("{stem}.json", "relative-out", doc),
              fs::weakly_canonical(fs::absolute("relative-out") / "report.json"));
}

TEST_F(RunnerTest, TwoInputsOfOneRunNeverOverwriteEachOthersOutput) {
    auto r = runner(kPipeline);
    fs::create_directories(dir_.path() / "other");
    auto first = r->process(input("same.txt", "TEST\nFirst\n"));
    ASSERT_TRUE(first.ok) << first.error;
    auto second = r->process(input("other/same.txt", "TEST\nSecond\n"));
    EXPECT_FALSE(second.ok);
    EXPECT_NE(second.error.find("was already written for"), std::string::npos) << second.error;
    EXPECT_NE(second.error.find("put {name} or {ext} in the exporter's path template"),
              std::string::npos)
        << second.error;
    EXPECT_EQ(bulletin::testing::read_file(first.outputs[0]), "First\n");
    // The same input converted again in one run may rewrite its own outputs.
    EXPECT_TRUE(r->process(dir_.path() / "same.txt").ok);
}

TEST_F(RunnerTest, AStopRequestEndsTheDocumentBeforeTheNextStage) {
    auto file = dir_.path() / "p.xml";
    write_file_atomically(file, kPipeline);
    auto load = load_pipeline(file, registry_);
    ASSERT_TRUE(load.ok());
    std::atomic<bool> cancel{true};
    RunOptions options;
    options.output_root = dir_.path() / "out";
    options.cancel = &cancel;
    PipelineRunner r(*load.pipeline, registry_, options);
    auto outcome = r.process(input("doc.txt", "TEST\nTitle\n"));
    EXPECT_FALSE(outcome.ok);
    EXPECT_NE(
        outcome.error.find("doc.txt: interrupted (SIGTERM or SIGINT) before the reader stage"),
        std::string::npos)
        << outcome.error;
    EXPECT_TRUE(outcome.outputs.empty());
    EXPECT_FALSE(fs::exists(dir_.path() / "out" / "doc.title"));
}
