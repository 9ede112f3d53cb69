// The markdown exporter's page: as written, and rendered by cmark (the CommonMark reference
// implementation): text never turns into markup, the structure is what a reader expects,
// entities are marked.
#include "sample_document.hpp"
#include "support/plugins.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace {

using namespace bulletin::testing;

std::filesystem::path only_file(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files(std::filesystem::directory_iterator(dir), {});
    EXPECT_EQ(files.size(), 1u);
    return files.empty() ? std::filesystem::path{} : files.front();
}

TEST(Markdown, ReadsLikeTheBulletin) {
    auto doc = make_sample_document("yueyang-daibiao-2023-12");
    TempDir dir;
    TestContext ctx(dir.path());
    auto exporter = load<bulletin::Exporter>("markdown");
    exporter->write(doc, ctx);
    auto md = read_file(dir.path() / "yueyang-daibiao-2023-12.md");
    EXPECT_EQ(md.rfind("# 人大代表工作简报 第12期（总第86期）\n", 0), 0u) << md.substr(0, 200);
    EXPECT_NE(md.find("\n## 市人大常委会举办代表履职能力提升培训班\n"), std::string::npos);
    EXPECT_NE(md.find("<mark style=\"background:#ffd6a5\" title=\"person: 刘建国\">刘建国</mark>"),
              std::string::npos);
    EXPECT_NE(md.find("- **发**\n  - 各县市区人大常委会\n"), std::string::npos);
}

TEST(Markdown, EscapesMarkdownAndHtml) {
    auto doc = make_tricky_document();
    for (std::string highlight : {"false", "true"}) {
        TempDir dir;
        TestContext ctx(dir.path());
        auto exporter = load<bulletin::Exporter>("markdown", {{"highlight", highlight}});
        exporter->write(doc, ctx);
        auto md = read_file(only_file(dir.path()));
        EXPECT_EQ(md.find("<script"), std::string::npos);
        EXPECT_EQ(md.find("<b>"), std::string::npos);
        EXPECT_NE(md.find("\\*bold\\* \\_x\\_ \\# h \\|t\\|"), std::string::npos) << md;
        EXPECT_EQ(md.find("<mark") != std::string::npos, highlight == "true");
        // The line break inside a paragraph is a hard break, not a new block.
        EXPECT_NE(md.find("and a\\\nnewline"), std::string::npos) << md;
    }
    auto exporter = load<bulletin::Exporter>("markdown");
    TempDir dir;
    TestContext ctx(dir.path());
    exporter->write(doc, ctx);
    auto md = read_file(only_file(dir.path()));
    // 张三 highlighted; the organization crossing it is not; 京 nests inside 北京市.
    EXPECT_NE(md.find("title=\"person: 张三\">张三</mark>"), std::string::npos) << md;
    EXPECT_EQ(md.find("organization: x"), std::string::npos);
    EXPECT_NE(md.find("title=\"place: 北京\">京</mark>市</mark>"), std::string::npos) << md;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

/// The exporter's Markdown for `doc` and cmark's HTML of it (inline HTML kept: --unsafe).
std::pair<std::string, std::string> render(const bulletin::Document& doc, bool highlight) {
    auto exporter =
        load<bulletin::Exporter>("markdown", {{"highlight", highlight ? "true" : "false"}});
    TempDir dir;
    TestContext ctx(dir.path());
    exporter->write(doc, ctx);
    std::filesystem::path md;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path()))
        if (entry.path().extension() == ".md") md = entry.path();
    EXPECT_FALSE(md.empty()) << "no .md written";
    // The file name has quotes and <&>: cmark reads it from stdin.
    std::filesystem::copy_file(md, dir.path() / "page.md");
    auto html = run_command("cmark --unsafe < '" + (dir.path() / "page.md").string() + "'");
    EXPECT_EQ(html.exit_code, 0) << html.output;
    return {read_file(md), html.output};
}

TEST(MarkdownByCmark, TextNeverBecomesMarkup) {
    auto [md, html] = render(make_tricky_document(), true);
    // One heading for the issue, one per article, the review section's; no list, no emphasis,
    // no element from the text.
    EXPECT_EQ(count(html, "<h1>"), 1u) << html;
    EXPECT_EQ(count(html, "<h2>"), 3u) << html;
    EXPECT_EQ(count(html, "<em>"), 0u) << html;
    EXPECT_EQ(count(html, "<script>"), 0u) << html;
    EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos) << html;
    EXPECT_NE(html.find("*bold* _x_ # h |t|"), std::string::npos) << html;
    // The paragraph's newline is a hard break inside it, not a new block.
    EXPECT_NE(html.find("a<br />\nnewline"), std::string::npos) << html;
}

TEST(MarkdownByCmark, EntitiesAreMarkedByTypeAndCrossingOnesAreNot) {
    auto [md, html] = render(make_tricky_document(), true);
    EXPECT_NE(html.find("title=\"person: 张三\">张三</mark>"), std::string::npos) << html;
    EXPECT_NE(html.find("title=\"place: 北京市\">"), std::string::npos) << html;
    // "三在北京市见" crosses 张三: not highlighted.
    EXPECT_EQ(html.find("organization: x"), std::string::npos) << html;
}

TEST(MarkdownByCmark, WithoutHighlightThereIsNoHtml) {
    auto [md, html] = render(make_tricky_document(), false);
    EXPECT_EQ(md.find("<mark"), std::string::npos) << md;
    EXPECT_NE(html.find("张三在北京市见李四"), std::string::npos) << html;
}

TEST(MarkdownByCmark, TheReviewSectionListsMastheadRecipientsAndDiagnostics) {
    auto [md, html] = render(make_tricky_document(), true);
    auto review = html.find("Review");
    ASSERT_NE(review, std::string::npos) << html;
    auto rest = html.substr(review);
    EXPECT_NE(rest.find("甲单位, 乙"), std::string::npos) << rest;
    EXPECT_NE(rest.find("line &lt;7&gt; not placed"), std::string::npos) << rest;
}

} // namespace
