// The pdf reader (poppler) on the shared samples and on broken PDFs made here.
#include "support.hpp"

#include <bulletin/plugin.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>

namespace {

using namespace bulletin::testing;

// pdftotext puts the running header of page 2 ("人大工作动态", "第7期") in its text; the reader
// drops it as page furniture.
std::vector<std::vector<std::string>> expected_pages(const std::string& stem) {
    auto pages = plain_pages(stem);
    for (std::size_t p = 1; p < pages.size(); ++p)
        std::erase_if(pages[p],
                      [](const std::string& s) { return s == "人大工作动态" || s == "第7期"; });
    return pages;
}

class PdfSamples : public ::testing::TestWithParam<std::string> {};

TEST_P(PdfSamples, LinesMatchPdftotextWithoutPageFurniture) {
    auto doc = read_with("pdf", sample(GetParam(), "pdf"));
    EXPECT_EQ(doc.source.format, "pdf");
    auto expected = expected_pages(GetParam());
    ASSERT_EQ(doc.pages.size(), expected.size());
    EXPECT_EQ(doc.source.pages, static_cast<int>(expected.size()));
    for (std::size_t p = 0; p < expected.size(); ++p) {
        std::vector<std::string> got;
        for (const auto& line : doc.pages[p].lines)
            got.push_back(line.text);
        EXPECT_EQ(got, expected[p]) << "page " << p + 1;
        ASSERT_FALSE(doc.pages[p].lines.empty());
        EXPECT_TRUE(doc.pages[p].lines.front().starts_page);
        for (std::size_t i = 1; i < doc.pages[p].lines.size(); ++i)
            EXPECT_FALSE(doc.pages[p].lines[i].starts_page);
        EXPECT_NEAR(doc.pages[p].width, 595.3, 0.5);
    }
    for (const auto& page : doc.pages)
        for (const auto& line : page.lines) {
            EXPECT_TRUE(line.layout.has_geometry);
            EXPECT_FALSE(line.ends_paragraph);
            EXPECT_GT(line.layout.font_size, 0);
            EXPECT_FALSE(line.layout.font_name.empty());
            EXPECT_EQ(line.layout.font_name.find('+'), std::string::npos); // subset tag gone
        }
}

TEST_P(PdfSamples, TitlesAreLargerAndCentredBylinesRightAligned) {
    auto doc = read_with("pdf", sample(GetParam(), "pdf"));
    auto g = gold(GetParam());
    // The first line of the gold title (titles may wrap).
    const bulletin::Line* title = nullptr;
    for (const auto& page : doc.pages)
        for (const auto& line : page.lines)
            if (!title && g.titles[0].starts_with(line.text) && line.text.size() >= 9)
                title = &line;
    ASSERT_NE(title, nullptr) << g.titles[0];
    const auto* body = find_line(doc, "，");
    ASSERT_NE(body, nullptr);
    EXPECT_GT(title->layout.font_size, body->layout.font_size);
    EXPECT_EQ(title->layout.alignment, bulletin::Alignment::Center);
    EXPECT_EQ(body->layout.alignment, bulletin::Alignment::Left);
    for (const auto& page : doc.pages)
        for (const auto& line : page.lines)
            if (line.text.starts_with("（") && line.text.ends_with("）") &&
                line.layout.x > page.width / 3) {
                EXPECT_EQ(line.layout.alignment, bulletin::Alignment::Right) << line.text;
            }
}

INSTANTIATE_TEST_SUITE_P(Samples, PdfSamples, ::testing::ValuesIn(kStems));

TEST(Pdf, MastheadDateSplitFromPublisherAndPageNumbersReported) {
    auto doc = read_with("pdf", sample("hunan-xuanren-2023-04-24", "pdf"));
    ASSERT_GE(doc.pages[0].lines.size(), 2u);
    EXPECT_EQ(doc.pages[0].lines[0].text, "湖南省人大常委会选举任免联络工作委员会编");
    EXPECT_EQ(doc.pages[0].lines[1].text, "2023年4月24日");
    EXPECT_EQ(doc.pages[0].lines[1].layout.alignment, bulletin::Alignment::Right);
    EXPECT_EQ(find_line(doc, "— 1 —"), nullptr);
    bool reported = false;
    for (const auto& d : doc.diagnostics)
        reported |= d.message.find("— 4 —") != std::string::npos;
    EXPECT_TRUE(reported);
}

TEST(Pdf, SniffsTheMagicNotTheName) {
    EXPECT_TRUE(accepts("pdf", "x.bin", read_file(sample("chengdu-zhuanbao-2024-03", "pdf"))));
    EXPECT_FALSE(accepts("pdf", "x.pdf", "<html><body>not a pdf</body></html>"));
    EXPECT_FALSE(accepts("pdf", "x.pdf", read_file(sample("chengdu-zhuanbao-2024-03", "docx"))));
}

TEST(Pdf, TruncatedFileIsAClearError) {
    auto bytes = read_file(sample("chengdu-zhuanbao-2024-03", "pdf"));
    for (std::size_t size : {std::size_t{100}, bytes.size() / 2}) {
        auto message = read_error("pdf", "broken.pdf", bytes.substr(0, size));
        EXPECT_NE(message.find("broken.pdf"), std::string::npos) << message;
        EXPECT_NE(message.find("damaged or truncated"), std::string::npos) << message;
    }
}

// A one-page PDF drawing `content`, with Helvetica as /F1.
std::string one_page_pdf(const std::string& content) {
    std::vector<std::string> objects = {
        "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R "
        ">> >> /Contents 4 0 R >>",
        "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "endstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
    std::string pdf = "%PDF-1.4\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(pdf.size());
        pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    std::size_t xref = pdf.size();
    pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (auto offset : offsets) {
        char entry[32];
        std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
        pdf += entry;
    }
    pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
           " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return pdf;
}

// A page that only draws a rectangle: what a scan without OCR looks like to a reader.
std::string pdf_without_text() {
    return one_page_pdf("10 10 100 100 re f\n0 g\n");
}

// `rows` lines of `per_row` one-glyph text objects.
std::string text_objects_pdf(int rows, int per_row) {
    std::string content;
    for (int r = 0; r < rows; ++r)
        for (int i = 0; i < per_row; ++i)
            content += "BT /F1 10 Tf 1 0 0 1 " + std::to_string(40 + 8 * i) + " " +
                       std::to_string(800 - 12 * r) + " Tm (a) Tj ET\n";
    return one_page_pdf(content);
}

TEST(Pdf, GlyphAndLineLimits) {
    auto bytes = text_objects_pdf(10, 30); // 300 glyphs, 10 lines
    EXPECT_EQ(read_bytes("pdf", "ok.pdf", bytes).pages[0].lines.size(), 10u);
    EXPECT_EQ(read_error("pdf", "dense.pdf", bytes, {{"max_chars_per_page", "299"}}),
              "dense.pdf: page 1 draws more than 299 characters (the pdf reader's "
              "max_chars_per_page limit; a bulletin's page has a few thousand: raise it with --set "
              "pdf.max_chars_per_page=N if this page is genuine)");
    EXPECT_EQ(read_error("pdf", "dense.pdf", bytes, {{"max_chars_per_page", "300"}}), "");
    EXPECT_NE(read_error("pdf", "dense.pdf", bytes, {{"max_chars", "250"}})
                  .find("dense.pdf: the document has more than 250 characters of text (the test "
                        "reader's max_chars limit"),
              std::string::npos);
    EXPECT_NE(read_error("pdf", "dense.pdf", bytes, {{"max_lines", "9"}})
                  .find("more than 9 lines of text"),
              std::string::npos);
}

TEST(Pdf, OneCrowdedLineIsRefused) {
    // poppler's layout is quadratic in the glyphs on one baseline.
    std::string content;
    for (int i = 0; i < 5000; ++i)
        content += "BT /F1 10 Tf 1 0 0 1 " + std::to_string(40 + i % 500) + " 400 Tm (a) Tj ET\n";
    auto message = read_error("pdf", "crowded.pdf", one_page_pdf(content),
                              {{"max_chars_per_page", "10000000"}, {"max_chars", "1000000000"}});
    EXPECT_EQ(message, "crowded.pdf: page 1 draws more than 4000 characters on one line (near "
                       "442 pt): this is not a page of text (a damaged or hostile file)");
}

/// Says the run was cancelled from its second question on: the reader has started the page.
class CancelledDuringThePage final : public bulletin::Context {
public:
    std::string_view plugin_name() const override { return "test"; }
    bool log_enabled(bulletin::LogLevel) const override { return false; }
    void log(bulletin::LogLevel, std::string_view) override {}
    bool cancelled() const override { return ++asked_ > 1; }
    std::filesystem::path output_path(std::string_view, const bulletin::Document&) const override {
        return {};
    }
    std::filesystem::path run_output_path(std::string_view) const override { return {}; }
    void write_file(const std::filesystem::path&, std::string_view) override {}
    std::unique_ptr<bulletin::OutputFile> open_file(const std::filesystem::path&) override {
        throw bulletin::Error("readers write no files");
    }
    void add_record(std::string_view) override {}

private:
    mutable int asked_ = 0;
};

TEST(Pdf, StopsWhenTheRunIsCancelled) {
    auto bytes = text_objects_pdf(10, 30);
    for (bool during_the_page : {false, true}) {
        CancelledContext before;
        CancelledDuringThePage during;
        bulletin::Context& ctx = during_the_page ? static_cast<bulletin::Context&>(during) : before;
        try {
            read_bytes("pdf", "stop.pdf", bytes, {}, ctx);
            FAIL() << "read on after the run was cancelled";
        } catch (const bulletin::Error& e) {
            EXPECT_EQ(std::string(e.what()), "stop.pdf: cancelled");
        }
    }
}

TEST(Pdf, PopplerMessagesGoToTheLogWithTheFileName) {
    TestContext ctx;
    auto doc = read_bytes("pdf", "complains.pdf",
                          one_page_pdf("BT /F1 24 Tf 72 700 Td (Hello bulletin) Tj "
                                       "/F#01#1Bx 12 Tf ET\n"),
                          {}, ctx);
    EXPECT_NE(find_line(doc, "Hello bulletin"), nullptr);
    ASSERT_EQ(ctx.messages.size(), 1u);
    EXPECT_EQ(ctx.messages[0],
              "complains.pdf: poppler: syntax error: Unknown font tag 'F<01><1b>x'");
}

TEST(Pdf, NoTextLayerIsAClearError) {
    auto message = read_error("pdf", "scan.pdf", pdf_without_text());
    EXPECT_NE(message.find("scan.pdf"), std::string::npos) << message;
    EXPECT_NE(message.find("no text layer"), std::string::npos) << message;
}

TEST(Pdf, EncryptedNeedsThePassword) {
    if (run_command("command -v qpdf").exit_code != 0)
        GTEST_SKIP() << "qpdf is not installed; cannot make an encrypted PDF";
    TempDir dir;
    auto out = dir.path() / "locked.pdf";
    auto result = run_command("qpdf --encrypt secret owner 256 -- '" +
                              sample("chengdu-zhuanbao-2024-03", "pdf").string() + "' '" +
                              out.string() + "'");
    ASSERT_EQ(result.exit_code, 0) << result.output;
    auto bytes = read_file(out);
    auto message = read_error("pdf", out, bytes);
    EXPECT_NE(message.find("locked.pdf"), std::string::npos) << message;
    EXPECT_NE(message.find("encrypted"), std::string::npos) << message;
    EXPECT_NE(read_error("pdf", out, bytes, {{"password", "wrong"}}).find("does not open"),
              std::string::npos);
    auto doc = read_bytes("pdf", out, bytes, {{"password", "secret"}});
    EXPECT_NE(find_line(doc, "市人大常委会调研城市更新立法工作"), nullptr);
}

} // namespace
