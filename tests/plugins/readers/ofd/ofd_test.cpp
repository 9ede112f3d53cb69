// The ofd reader on the shared samples, on real producers' files from ../shared (never copied
// into the repository; skipped when absent) and on broken packages made here.
#include "support.hpp"

#include <bulletin/plugin.hpp>

#include <gtest/gtest.h>

namespace {

using namespace bulletin::testing;

class OfdSamples : public ::testing::TestWithParam<std::string> {};

TEST_P(OfdSamples, LinesMatchPdftotextOfTheSameBulletin) {
    auto doc = read_with("ofd", sample(GetParam(), "ofd"));
    EXPECT_EQ(doc.source.format, "ofd");
    auto expected = plain_pages(GetParam());
    for (std::size_t p = 1; p < expected.size(); ++p) // running header, dropped as furniture
        std::erase_if(expected[p],
                      [](const std::string& s) { return s == "人大工作动态" || s == "第7期"; });
    ASSERT_EQ(doc.pages.size(), expected.size());
    EXPECT_EQ(doc.source.pages, static_cast<int>(expected.size()));
    for (std::size_t p = 0; p < expected.size(); ++p) {
        std::vector<std::string> got;
        for (const auto& line : doc.pages[p].lines)
            got.push_back(line.text == "内部资料  注意保存" ? "内部资料 注意保存" : line.text);
        EXPECT_EQ(got, expected[p]) << "page " << p + 1;
        ASSERT_FALSE(doc.pages[p].lines.empty());
        EXPECT_TRUE(doc.pages[p].lines.front().starts_page);
        EXPECT_NEAR(doc.pages[p].width, 595.3, 0.5); // 210 mm in points
    }
}

TEST_P(OfdSamples, FontsSizesAndAlignment) {
    auto doc = read_with("ofd", sample(GetParam(), "ofd"));
    auto g = gold(GetParam());
    const bulletin::Line* title = nullptr;
    for (const auto& page : doc.pages)
        for (const auto& line : page.lines)
            if (!title && g.titles[0].starts_with(line.text) && line.text.size() >= 9)
                title = &line;
    ASSERT_NE(title, nullptr) << g.titles[0];
    const auto* body = find_line(doc, "，");
    ASSERT_NE(body, nullptr);
    EXPECT_NEAR(body->layout.font_size, 16, 0.1); // 三号 body text
    EXPECT_GT(title->layout.font_size, body->layout.font_size);
    EXPECT_EQ(title->layout.alignment, bulletin::Alignment::Center);
    EXPECT_FALSE(title->layout.font_name.empty());
    EXPECT_TRUE(title->layout.has_geometry);
}

INSTANTIATE_TEST_SUITE_P(Samples, OfdSamples, ::testing::ValuesIn(kStems));

TEST(Ofd, RedMastheadAndRightAlignedByline) {
    auto doc = read_with("ofd", sample("zhejiang-dongtai-2024-07", "ofd"));
    const auto* series = find_line(doc, "人大工作动态");
    ASSERT_NE(series, nullptr);
    EXPECT_GT(series->layout.color >> 16, 0xC0u); // red
    EXPECT_LT(series->layout.color & 0xFFu, 0x40u);
    EXPECT_GE(series->layout.font_size, 30);
    const auto* byline = find_line(doc, "（湖州市人大常委会 钱丽）");
    ASSERT_NE(byline, nullptr);
    EXPECT_EQ(byline->layout.alignment, bulletin::Alignment::Right);
    EXPECT_EQ(byline->layout.font_name, "AR PL UKai CN");
}

// --- files from real OFD producers, read from ../shared ---

std::filesystem::path real(const std::string& name) {
    auto dir = shared_samples_dir();
    return dir.empty() ? dir : dir / "ofd-real" / name;
}

#define REQUIRE_REAL(name)                                                                         \
    if (real(name).empty() || !std::filesystem::exists(real(name)))                                \
    GTEST_SKIP() << "../shared/samples/ofd-real/" << name                                          \
                 << " is not here (never copied into the "                                         \
                    "repository)"

TEST(OfdReal, EveryFileReadsWithText) {
    auto dir = shared_samples_dir();
    if (dir.empty() || !std::filesystem::is_directory(dir / "ofd-real"))
        GTEST_SKIP() << "../shared/samples/ofd-real is not here";
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir / "ofd-real")) {
        if (entry.path().extension() != ".ofd") continue;
        ++files;
        SCOPED_TRACE(entry.path().filename().string());
        EXPECT_TRUE(accepts("ofd", entry.path(), read_file(entry.path())));
        bulletin::Document doc;
        ASSERT_NO_THROW(doc = read_with("ofd", entry.path()));
        EXPECT_FALSE(all_lines(doc).empty());
        EXPECT_EQ(doc.source.pages, static_cast<int>(doc.pages.size()));
    }
    EXPECT_GE(files, 11);
}

