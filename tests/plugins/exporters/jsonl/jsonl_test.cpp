#include "sample_document.hpp"
#include "support/plugins.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace {

using namespace bulletin::testing;

TEST(Jsonl, OneLinePerArticleWithMastheadRepeated) {
    auto doc = make_sample_document("yueyang-daibiao-2023-12");
    auto exporter = load<bulletin::Exporter>("jsonl");
    TempDir dir;
    TestContext ctx(dir.path());
    exporter->write(doc, ctx);
    exporter->end_run(TestRecords{}, ctx);

    auto path = dir.path() / "yueyang-daibiao-2023-12.jsonl";
    std::istringstream in(read_file(path));
    std::vector<nlohmann::json> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(nlohmann::json::parse(line));
    ASSERT_EQ(lines.size(), doc.articles.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        EXPECT_EQ(lines[i]["series"], "人大代表工作简报");
        EXPECT_EQ(lines[i]["issue_number"], 12);
        EXPECT_EQ(lines[i]["issue_total"], 86);
        EXPECT_EQ(lines[i]["date"], "2023-06-15");
        EXPECT_EQ(lines[i]["article"], i);
        EXPECT_EQ(lines[i]["title"], doc.articles[i].title);
    }
    EXPECT_EQ(lines[1]["byline_authors"], nlohmann::json({"陈晓燕"}));
    EXPECT_EQ(lines[0]["entities"]["person"], nlohmann::json({"刘建国", "王立新"}));
    EXPECT_NE(lines[0]["text"].get<std::string>().find("\n"), std::string::npos);

    // The consumer: pandas when installed, otherwise Python's json module line by line.
    auto script = "import json,sys\n"
                  "p=sys.argv[1]\n"
                  "try:\n"
                  "    import pandas\n"
                  "    df=pandas.read_json(p, lines=True)\n"
                  "    print(len(df), df['title'][0])\n"
                  "except ImportError:\n"
                  "    rows=[json.loads(l) for l in open(p, encoding='utf-8')]\n"
                  "    print(len(rows), rows[0]['title'])\n";
    std::ofstream(dir.path() / "read.py") << script;
    auto result = run_command("/usr/bin/python3 '" + (dir.path() / "read.py").string() + "' '" +
                              path.string() + "'");
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("2 市人大常委会举办代表履职能力提升培训班"), std::string::npos)
        << result.output;
}

TEST(Jsonl, TrickyTextStaysOneLinePerArticle) {
    auto doc = make_tricky_document();
    auto exporter = load<bulletin::Exporter>("jsonl", {{"path", "{output}/x/{stem}.jsonl"}});
    TempDir dir;
    TestContext ctx(dir.path());
    exporter->write(doc, ctx);
    auto files = std::vector<std::filesystem::path>(
        std::filesystem::directory_iterator(dir.path() / "x"), {});
    ASSERT_EQ(files.size(), 1u);
    auto text = read_file(files[0]);
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
}

} // namespace
