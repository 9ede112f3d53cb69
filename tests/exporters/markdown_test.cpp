// The markdown exporter's page, rendered by cmark (the CommonMark reference implementation):
// text never turns into markup, the structure is what a reader expects, entities are marked.
#include "sample_document.hpp"
#include "support/plugins.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace {

using namespace bulletin::testing;

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