TEST(OfdReal, HelloWorldInEveryVariant) {
    // Plain, in a PageBlock, without the standard namespace, with a Chinese directory.
    for (auto name : {"helloworld.ofd", "helloworld_with_pageblock.ofd", "namespace_no_std.ofd",
                      "chineseDir.ofd"}) {
        REQUIRE_REAL(name);
        auto doc = read_with("ofd", real(name));
        EXPECT_EQ(all_lines(doc), std::vector<std::string>{"你好呀，OFD Reader&Writer！"}) << name;
        EXPECT_EQ(doc.pages[0].lines[0].layout.font_name, "宋体");
        EXPECT_NEAR(doc.pages[0].lines[0].layout.font_size, 8.5, 0.1); // 3 mm
    }
}

// Lines in `expected` appear in this order (others may come between).
void expect_in_order(const bulletin::Document& doc, const std::vector<std::string>& expected) {
    auto lines = all_lines(doc);
    std::size_t at = 0;
    for (const auto& want : expected) {
        auto it =
            std::find_if(lines.begin() + static_cast<std::ptrdiff_t>(at), lines.end(),
                         [&](const std::string& l) { return l.find(want) != std::string::npos; });
        ASSERT_NE(it, lines.end()) << "'" << want << "' missing or out of order";
        at = static_cast<std::size_t>(it - lines.begin()) + 1;
    }
}

TEST(OfdReal, OfficialDocumentInReadingOrder) {
    REQUIRE_REAL("n.ofd");
    auto doc = read_with("ofd", real("n.ofd"));
    ASSERT_EQ(doc.pages.size(), 2u);
    expect_in_order(doc,
                    {"测试符路桥区卫生局文件", "路卫发〔2011〕76号", "关于同意张阿三同志辞职的批复",
                     "区中医院：", "你院《关于给张阿三同志辞职的请示》", "同意张阿三同志辞职。",
                     "测试符路桥区卫生局办公室", "2011年3月10日"});
    const auto* head = find_line(doc, "测试符路桥区卫生局文件");
    EXPECT_GT(head->layout.color >> 16, 0xC0u); // "#ee #20 #25": hex colour components
    EXPECT_TRUE(find_line(doc, "关于同意张阿三同志辞职的批复")->layout.bold); // Weight="700"
}

TEST(OfdReal, InvoicesWithRepeatForms) {
    REQUIRE_REAL("1.ofd");
    auto doc = read_with("ofd", real("1.ofd"));
    expect_in_order(doc, {"浙江增值税电子普通发票", "江苏京利华新材料有限公司",
                          "91320115MA202UKD7X", "兰溪市丹溪大道1055号057988222001",
                          "中国邮政储蓄银行兰溪分行6217993300118475000"});
    // DeltaY breaks one TextCode into four lines of the cipher block.
    EXPECT_NE(find_line(doc, "0062477>548-1109>61*9-52160+"), nullptr);
    EXPECT_NE(find_line(doc, "27<<-<-6+3>896019*0119*93+3/"), nullptr);
    // Template text (the form's labels) is furniture unless asked for.
    EXPECT_EQ(find_line(doc, "发票代码："), nullptr);
    auto with = read_with("ofd", real("1.ofd"), {{"templates", "true"}});
    EXPECT_NE(find_line(with, "发票代码："), nullptr);
    EXPECT_GT(all_lines(with).size(), all_lines(doc).size());

    REQUIRE_REAL("20240531141733.ofd");
    auto other = read_with("ofd", real("20240531141733.ofd"));
    expect_in_order(other, {"24112000000048542163", "2024年05月28日", "海南麒麟云服科技有限公司",
                            "91460300MAA92DJN95"});
}

