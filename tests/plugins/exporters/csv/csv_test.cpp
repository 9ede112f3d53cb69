// The csv exporter's tables, read back with Python's csv module (what a data person would use).
#include "sample_document.hpp"
#include "support/plugins.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace {

using namespace bulletin::testing;
using nlohmann::json;

// Reads a CSV file with Python's csv module and returns its rows (header first).
json python_rows(const std::filesystem::path& dir, const std::filesystem::path& csv) {
    std::ofstream(dir / "read_csv.py")
        << "import csv,json,sys\n"
           "with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:\n"
           "    print(json.dumps(list(csv.reader(f, strict=True))))\n";
    auto result = run_command("/usr/bin/python3 '" + (dir / "read_csv.py").string() + "' '" +
                              csv.string() + "'");
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return json::parse(result.output);
}

TEST(Csv, TablesRoundTripThroughPythonCsv) {
    auto doc = make_tricky_document();
    doc.source.path = "in/tricky.txt";
    auto exporter = load<bulletin::Exporter>("csv");
    TempDir dir;
    TestContext ctx(dir.path());
    exporter->write(doc, ctx);
    exporter->end_run(TestRecords{}, ctx);

    auto articles = python_rows(dir.path(), dir.path() / "tricky.articles.csv");
    ASSERT_EQ(articles.size(), 3u);
    EXPECT_EQ(articles[0][7], "title");
    EXPECT_EQ(articles[1][7], doc.articles[0].title);
    EXPECT_EQ(articles[1][4], *doc.masthead.publisher);
    EXPECT_EQ(articles[1][9], "王五;赵六");
    EXPECT_EQ(articles[2][8], "");

    auto paragraphs = python_rows(dir.path(), dir.path() / "tricky.paragraphs.csv");
    ASSERT_EQ(paragraphs.size(), 3u);
    EXPECT_EQ(paragraphs[1][3], doc.articles[0].paragraphs[0].text); // quotes, commas, a newline
    EXPECT_EQ(paragraphs[2][3], doc.articles[0].paragraphs[1].text);

    auto entities = python_rows(dir.path(), dir.path() / "tricky.entities.csv");
    ASSERT_EQ(entities.size(), doc.entities.size() + 1);
    EXPECT_EQ(json::parse(entities[1][8].get<std::string>()), json({{"position", "主任"}}));

    auto recipients = python_rows(dir.path(), dir.path() / "tricky.recipients.csv");
    ASSERT_EQ(recipients.size(), 3u);
    EXPECT_EQ(recipients[1][4], "甲单位, 乙");
    EXPECT_EQ(recipients[2][4], "丙 \"丁\"");

    // RFC 4180: CRLF line ends; no byte order mark unless asked.
    auto bytes = read_file(dir.path() / "tricky.articles.csv");
    EXPECT_EQ(bytes.rfind("source_path,", 0), 0u);
    EXPECT_NE(bytes.find("\r\n"), std::string::npos);
}

TEST(Csv, BomOptionAndTableSelection) {
    auto doc = make_sample_document();
    auto exporter = load<bulletin::Exporter>("csv", {{"bom", "true"},
                                                     {"tables", "articles,entities"},
                                                     {"path", "{output}/csv/{stem}-{table}.csv"}});
    TempDir dir;
    TestContext ctx(dir.path());
    exporter->write(doc, ctx);
    auto bytes = read_file(dir.path() / "csv" / "hunan-xuanren-2023-04-24-articles.csv");
    EXPECT_EQ(bytes.rfind("\xEF\xBB\xBF"
                          "source_path,",
                          0),
              0u);
    EXPECT_FALSE(
        std::filesystem::exists(dir.path() / "csv" / "hunan-xuanren-2023-04-24-paragraphs.csv"));
    auto articles =
        python_rows(dir.path(), dir.path() / "csv" / "hunan-xuanren-2023-04-24-articles.csv");
    ASSERT_EQ(articles.size(), 3u);
    EXPECT_EQ(articles[0][0], "source_path"); // utf-8-sig strips the BOM
    EXPECT_EQ(articles[2][7], "各地迅速学习贯彻全省人大选举任免联络工作座谈会精神");
}

// CSV injection: a paragraph "=HYPERLINK(...)" must not become a live formula in a spreadsheet.
TEST(Csv, CellsThatLookLikeFormulasAreGuarded) {
    auto doc = make_sample_document();
    doc.articles[0].title = "=HYPERLINK(\"http://x\",\"点此\")";
    doc.articles[0].paragraphs[0].text = "+1-2";
    doc.distribution.at(0).recipients.at(0) = "@SUM(A1)";
    TempDir dir;
    TestContext ctx(dir.path());
    load<bulletin::Exporter>("csv")->write(doc, ctx);
    auto articles = python_rows(dir.path(), dir.path() / "hunan-xuanren-2023-04-24.articles.csv");
    EXPECT_EQ(articles[1][7], "'=HYPERLINK(\"http://x\",\"点此\")");
    EXPECT_EQ(articles[1][6], "0"); // our own numbers are never prefixed
    auto paragraphs =
        python_rows(dir.path(), dir.path() / "hunan-xuanren-2023-04-24.paragraphs.csv");
    EXPECT_EQ(paragraphs[1][3], "'+1-2");
    auto recipients =
        python_rows(dir.path(), dir.path() / "hunan-xuanren-2023-04-24.recipients.csv");
    EXPECT_EQ(recipients[1][4], "'@SUM(A1)");

    // formula_guard=false writes the text exactly as extracted.
    TempDir raw_dir;
    TestContext raw_ctx(raw_dir.path());
    load<bulletin::Exporter>("csv", {{"formula_guard", "false"}})->write(doc, raw_ctx);
    auto raw =
        python_rows(raw_dir.path(), raw_dir.path() / "hunan-xuanren-2023-04-24.paragraphs.csv");
    EXPECT_EQ(raw[1][3], "+1-2");
}

TEST(Csv, PathWithoutTableIsRefused) {
    EXPECT_ANY_THROW(load<bulletin::Exporter>("csv", {{"path", "{output}/{stem}.csv"}}));
}

} // namespace
