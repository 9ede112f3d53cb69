// The html reader on the shared samples (government site pages) and on pages made here.
#include "support.hpp"

#include <bulletin/plugin.hpp>
#include <bulletin/text.hpp>

#include <gtest/gtest.h>

#include <set>

namespace {

using namespace bulletin::testing;

class HtmlSamples : public ::testing::TestWithParam<std::string> {};

TEST_P(HtmlSamples, MainContentWithoutSiteChrome) {
    auto doc = read_with("html", sample(GetParam(), "html"));
    EXPECT_EQ(doc.source.format, "html");
    ASSERT_EQ(doc.pages.size(), 1u);
    std::set<std::string> lines;
    for (const auto& line : doc.pages[0].lines) {
        EXPECT_TRUE(line.ends_paragraph);
        lines.insert(bulletin::text::nfkc(line.text));
        for (auto chrome : {"首页", "当前位置", "版权所有", "网站地图"})
            EXPECT_EQ(line.text.find(chrome), std::string::npos) << line.text;
    }
    auto g = gold(GetParam());
    for (const auto& t : g.titles) {
        // A title with a "——" subtitle is a heading and a subheading; the segmenter joins them.
        auto dash = t.find("——");
        EXPECT_TRUE(lines.count(t.substr(0, dash))) << "title " << t;
        if (dash != std::string::npos) {
            EXPECT_TRUE(lines.count(t.substr(dash))) << "subtitle " << t;
        }
    }
    for (const auto& p : g.paragraphs)
        EXPECT_TRUE(lines.count(p)) << "paragraph " << p;
    // The distribution block at the end of the content is kept.
    EXPECT_NE(doc.pages[0].lines.back().text.find("："), std::string::npos);
}

TEST_P(HtmlSamples, HeadingsBylinesAndIndents) {
    auto doc = read_with("html", sample(GetParam(), "html"));
    auto g = gold(GetParam());
    const bulletin::Line* title = nullptr;
    for (const auto& line : doc.pages[0].lines)
        if (!title && line.text == g.titles[0].substr(0, g.titles[0].find("——"))) title = &line;
    ASSERT_NE(title, nullptr);
    EXPECT_EQ(title->layout.style, "h2");
    const bulletin::Line* body = nullptr;
    for (const auto& line : doc.pages[0].lines)
        if (!body && line.layout.style == "p" && line.text.find("，") != std::string::npos)
            body = &line;
    ASSERT_NE(body, nullptr);
    EXPECT_GT(title->layout.font_size, body->layout.font_size);
    EXPECT_EQ(body->layout.indent, 24); // text-indent: 2em
    for (const auto& line : doc.pages[0].lines)
        if (line.text.starts_with("（") && line.text.ends_with("）")) {
            EXPECT_EQ(line.layout.alignment, bulletin::Alignment::Right) << line.text;
        }
}

INSTANTIATE_TEST_SUITE_P(Samples, HtmlSamples, ::testing::ValuesIn(kStems));

TEST(Html, SeriesInRed) {
    auto doc = read_with("html", sample("yueyang-daibiao-2023-12", "html"));
    const auto* series = find_line(doc, "人大代表工作简报");
    ASSERT_NE(series, nullptr);
    EXPECT_EQ(series->layout.style, "h1");
    EXPECT_EQ(series->layout.color, 0xD90D0Du);
    EXPECT_TRUE(doc.pages[0].lines.front().starts_page);
}

// A page in GB18030 bytes: the body of the GB sample text, one paragraph per line.
std::string gb_page(const std::string& meta) {
    auto gb = read_file(sample("chengdu-zhuanbao-2024-03", "gb18030.txt"));
    std::string body;
    std::size_t start = 0;
    while (start < gb.size()) {
        auto end = gb.find('\n', start);
        if (end == std::string::npos) end = gb.size();
        auto line = gb.substr(start, end - start);
        if (!line.empty() && line != "\f" && line.find_first_not_of(" \f\r") != std::string::npos)
            body += "<p>" + line + "</p>\n";
        start = end + 1;
    }
    return "<!DOCTYPE html>\n<html><head>" + meta + "<title>t</title></head><body>" + body +
           "</body></html>";
}

TEST(Html, GbEncodedPages) {
    for (std::string meta : std::vector<std::string>{
             R"(<meta charset="gb2312">)",
             R"(<meta http-equiv="Content-Type" content="text/html; charset=GBK">)", ""}) {
        auto bytes = gb_page(meta);
        EXPECT_TRUE(accepts("html", "page.htm", bytes)) << meta;
        auto doc = read_bytes("html", "page.htm", bytes);
        EXPECT_NE(find_line(doc, "市人大常委会调研城市更新立法工作"), nullptr) << meta;
        EXPECT_EQ(doc.metadata["encoding"], "GB18030") << meta;
    }
}

bool has_diagnostic(const bulletin::Document& doc, const std::string& text) {
    for (const auto& d : doc.diagnostics)
        if (d.message.find(text) != std::string::npos) return true;
    return false;
}

TEST(Html, APageWhoseMetaCharsetLiesIsReadInItsRealEncoding) {
    // UTF-8 declared, GB18030 bytes: 2,517 U+FFFD and no word about it before.
    auto doc = read_bytes("html", "lying.html", gb_page(R"(<meta charset="utf-8">)"));
    EXPECT_NE(find_line(doc, "市人大常委会调研城市更新立法工作"), nullptr);
    EXPECT_EQ(doc.metadata["encoding"], "GB18030");
    for (const auto& line : all_lines(doc))
        EXPECT_EQ(line.find("\xEF\xBF\xBD"), std::string::npos) << line;
    EXPECT_TRUE(has_diagnostic(doc, "the page says it is UTF-8 (its <meta> charset) but is not "
                                    "valid UTF-8"));
    // The charset parameter is taken as given: the bytes are repaired and counted instead.
    auto forced = read_bytes("html", "lying.html", gb_page(""), {{"charset", "utf-8"}});
    EXPECT_TRUE(has_diagnostic(forced, "each replaced by U+FFFD); if the page is in another "
                                       "encoding, set the html reader's charset parameter"));
}

TEST(Html, APageDeclaredGbButWrittenInUtf8IsReadAsUtf8) {
    std::string page = R"(<html><head><meta charset="gb2312"></head><body><p>市人大常委会调研)"
                       R"(城市更新立法工作</p></body></html>)";
    auto doc = read_bytes("html", "recoded.html", page);
    EXPECT_NE(find_line(doc, "市人大常委会调研城市更新立法工作"), nullptr);
    EXPECT_EQ(doc.metadata["encoding"], "UTF-8");
    EXPECT_TRUE(has_diagnostic(doc, "the page says it is gb2312 (its <meta> charset) but is "
                                    "valid UTF-8, so it was read as UTF-8"));
}

TEST(Html, DamagedUtf8IsCountedNotDroppedSilently) {
    std::string page = "<html><head><meta charset=\"utf-8\"></head><body><p>市人大常委会调研城市"
                       "更新\xFF立法\xFE\xFD工作</p></body></html>";
    auto doc = read_bytes("html", "damaged.html", page);
    EXPECT_NE(find_line(doc, "市人大常委会调研城市更新"), nullptr);
    EXPECT_TRUE(has_diagnostic(doc, "invalid UTF-8 byte sequence at offset 86 (3 in all, each "
                                    "replaced by U+FFFD)"));
}

TEST(Html, TextLimits) {
    std::string page = "<html><body><p>第一段文字</p><p>第二段文字</p></body></html>";
    EXPECT_NE(read_error("html", "long.html", page, {{"max_lines", "1"}})
                  .find("long.html: the document has more than 1 lines of text"),
              std::string::npos);
}

TEST(Html, AlignmentFromAttributesAndInheritance) {
    std::string page = R"(<html><body><header><b>省人大常委会网站</b></header><div class="content">
      <div style="text-align:center"><p>居中的标题</p></div>
      <p align="right">（供稿）</p>
      <p class="byline right">（作者）</p>
      <center>也居中</center>
      <p>第一行<br>第二行</p>
      <script>var x = "不要";</script>
    </div></body></html>)";
    auto doc = read_bytes("html", "a.html", page);
    auto lines = all_lines(doc);
    EXPECT_EQ(lines, (std::vector<std::string>{"居中的标题", "（供稿）", "（作者）", "也居中",
                                               "第一行", "第二行"}));
    EXPECT_EQ(find_line(doc, "居中的标题")->layout.alignment, bulletin::Alignment::Center);
    EXPECT_EQ(find_line(doc, "（供稿）")->layout.alignment, bulletin::Alignment::Right);
    EXPECT_EQ(find_line(doc, "（作者）")->layout.alignment, bulletin::Alignment::Right);
    EXPECT_EQ(find_line(doc, "也居中")->layout.alignment, bulletin::Alignment::Center);
}

TEST(Html, PageWithoutContentIsAClearError) {
    std::string page = R"(<!DOCTYPE html><html><head><title>首页</title></head><body>
      <div class="nav"><a href="/">首页</a> | <a href="/a">人大要闻</a></div>
      <div class="footer">版权所有：人大常委会办公厅</div></body></html>)";
    auto message = read_error("html", "empty.html", page);
    EXPECT_NE(message.find("empty.html"), std::string::npos) << message;
    EXPECT_NE(message.find("no main content"), std::string::npos) << message;
}

TEST(Html, SniffsContent) {
    EXPECT_TRUE(accepts("html", "x.bin", "\xEF\xBB\xBF  <!DOCTYPE HTML><html></html>"));
    EXPECT_TRUE(accepts("html", "x.bin", "<!-- saved page -->\n<html><body></body></html>"));
    EXPECT_FALSE(accepts("html", "x.html", "%PDF-1.4"));
    EXPECT_FALSE(accepts("html", "x.html", "纯文本，不是网页"));
}

} // namespace
