// cn.bulletin, one rule at a time, on small documents built here (not the samples).
#include "support/plugins.hpp"

#include <bulletin/text.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using bulletin::Document;

/// One Line per '\n'; '\f' starts a new page. Layout stays unknown, as from a text reader.
Document lines_doc(std::string_view text) {
    Document doc;
    doc.source.format = "text";
    doc.pages.emplace_back();
    doc.pages.back().number = 1;
    std::string cur;
    auto flush = [&] {
        bulletin::Line line;
        line.text = cur;
        line.starts_page = doc.pages.back().lines.empty();
        doc.pages.back().lines.push_back(line);
        cur.clear();
    };
    for (char c : text) {
        if (c == '\n') {
            flush();
        } else if (c == '\f') {
            if (!cur.empty()) flush();
            doc.pages.emplace_back();
            doc.pages.back().number = static_cast<int>(doc.pages.size());
        } else {
            cur.push_back(c);
        }
    }
    if (!cur.empty()) flush();
    return doc;
}

/// The texts of an article's paragraphs.
std::vector<std::string> texts(const bulletin::Article& article) {
    std::vector<std::string> out;
    for (const auto& p : article.paragraphs)
        out.push_back(p.text);
    return out;
}

Document segment(Document doc, const std::map<std::string, std::string>& params = {}) {
    auto segmenter = bulletin::testing::load<bulletin::Segmenter>("cn.bulletin", params);
    bulletin::testing::TestContext ctx;
    segmenter->segment(doc, ctx);
    return doc;
}

Document segment(std::string_view text, const std::map<std::string, std::string>& params = {}) {
    return segment(lines_doc(text), params);
}

/// `n` Han characters of filler prose (no punctuation), different for each `seed`.
std::string han(int n, int seed = 0) {
    static const std::u32string pool =
        U"全省人大选举任免联络工作座谈会在娄底召开常委会党组副书记出席会议并强调学习贯彻新时代"
        U"中国特色社会主义思想精神状态奋斗姿态高质量做好代表议案建议支持保障依法履职";
    std::u32string out;
    for (int i = 0; i < n; ++i)
        out.push_back(pool[static_cast<std::size_t>(i * 7 + seed * 13) % pool.size()]);
    return bulletin::text::to_utf8(out);
}

/// A hard-wrapped paragraph as text extraction leaves it: `lines` lines of `width` characters
/// (the first two shorter: its indent was lost), the last one `last` characters and a "。".
std::string paragraph(int lines, int last, int seed = 0, int width = 25) {
    std::string out;
    for (int i = 0; i < lines - 1; ++i)
        out += han(i == 0 ? width - 2 : width, seed + i) + (i == 0 ? "，" : "") + "\n";
    out += han(last - 1, seed + 50) + "。\n";
    return out;
}

const char* kMasthead =
    "人大工作动态\n第7期（总第215期）\n浙江省人大常委会办公厅编\n2024年5月20日\n";

// --- masthead -----------------------------------------------------------------------------------

TEST(CnBulletinMasthead, SeriesIssuePublisherAndChineseDate) {
    auto doc = segment(
        std::string("人大代表工作简报\n第12期（总第86期）\n岳阳市人大常委会代表工作委员会编\n"
                    "二〇二三年六月十五日\n市人大常委会举办培训班\n") +
        paragraph(3, 10));
    const auto& m = doc.masthead;
    EXPECT_EQ(m.series.value_or(""), "人大代表工作简报");
    ASSERT_TRUE(m.issue);
    EXPECT_EQ(m.issue->number, 12);
    EXPECT_EQ(m.issue->total.value_or(0), 86);
    EXPECT_FALSE(m.issue->supplement);
    EXPECT_EQ(m.publisher.value_or(""), "岳阳市人大常委会代表工作委员会");
    EXPECT_EQ(m.date.value_or(""), "2023-06-15");
    EXPECT_EQ(m.date_text, "二〇二三年六月十五日");
    ASSERT_EQ(doc.articles.size(), 1u);
    EXPECT_EQ(doc.articles[0].title, "市人大常委会举办培训班");
}