TEST(OfdReal, NonStandardPathsAndTemplates) {
    REQUIRE_REAL("path_unstd.ofd");
    auto doc = read_with("ofd", real("path_unstd.ofd")); // "/Doc_0/…" and "Pages/Page_Insert…"
    ASSERT_EQ(doc.pages.size(), 2u);
    expect_in_order(doc, {"立案决定书", "根据《中华人民共和国刑事诉讼法》第", "立案侦查。",
                          "立案决定书", "（存根）", "案件名称"});
}

TEST(OfdReal, CertificateRotatedWatermarkAndHiddenCodes) {
    REQUIRE_REAL("keyword.ofd");
    auto doc = read_with("ofd", real("keyword.ofd"));
    expect_in_order(doc,
                    {"鲁（2020）泰安市不动产证明第0014777号", "中国建设银行股份有限公司泰安分行",
                     "不动产权证书号：", "鲁(2020)泰安市不动产权第0009455号", "抵押方式：一般抵押",
                     "担保债权数额：35万元"});
    EXPECT_NE(find_line(doc, "事由户籍办理房产证明"), nullptr); // rotated by its CTM
    for (const auto& line : all_lines(doc))
        EXPECT_NE(line, "MB"); // zero-size hidden text
}

TEST(OfdReal, GlyphTransformsAndLongParagraphs) {
    REQUIRE_REAL("z.ofd");
    auto z = read_with("ofd", real("z.ofd"));
    ASSERT_EQ(z.pages.size(), 4u);
    EXPECT_EQ(z.pages[0].lines[0].text, "11.4字型变换");
    expect_in_order(z, {"1、一对一", "2、多对一", "3、一对多", "4、多对多"});

    REQUIRE_REAL("SplitParagraph.ofd");
    auto s = read_with("ofd", real("SplitParagraph.ofd"));
    ASSERT_EQ(s.pages.size(), 2u);
    expect_in_order(
        s, {"报告：", "“超长文档“裁切测试", "第一段：", "第二段：", "第三段：", "第四段："});
    EXPECT_EQ(s.pages[1].lines.size(), 7u); // the paragraph continues; nothing dropped
}

// --- broken packages ---

const std::string kOfdXml =
    R"(<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" )"
    R"(Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>)"
    R"(</ofd:DocBody></ofd:OFD>)";

TEST(Ofd, NoPrefixAbsolutePathsAndRepeatForms) {
    // No "ofd:" prefix at all, a DocRoot with a leading "/", a page path relative to the
    // package root, DeltaX in the "g N v" form and a CTM that doubles the glyphs.
    auto ofd = R"(<OFD xmlns="http://www.ofdspec.org/2016"><DocBody>)"
               R"(<DocRoot>/Doc_0/Document.xml</DocRoot></DocBody></OFD>)";
    auto document = R"(<Document xmlns="http://www.ofdspec.org/2016"><CommonData>)"
                    R"(<PageArea><PhysicalBox>0 0 210 297</PhysicalBox></PageArea>)"
                    R"(<PublicRes>PublicRes.xml</PublicRes></CommonData>)"
                    R"(<Pages><Page ID="1" BaseLoc="Doc_0/Pages/P1.xml"/></Pages></Document>)";
    auto res = R"(<Res><Fonts><Font ID="7" FontName="仿宋"/></Fonts></Res>)";
    auto page = R"(<Page><Content><Layer>)"
                R"(<TextObject ID="2" Boundary="20 50 100 10" Font="7" Size="5">)"
                R"(<TextCode X="0" Y="4" DeltaX="g 3 5">右边文字</TextCode></TextObject>)"
                R"(<TextObject ID="3" Boundary="20 20 100 20" Font="7" Size="5" CTM="2 0 0 2 0 0">)"
                R"(<TextCode X="0" Y="4" DeltaX="g 3 5">标题文字</TextCode></TextObject>)"
                R"(</Layer></Content></Page>)";
    auto bytes = make_zip({{"OFD.xml", ofd},
                           {"Doc_0/Document.xml", document},
                           {"Doc_0/PublicRes.xml", res},
                           {"Doc_0/Pages/P1.xml", page}});
    auto doc = read_bytes("ofd", "synthetic.ofd", bytes);
    EXPECT_EQ(all_lines(doc), (std::vector<std::string>{"标题文字", "右边文字"}));
    const auto& title = doc.pages[0].lines[0].layout;
    EXPECT_EQ(title.font_name, "仿宋");
    EXPECT_NEAR(title.font_size, 2 * 5 * 72 / 25.4, 0.1);
    EXPECT_NEAR(title.width, 2 * 20 * 72 / 25.4, 0.5); // four glyphs, 5 mm apart, doubled
    EXPECT_NEAR(doc.pages[0].lines[1].layout.font_size, 5 * 72 / 25.4, 0.1);
}

