#include "support/plugins.hpp"

#include "pipeline.hpp"

#include <gtest/gtest.h>

namespace fs = std::filesystem;
using bulletin::host::load_pipeline;
using bulletin::host::PipelineLoad;
using bulletin::host::Registry;

namespace {

class PipelineTest : public ::testing::Test {
protected:
    void SetUp() override { registry_.add_directory(fs::path(TEST_MODULES_DIR) / "good"); }

    fs::path write(const std::string& name, const std::string& xml) {
        auto path = dir_.path() / name;
        bulletin::host::write_file_atomically(path, xml);
        return path;
    }
    PipelineLoad load(const std::string& xml, std::vector<bulletin::host::Override> sets = {}) {
        return load_pipeline(write("p.xml", xml), registry_, sets);
    }
    static std::string all(const PipelineLoad& load) {
        std::string out;
        for (const auto& e : load.errors)
            out += e.str() + "\n";
        for (const auto& w : load.warnings)
            out += w.str() + "\n";
        return out;
    }
    /// Expects exactly one error, at line:col, whose message contains `text`.
    void expect_error(const PipelineLoad& load, int line, int column, const std::string& text) {
        ASSERT_FALSE(load.ok());
        ASSERT_EQ(load.errors.size(), 1u) << all(load);
        const auto& e = load.errors[0];
        EXPECT_EQ(e.where.line, line) << e.str();
        EXPECT_EQ(e.where.column, column) << e.str();
        EXPECT_NE(e.message.find(text), std::string::npos) << e.str();
        EXPECT_NE(e.str().find("p.xml:" + std::to_string(line) + ":" + std::to_string(column) +
                               ": error: "),
                  std::string::npos)
            << e.str();
    }

    Registry registry_;
    bulletin::testing::TempDir dir_;
};

const char* kGood = R"(<?xml version="1.0"?>
<pipeline name="good">
  <reader plugin="test.lines"/>
  <segmenter plugin="test.title"/>
  <tagger plugin="test.words">
    <param name="label">word</param>
    <param name="limit">5</param>
  </tagger>
  <exporter plugin="test.title-file"/>
</pipeline>
)";

} // namespace

TEST_F(PipelineTest, LoadsAValidPipeline) {
    auto result = load(kGood);
    ASSERT_TRUE(result.ok()) << all(result);
    EXPECT_TRUE(result.warnings.empty()) << all(result);
    const auto& p = *result.pipeline;
    EXPECT_EQ(p.name, "good");
    ASSERT_EQ(p.stages.size(), 4u);
    EXPECT_EQ(p.stages[2].plugin, "test.words");
    EXPECT_EQ(p.stages[2].values().at("limit"), "5");
    EXPECT_EQ(p.stages[2].where.line, 5);
}

TEST_F(PipelineTest, MalformedXmlHasLineAndColumn) {
    auto result = load("<pipeline>\n  <reader plugin=\"test.lines\">\n</pipeline>\n");
    ASSERT_EQ(result.errors.size(), 1u) << all(result);
    EXPECT_EQ(result.errors[0].where.line, 3) << all(result);
    EXPECT_GT(result.errors[0].where.column, 0);
    EXPECT_NE(result.errors[0].message.find("malformed XML"), std::string::npos);
}

TEST_F(PipelineTest, UnknownElementSuggestsTheNearestName) {
    expect_error(
        load("<pipeline>\n  <reader plugin=\"test.lines\"/>\n  <segmentor plugin=\"test.title\"/>\n"
             "  <exporter plugin=\"test.title-file\"/>\n</pipeline>\n"),
        3, 3, "unknown element <segmentor> in <pipeline>; did you mean <segmenter>?");
}

TEST_F(PipelineTest, UnknownAttributeIsReported) {
    expect_error(load("<pipeline>\n    <reader plugin=\"test.lines\" plugn=\"x\"/>\n"
                      "  <exporter plugin=\"test.title-file\"/>\n</pipeline>\n"),
                 2, 5, "unknown attribute 'plugn' on <reader>; did you mean 'plugin'?");
}