TEST(CnBulletinMasthead, LetterSpacedSeriesAndPublisherWithoutBian) {
    auto doc = segment(std::string("信 息 简 报\n第3期\n成都市人大常委会办公厅\n2024年3月8日\n"
                                   "市人大常委会调研城市更新立法工作\n") +
                       paragraph(2, 8));
    EXPECT_EQ(doc.masthead.series.value_or(""), "信息简报");
    EXPECT_EQ(doc.masthead.publisher.value_or(""), "成都市人大常委会办公厅");
    EXPECT_EQ(doc.masthead.date.value_or(""), "2024-03-08");
    EXPECT_EQ(doc.masthead.date_text, "2024年3月8日");
}

TEST(CnBulletinMasthead, SupplementAndYearIssues) {
    auto supplement = segment("工作简报\n增刊第3期\n某某办公室编\n2024年1月2日\n");
    ASSERT_TRUE(supplement.masthead.issue);
    EXPECT_EQ(supplement.masthead.issue->number, 3);
    EXPECT_TRUE(supplement.masthead.issue->supplement);

    auto yearly = segment("工作简报\n2023年第5期\n某某办公室编\n2023年5月6日\n");
    ASSERT_TRUE(yearly.masthead.issue);
    EXPECT_EQ(yearly.masthead.issue->number, 5);
    EXPECT_EQ(yearly.masthead.issue->year.value_or(0), 2023);
    EXPECT_EQ(yearly.masthead.date.value_or(""), "2023-05-06");
}

TEST(CnBulletinMasthead, FieldsOnOneLine) {
    auto doc = segment(std::string(" 湖南省人大常委会选举任免联络工作委员会编 2023年4月24日\n"
                                   "全省人大选举任免联络工作座谈会在娄底召开\n") +
                       paragraph(3, 9));
    EXPECT_FALSE(doc.masthead.series);
    EXPECT_FALSE(doc.masthead.issue);
    EXPECT_EQ(doc.masthead.publisher.value_or(""), "湖南省人大常委会选举任免联络工作委员会");
    EXPECT_EQ(doc.masthead.date.value_or(""), "2023-04-24");
    ASSERT_EQ(doc.articles.size(), 1u);
}

TEST(CnBulletinMasthead, IssueNumberInBodyTextIsNotTheIssue) {
    // "第15期《民声报》" opens a paragraph and the first line of a later page.
    std::string body = "第15期《民声报》刊登了本市代表联络站的做法，" + han(2) + "\n" + han(25, 1) +
                       "\n\f第15期《民声报》还报道了" + han(10, 2) + "。\n";
    auto doc = segment(std::string(kMasthead) + "代表联络站建设取得实效\n" + body);
    ASSERT_TRUE(doc.masthead.issue);
    EXPECT_EQ(doc.masthead.issue->number, 7);
    ASSERT_EQ(doc.articles.size(), 1u);
    ASSERT_EQ(doc.articles[0].paragraphs.size(), 1u);
    EXPECT_EQ(doc.articles[0].paragraphs[0].text.rfind("第15期《民声报》刊登了", 0), 0u);
    EXPECT_NE(doc.articles[0].paragraphs[0].text.find("第15期《民声报》还报道了"),
              std::string::npos);
}

// --- titles and paragraphs ----------------------------------------------------------------------

TEST(CnBulletinArticles, TitleWrappedOverThreeLines) {
    auto doc = segment(std::string(kMasthead) +
                       "关于进一步加强和改进\n新时代人大代表联络站\n建设工作的情况报告\n" +
                       paragraph(3, 12));
    ASSERT_EQ(doc.articles.size(), 1u);
    EXPECT_EQ(doc.articles[0].title, "关于进一步加强和改进新时代人大代表联络站建设工作的情况报告");
    EXPECT_EQ(doc.articles[0].paragraphs.size(), 1u);
}

TEST(CnBulletinArticles, SubtitleJoinedToTitle) {
    auto doc = segment(std::string(kMasthead) +
                       "让每一件代表建议落地有声\n——省人大常委会开展“回头看”\n" + paragraph(2, 12));
    ASSERT_EQ(doc.articles.size(), 1u);
    EXPECT_EQ(doc.articles[0].title, "让每一件代表建议落地有声——省人大常委会开展“回头看”");
}

TEST(CnBulletinArticles, ReflowAcrossPageBreakWithoutSpaces) {
    std::string first = han(23) + "，\n" + han(25, 1) + "\n";
    std::string after_break = "\f" + han(25, 2) + "\n" + han(6, 3) + "。\n";
    auto doc = segment(std::string(kMasthead) + "标题在这里出现了一次\n" + first + after_break);
    ASSERT_EQ(doc.articles.size(), 1u);
    ASSERT_EQ(doc.articles[0].paragraphs.size(), 1u);
    EXPECT_EQ(doc.articles[0].paragraphs[0].text,
              han(23) + "，" + han(25, 1) + han(25, 2) + han(6, 3) + "。");
}

