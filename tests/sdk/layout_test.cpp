// Direct tests of the SDK's layout helpers (bulletin/layout.hpp): glyph runs to lines, page
// furniture, alignment, the text budget.
#include "bulletin/layout.hpp"
#include "bulletin/plugin.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using bulletin::Alignment;
using bulletin::layout::GlyphRun;

GlyphRun run(std::string text, double x, double baseline, double width, double size = 12) {
    GlyphRun r;
    r.text = std::move(text);
    r.x = x;
    r.baseline = baseline;
    r.width = width;
    r.size = size;
    r.font = "SimSun";
    return r;
}

std::vector<std::string> texts(const std::vector<bulletin::Line>& lines) {
    std::vector<std::string> out;
    for (const auto& line : lines)
        out.push_back(line.text);
    return out;
}

TEST(LayoutBuildLines, GroupsRunsByBaselineInReadingOrder) {
    // Given out of order, with a run a hair off the baseline (within 0.4 em).
    std::vector<GlyphRun> runs{run("第二行", 90, 130, 36), run("第一", 90, 100, 24),
                               run("行", 114, 101.5, 12)};
    auto lines = bulletin::layout::build_lines(runs, 4.0);
    EXPECT_EQ(texts(lines), (std::vector<std::string>{"第一行", "第二行"}));
    ASSERT_TRUE(lines[0].layout.has_geometry);
    EXPECT_DOUBLE_EQ(lines[0].layout.x, 90);
    EXPECT_DOUBLE_EQ(lines[0].layout.width, 36);
    EXPECT_EQ(lines[0].layout.font_name, "SimSun");
}

TEST(LayoutBuildLines, AWideGapSplitsABaselineAndASmallOneBecomesASpace) {
    // 4 em gap: two blocks; a gap of half an em between words: one space.
    std::vector<GlyphRun> runs{run("湖南省", 90, 100, 36), run("2023年", 300, 100, 36),
                               run("Hunan", 90, 130, 30), run("Office", 126, 130, 30)};
    auto lines = bulletin::layout::build_lines(runs, 4.0);
    EXPECT_EQ(texts(lines), (std::vector<std::string>{"湖南省", "2023年", "Hunan Office"}));
}

TEST(LayoutBuildLines, DropsBlankRunsAndFakeBoldDoubles) {
    std::vector<GlyphRun> runs{run("标题", 100, 100, 24), run("标题", 100.5, 100, 24),
                               run("  ", 200, 100, 6), run("x", 300, 200, 6, 0)};
    auto lines = bulletin::layout::build_lines(runs, 4.0);
    EXPECT_EQ(texts(lines), (std::vector<std::string>{"标题"}));
}

bulletin::Line placed(std::string text, double x, double y, double width, double size = 12) {
    bulletin::Line line;
    line.text = std::move(text);
    auto& l = line.layout;
    l.x = x;
    l.y = y;
    l.width = width;
    l.height = size;
    l.font_size = size;
    l.has_geometry = true;
    return line;
}

bulletin::Page page(int number, std::vector<bulletin::Line> lines) {
    bulletin::Page p;
    p.number = number;
    p.width = 595;
    p.height = 842;
    p.lines = std::move(lines);
    return p;
}

TEST(LayoutFinishPages, DropsPageNumbersAtTheEdgeOnlyAndSaysSo) {
    bulletin::Document doc;
    doc.pages.push_back(page(1, {placed("正文第一行正文第一行正文第一行", 90, 100, 415),
                                 placed("— 1 —", 280, 790, 36)}));
    // "2" in the middle of a page is text (a list item, a table cell), not furniture.
    doc.pages.push_back(page(2, {placed("正文第二行正文第二行正文第二行", 90, 100, 415),
                                 placed("2", 290, 400, 6), placed("— 2 —", 280, 790, 36)}));
    bulletin::layout::finish_pages(doc, {}, "pdf");
    EXPECT_EQ(texts(doc.pages[0].lines),
              (std::vector<std::string>{"正文第一行正文第一行正文第一行"}));
    EXPECT_EQ(texts(doc.pages[1].lines),
              (std::vector<std::string>{"正文第二行正文第二行正文第二行", "2"}));
    ASSERT_EQ(doc.diagnostics.size(), 1u);
    EXPECT_EQ(doc.diagnostics[0].plugin, "pdf");
    EXPECT_NE(doc.diagnostics[0].message.find("dropped 2 page-furniture line(s)"),
              std::string::npos);
    EXPECT_NE(doc.diagnostics[0].message.find("'— 2 —'"), std::string::npos);
}