TEST_F(PipelineTest, UnknownPluginSuggestsTheNearestOfItsKind) {
    expect_error(load("<pipeline>\n  <reader plugin=\"test.line\"/>\n"
                      "  <exporter plugin=\"test.title-file\"/>\n</pipeline>\n"),
                 2, 3, "unknown reader plugin 'test.line'; did you mean 'test.lines'?");
}

TEST_F(PipelineTest, PluginOfTheWrongKind) {
    expect_error(
        load("<pipeline>\n  <reader plugin=\"test.lines\"/>\n  <reader plugin=\"test.title\"/>\n"
             "  <exporter plugin=\"test.title-file\"/>\n</pipeline>\n"),
        3, 3, "plugin 'test.title' is a segmenter, not a reader");
}

TEST_F(PipelineTest, UnknownParameterSuggestsTheNearestName) {
    expect_error(
        load("<pipeline>\n  <reader plugin=\"test.lines\"/>\n  <tagger plugin=\"test.words\">\n"
             "    <param name=\"label\">x</param>\n      <param name=\"limt\">3</param>\n"
             "  </tagger>\n  <exporter plugin=\"test.title-file\"/>\n</pipeline>\n"),
        5, 7, "plugin 'test.words' has no parameter 'limt'; did you mean 'limit'?");
}

TEST_F(PipelineTest, WrongParameterType) {
    expect_error(
        load("<pipeline>\n  <reader plugin=\"test.lines\"/>\n  <tagger plugin=\"test.words\">\n"
             "    <param name=\"label\">x</param>\n    <param name=\"limit\">many</param>\n"
             "  </tagger>\n  <exporter plugin=\"test.title-file\"/>\n</pipeline>\n"),
        5, 5, "parameter 'limit' of plugin 'test.words' must be an integer, not 'many'");
}

TEST_F(PipelineTest, MissingRequiredParameter) {
    expect_error(
        load("<pipeline>\n  <reader plugin=\"test.lines\"/>\n  <tagger plugin=\"test.words\"/>\n"
             "  <exporter plugin=\"test.title-file\"/>\n</pipeline>\n"),
        3, 3, "plugin 'test.words' needs parameter 'label'");
}

TEST_F(PipelineTest, ColumnsCountCharactersNotBytes) {
    // "<!-- 中文 -->" puts multi-byte characters before the element on its line.
    expect_error(load("<pipeline>\n  <reader plugin=\"test.lines\"/>\n<!--中文--><tagger "
                      "plugin=\"test.words\"/>\n"
                      "  <exporter plugin=\"test.title-file\"/>\n</pipeline>\n"),
                 3, 10, "needs parameter 'label'");
}

TEST_F(PipelineTest, ExtendsCycleIsAnError) {
    write("a.xml",
          "<pipeline extends=\"b.xml\">\n  <reader plugin=\"test.lines\"/>\n</pipeline>\n");
    write("b.xml", "<pipeline extends=\"a.xml\">\n</pipeline>\n");
    auto result = load_pipeline(dir_.path() / "a.xml", registry_);
    ASSERT_EQ(result.errors.size(), 1u) << all(result);
    EXPECT_NE(result.errors[0].message.find("'extends' cycle: a.xml -> b.xml -> a.xml"),
              std::string::npos)
        << all(result);
    EXPECT_EQ(result.errors[0].where.file.filename(), "b.xml");
    EXPECT_EQ(result.errors[0].where.line, 1);
}

TEST_F(PipelineTest, ExtendsMissingFile) {
    auto result = load("<pipeline extends=\"nowhere.xml\"/>\n");
    ASSERT_FALSE(result.ok());
    EXPECT_NE(all(result).find("extends 'nowhere.xml': no such pipeline"), std::string::npos)
        << all(result);
}

