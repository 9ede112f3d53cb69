// The text reader: encodings (declared, detected, damaged), sniffing, and the artefacts of text
// extracted from PDF (form feeds, page numbers, double spacing, leading-space page marks).
#include "support/plugins.hpp"

#include <gtest/gtest.h>
#include <unicode/regex.h>

#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using bulletin::Document;

Document read(std::string_view bytes, const std::map<std::string, std::string>& params = {},
              const char* name = "input.txt") {
    auto reader = bulletin::testing::load<bulletin::Reader>("text", params);
    bulletin::testing::TestContext ctx;
    Document doc;
    reader->read(bulletin::Input{name, bytes}, doc, ctx);
    return doc;
}

bool accepts(std::string_view bytes) {
    auto reader = bulletin::testing::load<bulletin::Reader>("text");
    return reader->accepts(bulletin::Input{"input", bytes});
}

std::vector<std::string> texts(const Document& doc) {
    std::vector<std::string> out;
    for (const auto& page : doc.pages)
        for (const auto& line : page.lines)
            out.push_back(line.text);
    return out;
}

// "人大工作动态\n第7期\n" in GB18030.
const std::string kGb18030 =
    "\xC8\xCB\xB4\xF3\xB9\xA4\xD7\xF7\xB6\xAF\xCC\xAC\x0A\xB5\xDA\x37\xC6\xDA\x0A";

// --- encodings ----------------------------------------------------------------------------------

TEST(TextReaderEncoding, Utf8WithAndWithoutBom) {
    for (std::string bytes :
         {std::string("人大工作动态\n第7期\n"), std::string("\xEF\xBB\xBF人大工作动态\n第7期\n")}) {
        auto doc = read(bytes);
        EXPECT_EQ(doc.metadata["encoding"], "UTF-8");
        EXPECT_EQ(doc.source.format, "text");
        EXPECT_EQ(texts(doc), (std::vector<std::string>{"人大工作动态", "第7期"}));
        EXPECT_TRUE(doc.diagnostics.empty());
    }
}

TEST(TextReaderEncoding, Gb18030Detected) {
    auto doc = read(kGb18030);
    EXPECT_EQ(doc.metadata["encoding"], "GB18030");
    EXPECT_EQ(texts(doc), (std::vector<std::string>{"人大工作动态", "第7期"}));
    EXPECT_TRUE(doc.diagnostics.empty());
    EXPECT_TRUE(accepts(kGb18030));
}

TEST(TextReaderEncoding, Gb18030SampleDetected) {
    auto dir = bulletin::testing::data_dir() / "samples";
    auto gb = read(bulletin::testing::read_file(dir / "hunan-xuanren-2023-04-24.gb18030.txt"));
    auto utf8 = read(bulletin::testing::read_file(dir / "hunan-xuanren-2023-04-24.plain.txt"));
    EXPECT_EQ(gb.metadata["encoding"], "GB18030");
    EXPECT_EQ(texts(gb), texts(utf8));
}

TEST(TextReaderEncoding, Utf16WithBom) {
    const std::string le("\xFF\xFE\xBA\x4E\x27\x59\x0A\x00", 8); // "人大\n"
    const std::string be("\xFE\xFF\x4E\xBA\x59\x27\x00\x0A", 8);
    for (const auto& bytes : {le, be}) {
        EXPECT_TRUE(accepts(bytes));
        auto doc = read(bytes);
        EXPECT_EQ(texts(doc), std::vector<std::string>{"人大"});
        EXPECT_TRUE(doc.diagnostics.empty());
    }
    EXPECT_EQ(read(le).metadata["encoding"], "UTF-16LE");
    EXPECT_EQ(read(be).metadata["encoding"], "UTF-16BE");
}

TEST(TextReaderEncoding, DeclaredEncodingOverridesDetection) {
    auto doc = read(kGb18030, {{"encoding", "GB18030"}});
    EXPECT_EQ(doc.metadata["encoding"], "GB18030");
    EXPECT_EQ(texts(doc).front(), "人大工作动态");
    EXPECT_THROW(read("abc", {{"encoding", "no-such-charset"}}), std::exception);
}

TEST(TextReaderEncoding, WrongDeclaredEncodingIsAnErrorNamingTheRightOne) {
    auto dir = bulletin::testing::data_dir() / "samples";
    std::string gb = bulletin::testing::read_file(dir / "yueyang-daibiao-2023-12.gb18030.txt");
    try {
        read(gb, {{"encoding", "UTF-8"}});
        ADD_FAILURE() << "no error";
    } catch (const bulletin::Error& e) {
        EXPECT_NE(std::string(e.what()).find("looks like GB18030"), std::string::npos) << e.what();
    }
}

