// `bulletin eval`: the scorer's arithmetic, gold lookup, exit codes, agreement with
// ../shared/tools/score-bulletin, and the samples' gold comparison through the shipped pipeline.
#include "support/plugins.hpp"

#include "eval.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <map>
#include <regex>

namespace fs = std::filesystem;
using bulletin::testing::run_command;
using nlohmann::json;

namespace {

std::string quote(const fs::path& p) {
    return "'" + p.string() + "'";
}
std::string bulletin_cmd() {
    return quote(bulletin::testing::bulletin_binary()) + " -q ";
}
fs::path pipeline() {
    return bulletin::testing::source_dir() / "pipelines" / "cn-bulletin.xml";
}
fs::path samples() {
    return bulletin::testing::data_dir() / "samples";
}

double row(const std::vector<bulletin::host::ScoreRow>& rows, const std::string& name) {
    for (const auto& r : rows)
        if (r.name == name) return r.value;
    ADD_FAILURE() << "no row " << name;
    return -1;
}

const json kGold = json::parse(R"({
  "masthead": {"series": "信息专报", "issue": {"number": 3, "total": null}, "publisher": "某办公厅", "date": "2024-03-08"},
  "articles": [
    {"title": "标题一", "paragraphs": ["第一段，内容。", "第二段"], "byline": {"department": "某处", "authors": ["张三"]}},
    {"title": "标题二", "paragraphs": ["第三段"], "byline": null}
  ],
  "distribution": [{"label": "送", "recipients": ["甲", "乙"]}],
  "entities": {"persons": [{"name": "张三", "position": "主任"}, {"name": "李四", "position": null}],
               "places": [{"name": "娄底市", "aliases": ["娄底"]}],
               "dates": ["2024-03-08", "2024-03-05"]}
})");

bulletin::Document perfect() {
    bulletin::Document doc;
    doc.masthead.series = "信息专报";
    doc.masthead.issue = bulletin::IssueNumber{3, std::nullopt, std::nullopt, false};
    doc.masthead.publisher = "某办公厅";
    doc.masthead.date = "2024-03-08";
    auto& first = doc.articles.emplace_back();
    first.title = "标题一";
    first.paragraphs = {{"第一段,内容。", {}}, {"第二段", {}}};
    first.byline = bulletin::Byline{"某处", {"张三"}, ""};
    auto& second = doc.articles.emplace_back();
    second.title = "标题 二";
    second.paragraphs = {{"第三段", {}}};
    doc.distribution.push_back({"送", {"甲", "乙"}});
    auto entity = [](std::string type, std::string text, std::string value) {
        bulletin::Entity e;
        e.type = std::move(type);
        e.text = std::move(text);
        e.value = std::move(value);
        return e;
    };
    doc.entities.push_back(entity("person", "张三", "张三"));
    doc.entities.back().attributes["position"] = "主任";
    doc.entities.push_back(entity("person", "李四", "李四"));
    doc.entities.push_back(entity("place", "娄底", "娄底市"));
    doc.entities.push_back(entity("date", "3月8日", "2024-03-08"));
    doc.entities.push_back(entity("date", "3月5日", "2024-03-05"));
    return doc;
}

} // namespace

TEST(Score, APerfectDocumentScoresOneEverywhere) {
    auto rows = bulletin::host::score_document(perfect(), kGold);
    for (const auto& r : rows)
        EXPECT_EQ(r.value, 1.0) << r.name << ": " << r.difference;
    EXPECT_EQ(rows.size(), 13u); // total is null in the gold, so it is not a row
}

TEST(Score, ComparesAfterNfkcWithoutSpacesAndExplainsDifferences) {
    auto doc = perfect();
    doc.articles[0].paragraphs[1].text = "第二段落";
    doc.articles.pop_back();
    doc.masthead.date = "2024-03-09";
    doc.entities[0].attributes["position"] = "副主任";
    auto rows = bulletin::host::score_document(doc, kGold);
    EXPECT_EQ(row(rows, "masthead.date"), 0.0);
    EXPECT_EQ(row(rows, "articles.count"), 0.0);
    EXPECT_DOUBLE_EQ(row(rows, "articles.titles"), 2.0 / 3.0); // P 1/1, R 1/2
    EXPECT_DOUBLE_EQ(row(rows, "articles.paragraphs"), 0.4);   // 1 of 2 predicted, 1 of 3 gold
    EXPECT_EQ(row(rows, "persons.positions"), 0.0);
    std::map<std::string, std::string> differences;
    for (const auto& r : rows)
        differences[r.name] = r.difference;
    EXPECT_EQ(differences["articles.paragraphs"],
              "article 1 paragraph 2: expected '第二段', got '第二段落'");
    EXPECT_EQ(differences["masthead.date"], "expected '2024-03-08', got '2024-03-09'");
    EXPECT_EQ(differences["persons.positions"], "张三: expected '主任', got '副主任'");
    EXPECT_EQ(differences["articles.titles"], "missing '标题二'");
}