TEST_F(PipelineTest, ExtendsOverridesParametersAndAddsStages) {
    write("base.xml", kGood);
    auto result = load(R"(<pipeline name="child" extends="base.xml">
  <tagger plugin="test.words">
    <param name="limit">9</param>
    <param name="upper">true</param>
  </tagger>
  <tagger id="second" plugin="test.words"><param name="label">other</param></tagger>
  <exporter plugin="test.title-file" enabled="false"/>
</pipeline>
)");
    ASSERT_TRUE(result.ok()) << all(result);
    const auto& p = *result.pipeline;
    EXPECT_EQ(p.name, "child");
    ASSERT_EQ(p.extends_chain.size(), 2u);
    EXPECT_EQ(p.extends_chain[1].filename(), "base.xml");
    auto taggers = p.enabled(bulletin::PluginKind::Tagger);
    ASSERT_EQ(taggers.size(), 2u);
    auto first = taggers[0]->values();
    EXPECT_EQ(first.at("label"), "word"); // inherited
    EXPECT_EQ(first.at("limit"), "9");    // overridden
    EXPECT_EQ(first.at("upper"), "true"); // added
    EXPECT_EQ(taggers[0]->params.at("limit").where.file.filename(), "p.xml");
    EXPECT_EQ(taggers[1]->id, "second");
    EXPECT_TRUE(p.enabled(bulletin::PluginKind::Exporter).empty());
    // Disabling the only exporter earns a warning.
    ASSERT_EQ(result.warnings.size(), 1u) << all(result);
    EXPECT_NE(result.warnings[0].message.find("enables no exporter"), std::string::npos);
}

TEST_F(PipelineTest, WarnsAboutOverridesThatChangeNothing) {
    write("base.xml", kGood);
    auto result = load(R"(<pipeline extends="base.xml">
  <tagger plugin="test.words">
    <param name="limit">5</param>
    <param name="weight">1.5</param>
  </tagger>
</pipeline>
)");
    ASSERT_TRUE(result.ok()) << all(result);
    ASSERT_EQ(result.warnings.size(), 2u) << all(result);
    EXPECT_NE(result.warnings[0].message.find("overrides '5' with the same value"),
              std::string::npos)
        << all(result);
    EXPECT_EQ(result.warnings[0].where.line, 3);
    EXPECT_NE(result.warnings[1].message.find("overrides the plugin's default with the same value"),
              std::string::npos)
        << all(result);
}

TEST_F(PipelineTest, CommandLineOverrides) {
    auto o = bulletin::host::parse_override("test.words.limit=2");
    ASSERT_TRUE(o);
    EXPECT_EQ(o->stage, "test.words");
    EXPECT_EQ(o->param, "limit");
    EXPECT_FALSE(bulletin::host::parse_override("nodot=1"));
    auto result = load(kGood, {*o, {"test.title-file", "enabled", "false"}});
    ASSERT_TRUE(result.ok()) << all(result);
    EXPECT_EQ(result.pipeline->stages[2].values().at("limit"), "2");
    EXPECT_TRUE(result.pipeline->enabled(bulletin::PluginKind::Exporter).empty());
    auto bad = load(kGood, {{"nosuch", "x", "1"}});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(all(bad).find("the pipeline has no stage 'nosuch'"), std::string::npos);
}

TEST_F(PipelineTest, TheRootMustBePipelineAndNeedsAReader) {
    expect_error(load("<pipe/>\n"), 1, 1, "the root element must be <pipeline>");
    auto result = load("<pipeline><exporter plugin=\"test.title-file\"/></pipeline>");
    ASSERT_FALSE(result.ok());
    EXPECT_NE(all(result).find("no enabled <reader>"), std::string::npos);
}

TEST(ShippedPipelines, ValidateAgainstTheXsd) {
    auto dir = bulletin::testing::source_dir() / "pipelines";
    int checked = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".xml") continue;
        auto result = bulletin::testing::run_command("xmllint --noout --schema '" +
                                                     (dir / "pipeline.xsd").string() + "' '" +
                                                     entry.path().string() + "'");
        EXPECT_EQ(result.exit_code, 0) << result.output;
        ++checked;
    }
    EXPECT_GE(checked, 1);
}

TEST(ShippedPipelines, TheXsdRejectsAnUnknownElement) {
    bulletin::testing::TempDir dir;
    auto file = dir.path() / "bad.xml";
    bulletin::host::write_file_atomically(file, "<pipeline><segmentor plugin=\"x\"/></pipeline>\n");
    auto result = bulletin::testing::run_command(
        "xmllint --noout --schema '" +
        (bulletin::testing::source_dir() / "pipelines" / "pipeline.xsd").string() + "' '" +
        file.string() + "'");
    EXPECT_NE(result.exit_code, 0) << result.output;
}

