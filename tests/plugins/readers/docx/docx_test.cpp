// The docx reader on the shared samples and on broken packages made here.
#include "support.hpp"

#include <bulletin/plugin.hpp>
#include <bulletin/text.hpp>

#include <gtest/gtest.h>

#include <set>

namespace {

using namespace bulletin::testing;

class DocxSamples : public ::testing::TestWithParam<std::string> {};

TEST_P(DocxSamples, EveryGoldTitleAndParagraphIsOneLine) {
    auto doc = read_with("docx", sample(GetParam(), "docx"));
    EXPECT_EQ(doc.source.format, "docx");
    ASSERT_EQ(doc.pages.size(), 1u);
    EXPECT_TRUE(doc.pages[0].lines.front().starts_page);
    std::set<std::string> lines;
    for (const auto& line : doc.pages[0].lines) {
        EXPECT_TRUE(line.ends_paragraph);
        EXPECT_FALSE(line.text.empty());
        lines.insert(bulletin::text::nfkc(line.text));
    }
    auto g = gold(GetParam());
    for (const auto& t : g.titles) {
        // A title with a "——" subtitle is two paragraphs; the segmenter joins them.
        auto dash = t.find("——");
        if (dash == std::string::npos) {
            EXPECT_TRUE(lines.count(t)) << "title " << t;
        } else {
            EXPECT_TRUE(lines.count(t.substr(0, dash))) << "title " << t;
            EXPECT_TRUE(lines.count(t.substr(dash))) << "subtitle " << t;
        }
    }
    for (const auto& p : g.paragraphs)
        EXPECT_TRUE(lines.count(p)) << "paragraph " << p;
}

TEST_P(DocxSamples, StylesFontsAndAlignment) {
    auto doc = read_with("docx", sample(GetParam(), "docx"));
    auto g = gold(GetParam());
    const bulletin::Line* title = nullptr;
    const bulletin::Line* body = nullptr;
    for (const auto& line : doc.pages[0].lines) {
        auto folded = bulletin::text::nfkc(line.text);
        if (!title && folded == g.titles[0].substr(0, g.titles[0].find("——"))) title = &line;
        if (!body && folded == g.paragraphs[0]) body = &line;
    }
    ASSERT_TRUE(title && body);
    EXPECT_EQ(title->layout.alignment, bulletin::Alignment::Center);
    EXPECT_EQ(title->layout.font_size, 22); // 二号: w:sz 44 half-points
    EXPECT_EQ(body->layout.font_size, 16);
    EXPECT_EQ(body->layout.font_name, "仿宋_GB2312"); // w:eastAsia
    EXPECT_EQ(body->layout.indent, 32);               // w:firstLine 640 twips
    for (const auto& line : doc.pages[0].lines) {
        if (line.text.starts_with("（") && line.text.ends_with("）")) {
            EXPECT_EQ(line.layout.alignment, bulletin::Alignment::Right) << line.text;
        }
        EXPECT_FALSE(line.layout.style.empty());
    }
}

INSTANTIATE_TEST_SUITE_P(Samples, DocxSamples, ::testing::ValuesIn(kStems));

TEST(Docx, MastheadColourAndTab) {
    auto doc = read_with("docx", sample("zhejiang-dongtai-2024-07", "docx"));
    const auto* series = find_line(doc, "人大工作动态");
    ASSERT_NE(series, nullptr);
    EXPECT_EQ(series->layout.color, 0xD90D0Du);
    EXPECT_EQ(series->layout.font_size, 36);
    // Publisher and date are one paragraph separated by tabs; tab runs become one "\t".
    EXPECT_NE(find_line(doc, "浙江省人大常委会办公厅编\t2024年5月20日"), nullptr);
}

const std::string kDocNs =
    R"(xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main")";