TEST(CnBulletinArticles, NumberedSubheadingsStayInTheArticle) {
    auto doc =
        segment(std::string(kMasthead) + "某县人大常委会开展执法检查\n" + paragraph(2, 10) +
                "一、主要做法\n" + paragraph(2, 8, 3) + "（二）下一步打算\n" + paragraph(2, 6, 5));
    ASSERT_EQ(doc.articles.size(), 1u);
    const auto& p = doc.articles[0].paragraphs;
    ASSERT_EQ(p.size(), 5u);
    EXPECT_EQ(p[1].text, "一、主要做法");
    EXPECT_EQ(p[3].text, "（二）下一步打算");
}

TEST(CnBulletinArticles, LineThatLooksLikeATitleInsideAParagraph) {
    // A short unpunctuated line after a full line that did not end a sentence ends that
    // paragraph; it is not the title of a new article.
    std::string text = std::string(kMasthead) + "某县人大常委会开展执法检查\n" + han(23) + "，\n" +
                       han(25, 1) + "\n" + "市人大常委会调研城市更新立法工作\n" +
                       paragraph(2, 9, 4);
    auto doc = segment(text);
    ASSERT_EQ(doc.articles.size(), 1u);
    ASSERT_EQ(doc.articles[0].paragraphs.size(), 2u);
    EXPECT_NE(doc.articles[0].paragraphs[0].text.find("市人大常委会调研城市更新立法工作"),
              std::string::npos);
}

TEST(CnBulletinArticles, ParagraphEndingExactlyAtTheLineWidth) {
    // The first paragraph's last line is full and ends with "。"; the next line is a paragraph's
    // first line (an indent narrower), so a new paragraph starts there.
    std::string first = han(23) + "，\n" + han(24, 1) + "。\n";
    std::string second = han(23, 2) + "，\n" + han(25, 3) + "\n" + han(5, 4) + "。\n";
    auto doc = segment(std::string(kMasthead) + "标题在这里出现了一次\n" + first + second + first);
    ASSERT_EQ(doc.articles.size(), 1u);
    ASSERT_EQ(doc.articles[0].paragraphs.size(), 3u);
    EXPECT_EQ(doc.articles[0].paragraphs[0].text, han(23) + "，" + han(24, 1) + "。");
}

TEST(CnBulletinArticles, FullFirstLineEndingASentenceContinues) {
    // "…召开。" fills a first line; the next line is full width, so it continues the paragraph.
    std::string text = std::string(kMasthead) + "标题在这里出现了一次\n" + han(22) + "。\n" +
                       han(24, 1) + "，\n" + han(7, 2) + "。\n" + paragraph(2, 5, 3);
    auto doc = segment(text);
    ASSERT_EQ(doc.articles.size(), 1u);
    ASSERT_EQ(doc.articles[0].paragraphs.size(), 2u);
    EXPECT_EQ(doc.articles[0].paragraphs[0].text,
              han(22) + "。" + han(24, 1) + "，" + han(7, 2) + "。");
}

TEST(CnBulletinArticles, SecondArticleWithoutBylineBetween) {
    auto doc = segment(std::string(kMasthead) + "第一篇文章的标题在这里\n" + paragraph(3, 10) +
                       "第二篇文章的标题也在这里\n" + paragraph(3, 6, 2));
    ASSERT_EQ(doc.articles.size(), 2u);
    EXPECT_EQ(doc.articles[1].title, "第二篇文章的标题也在这里");
}

// --- bylines ------------------------------------------------------------------------------------

struct BylineCase {
    const char* line;
    const char* department; // nullptr: none
    std::vector<std::string> authors;
    const char* text;
};

