// cn.bulletin - one run of the segmenter over one document: the lines it sees and the state the
// sections share. Each section is implemented in a file of its own:
//   lines.cpp         run(); decoding the lines once, their shapes, the body's width and font
//   masthead.cpp      series, issue, publisher, date, marks; running page headers
//   toc.cpp           the table of contents
//   distribution.cpp  the distribution block and its recipients
//   bylines.cpp       bylines in brackets
//   articles.cpp      titles and paragraphs
#pragma once

#include "characters.hpp"
#include "config.hpp"
#include "text_helpers.hpp"

#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <cctype>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cn_bulletin {

inline constexpr const char* kPlugin = "cn.bulletin";

/// A non-blank line of the document, with what the rules ask of it worked out once.
struct TextLine {
    std::u32string_view raw;    ///< as written, trimmed
    std::u32string_view folded; ///< fold(raw)
    std::u32string_view key;    ///< folded without white space, for matching
    std::string_view utf8;      ///< raw in the reader's UTF-8, when `exact`
    bool exact = false;         ///< the line was valid UTF-8: utf8 is what to_utf8(raw) gives
    double width = 0;           ///< cells of raw
    double indent = 0;          ///< cells of leading white space (or a layout indent); 0 when none
    int page = 0, line = 0;     ///< 1-based, for diagnostics
    int page_pos = 0;           ///< 0-based among the page's non-empty lines
    bool ends_paragraph = false;
    const bulletin::LineLayout* layout = nullptr;
    // The line's shape, worked out once (the rules ask several times per line).
    bool terminal = false;     ///< ends a sentence (closing punctuation after it ignored)
    bool subheading = false;   ///< starts like "一、", "（一）", "1."
    bool forbidden = false;    ///< has a title_forbidden character
    bool whole_byline = false; ///< is a byline in brackets
    bool byline_end = false;   ///< ends with a byline (whole or glued after a sentence)
};

/// Lines joined into a title or paragraph, in UTF-32 for the rules and in UTF-8 for the output at
/// once: the UTF-8 is the lines' own bytes (what to_utf8 would give back for valid UTF-8), so the
/// text is not encoded again; a line that was not valid UTF-8 makes take_utf8 encode instead.
struct Joined {
    std::u32string u32;
    std::string u8;
    bool exact = true;

    void append(const TextLine& l) {
        // No space between CJK characters; one between two Latin words.
        if (!u32.empty() && !l.raw.empty() && u32.back() < 0x80 && l.raw.front() < 0x80 &&
            std::isalnum(static_cast<int>(u32.back())) &&
            std::isalnum(static_cast<int>(l.raw.front()))) {
            u32.push_back(U' ');
            u8.push_back(' ');
        }
        u32 += l.raw;
        u8 += l.utf8;
        exact = exact && l.exact;
    }
    /// The UTF-8 text, in a string of its own size (the buffers keep theirs for the next text).
    std::string take_utf8() const { return exact ? u8 : utf8(u32); }
    void clear() {
        u32.clear();
        u8.clear();
        exact = true;
    }
};

/// A number written in digits or Chinese numerals (text::parse_number), if in [0, 1,000,000].
std::optional<int> number(std::u32string_view s);

/// ISO date of a "2023年4月24日" or "二〇二三年六月十五日" key.
std::optional<std::string> iso_date(std::u32string_view key);

/// The issue of a "第12期（总第86期）", "增刊第3期" or "2023年第5期" key.
std::optional<bulletin::IssueNumber> parse_issue(std::u32string_view key);

/// The shortest publisher name left when its ending ("编") is taken off.
inline constexpr std::size_t kMinPublisherNameChars = 2;

/// A compiling body: a key ending in a publisher_suffixes entry ("…委员会编"), of a publisher's
/// length.
inline bool is_publisher(const Config& cfg, std::u32string_view key) {
    const std::u32string* suffix = ends_with_any(key, cfg.publisher_suffixes);
    return suffix && key.size() >= suffix->size() + kMinPublisherNameChars &&
           key.size() <= cfg.publisher_max_chars;
}