TEST(TextReaderEncoding, InvalidBytesGiveADiagnosticWithTheOffset) {
    std::string bytes = "人大工作动态第七期简报\n"; // 33 bytes of UTF-8, then the newline
    bytes.insert(12, "\xFF");
    auto doc = read(bytes);
    EXPECT_EQ(doc.metadata["encoding"], "UTF-8");
    ASSERT_EQ(doc.diagnostics.size(), 1u);
    EXPECT_EQ(doc.diagnostics[0].plugin, "text");
    EXPECT_NE(doc.diagnostics[0].message.find("byte offset 12"), std::string::npos)
        << doc.diagnostics[0].message;
    EXPECT_EQ(texts(doc), std::vector<std::string>{"人大工作\xEF\xBF\xBD动态第七期简报"});
}

TEST(TextReaderEncoding, InvalidGb18030BytesGiveADiagnostic) {
    std::string bytes = kGb18030;
    bytes[13] = '\x80'; // a lone 0x80 is not GB18030
    auto doc = read(bytes, {{"encoding", "GB18030"}});
    ASSERT_EQ(doc.diagnostics.size(), 1u);
    EXPECT_NE(doc.diagnostics[0].message.find("byte offset 13"), std::string::npos)
        << doc.diagnostics[0].message;
}

// --- sniffing -----------------------------------------------------------------------------------

TEST(TextReaderSniff, RefusesOtherFormats) {
    EXPECT_FALSE(accepts("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"));
    EXPECT_FALSE(accepts(std::string("PK\x03\x04\x14\x00\x00\x00", 8))); // DOCX, OFD
    EXPECT_FALSE(accepts("<!DOCTYPE html>\n<html><body>简报</body></html>"));
    EXPECT_FALSE(accepts("\xEF\xBB\xBF  <html lang=\"zh\"><head></head></html>"));
    EXPECT_FALSE(accepts(std::string("\x01\x02\x00\x03binary", 10)));
}

TEST(TextReaderSniff, LeavesTheSamplesOtherFormsToTheirReaders) {
    auto dir = bulletin::testing::data_dir() / "samples";
    for (const char* form : {".pdf", ".ofd", ".docx", ".html"}) {
        SCOPED_TRACE(form);
        EXPECT_FALSE(accepts(
            bulletin::testing::read_file(dir / (std::string("yueyang-daibiao-2023-12") + form))));
    }
    for (const char* form : {".txt", ".plain.txt", ".gb18030.txt"}) {
        SCOPED_TRACE(form);
        EXPECT_TRUE(accepts(
            bulletin::testing::read_file(dir / (std::string("yueyang-daibiao-2023-12") + form))));
    }
}

TEST(TextReaderSniff, AcceptsText) {
    EXPECT_TRUE(accepts("人大工作动态\n"));
    EXPECT_TRUE(accepts("plain ASCII text\n"));
    EXPECT_TRUE(accepts("\f第7期\n"));
    EXPECT_TRUE(accepts("送：a<b 与 c>d 无关\n"));
}

// --- pdftotext artefacts ------------------------------------------------------------------------

TEST(TextReaderLayout, FormFeedsPageNumbersAndBlankLines) {
    auto doc = read("标题\n\n第一行\n第二行\n— 1 —\n\n\f第三行\n－2－\n\f");
    ASSERT_EQ(doc.pages.size(), 2u);
    EXPECT_EQ(doc.source.pages, 2);
    EXPECT_EQ(texts(doc), (std::vector<std::string>{"标题", "第一行", "第二行", "第三行"}));
    EXPECT_TRUE(doc.pages[0].lines[0].ends_paragraph);  // a blank line followed it
    EXPECT_FALSE(doc.pages[0].lines[2].ends_paragraph); // the blank after a page number is not one
    EXPECT_TRUE(doc.pages[1].lines[0].starts_page);
    EXPECT_EQ(doc.pages[1].number, 2);
    ASSERT_EQ(doc.diagnostics.size(), 1u); // the dropped page numbers, for the record
    EXPECT_EQ(doc.diagnostics[0].severity, bulletin::Severity::Info);
    EXPECT_NE(doc.diagnostics[0].message.find("'— 1 —', '－2－'"), std::string::npos);
}