TEST(ShippedPipelines, LoadWithTheBuiltinPlugins) {
    auto dir = bulletin::testing::source_dir() / "pipelines";
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".xml") continue;
        auto result = load_pipeline(entry.path(), bulletin::testing::builtin_registry());
        std::string messages;
        for (const auto& e : result.errors)
            messages += e.str() + "\n";
        EXPECT_TRUE(result.ok()) << messages;
    }
}

namespace {
std::string stage_xml(int i) {
    return "  <tagger plugin=\"test.words\" id=\"w" + std::to_string(i) +
           "\"><param name=\"label\">x</param></tagger>\n";
}
} // namespace

TEST_F(PipelineTest, ExtendsChainsDeeperThanTheLimitAreRefused) {
    // 40 files, each extending the next: beyond the documented 32 levels.
    for (int i = 39; i >= 1; --i)
        write("p" + std::to_string(i) + ".xml",
              "<pipeline extends=\"p" + std::to_string(i + 1) + ".xml\"/>\n");
    write("p40.xml", kGood);
    auto load = load_pipeline(dir_.path() / "p1.xml", registry_);
    ASSERT_FALSE(load.ok());
    ASSERT_EQ(load.errors.size(), 1u) << all(load);
    EXPECT_NE(load.errors[0].message.find("'extends' chain is deeper than 32 files"),
              std::string::npos)
        << all(load);
    // Reported where the 33rd file is referenced, with line and column.
    EXPECT_NE(load.errors[0].str().find("p32.xml:1:1: error: "), std::string::npos) << all(load);

    // 32 levels are fine.
    auto within = load_pipeline(dir_.path() / "p9.xml", registry_);
    EXPECT_TRUE(within.ok()) << all(within);
}

TEST_F(PipelineTest, ThousandsOfErrorsAreCountedNotAllKept) {
    std::string xml = "<pipeline>\n  <reader plugin=\"test.lines\"/>\n";
    for (int i = 0; i < 5000; ++i)
        xml += "<bogus/>"; // one line, so columns must be computed without rescanning it
    xml += "\n</pipeline>\n";
    auto load = this->load(xml);
    ASSERT_FALSE(load.ok());
    ASSERT_EQ(load.errors.size(), 101u);
    EXPECT_EQ(load.errors[0].where.line, 3);
    EXPECT_EQ(load.errors[0].where.column, 1);
    EXPECT_EQ(load.errors[99].where.column, 1 + 99 * 8);
    EXPECT_NE(load.errors[100].message.find("and 4900 more errors (only the first 100"),
              std::string::npos)
        << load.errors[100].str();
}

TEST_F(PipelineTest, MoreStagesThanTheLimitAreRefused) {
    std::string xml = "<pipeline>\n  <reader plugin=\"test.lines\"/>\n";
    for (int i = 0; i < 1200; ++i)
        xml += stage_xml(i);
    xml += "</pipeline>\n";
    auto load = this->load(xml);
    expect_error(load, 1002, 3, "the pipeline has more than 1000 stages");
}

TEST_F(PipelineTest, OverridesOfManyInheritedStagesAreMatchedToTheirStage) {
    std::string base = "<pipeline>\n  <reader plugin=\"test.lines\"/>\n";
    std::string child = "<pipeline extends=\"base.xml\">\n";
    for (int i = 0; i < 500; ++i) {
        base += stage_xml(i);
        child += "  <tagger id=\"w" + std::to_string(i) + "\"><param name=\"limit\">" +
                 std::to_string(i) + "</param></tagger>\n";
    }
    write("base.xml", base + "</pipeline>\n");
    auto load = this->load(child + "</pipeline>\n");
    ASSERT_TRUE(load.ok()) << all(load);
    ASSERT_EQ(load.pipeline->stages.size(), 501u);
    for (int i = 0; i < 500; ++i) {
        const auto& stage = load.pipeline->stages[static_cast<std::size_t>(i) + 1];
        EXPECT_EQ(stage.id, "w" + std::to_string(i));
        EXPECT_EQ(stage.params.at("limit").value, std::to_string(i));
    }
}