/// Fewer characters than this (a title's first line, or the start of one) are too few to say
/// they begin a table-of-contents entry.
inline constexpr std::size_t kMinTocPrefixChars = 4;

/// The field of the masthead a line or part of a line is, by its text alone.
enum class MastheadField { None, Marker, Date, Issue, Publisher, Toc };

/// The segmenter's work on one document: run() fills its masthead, articles and distribution.
class Segmentation {
public:
    Segmentation(const Config& cfg, bulletin::Document& doc)
        : cfg_(cfg), doc_(doc), subheading_(cfg.subheading.get()) {}

    void run();

private:
    // --- lines and widths (lines.cpp) ----------------------------------------------------------
    void collect_lines();
    static bool scan(std::string_view bytes, char32_t* out, TextLine& l, double& lead,
                     std::size_t& used);
    void shape(TextLine& l);
    void measure();
    static bulletin::Location location(const TextLine& l);
    void diagnose(const TextLine& l, const std::string& message,
                  bulletin::Severity severity = bulletin::Severity::Warning);

    // --- masthead and page furniture (masthead.cpp) --------------------------------------------
    bool is_marker(std::u32string_view key) const;
    MastheadField classify(std::u32string_view key) const;
    bool org_like(std::u32string_view key) const;
    void apply(MastheadField field, std::u32string_view raw);
    std::size_t parse_masthead();
    bool is_page_header(const TextLine& l) const;
    static bool is_copies(const TextLine& l) { return match_copies(l.key); }

    // --- table of contents (toc.cpp) -----------------------------------------------------------
    std::size_t parse_toc(std::size_t i);
    bool starts_an_entry(std::u32string_view key) const;

    // --- distribution (distribution.cpp) -------------------------------------------------------
    std::size_t find_distribution(std::size_t from) const;
    void parse_distribution(std::size_t from);

    // --- bylines (bylines.cpp) -----------------------------------------------------------------
    std::optional<bulletin::Byline> parse_byline(std::u32string_view inner_raw) const;
    std::optional<std::pair<std::size_t, bulletin::Byline>>
    trailing_byline(std::u32string_view s) const;

    // --- titles and paragraphs (articles.cpp) --------------------------------------------------
    // Worked out once per line by shape().
    static bool terminal(const TextLine& l) { return l.terminal; }
    static bool subheading(const TextLine& l) { return l.subheading; }
    static bool whole_byline(const TextLine& l) { return l.whole_byline; }
    bool full(const TextLine& l, bool first) const;
    bool continuation_full(const TextLine& l) const;
    bool first_full(const TextLine& l) const;
    bool layout_title(const TextLine& l) const;
    bool title_ish(const TextLine& l) const;
    bool body_start(std::size_t k) const;
    bool starts_block(const TextLine& l) const;
    bool ends_paragraph(std::size_t k, bool first) const;
    std::size_t title_lines(std::size_t k, bool expect_title, bool after_sentence) const;
    void start_article(std::string title, bulletin::Location location);
    void set_byline(bulletin::Byline byline, const TextLine& where);
    void finish_paragraph(Joined& text, const TextLine& first_line);
    void add_paragraph(std::string text, const TextLine& first_line);
    void segment_articles();

    const Config& cfg_;
    bulletin::Document& doc_;
    PrefixMatcher subheading_; ///< a user-supplied subheading_pattern
    /// Every line's text, folded text and key (the views of TextLine).
    std::unique_ptr<char32_t[]> text_;
    std::u32string series_; ///< the masthead's series as a key, for running headers
    std::vector<TextLine> lines_;
    std::vector<const TextLine*> body_;
    std::vector<std::u32string> toc_;
    std::vector<std::string> dropped_; ///< page furniture, reported once
    bool reader_paragraphs_ = false;
    bool expect_title_ = true;
    double width_ = 0;
    double body_font_ = 0;
};

} // namespace cn_bulletin