TEST(TextReaderLayout, DoubleSpacedWithLeadingSpacePageMarks) {
    // Every line followed by a blank line, except where a page ends: the next page's first line
    // follows at once, marked by a leading space (the real sample's form).
    auto doc = read(" 第一页甲\n\n第一页乙\n\n第一页丙\n 第二页甲\n\n第二页乙\n\n第二页丙\n\n"
                    "第二页丁\n  送:某某\n\n ");
    ASSERT_EQ(doc.pages.size(), 3u);
    EXPECT_EQ(doc.metadata["text.page_breaks"], "leading-space");
    EXPECT_EQ(texts(doc),
              (std::vector<std::string>{"第一页甲", "第一页乙", "第一页丙", "第二页甲", "第二页乙",
                                        "第二页丙", "第二页丁", "送:某某"}));
    EXPECT_TRUE(doc.pages[1].lines[0].starts_page);
    for (const auto& page : doc.pages)
        for (const auto& line : page.lines)
            EXPECT_FALSE(line.ends_paragraph); // blanks mean nothing
}

TEST(TextReaderLayout, IndentsAreKeptForTheSegmenter) {
    auto doc = read("标题\n\xE3\x80\x80\xE3\x80\x80正文第一行\n正文第二行\n");
    EXPECT_EQ(doc.metadata["text.page_breaks"], "none");
    EXPECT_EQ(texts(doc)[1], "\xE3\x80\x80\xE3\x80\x80正文第一行");
}

TEST(TextReaderLayout, PageNumberForms) {
    // Each line alone between two text lines: dropped (and its page closed) or kept.
    auto dropped = [](const std::string& line) {
        auto doc = read("正文甲\n" + line + "\n正文乙\n");
        return texts(doc) == std::vector<std::string>{"正文甲", "正文乙"};
    };
    for (const char* line : {"— 3 —",
                             "－3－",
                             "- 3 -",
                             "-3-",
                             "~5~",
                             "〜5〜",
                             "──12──",
                             "‐7‐",
                             "―7―",
                             "−4−",
                             "－１２－",
                             "  — 1234 —  ",
                             "\xE3\x80\x80— 3 —\xE3\x80\x80",
                             "第3页",
                             "第 3 页",
                             "第3页 共4页",
                             "第3页，共4页",
                             "第3页,共4页",
                             "第3页/共4页",
                             "第 3 页 共 4 页 "}) {
        SCOPED_TRACE(line);
        EXPECT_TRUE(dropped(line));
    }
    for (const char* line :
         {"— 12345 —", "— 3", "3 —", "—3—4—", "— a —", "第３页", "第12345页", "第3页共",
          "第3页 附件", "第3页，", "共4页", "3-5月", "— 3 — 正文", "12", "１２"}) {
        SCOPED_TRACE(line);
        EXPECT_FALSE(dropped(line)); // (a bare number counts only at a form-feed page's edge)
    }
}

TEST(TextReaderLayout, PageNumbersAsTheRegularExpressionSaid) {
    // The reader matches page numbers by hand; this is the ICU expression it replaced.
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexPattern> pattern(icu::RegexPattern::compile(
        icu::UnicodeString::fromUTF8(
            R"([\s\x{3000}]*(?:[\-\x{2010}-\x{2015}\x{2212}\x{FF0D}\x{2500}~\x{301C}]+[\s\x{3000}]*[0-9\x{FF10}-\x{FF19}]{1,4}[\s\x{3000}]*[\-\x{2010}-\x{2015}\x{2212}\x{FF0D}\x{2500}~\x{301C}]+|第\s*[0-9]{1,4}\s*页(?:\s*[,，/]?\s*共\s*[0-9]{1,4}\s*页)?)[\s\x{3000}]*)"),
        0, status));
    ASSERT_TRUE(U_SUCCESS(status));
    auto regex_says = [&](const std::string& line) {
        UErrorCode st = U_ZERO_ERROR;
        std::unique_ptr<icu::RegexMatcher> m(
            pattern->matcher(icu::UnicodeString::fromUTF8(line), st));
        return m->matches(st) && U_SUCCESS(st);
    };
    const std::vector<std::string> pieces = {" ",
                                             "\t",
                                             "\v",
                                             "\xE3\x80\x80",
                                             "\xC2\xA0",
                                             "\xC2\x85",
                                             "\xE2\x80\xA8",
                                             "-",
                                             "~",
                                             "‐",
                                             "―",
                                             "—",
                                             "‖",
                                             "−",
                                             "－",
                                             "─",
                                             "〜",
                                             "0",
                                             "1",
                                             "9",
                                             "０",
                                             "９",
                                             "：",
                                             "第",
                                             "页",
                                             "共",
                                             ",",
                                             "，",
                                             "/",
                                             "、",
                                             "a",
                                             "人",
                                             "\xEF\xBF\xBD",
                                             "\xF0\x9F\x98\x80",
                                             "\xE2\x80\x8B"};
    auto reader = bulletin::testing::load<bulletin::Reader>("text");
    std::mt19937 rng(5);
    for (int round = 0; round < 4000; ++round) {
        std::string line;
        if (round % 2) { // a page number, perturbed
            static const char* forms[] = {"— 3 —", "－12－", "第3页", "第 3 页 共 4 页",
                                          "第3页/共4页"};
            line = forms[rng() % 5];
            std::size_t at = rng() % (line.size() + 1);
            while (at < line.size() && (static_cast<unsigned char>(line[at]) & 0xC0) == 0x80)
                ++at; // not inside a character
            line.insert(at, pieces[rng() % pieces.size()]);
        } else {
            for (std::size_t k = rng() % 10; k > 0; --k)
                line += pieces[rng() % pieces.size()];
        }
        bulletin::testing::TestContext ctx;
        Document doc;
        std::string bytes = "正文甲\n" + line + "\n正文乙\n";
        reader->read(bulletin::Input{"input.txt", bytes}, doc, ctx);
        EXPECT_EQ(doc.metadata.count("text.page_numbers_dropped") == 1, regex_says(line))
            << "line '" << line << "'";
    }
}

