// bulletin/layout.hpp - from positioned glyph runs to lines, for fixed-layout readers.
//
// PDF and OFD give text as runs of glyphs with positions and fonts. These helpers group runs
// into lines by baseline in reading order (top to bottom, left to right; a wide gap splits a
// baseline into two lines, as pdftotext does), then drop page furniture (page numbers,
// running headers on pages 2+), measure each line's alignment against the text block, and mark
// each page's first line. A third-party reader of another fixed-layout format can use them too.
// TextBudget bounds what any reader produces from one input (DOCX and HTML use it too).
#pragma once

#include "bulletin/document.hpp"
#include "bulletin/params.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bulletin::layout {

/// A run of glyphs on one baseline, in points from the page's top-left corner.
struct GlyphRun {
    std::string text;
    double x = 0, baseline = 0, width = 0, size = 0; // points, page top-left origin
    std::string font;
    bool bold = false;
    std::uint32_t color = 0;
};

/// Groups one page's runs into lines. Runs on one baseline further apart than `column_gap`
/// points become separate lines.
std::vector<Line> build_lines(std::vector<GlyphRun> runs, double column_gap);

/// "— 3 —", "－3－", "第3页", "3/12", a bare number: a page number line.
bool is_page_number(std::string_view text);

/// What finish_pages() drops.
struct Furniture {
    bool drop_page_numbers = true;
    bool drop_running_headers = true;
    double header_band = 0.12; // fraction of the page height
};

/// After all pages were read: drops page numbers and running headers (saying what it dropped
/// in a diagnostic of `plugin`), computes alignment from the text block, marks the first line
/// of each page.
void finish_pages(Document& doc, const Furniture& options, std::string_view plugin);

/// The limits on what a reader produces from one input: its `max_chars` and `max_lines`
/// parameters (0: no limit). A small file must not make a reader produce gigabytes of text (a
/// package whose pages all draw one large content part, a PDF page of a million text objects):
/// the reader counts as it goes and stops with a bulletin::Error naming the file, the limit and
/// how to raise it.
class TextBudget {
public:
    /// `file` starts the messages; `reader` is the plugin's name, for the parameter to raise.
    TextBudget(std::string file, std::string_view reader, long long max_chars, long long max_lines);
    /// Counts `n` more characters (glyphs); throws once more than max_chars were counted.
    void add_chars(std::size_t n);
    /// Counts `n` more lines; throws once more than max_lines were counted.
    void add_lines(std::size_t n);
    std::size_t chars() const { return chars_; }
    std::size_t lines() const { return lines_; }

private:
    std::string file_, reader_;
    std::size_t max_chars_ = 0, max_lines_ = 0, chars_ = 0, lines_ = 0;
};

// The parameters every reader shares, with one default and one range for all of them
// (docs/limits.md); `help` says what the reader counts.
constexpr ParamSpec max_chars_param(const char* help) {
    return int_param("max_chars", "5000000", help).range(1, 1000000000);
}
constexpr ParamSpec max_lines_param(const char* help) {
    return int_param("max_lines", "200000", help).range(1, 100000000);
}
/// Readers that build lines from positioned glyphs (PDF, OFD).
constexpr ParamSpec column_gap_param() {
    return double_param(
               "column_gap", "3",
               "A horizontal gap wider than this many font sizes splits a baseline into two lines.")
        .range(0.1, 1000);
}
constexpr ParamSpec drop_page_numbers_param() {
    return bool_param("drop_page_numbers", "true",
                      "Drop page numbers such as '— 1 —' at the top or bottom of a page.");
}
constexpr ParamSpec drop_running_headers_param() {
    return bool_param("drop_running_headers", "true",
                      "Drop lines at the top of pages 2+ that repeat text found on another page.");
}

} // namespace bulletin::layout