TEST(CnBulletinBylines, UsualForms) {
    const BylineCase cases[] = {
        {"(选举任免处 谢峥嵘)", "选举任免处", {"谢峥嵘"}, "选举任免处 谢峥嵘"},
        {"（市人大常委会代表工委供稿）", "市人大常委会代表工委", {}, "市人大常委会代表工委供稿"},
        {"（撰稿：黄伟 梁静）", nullptr, {"黄伟", "梁静"}, "撰稿：黄伟 梁静"},
        {"（记者：林晓）", nullptr, {"林晓"}, "记者：林晓"},
        {"（湖州市人大常委会 钱丽）", "湖州市人大常委会", {"钱丽"}, "湖州市人大常委会 钱丽"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.line);
        auto doc = segment(std::string(kMasthead) + "标题在这里出现了一次\n" + paragraph(2, 10) +
                           c.line + "\n");
        ASSERT_EQ(doc.articles.size(), 1u);
        EXPECT_EQ(doc.articles[0].paragraphs.size(), 1u);
        ASSERT_TRUE(doc.articles[0].byline);
        const auto& b = *doc.articles[0].byline;
        if (c.department) {
            EXPECT_EQ(b.department.value_or(""), c.department);
        } else {
            EXPECT_FALSE(b.department);
        }
        EXPECT_EQ(b.authors, c.authors);
        EXPECT_EQ(b.text, c.text);
    }
}

TEST(CnBulletinBylines, GluedToTheLastParagraph) {
    auto doc = segment(std::string(kMasthead) + "标题在这里出现了一次\n" + han(23) + "，\n" +
                       han(12, 1) + "。（华容县人大常委会 陈晓燕）\n" +
                       "第二篇文章的标题也在这里\n" + paragraph(2, 7, 3));
    ASSERT_EQ(doc.articles.size(), 2u);
    ASSERT_EQ(doc.articles[0].paragraphs.size(), 1u);
    EXPECT_EQ(doc.articles[0].paragraphs[0].text, han(23) + "，" + han(12, 1) + "。");
    ASSERT_TRUE(doc.articles[0].byline);
    EXPECT_EQ(doc.articles[0].byline->department.value_or(""), "华容县人大常委会");
    EXPECT_EQ(doc.articles[0].byline->authors, std::vector<std::string>{"陈晓燕"});
}

TEST(CnBulletinBylines, BracketsThatAreNotABylineStayText) {
    auto doc = segment(std::string(kMasthead) + "标题在这里出现了一次\n" + paragraph(2, 10) +
                       "（此件可公开发布）\n");
    ASSERT_EQ(doc.articles.size(), 1u);
    EXPECT_FALSE(doc.articles[0].byline);
    ASSERT_EQ(doc.articles[0].paragraphs.size(), 2u);
    EXPECT_EQ(doc.articles[0].paragraphs[1].text, "（此件可公开发布）");
}

// --- distribution -------------------------------------------------------------------------------

TEST(CnBulletinDistribution, BlocksWrappedRecipientsAndCopies) {
    auto doc = segment(std::string(kMasthead) + "标题在这里出现了一次\n" + paragraph(2, 10) +
                       "报：省人大常委会代表工作委员会、市委办公室\n"
                       "送：市人大常委会组成人员、市人大各专门委员会、市人大常委会各工作\n"
                       "机构\n"
                       "发：各县市区人大常委会\n"
                       "（共印80份）\n");
    ASSERT_EQ(doc.distribution.size(), 3u);
    EXPECT_EQ(doc.distribution[0].label, "报");
    EXPECT_EQ(doc.distribution[0].recipients,
              (std::vector<std::string>{"省人大常委会代表工作委员会", "市委办公室"}));
    EXPECT_EQ(doc.distribution[1].recipients,
              (std::vector<std::string>{"市人大常委会组成人员", "市人大各专门委员会",
                                        "市人大常委会各工作机构"}));
    EXPECT_EQ(doc.distribution[2].recipients, std::vector<std::string>{"各县市区人大常委会"});
    EXPECT_EQ(doc.metadata["copies"], "（共印80份）");
}

TEST(CnBulletinDistribution, BracketsAndShortLinesAsSeparators) {
    // The real sample's form: a line shorter than the widest ends a recipient even without a
    // separator; "、" inside brackets does not split.
    auto doc = segment(std::string(kMasthead) + "标题在这里出现了一次\n" + paragraph(2, 10) +
                       "送:全国人大常委会办公厅联络局、研究室、《中国人大》杂志社\n"
                       "各省(区、市)人大常委会代表联络工作机构\n"
                       "省委办公厅、省委组织部、省委宣传部,省人民政府办公厅,省监察委员会,省纪委\n"
                       "省监委驻省人大机关纪检监察组\n");
    ASSERT_EQ(doc.distribution.size(), 1u);
    EXPECT_EQ(doc.distribution[0].label, "送");
    EXPECT_EQ(
        doc.distribution[0].recipients,
        (std::vector<std::string>{"全国人大常委会办公厅联络局", "研究室", "《中国人大》杂志社",
                                  "各省(区、市)人大常委会代表联络工作机构", "省委办公厅",
                                  "省委组织部", "省委宣传部", "省人民政府办公厅", "省监察委员会",
                                  "省纪委省监委驻省人大机关纪检监察组"}));
}