TEST(TextReaderLayout, BareNumbersAtFormFeedPageEdges) {
    auto doc = read("正文甲\n正文乙\n 12 \n\f１２\n正文丙\n7 人\n\f");
    EXPECT_EQ(texts(doc), (std::vector<std::string>{"正文甲", "正文乙", "正文丙", "7 人"}));
    EXPECT_EQ(doc.metadata["text.page_numbers_dropped"], "2");
}

TEST(TextReaderLayout, LineEndsAndTrailingWhiteSpace) {
    auto doc =
        read("甲\r\n乙 \t\r丙\xE3\x80\x80\xC2\xA0\n\n丁\r\r\n 戊", {{"double_spaced", "no"}});
    EXPECT_EQ(texts(doc), (std::vector<std::string>{"甲", "乙", "丙", "丁", " 戊"}));
    EXPECT_FALSE(doc.pages[0].lines[1].ends_paragraph);
    EXPECT_TRUE(doc.pages[0].lines[2].ends_paragraph); // "\n\n"
    EXPECT_TRUE(doc.pages[0].lines[3].ends_paragraph); // "\r\r\n" is two line ends
}

TEST(TextReaderEncoding, ReplacementCharacterInTheSourceIsReported) {
    // Valid UTF-8 that already holds U+FFFD (damage done before this file was written): the
    // warning points at it, with no invalid sequence counted.
    auto doc = read("人大\xEF\xBF\xBD工作\n");
    EXPECT_EQ(texts(doc), std::vector<std::string>{"人大\xEF\xBF\xBD工作"});
    ASSERT_EQ(doc.diagnostics.size(), 1u);
    EXPECT_NE(doc.diagnostics[0].message.find("byte offset 6 (0 in all"), std::string::npos)
        << doc.diagnostics[0].message;
}

TEST(TextReaderLayout, RealSampleForm) {
    auto dir = bulletin::testing::data_dir() / "samples";
    auto doc = read(bulletin::testing::read_file(dir / "hunan-xuanren-2023-04-24.txt"));
    EXPECT_EQ(doc.pages.size(), 6u);
    EXPECT_EQ(doc.pages[0].lines[0].text, "湖南省人大常委会选举任免联络工作委员会编 2023年4月24日");
    EXPECT_EQ(doc.pages[1].lines[0].text, "委书记沈晓明在省人大常委会机关走访时的讲话精神以");
    auto plain = read(bulletin::testing::read_file(dir / "hunan-xuanren-2023-04-24.plain.txt"));
    EXPECT_EQ(plain.pages.size(), 4u);
    EXPECT_EQ(plain.metadata["text.page_numbers_dropped"], "4");
}

} // namespace

// --- limits -------------------------------------------------------------------------------------

TEST(TextReaderLimits, ALineLongerThanMaxLineBytesIsRefusedWithItsNumber) {
    std::string text = "标题\n\n" + std::string(40, 'x') + "\n正文。\n";
    try {
        read(text, {{"max_line_bytes", "39"}});
        FAIL() << "a 40-byte line passed a 39-byte limit";
    } catch (const bulletin::Error& e) {
        EXPECT_NE(std::string(e.what()).find("line 3 is 40 bytes long, more than the text "
                                             "reader's limit of 39 (max_line_bytes)"),
                  std::string::npos)
            << e.what();
    }
    // The limit is inclusive; it cannot be switched off (0 or less is refused), only raised.
    EXPECT_EQ(texts(read(text, {{"max_line_bytes", "40"}})).at(1), std::string(40, 'x'));
    EXPECT_EQ(texts(read(text, {{"max_line_bytes", "1073741824"}})).at(1), std::string(40, 'x'));
    for (const char* off : {"0", "-1", "1073741825"})
        EXPECT_ANY_THROW(read(text, {{"max_line_bytes", off}})) << off;
}