TEST(Score, PlacesMatchThroughAliases) {
    auto doc = perfect();
    doc.entities[2].value = ""; // only the text, an alias, is given
    EXPECT_EQ(row(bulletin::host::score_document(doc, kGold), "places"), 1.0);
    doc.entities[2].text = doc.entities[2].value = "长沙市";
    EXPECT_EQ(row(bulletin::host::score_document(doc, kGold), "places"), 0.0);
}

TEST(Gold, IsFoundByStrippingExtensions) {
    bulletin::testing::TempDir dir;
    bulletin::host::write_file_atomically(dir.path() / "a.gold.json", "{}");
    EXPECT_EQ(bulletin::host::find_gold(dir.path() / "a.plain.txt", {}),
              dir.path() / "a.gold.json");
    EXPECT_EQ(bulletin::host::find_gold("/elsewhere/a.gb18030.txt", dir.path()),
              dir.path() / "a.gold.json");
    EXPECT_TRUE(bulletin::host::find_gold(dir.path() / "b.txt", {}).empty());
}

TEST(EvalCommand, ThresholdsDecideTheExitCode) {
    auto input = samples() / "chengdu-zhuanbao-2024-03.txt";
    auto ok = run_command(bulletin_cmd() + "eval " + quote(pipeline()) + " " + quote(input) +
                          " --min-structure 0.9");
    EXPECT_EQ(ok.exit_code, 0) << ok.output;
    EXPECT_NE(ok.output.find("articles.paragraphs"), std::string::npos) << ok.output;
    auto strict = run_command(bulletin_cmd() + "eval " + quote(pipeline()) + " " + quote(input) +
                              " --set cn.bulletin.enabled=false --min-structure 0.5");
    EXPECT_EQ(strict.exit_code, 1) << strict.output;
    auto none = run_command(bulletin_cmd() + "eval " + quote(pipeline()) + " " +
                            quote(bulletin::testing::source_dir() / "README.md"));
    EXPECT_EQ(none.exit_code, 2) << none.output;
}

/// Every shared sample in every form: the repository's copy through the shipped pipeline must
/// reproduce the gold structure exactly, and entities must reach the issue's thresholds.
TEST(Samples, ShippedPipelineReproducesTheGold) {
    auto result =
        run_command(bulletin_cmd() + "eval --json " + quote(pipeline()) + " " + quote(samples()));
    ASSERT_EQ(result.exit_code, 0) << result.output;
    auto report = json::parse(result.output);
    ASSERT_EQ(report["documents"].size(), 28u);
    for (const auto& d : report["documents"]) {
        std::string name = fs::path(d["input"].get<std::string>()).filename().string();
        EXPECT_EQ(d["structure"].get<double>(), 1.0) << name << ": " << d["differences"].dump();
        EXPECT_GE(d["entities"].get<double>(), 0.95) << name << ": " << d["differences"].dump();
        for (const char* r : {"persons.names", "places", "dates"})
            EXPECT_GE(d["rows"][r].get<double>(), 0.9)
                << name << " " << r << ": " << d["differences"].dump();
    }
}

/// `bulletin eval` and ../shared/tools/score-bulletin give the same numbers on every sample.
TEST(Samples, EvalAgreesWithScoreBulletin) {
    auto shared = bulletin::testing::shared_samples_dir();
    if (shared.empty()) GTEST_SKIP() << "../shared/samples is not beside the repository";
    auto scorer = shared.parent_path() / "tools" / "score-bulletin";
    if (!fs::exists(scorer)) GTEST_SKIP() << scorer << " is missing";
    bulletin::testing::TempDir out;
    int compared = 0;
    for (const auto& entry : fs::directory_iterator(shared)) {
        auto input = entry.path();
        if (!entry.is_regular_file() || input.filename().string().ends_with(".gold.json") ||
            input.extension() == ".md")
            continue;
        auto gold = bulletin::host::find_gold(input, {});
        ASSERT_FALSE(gold.empty()) << input;
        auto dir = out.path() / input.filename();
        auto run = run_command(bulletin_cmd() + "run " + quote(pipeline()) + " " + quote(input) +
                               " -o " + quote(dir));
        ASSERT_EQ(run.exit_code, 0) << run.output;
        auto json_file = dir / (input.stem().string() + ".json");
        auto scored =
            run_command("python3 " + quote(scorer) + " " + quote(json_file) + " " + quote(gold));
        auto ours =
            run_command(bulletin_cmd() + "eval --json " + quote(pipeline()) + " " + quote(input));
        auto rows = json::parse(ours.output)["documents"][0]["rows"];
        std::regex line(R"(^(\S+)\s+([0-9.]+)$)");
        std::istringstream lines(scored.output);
        std::string text;
        int matched = 0;
        while (std::getline(lines, text)) {
            std::smatch m;
            if (!std::regex_match(text, m, line)) continue;
            ASSERT_TRUE(rows.contains(m[1].str())) << input << " lacks row " << m[1];
            EXPECT_NEAR(rows[m[1].str()].get<double>(), std::stod(m[2].str()), 0.0005)
                << input.filename() << " " << m[1];
            ++matched;
        }
        EXPECT_EQ(static_cast<std::size_t>(matched), rows.size()) << input << "\n" << scored.output;
        ++compared;
    }
    EXPECT_EQ(compared, 28);
}