TEST(CnBulletinDistribution, CopyLabel) {
    auto doc = segment(std::string(kMasthead) + "标题在这里出现了一次\n" + paragraph(2, 10) +
                       "抄送：省委办公厅，省政府办公厅\n");
    ASSERT_EQ(doc.distribution.size(), 1u);
    EXPECT_EQ(doc.distribution[0].label, "抄送");
    EXPECT_EQ(doc.distribution[0].recipients.size(), 2u);
}

// --- what is not an article ---------------------------------------------------------------------

TEST(CnBulletinNotArticles, MarkingTableOfContentsAndRunningHeader) {
    std::string text =
        std::string("内部资料  注意保存\n") + kMasthead +
        "本期要目\n◆让每一件代表建议落地有声——省人大常委会开展代表建议办理\n“回头看”\n"
        "◆湖州市人大常委会开展执法检查\n"
        "让每一件代表建议落地有声\n——省人大常委会开展代表建议办理“回头看”\n" +
        han(23) + "，\n" + han(25, 1) + "\n\f人大工作动态  第7期\n" + han(8, 2) +
        "。\n（省人大常委会代表工委 吴晓东）\n湖州市人大常委会开展\n执法检查\n" +
        paragraph(2, 9, 3);
    auto doc = segment(text);
    EXPECT_EQ(doc.metadata["marking"], "内部资料  注意保存");
    ASSERT_EQ(doc.articles.size(), 2u);
    EXPECT_EQ(doc.articles[0].title,
              "让每一件代表建议落地有声——省人大常委会开展代表建议办理“回头看”");
    ASSERT_EQ(doc.articles[0].paragraphs.size(), 1u);
    EXPECT_EQ(doc.articles[0].paragraphs[0].text, han(23) + "，" + han(25, 1) + han(8, 2) + "。");
    EXPECT_EQ(doc.articles[1].title, "湖州市人大常委会开展执法检查");
    ASSERT_EQ(doc.diagnostics.size(), 1u); // the running header, reported as dropped
    EXPECT_EQ(doc.diagnostics[0].severity, bulletin::Severity::Info);
    EXPECT_NE(doc.diagnostics[0].message.find("人大工作动态  第7期"), std::string::npos);
}

TEST(CnBulletinNotArticles, PageNumbersFromAnyReader) {
    std::string text = std::string(kMasthead) + "标题在这里出现了一次\n" + han(23) + "，\n" +
                       han(25, 1) + "\n— 1 —\n\f－2－\n" + han(6, 2) + "。\n";
    auto doc = segment(text);
    ASSERT_EQ(doc.articles.size(), 1u);
    ASSERT_EQ(doc.articles[0].paragraphs.size(), 1u);
    EXPECT_EQ(doc.articles[0].paragraphs[0].text, han(23) + "，" + han(25, 1) + han(6, 2) + "。");
}

TEST(CnBulletinDiagnostics, TextWithoutATitleIsKeptAndReported) {
    std::string text = std::string(kMasthead) + "标题在这里出现了一次\n" + paragraph(2, 10) +
                       "（选举任免处 谢峥嵘）\n" + "一、" + han(21) + "，\n" + han(6, 1) + "。\n";
    auto doc = segment(text);
    ASSERT_EQ(doc.articles.size(), 2u);
    EXPECT_EQ(doc.articles[1].title, "");
    ASSERT_EQ(doc.diagnostics.size(), 1u);
    EXPECT_EQ(doc.diagnostics[0].plugin, "cn.bulletin");
    EXPECT_NE(doc.diagnostics[0].message.find("without a title"), std::string::npos);
    EXPECT_GT(doc.diagnostics[0].line, 0);
}

// --- layout from other readers and parameters ---------------------------------------------------

