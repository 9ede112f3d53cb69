// The tei exporter's XML: well-formed, valid against the shipped RELAX NG (xmllint), entities
// inline, and the text of every paragraph unchanged by the markup.
#include "sample_document.hpp"
#include "support/plugins.hpp"

#include <bulletin/text.hpp>
#include <gtest/gtest.h>
#include <pugixml.hpp>

namespace {

using namespace bulletin::testing;

std::filesystem::path schema() {
    return source_dir() / "plugins/exporters/tei/tei-bulletin.rng";
}

// xmllint checks well-formedness and validity; its exit code is 0 only when both hold.
void expect_valid(const std::filesystem::path& file) {
    auto result = run_command("xmllint --noout --relaxng '" + schema().string() + "' '" +
                              file.string() + "'");
    EXPECT_EQ(result.exit_code, 0) << result.output;
}

std::string all_text(pugi::xml_node node) {
    std::string out;
    for (auto n : node.select_nodes(".//text()"))
        out += n.node().value();
    return out;
}

std::filesystem::path export_tei(const bulletin::Document& doc, const TempDir& dir,
                                 TestContext& ctx, const std::string& indent = "false") {
    auto exporter = load<bulletin::Exporter>("tei", {{"indent", indent}});
    exporter->write(doc, ctx);
    exporter->end_run(TestRecords{}, ctx);
    std::vector<std::filesystem::path> files(std::filesystem::directory_iterator(dir.path()), {});
    EXPECT_EQ(files.size(), 1u);
    return files.empty() ? std::filesystem::path{} : files.front();
}

// Keeps white-space-only text: indentation must not leak into mixed content.
constexpr unsigned kParse = pugi::parse_default | pugi::parse_ws_pcdata;

TEST(Tei, SampleIsValidAndMarksEntities) {
    if (run_command("xmllint --version").exit_code != 0) GTEST_SKIP() << "xmllint not installed";
    auto doc = make_sample_document();
    for (std::string indent : {"false", "true"}) {
        TempDir dir;
        TestContext ctx(dir.path());
        auto file = export_tei(doc, dir, ctx, indent);
        EXPECT_EQ(file.filename(), "hunan-xuanren-2023-04-24.tei.xml");
        expect_valid(file);

        pugi::xml_document xml;
        ASSERT_TRUE(xml.load_file(file.c_str(), kParse));
        auto tei = xml.child("TEI");
        EXPECT_STREQ(tei.child("teiHeader")
                         .child("fileDesc")
                         .child("publicationStmt")
                         .child("publisher")
                         .text()
                         .get(),
                     "湖南省人大常委会选举任免联络工作委员会");
        auto divs = tei.select_nodes("text/body/div[@type='article']");
        ASSERT_EQ(divs.size(), doc.articles.size());
        for (std::size_t a = 0; a < doc.articles.size(); ++a) {
            auto div = divs[a].node();
            EXPECT_EQ(all_text(div.child("head")), doc.articles[a].title);
            std::size_t p = 0;
            for (auto para : div.children("p"))
                EXPECT_EQ(all_text(para), doc.articles[a].paragraphs[p++].text);
            EXPECT_EQ(p, doc.articles[a].paragraphs.size());
        }
        auto date = tei.select_node("//date[@when='2023-04-12']").node();
        EXPECT_STREQ(date.text().get(), "4月12日");
        // "娄星区杉山镇" (an alias of 杉山镇) holds 娄星区 with its division code, and 杉山镇.
        auto outer = tei.select_node("//placeName[@key='杉山镇'][placeName]").node();
        ASSERT_TRUE(outer);
        EXPECT_STREQ(outer.child("placeName").attribute("ref").value(), "gb2260:431302");
        EXPECT_TRUE(tei.select_node("//persName[@key='张剑飞']"));
        EXPECT_TRUE(tei.select_node("//byline/persName[.='谢峥嵘']"));
        EXPECT_EQ(tei.select_nodes("text/back/div/list/item").size(), 18u);
        EXPECT_STREQ(
            tei.select_node("//item/name[@key='全国人大常委会办公厅研究室']").node().text().get(),
            "研究室");
        EXPECT_EQ(all_text(tei.select_node("//byline").node()), "选举任免处 谢峥嵘");
    }
}

TEST(Tei, TrickyDocumentStaysWellFormedAndValid) {
    if (run_command("xmllint --version").exit_code != 0) GTEST_SKIP() << "xmllint not installed";
    auto doc = make_tricky_document();
    for (std::string indent : {"false", "true"}) {
        TempDir dir;
        TestContext ctx(dir.path());
        auto file = export_tei(doc, dir, ctx, indent);
        expect_valid(file);
        pugi::xml_document xml;
        ASSERT_TRUE(xml.load_file(file.c_str(), kParse));
        auto div = xml.child("TEI").child("text").child("body").child("div");
        EXPECT_EQ(all_text(div.child("head")), doc.articles[0].title);
        auto first = div.child("p");
        EXPECT_EQ(all_text(first), doc.articles[0].paragraphs[0].text);
        // 张三 is marked; the organization crossing it is not; 京 nests in 北京市.
        EXPECT_STREQ(first.child("persName").text().get(), "张三");
        EXPECT_FALSE(first.child("orgName"));
        EXPECT_STREQ(first.child("placeName").child("placeName").text().get(), "京");
        // The control character became U+FFFD: XML 1.0 cannot hold it.
        EXPECT_EQ(all_text(first.next_sibling("p")), "control\xEF\xBF\xBD"
                                                     "char\ttab <p>");
        EXPECT_FALSE(ctx.messages.empty()); // the skipped entities were reported
    }
}

TEST(Tei, EmptyDocumentIsValid) {
    if (run_command("xmllint --version").exit_code != 0) GTEST_SKIP() << "xmllint not installed";
    bulletin::Document doc;
    doc.source.path = "empty.txt";
    TempDir dir;
    TestContext ctx(dir.path());
    expect_valid(export_tei(doc, dir, ctx));
}

} // namespace