TEST(Ofd, PagesWithoutTextAreAClearError) {
    auto bytes = make_zip(
        {{"OFD.xml", R"(<OFD><DocBody><DocRoot>Doc_0/Document.xml</DocRoot></DocBody></OFD>)"},
         {"Doc_0/Document.xml",
          R"(<Document><Pages><Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></Pages></Document>)"},
         {"Doc_0/Pages/Page_0/Content.xml",
          R"(<Page><Content><Layer><ImageObject ID="2" Boundary="0 0 210 297"/></Layer></Content></Page>)"}});
    auto message = read_error("ofd", "scan.ofd", bytes);
    EXPECT_NE(message.find("scan.ofd"), std::string::npos) << message;
    EXPECT_NE(message.find("no text"), std::string::npos) << message;
}

TEST(Ofd, MissingDocumentIsAClearError) {
    auto bytes = make_zip({{"OFD.xml", kOfdXml}});
    EXPECT_TRUE(accepts("ofd", "x.ofd", bytes));
    auto message = read_error("ofd", "nodoc.ofd", bytes);
    EXPECT_NE(message.find("nodoc.ofd"), std::string::npos) << message;
    EXPECT_NE(message.find("Doc_0/Document.xml"), std::string::npos) << message;
}

TEST(Ofd, ZipBombIsRefused) {
    auto bytes = make_zip({{"OFD.xml", kOfdXml},
                           {"Doc_0/Document.xml", "<Document/>" + std::string(40u << 20, ' ')}});
    auto message = read_error("ofd", "bomb.ofd", bytes);
    EXPECT_NE(message.find("bomb.ofd"), std::string::npos) << message;
    EXPECT_NE(message.find("ratio"), std::string::npos) << message;
    // The limits are parameters.
    EXPECT_NE(read_error("ofd", "bomb.ofd", bytes, {{"max_ratio", "100000"}, {"max_total_mb", "8"}})
                  .find("MiB"),
              std::string::npos);
}

TEST(Ofd, EntryLeavingThePackageIsRefused) {
    auto bytes = make_zip({{"OFD.xml", kOfdXml}, {"../../etc/cron.d/x", "x"}});
    auto message = read_error("ofd", "evil.ofd", bytes);
    EXPECT_NE(message.find("leaves the package"), std::string::npos) << message;
}

/// A package of `pages` pages that all draw the page part `content` (a <Page> element).
std::string shared_content_ofd(int pages, const std::string& content) {
    std::string list;
    for (int i = 0; i < pages; ++i)
        list += R"(<Page ID=")" + std::to_string(i + 1) + R"(" BaseLoc="Pages/P.xml"/>)";
    return make_zip({{"OFD.xml", kOfdXml},
                     {"Doc_0/Document.xml", "<Document><CommonData><PageArea><PhysicalBox>0 0 210 "
                                            "297</PhysicalBox></PageArea></CommonData><Pages>" +
                                                list + "</Pages></Document>"},
                     {"Doc_0/Pages/P.xml", content}});
}

std::string text_page(const std::vector<std::string>& texts) {
    std::string page = "<Page><Content><Layer>";
    for (std::size_t i = 0; i < texts.size(); ++i)
        page += R"(<TextObject ID="2" Boundary="20 )" + std::to_string(20 + 10 * i) +
                R"( 170 8" Size="5"><TextCode X="0" Y="4">)" + texts[i] +
                "</TextCode></TextObject>";
    return page + "</Layer></Content></Page>";
}

