// The html-review page rendered by headless Chromium (what a reviewer sees).
#include "sample_document.hpp"
#include "support/plugins.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

namespace {

using namespace bulletin::testing;

std::filesystem::path only_file(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files(std::filesystem::directory_iterator(dir), {});
    EXPECT_EQ(files.size(), 1u);
    return files.empty() ? std::filesystem::path{} : files.front();
}

std::string chromium() {
    for (const char* name : {"chromium", "chromium-browser"})
        if (run_command(std::string("command -v ") + name).exit_code == 0) return name;
    return {};
}

// The DOM Chromium builds from the page (what a reviewer would see), or the error output.
CommandResult render(const std::filesystem::path& html, const std::filesystem::path& profile) {
    return run_command("(timeout 120 " + chromium() +
                       " --headless --no-sandbox --disable-gpu --disable-background-networking "
                       "--disable-component-update --disable-sync --no-first-run "
                       "--user-data-dir='" +
                       profile.string() + "' --dump-dom 'file://" + html.string() +
                       "') 2>/dev/null");
}

TEST(HtmlReview, ChromiumShowsTheArticles) {
    if (chromium().empty()) GTEST_SKIP() << "chromium is not installed (apt-get install chromium)";
    auto doc = make_sample_document();
    TempDir dir;
    TestContext ctx(dir.path() / "out");
    auto exporter = load<bulletin::Exporter>("html-review");
    exporter->write(doc, ctx);
    auto html = dir.path() / "out" / "hunan-xuanren-2023-04-24.review.html";
    ASSERT_TRUE(std::filesystem::exists(html));

    auto dom = render(html, dir.path() / "profile");
    ASSERT_EQ(dom.exit_code, 0) << dom.output;
    // Titles hold <mark> elements; compare the text of each <h2>.
    auto text = std::regex_replace(dom.output, std::regex("<(?!/?h2>)[^>]*>"), "");
    for (const auto& article : doc.articles)
        EXPECT_NE(text.find("<h2>" + article.title + "</h2>"), std::string::npos)
            << article.title << "\n"
            << text.substr(0, 2000);
    EXPECT_NE(dom.output.find("title=\"person: 张剑飞"), std::string::npos);
    EXPECT_NE(dom.output.find("<li>省委组织部</li>"), std::string::npos);
    EXPECT_NE(
        dom.output.find("研究室 <span class=\"expanded\">→ 全国人大常委会办公厅研究室</span>"),
        std::string::npos);
    EXPECT_NE(dom.output.find("built by make_sample_document"), std::string::npos);
}

TEST(HtmlReview, EverythingIsEscaped) {
    auto doc = make_tricky_document();
    TempDir dir;
    TestContext ctx(dir.path());
    auto exporter = load<bulletin::Exporter>("html-review");
    exporter->write(doc, ctx);
    auto file = only_file(dir.path());
    auto html = read_file(file);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("<b>"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
    // The crossing organization is listed instead of highlighted.
    EXPECT_NE(html.find("<td>三在北京市见</td>"), std::string::npos);

    if (chromium().empty()) GTEST_SKIP() << "chromium is not installed (apt-get install chromium)";
    auto dom = render(file, dir.path() / "profile");
    ASSERT_EQ(dom.exit_code, 0) << dom.output;
    EXPECT_EQ(dom.output.find("<script"), std::string::npos);
    EXPECT_NE(dom.output.find("Empty article"), std::string::npos);
}

} // namespace

namespace {

// Not a check: with BULLETIN_EXPORT_PREVIEW_DIR set, writes every exporter's output for the
// samples there, for a person to look at.
TEST(ExportPreview, WritesAllFormats) {
    const char* out = std::getenv("BULLETIN_EXPORT_PREVIEW_DIR");
    if (!out) GTEST_SKIP() << "set BULLETIN_EXPORT_PREVIEW_DIR to write previews";
    TestContext ctx(out);
    for (const char* name : {"jsonl", "csv", "tei", "sqlite", "markdown", "html-review"}) {
        auto exporter = load<bulletin::Exporter>(
            name, name == std::string("tei")
                      ? std::map<std::string, std::string>{{"indent", "true"}}
                      : std::map<std::string, std::string>{});
        for (const char* stem : {"hunan-xuanren-2023-04-24", "yueyang-daibiao-2023-12"})
            exporter->write(make_sample_document(stem), ctx);
        exporter->write(make_tricky_document(), ctx);
        exporter->end_run(TestRecords{}, ctx);
    }
}

} // namespace