TEST(CnBulletinLayout, ReaderParagraphEndsAndLargerFontTitles) {
    Document doc =
        lines_doc(std::string(kMasthead) + "第一篇文章的标题\n" + han(25) + "。\n" + han(25, 1) +
                  "\n" + han(3, 2) + "。\n" + "第二篇\n" + han(10, 3) + "。\n");
    for (auto& line : doc.pages[0].lines)
        line.layout.font_size = 16;
    auto& lines = doc.pages[0].lines;
    lines[4].layout.font_size = 22; // titles
    lines[8].layout.font_size = 22;
    lines[5].ends_paragraph = true; // a full line the reader says ends its paragraph
    auto out = segment(std::move(doc));
    ASSERT_EQ(out.articles.size(), 2u);
    EXPECT_EQ(out.articles[1].title, "第二篇");
    ASSERT_EQ(out.articles[0].paragraphs.size(), 2u);
    EXPECT_EQ(out.articles[0].paragraphs[0].text, han(25) + "。");
}

TEST(CnBulletinLayout, CentredTitleAndLayoutIndent) {
    // No font sizes: a centred line is a title even within an article, and a reader's
    // first-line indent starts a paragraph even after a full line.
    Document doc = lines_doc(std::string(kMasthead) + "标题在这里出现了一次\n" + han(23) + "，\n" +
                             han(25, 1) + "\n" + han(23, 2) + "，\n" + han(5, 3) + "。\n" +
                             "第二篇\n" + han(10, 4) + "。\n");
    auto& lines = doc.pages[0].lines;
    lines[7].layout.indent = 32; // "han(23, 2)，" is indented
    lines[9].layout.alignment = bulletin::Alignment::Center;
    auto out = segment(std::move(doc));
    ASSERT_EQ(out.articles.size(), 2u);
    EXPECT_EQ(out.articles[0].paragraphs.size(), 2u);
    EXPECT_EQ(out.articles[1].title, "第二篇");
}

TEST(CnBulletinLayout, DocxLinesContinueUntilMarked) {
    Document doc =
        lines_doc(std::string(kMasthead) + "标题在这里出现了一次\n短行\n也是同一段。\n另一段。\n");
    doc.source.format = "docx";
    for (auto& line : doc.pages[0].lines)
        line.ends_paragraph = true;
    doc.pages[0].lines[5].ends_paragraph = false; // a soft line break inside a paragraph
    auto out = segment(std::move(doc));
    ASSERT_EQ(out.articles.size(), 1u);
    EXPECT_EQ(texts(out.articles[0]), (std::vector<std::string>{"短行也是同一段。", "另一段。"}));
}

TEST(CnBulletinParameters, OverrideForAnotherSeries) {
    std::string text = std::string(kMasthead) + "标题在这里出现了一次\n" + paragraph(2, 10) +
                       "主送：省委办公厅、省政府办公厅\n";
    EXPECT_TRUE(segment(text).distribution.empty());
    auto doc = segment(text, {{"distribution_labels", "主送,抄送"}});
    ASSERT_EQ(doc.distribution.size(), 1u);
    EXPECT_EQ(doc.distribution[0].label, "主送");
}

TEST(CnBulletinParameters, CustomSubheadingPatternRunsThroughIcu) {
    // Not the default pattern: the segmenter matches it with ICU on the folded line, so "（" in
    // the text matches "\\(" in the pattern.
    std::string text = std::string(kMasthead) + "某县人大常委会开展执法检查\n" + han(23) + "，\n" +
                       han(25, 1) + "\n" + "（第一部分）总体情况\n" + paragraph(2, 9, 4);
    auto plain = segment(text);
    ASSERT_EQ(plain.articles.size(), 1u);
    EXPECT_NE(plain.articles[0].paragraphs[0].text.find("（第一部分）"), std::string::npos);
    auto doc = segment(text, {{"subheading_pattern", "\\(第[一二三四五六七八九十]+部分\\)"}});
    ASSERT_EQ(doc.articles.size(), 1u);
    const auto& p = doc.articles[0].paragraphs;
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[0].text, han(23) + "，" + han(25, 1));
    EXPECT_EQ(p[1].text, "（第一部分）总体情况");
}