bool has_diagnostic(const bulletin::Document& doc, const std::string& text) {
    for (const auto& d : doc.diagnostics)
        if (d.message.find(text) != std::string::npos) return true;
    return false;
}

TEST(Ofd, PagesSharingOneContentPartAreReadAndReported) {
    auto doc = read_bytes("ofd", "shared.ofd", shared_content_ofd(3, text_page({"同一页"})));
    ASSERT_EQ(doc.pages.size(), 3u);
    EXPECT_EQ(all_lines(doc), (std::vector<std::string>{"同一页", "同一页", "同一页"}));
    EXPECT_TRUE(has_diagnostic(doc, "2 page(s) draw the content part of an earlier page "
                                    "(first: page 2 draws Doc_0/Pages/P.xml)"));
}

TEST(Ofd, TextLimitsBoundWhatSharedPagesProduce) {
    auto bytes = shared_content_ofd(50, text_page({"第一行文字", "第二行文字"}));
    auto chars = read_error("ofd", "many.ofd", bytes, {{"max_chars", "200"}});
    EXPECT_EQ(chars, "many.ofd: the document has more than 200 characters of text (the test "
                     "reader's max_chars limit; a bulletin has far fewer: raise it with --set "
                     "test.max_chars=N if this really is one document)");
    auto lines = read_error("ofd", "many.ofd", bytes, {{"max_lines", "9"}});
    EXPECT_NE(lines.find("more than 9 lines of text"), std::string::npos) << lines;
    EXPECT_EQ(read_bytes("ofd", "many.ofd", bytes,
                         {{"max_chars", "1000000000"}, {"max_lines", "100000000"}})
                  .pages.size(),
              50u);
    // Each page reads the part again, and every read counts toward max_total_mb.
    std::string padded = text_page({"文字"});
    padded.insert(padded.find("<Content>"), "<!--" + std::string(300u << 10, ' ') + "-->");
    auto total = read_error("ofd", "reread.ofd", shared_content_ofd(5, padded),
                            {{"max_total_mb", "1"}, {"max_ratio", "100000"}});
    EXPECT_NE(total.find("reread.ofd: reading zip entry 'Doc_0/Pages/P.xml' takes the bytes "
                         "inflated from this package past 1 MiB in all"),
              std::string::npos)
        << total;
}

TEST(Ofd, NulReferencesAndBadBytesKeepTheTextAndAreReported) {
    auto doc =
        read_bytes("ofd", "nul.ofd",
                   shared_content_ofd(1, text_page({"前半&#0;后半", "坏\xFF字前后中文中文中文"})));
    EXPECT_EQ(all_lines(doc),
              (std::vector<std::string>{"前半后半", "坏\xEF\xBF\xBD字前后中文中文中文"}));
    EXPECT_TRUE(has_diagnostic(doc, "Doc_0/Pages/P.xml: 1 NUL character reference(s) (&#0;) "
                                    "removed; 1 invalid byte sequence(s) replaced by U+FFFD"));
}

TEST(Ofd, StopsWhenTheRunIsCancelled) {
    CancelledContext cancelled;
    try {
        read_bytes("ofd", "stop.ofd", shared_content_ofd(2, text_page({"文字"})), {}, cancelled);
        FAIL() << "read on after the run was cancelled";
    } catch (const bulletin::Error& e) {
        EXPECT_EQ(std::string(e.what()), "stop.ofd: cancelled");
    }
}

TEST(Ofd, SniffsContent) {
    EXPECT_TRUE(
        accepts("ofd", "renamed.zip", read_file(sample("chengdu-zhuanbao-2024-03", "ofd"))));
    EXPECT_FALSE(accepts("ofd", "x.ofd", read_file(sample("chengdu-zhuanbao-2024-03", "docx"))));
    EXPECT_FALSE(accepts("ofd", "x.ofd", "%PDF-1.4"));
    // A damaged file named .ofd is still ours, so the user hears why it failed.
    EXPECT_TRUE(accepts("ofd", "x.ofd", std::string("PK\x03\x04junk", 8)));
    EXPECT_NE(read_error("ofd", "x.ofd", std::string("PK\x03\x04junk", 8)).find("x.ofd"),
              std::string::npos);
}

} // namespace