TEST(Docx, StylesResolveThroughTheChain) {
    std::string styles = R"(<w:styles )" + kDocNs + R"(>
      <w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="21"/></w:rPr></w:rPrDefault></w:docDefaults>
      <w:style w:type="paragraph" w:styleId="Base"><w:pPr><w:jc w:val="center"/></w:pPr>
        <w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/></w:rPr></w:style>
      <w:style w:type="paragraph" w:styleId="Title1"><w:basedOn w:val="Base"/>
        <w:rPr><w:sz w:val="44"/></w:rPr></w:style></w:styles>)";
    std::string body = R"(<w:document )" + kDocNs + R"(><w:body>
      <w:p><w:pPr><w:pStyle w:val="Title1"/></w:pPr><w:r><w:t>标题</w:t></w:r></w:p>
      <w:p><w:r><w:t xml:space="preserve">正文 </w:t></w:r><w:r><w:rPr><w:b w:val="0"/></w:rPr>
        <w:t>内容</w:t></w:r></w:p>
      <w:p></w:p>
      <w:p><w:r><w:br w:type="page"/></w:r></w:p>
      <w:tbl><w:tr><w:tc><w:p><w:r><w:t>表格</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
    </w:body></w:document>)";
    auto bytes = make_zip({{"word/document.xml", body}, {"word/styles.xml", styles}});
    auto doc = read_bytes("docx", "styled.docx", bytes);
    ASSERT_EQ(doc.pages.size(), 2u); // the hard page break
    ASSERT_EQ(doc.pages[0].lines.size(), 2u);
    const auto& title = doc.pages[0].lines[0].layout;
    EXPECT_EQ(title.style, "Title1");
    EXPECT_EQ(title.font_name, "黑体");
    EXPECT_EQ(title.font_size, 22);
    EXPECT_TRUE(title.bold);
    EXPECT_EQ(title.alignment, bulletin::Alignment::Center);
    EXPECT_EQ(doc.pages[0].lines[1].text, "正文 内容");
    EXPECT_EQ(doc.pages[0].lines[1].layout.font_size, 10.5);
    EXPECT_EQ(doc.pages[1].lines[0].text, "表格");
    EXPECT_TRUE(doc.pages[1].lines[0].starts_page);
}

TEST(Docx, WithoutBodyIsAClearError) {
    auto bytes = make_zip({{"word/document.xml", "<w:document " + kDocNs + "/>"}});
    EXPECT_TRUE(accepts("docx", "x.docx", bytes));
    auto message = read_error("docx", "nobody.docx", bytes);
    EXPECT_NE(message.find("nobody.docx"), std::string::npos) << message;
    EXPECT_NE(message.find("no body"), std::string::npos) << message;
}

TEST(Docx, ZipBombAndEscapingEntryAreRefused) {
    auto bomb = make_zip({{"word/document.xml", std::string(40u << 20, 'a')}});
    EXPECT_NE(read_error("docx", "bomb.docx", bomb).find("ratio"), std::string::npos);
    auto evil = make_zip({{"word/document.xml", "<w:document/>"}, {"/tmp/evil", "x"}});
    EXPECT_NE(read_error("docx", "evil.docx", evil).find("absolute path"), std::string::npos);
}

std::string docx_of(const std::string& body) {
    return make_zip({{"word/document.xml",
                      "<w:document " + kDocNs + "><w:body>" + body + "</w:body></w:document>"}});
}

std::string paragraph(const std::string& text) {
    return "<w:p><w:r><w:t>" + text + "</w:t></w:r></w:p>";
}

TEST(Docx, NulReferenceKeepsTheRestOfTheText) {
    // pugixml ended the text node at the NUL: "第一段后半" was lost without a word.
    auto doc = read_bytes("docx", "nul.docx",
                          docx_of(paragraph("第一段前半&#0;第一段后半") + paragraph("第二段")));
    EXPECT_EQ(all_lines(doc), (std::vector<std::string>{"第一段前半第一段后半", "第二段"}));
    ASSERT_EQ(doc.diagnostics.size(), 1u);
    EXPECT_EQ(doc.diagnostics[0].message,
              "word/document.xml: 1 NUL character reference(s) (&#0;) removed");
    EXPECT_EQ(doc.diagnostics[0].severity, bulletin::Severity::Warning);
}

TEST(Docx, TextLimitsAndCancellation) {
    auto bytes = docx_of(paragraph("第一段") + paragraph("第二段") + paragraph("第三段"));
    EXPECT_NE(read_error("docx", "long.docx", bytes, {{"max_lines", "2"}})
                  .find("long.docx: the document has more than 2 lines of text"),
              std::string::npos);
    EXPECT_NE(read_error("docx", "long.docx", bytes, {{"max_chars", "8"}})
                  .find("long.docx: the document has more than 8 characters of text"),
              std::string::npos);
    CancelledContext cancelled;
    try {
        read_bytes("docx", "stop.docx", bytes, {}, cancelled);
        FAIL() << "read on after the run was cancelled";
    } catch (const bulletin::Error& e) {
        EXPECT_EQ(std::string(e.what()), "stop.docx: cancelled");
    }
}

TEST(Docx, SniffsContent) {
    EXPECT_TRUE(
        accepts("docx", "renamed.bin", read_file(sample("yueyang-daibiao-2023-12", "docx"))));
    EXPECT_FALSE(accepts("docx", "x.docx", read_file(sample("yueyang-daibiao-2023-12", "ofd"))));
    EXPECT_FALSE(accepts("docx", "x.docx", "<html></html>"));
    auto message = read_error("docx", "notdocx.docx", make_zip({{"a.txt", "x"}}));
    EXPECT_NE(message.find("word/document.xml"), std::string::npos) << message;
}

} // namespace