TEST(CnBulletinArticles, TextKeptAsWrittenAroundWhiteSpaceAndBadBytes) {
    // White space around a line is dropped; an invalid byte becomes U+FFFD (one cell), as
    // bulletin::text::to_u32 reads it; Latin words across a line break get one space.
    std::string text = std::string(kMasthead) + "标题在这里出现了一次\n" + " " + han(23) +
                       "，\u3000 \n" + han(24, 1) + "\xFF\n" + han(6, 2) + "。\n" + han(20, 3) +
                       "ABC\n" + "DEF" + han(23, 4) + "\n" + han(5, 5) + "。\n";
    auto doc = segment(text);
    ASSERT_EQ(doc.articles.size(), 1u);
    EXPECT_EQ(
        texts(doc.articles[0]),
        (std::vector<std::string>{han(23) + "，" + han(24, 1) + "\xEF\xBF\xBD" + han(6, 2) + "。",
                                  han(20, 3) + "ABC DEF" + han(23, 4) + han(5, 5) + "。"}));
}

} // namespace

// --- score: how much a read document looks like a bulletin ---

double score_of(std::string_view text) {
    auto segmenter = bulletin::testing::load<bulletin::Segmenter>("cn.bulletin");
    return segmenter->score(lines_doc(text));
}

TEST(CnBulletinScore, BulletinsScoreAboveALetterAndAnEmptyDocument) {
    const auto sample = bulletin::testing::read_file(bulletin::testing::data_dir() / "samples" /
                                                     "hunan-xuanren-2023-04-24.txt");
    const double bulletin = score_of(sample);
    const double full = score_of(std::string(kMasthead) + "标题在这里出现了一次\n" +
                                 paragraph(2, 10) + "送：省人大常委会办公厅、各市州人大常委会\n");
    const double letter =
        score_of("尊敬的张先生：\n您好！来信收到，关于小区停车的问题，我们已转交有关部门办理。\n"
                 "感谢您对我们工作的支持。\n此致\n敬礼\n李四\n2024年3月1日\n");
    EXPECT_GT(bulletin, 0.4);
    EXPECT_GT(full, 0.9); // series, issue, publisher, date and a distribution block
    EXPECT_LE(full, 1.0);
    EXPECT_LT(letter, 0.2);
    EXPECT_GT(bulletin, letter + 0.3);
    EXPECT_EQ(score_of(""), 0.0);
}

// --- the parameter table: ranges, choices and tunable marks ---

TEST(CnBulletinParams, OutOfRangeValuesAreRefused) {
    auto segmenter = bulletin::testing::load<bulletin::Segmenter>("cn.bulletin");
    const auto& info = *segmenter.info;
    using bulletin::testing::make_params;
    EXPECT_NO_THROW(make_params(info, {{"title_font_ratio", "1.3"}, {"title_max_lines", "6"}}));
    for (auto [name, value] :
         std::vector<std::pair<std::string, std::string>>{{"title_font_ratio", "0.5"},
                                                          {"title_max_lines", "0"},
                                                          {"width_tolerance", "-1"},
                                                          {"masthead_max_lines", "-3"},
                                                          {"byline_max_chars", "100000"},
                                                          {"line_width", "nan"}})
        EXPECT_THROW(make_params(info, {{name, value}}), std::invalid_argument)
            << name << "=" << value;
}

TEST(CnBulletinParams, TheLayoutParametersAreTunableWithinTheirRange) {
    auto segmenter = bulletin::testing::load<bulletin::Segmenter>("cn.bulletin");
    const auto& info = *segmenter.info;
    std::vector<std::string> tunable;
    for (std::size_t i = 0; i < info.param_count; ++i) {
        const auto& spec = info.params[i];
        EXPECT_FALSE(bulletin::check_param_spec(spec)) << spec.name;
        if (!(spec.flags & bulletin::kTunable)) continue;
        tunable.emplace_back(spec.name);
        if (spec.type == bulletin::ParamType::Int || spec.type == bulletin::ParamType::Double) {
            EXPECT_GE(spec.tune_min, spec.min) << spec.name;
            EXPECT_LE(spec.tune_max, spec.max) << spec.name;
            EXPECT_LT(spec.tune_min, spec.tune_max) << spec.name;
            EXPECT_GT(spec.tune_step, 0) << spec.name;
        }
    }
    for (const char* name : {"title_font_ratio", "width_tolerance", "title_max_chars",
                             "title_max_lines", "masthead_max_lines", "titles_without_byline"})
        EXPECT_NE(std::find(tunable.begin(), tunable.end(), name), tunable.end()) << name;
}