TEST(LayoutFinishPages, KeepsPageNumbersWhenAskedTo) {
    bulletin::Document doc;
    doc.pages.push_back(page(1, {placed("正文", 90, 100, 415), placed("— 1 —", 280, 790, 36)}));
    bulletin::layout::Furniture keep;
    keep.drop_page_numbers = false;
    bulletin::layout::finish_pages(doc, keep, "pdf");
    EXPECT_EQ(doc.pages[0].lines.size(), 2u);
    EXPECT_TRUE(doc.diagnostics.empty());
}

TEST(LayoutFinishPages, DropsARunningHeaderThatRepeatsAnotherPage) {
    bulletin::Document doc;
    doc.pages.push_back(page(1, {placed("工作简报", 250, 60, 96, 24),
                                 placed("正文第一行正文第一行正文第一行", 90, 150, 415)}));
    // Page 2: the series name again at the top, set apart from the text below.
    doc.pages.push_back(page(2, {placed("工作简报", 250, 40, 96),
                                 placed("正文第二行正文第二行正文第二行", 90, 100, 415)}));
    bulletin::layout::finish_pages(doc, {}, "ofd");
    EXPECT_EQ(texts(doc.pages[1].lines),
              (std::vector<std::string>{"正文第二行正文第二行正文第二行"}));
    // On page 1 the same text is the masthead, not furniture.
    EXPECT_EQ(doc.pages[0].lines.front().text, "工作简报");
}

TEST(LayoutFinishPages, MeasuresAlignmentAgainstTheTextBlockAndMarksPageStarts) {
    bulletin::Document doc;
    doc.pages.push_back(
        page(1, {placed("正文第一行正文第一行正文第一行", 90, 100, 415),
                 placed("正文第二行正文第二行正文第二行", 90, 120, 415),
                 placed("居中标题", 253.5, 140, 88), placed("2023年5月1日", 425, 160, 80)}));
    bulletin::layout::finish_pages(doc, {}, "pdf");
    const auto& lines = doc.pages[0].lines;
    EXPECT_TRUE(lines[0].starts_page);
    EXPECT_FALSE(lines[1].starts_page);
    EXPECT_EQ(lines[0].layout.alignment, Alignment::Left);
    EXPECT_EQ(lines[2].layout.alignment, Alignment::Center);
    EXPECT_EQ(lines[3].layout.alignment, Alignment::Right);
}

TEST(LayoutTextBudget, CountsAndRefusesPastTheLimitNamingFileAndParameter) {
    bulletin::layout::TextBudget budget("a.pdf", "pdf", 10, 2);
    budget.add_chars(10);
    budget.add_lines(2);
    EXPECT_EQ(budget.chars(), 10u);
    try {
        budget.add_chars(1);
        FAIL() << "no error past max_chars";
    } catch (const bulletin::Error& e) {
        std::string message = e.what();
        EXPECT_NE(message.find("a.pdf: "), std::string::npos) << message;
        EXPECT_NE(message.find("--set pdf.max_chars=N"), std::string::npos) << message;
    }
    EXPECT_THROW(budget.add_lines(1), bulletin::Error);
}

TEST(LayoutTextBudget, ZeroMeansNoLimit) {
    bulletin::layout::TextBudget budget("a.ofd", "ofd", 0, 0);
    budget.add_chars(100000000);
    budget.add_lines(100000000);
    EXPECT_EQ(budget.lines(), 100000000u);
}

} // namespace
