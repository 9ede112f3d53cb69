// cn.bulletin - segments the lines of a Chinese government bulletin (简报) into its masthead,
// articles and distribution block.
//
// The text rules work on what every reader gives: lines and their printed widths. Layout (font
// size, alignment, Line::ends_paragraph), when a reader has it, settles what the text leaves open.
// Every threshold is a parameter (table at the bottom), so a series laid out differently is a
// pipeline override. Lines that fit nowhere become diagnostics, never silent losses.
//
// Matching works on a "folded" copy of each line: full-width ASCII forms map to ASCII one code
// point for one, so "（" and "(" match alike and an offset in the folded text is an offset in the
// text as written, which is what the output keeps.
//
// Speed: each line is decoded once into one per-document UTF-32 buffer (as written, folded, and
// folded without white space), and what the rules ask of a line again and again (sentence end,
// sub-heading, byline, forbidden title characters) is worked out once per line. The fixed
// patterns are hand matchers (matchers.hpp says why); only a user-supplied subheading_pattern
// still runs through ICU.
#include "matchers.hpp"

#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <unicode/regex.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using bulletin::Document;
using bulletin::Severity;
namespace text = bulletin::text;
namespace cnb = cn_bulletin;

constexpr const char* kPlugin = "cn.bulletin";
constexpr std::size_t npos = std::u32string::npos;

// ---------------------------------------------------------------------------------------------
// Characters and strings

inline char32_t fold(char32_t c) {
    if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFEE0;
    if (c == 0x3000) return U' ';
    return c;
}

std::u32string fold(std::u32string_view s) {
    std::u32string out(s);
    for (char32_t& c : out)
        c = fold(c);
    return out;
}

/// bulletin::text::is_space (Unicode White_Space and U+3000), inline: it is asked of every
/// character of every line.
inline bool is_space(char32_t c) {
    return cnb::white_space(c);
}

/// A code point and where the next one starts; U+FFFD and `valid` false for an invalid sequence.
struct Decoded {
    char32_t c;
    int32_t next;
    bool valid;
};

/// Anything but ASCII and well-formed two- and three-byte sequences: ICU's U8_NEXT, the macro
/// bulletin::text::to_u32 uses, so invalid sequences become U+FFFD exactly as there.
Decoded other_code_point(const uint8_t* p, int32_t i, int32_t n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c >= 0) return {static_cast<char32_t>(c), i, true};
    return {U'\uFFFD', i, false};
}

/// The code point at p[i] as bulletin::text::to_u32 decodes it. Written by hand so that a
/// document's lines are decoded into one buffer (not a string each) and CJK text costs a few
/// instructions a character: well-formed one- to three-byte sequences are decoded here, the rest
/// by other_code_point.
[[gnu::always_inline]] inline Decoded next_code_point(const uint8_t* p, int32_t i, int32_t n) {
    const char32_t b = p[i];
    if (b < 0x80) return {b, i + 1, true};
    if ((b & 0xF0) == 0xE0 && i + 2 < n) {
        const char32_t t1 = p[i + 1] ^ 0x80u, t2 = p[i + 2] ^ 0x80u;
        const char32_t c = (b & 0x0F) << 12 | t1 << 6 | t2;
        // Trail bytes 80..BF; no overlong form (< U+0800) and no surrogate.
        if ((t1 | t2) < 0x40 && c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) return {c, i + 3, true};
    } else if ((b & 0xE0) == 0xC0 && b >= 0xC2 && i + 1 < n) {
        const char32_t t1 = p[i + 1] ^ 0x80u;
        if (t1 < 0x40) return {(b & 0x1F) << 6 | t1, i + 2, true};
    }
    return other_code_point(p, i, n);
}

std::u32string u32(std::string_view s) {
    std::u32string out;
    out.reserve(s.size());
    const auto* p = reinterpret_cast<const uint8_t*>(s.data());
    for (int32_t i = 0, n = static_cast<int32_t>(s.size()); i < n;) {
        const Decoded d = next_code_point(p, i, n);
        out.push_back(d.c);
        i = d.next;
    }
    return out;
}

/// UTF-32 -> UTF-8 as bulletin::text::to_utf8 (surrogates and values past U+10FFFF become
/// U+FFFD), appended to `out`: sized once, then written in place.
void append_utf8(std::string& out, std::u32string_view s) {
    auto valid = [](char32_t c) { return c < 0xD800 || (c > 0xDFFF && c <= 0x10FFFF); };
    std::size_t bytes = s.size(); // U+FFFD for invalid values takes three bytes
    for (char32_t c : s)
        bytes += (c >= 0x80) + (c >= 0x800) + (c >= 0x10000 && c <= 0x10FFFF);
    std::size_t at = out.size();
    out.resize(at + bytes);
    char* w = out.data() + at;
    for (char32_t c : s) {
        if (c < 0x80) {
            *w++ = static_cast<char>(c);
            continue;
        }
        if (!valid(c)) c = 0xFFFD;
        if (c < 0x800) {
            *w++ = static_cast<char>(0xC0 | (c >> 6));
        } else if (c < 0x10000) {
            *w++ = static_cast<char>(0xE0 | (c >> 12));
            *w++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        } else {
            *w++ = static_cast<char>(0xF0 | (c >> 18));
            *w++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
            *w++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        }
        *w++ = static_cast<char>(0x80 | (c & 0x3F));
    }
}

std::string utf8(std::u32string_view s) {
    std::string out;
    append_utf8(out, s);
    return out;
}

std::u32string_view trim_view(std::u32string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && is_space(s[b]))
        ++b;
    while (e > b && is_space(s[e - 1]))
        --e;
    return s.substr(b, e - b);
}

std::u32string trim(std::u32string_view s) {
    return std::u32string(trim_view(s));
}

void append_squeezed(std::u32string& out, std::u32string_view s) {
    for (char32_t c : s)
        if (!is_space(c)) out.push_back(c);
}

std::u32string squeeze(std::u32string_view s) {
    std::u32string out;
    append_squeezed(out, s);
    return out;
}

bool contains(std::u32string_view set, char32_t c) {
    return set.find(c) != npos;
}

/// +1 for an opening bracket "([{《〈【〔", -1 for a closing one ")]}》〉】〕" (folded), else 0.
inline int bracket(char32_t c) {
    switch (c) {
    case U'(':
    case U'[':
    case U'{':
    case U'《':
    case U'〈':
    case U'【':
    case U'〔':
        return 1;
    case U')':
    case U']':
    case U'}':
    case U'》':
    case U'〉':
    case U'】':
    case U'〕':
        return -1;
    default:
        return 0;
    }
}
// Character sets as views made once (a literal passed as a view is measured at every call).
constexpr std::u32string_view kMarkingPunctuation = U"★☆·•、,|/";
constexpr std::u32string_view kRecipientTrailers = U"。.;；,，、";
constexpr std::u32string_view kBylineForbidden = U"。,;!?", kNameSeparators = U"、,，/";

/// A parameter's set of characters (terminal_punctuation, ...). The range test first answers
/// for Han text, which lies above every punctuation set, in one comparison.
class CharSet {
public:
    CharSet() = default;
    explicit CharSet(std::u32string chars) : chars_(std::move(chars)) {
        for (char32_t c : chars_) {
            lo_ = std::min(lo_, c);
            hi_ = std::max(hi_, c);
        }
    }
    bool has(char32_t c) const { return c >= lo_ && c <= hi_ && contains(chars_, c); }

private:
    std::u32string chars_;
    char32_t lo_ = U'\U0010FFFF', hi_ = 0;
};

bool ends_with(std::u32string_view s, std::u32string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// Printed width in CJK cells: Han, CJK punctuation and symbols take one cell; ASCII letters and
/// digits half a cell. ASCII punctuation that NFKC folded from full-width forms ("," from "，")
/// still took a full cell on the page.
inline double cells(char32_t c) {
    if (c >= 0x2000) return 1.0;
    if (c >= 0x80) return 0.5;
    switch (c) {
    case U',':
    case U':':
    case U';':
    case U'(':
    case U')':
    case U'!':
    case U'?':
    case U'[':
    case U']':
    case U'{':
    case U'}':
        return 1.0;
    default:
        return 0.5;
    }
}
double cells(std::u32string_view s) {
    double width = 0;
    for (char32_t c : s)
        width += cells(c);
    return width;
}

/// Calls f(field) for each run of non-white space, in order; stops when f returns false.
/// Returns whether every call returned true.
template <class F> bool each_field(std::u32string_view s, F f) {
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && is_space(s[i]))
            ++i;
        std::size_t b = i;
        while (i < s.size() && !is_space(s[i]))
            ++i;
        if (i > b && !f(s.substr(b, i - b))) return false;
    }
    return true;
}

/// Splits on runs of white space.
std::vector<std::u32string> fields(std::u32string_view s) {
    std::vector<std::u32string> out;
    each_field(s, [&](std::u32string_view f) {
        out.emplace_back(f);
        return true;
    });
    return out;
}

std::vector<std::u32string> u32_list(const std::vector<std::string>& items) {
    std::vector<std::u32string> out;
    for (const auto& item : items)
        out.push_back(squeeze(fold(u32(item))));
    // Longest first, so "抄送" is tried before "送".
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.size() > b.size(); });
    return out;
}

const std::u32string* ends_with_any(std::u32string_view s,
                                    const std::vector<std::u32string>& list) {
    for (const auto& item : list)
        if (!item.empty() && ends_with(s, item)) return &item;
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// A user-supplied subheading_pattern: ICU, on the folded line

std::shared_ptr<const icu::RegexPattern> compile(const std::string& pattern) {
    UErrorCode status = U_ZERO_ERROR;
    UParseError where{};
    std::shared_ptr<const icu::RegexPattern> out(
        icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(pattern), 0, where, status));
    if (U_FAILURE(status))
        throw bulletin::Error("cn.bulletin: bad regular expression (offset " +
                              std::to_string(where.offset) + "): " + pattern);
    return out;
}

/// One matcher per document (a RegexMatcher is not shareable between threads), reset per line.
class PrefixMatcher {
public:
    explicit PrefixMatcher(const icu::RegexPattern* pattern) {
        if (!pattern) return;
        UErrorCode status = U_ZERO_ERROR;
        matcher_.reset(pattern->matcher(status));
        if (U_FAILURE(status)) matcher_.reset();
    }
    /// ICU lookingAt: a match at the start of `s`.
    bool looking_at(std::u32string_view s) {
        if (!matcher_) return false;
        UErrorCode status = U_ZERO_ERROR;
        input_ = icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(s.data()),
                                               static_cast<int32_t>(s.size()));
        matcher_->reset(input_);
        bool found = matcher_->lookingAt(status);
        return found && U_SUCCESS(status);
    }

private:
    std::unique_ptr<icu::RegexMatcher> matcher_;
    icu::UnicodeString input_; ///< the matcher refers to it
};

// ---------------------------------------------------------------------------------------------
// Configuration: the parameter table, read once

struct Config {
    int masthead_max_lines = 0;
    std::size_t series_max_chars = 0;
    std::size_t publisher_max_chars = 0;
    std::vector<std::u32string> series_suffixes, publisher_suffixes, marker_words, toc_headings,
        org_suffixes, author_labels, department_labels, department_suffixes, labels;
    std::u32string marker_chars; ///< sorted: every character a marking line may contain
    int toc_max_lines = 0;
    CharSet toc_bullets;
    int title_max_lines = 0;
    std::size_t title_max_chars = 0, title_min_chars = 0;
    bool titles_without_byline = true;
    CharSet title_forbidden;
    double title_font_ratio = 0;
    bool centered_is_title = true;
    double line_width = 0, indent = 0, width_tolerance = 0, open_tolerance = 0,
           continuation_tolerance = 0;
    bool terminal_ends_paragraph = true;
    CharSet terminal, closers;
    std::size_t byline_max_chars = 0;
    double distribution_tolerance = 0;
    CharSet separators;
    int header_max_lines = 0;
    std::vector<std::string> paragraph_formats;
    /// subheading_pattern when it is not the default (which matchers.hpp matches by hand).
    std::shared_ptr<const icu::RegexPattern> subheading;

    explicit Config(const bulletin::Params& p)
        : masthead_max_lines(static_cast<int>(p.integer("masthead_max_lines"))),
          series_max_chars(static_cast<std::size_t>(p.integer("series_max_chars"))),
          publisher_max_chars(static_cast<std::size_t>(p.integer("publisher_max_chars"))),
          series_suffixes(u32_list(p.list("series_suffixes"))),
          publisher_suffixes(u32_list(p.list("publisher_suffixes"))),
          marker_words(u32_list(p.list("marker_words"))),
          toc_headings(u32_list(p.list("toc_headings"))),
          org_suffixes(u32_list(p.list("organization_suffixes"))),
          author_labels(u32_list(p.list("author_labels"))),
          department_labels(u32_list(p.list("department_labels"))),
          department_suffixes(u32_list(p.list("department_suffixes"))),
          labels(u32_list(p.list("distribution_labels"))),
          toc_max_lines(static_cast<int>(p.integer("toc_max_lines"))),
          toc_bullets(u32(p.string("toc_bullets"))),
          title_max_lines(static_cast<int>(p.integer("title_max_lines"))),
          title_max_chars(static_cast<std::size_t>(p.integer("title_max_chars"))),
          title_min_chars(static_cast<std::size_t>(p.integer("title_min_chars"))),
          titles_without_byline(p.boolean("titles_without_byline")),
          title_forbidden(fold(u32(p.string("title_forbidden")))),
          title_font_ratio(p.number("title_font_ratio")),
          centered_is_title(p.boolean("centered_is_title")), line_width(p.number("line_width")),
          indent(p.number("paragraph_indent")), width_tolerance(p.number("width_tolerance")),
          open_tolerance(p.number("open_line_tolerance")),
          continuation_tolerance(p.number("continuation_tolerance")),
          terminal_ends_paragraph(p.boolean("terminal_ends_paragraph")),
          terminal(fold(u32(p.string("terminal_punctuation")))),
          closers(fold(u32(p.string("closing_punctuation")))),
          byline_max_chars(static_cast<std::size_t>(p.integer("byline_max_chars"))),
          distribution_tolerance(p.number("distribution_width_tolerance")),
          separators(fold(u32(p.string("recipient_separators")))),
          header_max_lines(static_cast<int>(p.integer("header_max_lines"))),
          paragraph_formats(p.list("reader_paragraph_formats")) {
        const std::string pattern = p.string("subheading_pattern");
        if (pattern != cnb::kSubheadingPattern) subheading = compile(pattern);
        marker_chars = kMarkingPunctuation;
        for (const auto& word : marker_words)
            marker_chars += word;
        std::sort(marker_chars.begin(), marker_chars.end());
    }
};

// ---------------------------------------------------------------------------------------------
// Lines as the segmenter sees them

struct Ln {
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

    void append(const Ln& l) {
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

std::optional<int> number(std::u32string_view s) {
    if (s.empty()) return std::nullopt;
    auto v = text::parse_number(s);
    if (!v || *v < 0 || *v > 1000000) return std::nullopt;
    return static_cast<int>(*v);
}

/// ISO date of a "2023年4月24日" or "二〇二三年六月十五日" key.
std::optional<std::string> iso_date(std::u32string_view key) {
    auto g = cnb::match_date(key);
    if (!g) return std::nullopt;
    auto y = number(g->year), m = number(g->month), d = number(g->day);
    if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1 || *d > 31 || *y < 1900 || *y > 2200)
        return std::nullopt;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", *y, *m, *d);
    return std::string(buf);
}

std::optional<bulletin::IssueNumber> parse_issue(std::u32string_view key) {
    auto g = cnb::match_issue(key);
    if (!g) return std::nullopt;
    bulletin::IssueNumber issue;
    auto n = number(g->number);
    if (!n) return std::nullopt;
    issue.number = *n;
    if (auto total = number(g->total)) issue.total = *total;
    if (auto year = number(g->year)) issue.year = *year;
    issue.supplement = !g->supplement.empty();
    return issue;
}

// ---------------------------------------------------------------------------------------------
// One run of the segmenter over one document

class Segmentation {
public:
    Segmentation(const Config& cfg, Document& doc)
        : cfg_(cfg), doc_(doc), subheading_(cfg.subheading.get()) {}

    void run() {
        collect_lines();
        std::size_t begin = parse_masthead();
        if (doc_.masthead.series) series_ = squeeze(fold(u32(*doc_.masthead.series)));
        begin = parse_toc(begin);
        std::size_t dist = find_distribution(begin);
        body_.reserve(dist - std::min(begin, dist));
        for (std::size_t k = begin; k < dist; ++k) {
            const Ln& l = lines_[k];
            if (is_page_header(l)) {
                dropped_.push_back(utf8(l.raw));
                continue;
            }
            if (is_marker(l.key) || is_copies(l)) continue; // kept in metadata
            shape(lines_[k]);
            body_.push_back(&l);
        }
        measure();
        segment_articles();
        parse_distribution(dist);
        if (!dropped_.empty()) {
            std::string list;
            for (const auto& d : dropped_)
                list += (list.empty() ? "'" : ", '") + d + "'";
            doc_.diagnose(Severity::Info, kPlugin,
                          "dropped " + std::to_string(dropped_.size()) +
                              " page-furniture line(s) (page numbers, running headers): " + list);
        }
    }

private:
    // --- lines -------------------------------------------------------------------------------

    void collect_lines() {
        // One buffer for the document, allocated once, so the lines' views stay valid.
        std::size_t bytes = 0, count = 0;
        for (const auto& page : doc_.pages) {
            count += page.lines.size();
            for (const auto& line : page.lines)
                bytes += line.text.size();
        }
        // Room for each line as written, folded and squeezed: at most one code point per byte.
        // Only what the lines use is touched (scan() packs each line's three forms), so a CJK
        // text costs ~4 bytes per input byte here, not 12.
        text_ = std::make_unique_for_overwrite<char32_t[]>(3 * bytes);
        char32_t* w = text_.get();
        lines_.reserve(count);
        for (const auto& page : doc_.pages) {
            int pos = 0, index = 0;
            for (const auto& line : page.lines) {
                ++index;
                Ln l;
                double lead = 0;
                std::size_t used = 0;
                if (!scan(line.text, w, l, lead, used)) continue;
                w += used;
                if (cnb::match_page_number(l.key)) { // "— 3 —" from any reader
                    dropped_.push_back(utf8(l.raw));
                    continue;
                }
                l.indent = lead >= 1.0 ? lead : 0.0;
                if (line.layout.indent > 0 && l.indent == 0) l.indent = cfg_.indent;
                l.page =
                    page.number > 0 ? page.number : static_cast<int>(&page - doc_.pages.data()) + 1;
                l.line = index;
                l.page_pos = pos++;
                l.ends_paragraph = line.ends_paragraph;
                l.layout = &line.layout;
                lines_.push_back(l);
            }
        }
        const auto& formats = cfg_.paragraph_formats;
        reader_paragraphs_ =
            std::find(formats.begin(), formats.end(), doc_.source.format) != formats.end();
    }

    /// One pass over a line's UTF-8: decodes it to `out` (room for 3 × its bytes) as written,
    /// folded and without white space (raw, folded and key), trims it, and measures its width and
    /// its leading white space (an ideographic space is a cell, an ASCII space half, a tab two).
    /// The three forms end up packed at `out`, `used` code points in all. False for a blank line.
    static bool scan(std::string_view bytes, char32_t* out, Ln& l, double& lead,
                     std::size_t& used) {
        const std::size_t size = bytes.size();
        const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
        const auto n = static_cast<int32_t>(size);
        bool exact = true;
        int32_t i = 0, begin = 0;
        Decoded d{};
        while (i < n) { // leading white space
            d = next_code_point(p, i, n);
            exact = exact && d.valid;
            begin = i;
            i = d.next;
            if (!is_space(d.c)) break;
            lead += d.c == U'\t' ? 2.0 : d.c < 0x80 ? 0.5 : 1.0;
        }
        if (i == 0 || is_space(d.c)) return false; // blank
        char32_t *const raw = out, *const folded = out + size, *const key = out + 2 * size;
        std::size_t j = 0, k = 0, end = 0;
        double width = 0;
        for (char32_t c = d.c;;) {
            if (c > 0x3000 && c < 0xFF01) { // CJK: itself folded, no space, one cell
                raw[j] = folded[j] = key[k++] = c;
                end = ++j;
                width += 1.0;
            } else {
                const char32_t f = fold(c);
                raw[j] = c;
                folded[j++] = f;
                width += cells(c);
                if (!is_space(c)) {
                    key[k++] = f;
                    end = j;
                }
            }
            if (i >= n) break;
            d = next_code_point(p, i, n);
            exact = exact && d.valid;
            c = d.c;
            i = d.next;
        }
        // Trailing white space is trimmed. Widths are multiples of half a cell, so subtracting
        // is exact: the same width as summing cells(raw). A valid line's bytes end before the
        // UTF-8 of that white space.
        std::size_t tail_bytes = 0;
        for (std::size_t t = end; t < j; ++t) {
            width -= cells(raw[t]);
            tail_bytes += raw[t] < 0x80 ? 1 : raw[t] < 0x800 ? 2 : 3; // white space is BMP
        }
        l.width = width;
        // Packed: folded right after raw, key after folded.
        std::memmove(raw + end, folded, end * sizeof(char32_t));
        std::memmove(raw + 2 * end, key, k * sizeof(char32_t));
        l.raw = std::u32string_view(raw, end);
        l.folded = std::u32string_view(raw + end, end);
        l.key = std::u32string_view(raw + 2 * end, k);
        used = 2 * end + k;
        if (exact) {
            // Valid UTF-8 round-trips through UTF-32: the line's own bytes are the output.
            const auto b = static_cast<std::size_t>(begin);
            l.utf8 = bytes.substr(b, size - tail_bytes - b);
            l.exact = true;
        }
        return true;
    }

    /// What the rules ask of a body line, once.
    void shape(Ln& l) {
        std::u32string_view s = l.folded;
        while (!s.empty() && cfg_.closers.has(s.back()))
            s.remove_suffix(1);
        l.terminal = !s.empty() && cfg_.terminal.has(s.back());
        l.subheading = cfg_.subheading ? subheading_.looking_at(l.folded)
                                       : cnb::match_default_subheading(l.folded);
        l.forbidden = std::any_of(l.folded.begin(), l.folded.end(),
                                  [&](char32_t c) { return cfg_.title_forbidden.has(c); });
        if (auto b = trailing_byline(l.raw)) {
            l.byline_end = true;
            l.whole_byline = b->first == 0;
        }
    }

    static bulletin::Location location(const Ln& l) {
        bulletin::Location at;
        at.page = l.page;
        if (l.layout && l.layout->has_geometry) {
            at.x = l.layout->x;
            at.y = l.layout->y;
            at.width = l.layout->width;
            at.height = l.layout->height;
            at.has_box = true;
        }
        return at;
    }

    void diagnose(const Ln& l, const std::string& message, Severity severity = Severity::Warning) {
        doc_.diagnose(severity, kPlugin, message + ": \"" + utf8(l.raw) + "\"", l.page, l.line);
    }

    // --- masthead ----------------------------------------------------------------------------

    enum class Kind { None, Marker, Date, Issue, Publisher, Toc };

    bool is_marker(std::u32string_view key) const {
        if (key.empty()) return false;
        // Removing words only removes characters: a character in no marker word and not in the
        // allowed punctuation stays, so the line is no marking (most lines stop at the first).
        for (char32_t c : key)
            if (!std::binary_search(cfg_.marker_chars.begin(), cfg_.marker_chars.end(), c))
                return false;
        std::u32string rest(key);
        bool removed = false;
        for (const auto& word : cfg_.marker_words) {
            for (std::size_t at; !word.empty() && (at = rest.find(word)) != npos;) {
                rest.erase(at, word.size());
                removed = true;
            }
        }
        for (char32_t c : rest)
            if (!contains(kMarkingPunctuation, c)) return false;
        return removed;
    }

    Kind classify(std::u32string_view key) const {
        if (key.empty()) return Kind::None;
        if (iso_date(key)) return Kind::Date;
        if (parse_issue(key)) return Kind::Issue;
        if (is_marker(key)) return Kind::Marker;
        for (const auto& heading : cfg_.toc_headings)
            if (key == heading) return Kind::Toc;
        if (auto suffix = ends_with_any(key, cfg_.publisher_suffixes))
            if (key.size() >= suffix->size() + 2 && key.size() <= cfg_.publisher_max_chars)
                return Kind::Publisher;
        return Kind::None;
    }

    bool org_like(std::u32string_view key) const {
        return key.size() >= 2 && ends_with_any(key, cfg_.org_suffixes) != nullptr;
    }

    /// Records one masthead field; `raw` is the field as written.
    void apply(Kind kind, std::u32string_view raw) {
        auto& m = doc_.masthead;
        std::u32string key = squeeze(fold(raw));
        switch (kind) {
        case Kind::Date:
            m.date = iso_date(key);
            m.date_text = utf8(trim(raw));
            break;
        case Kind::Issue:
            m.issue = parse_issue(key);
            break;
        case Kind::Publisher: {
            std::u32string name = squeeze(raw);
            name.resize(name.size() - ends_with_any(key, cfg_.publisher_suffixes)->size());
            m.publisher = utf8(name);
            break;
        }
        case Kind::Marker: {
            auto& marking = doc_.metadata["marking"];
            marking += (marking.empty() ? "" : " ") + utf8(trim(raw));
            break;
        }
        case Kind::None:
        case Kind::Toc:
            break;
        }
    }

    /// Masthead: series, issue, publisher, date and confidentiality marks, from the top down to
    /// the date (or the first line that is none of these). Returns the index after it.
    std::size_t parse_masthead() {
        auto& m = doc_.masthead;
        std::size_t i = 0;
        auto next_kind = [&](std::size_t at) {
            return at + 1 < lines_.size() ? classify(lines_[at + 1].key) : Kind::None;
        };
        for (; i < lines_.size() && static_cast<int>(i) < cfg_.masthead_max_lines; ++i) {
            const Ln& l = lines_[i];
            Kind kind = classify(l.key);
            if (kind == Kind::Toc) break;
            if (kind != Kind::None) {
                apply(kind, l.raw);
                if (kind == Kind::Date) return i + 1;
                continue;
            }
            // Several fields on one line: "湖南省…委员会编 2023年4月24日", "人大工作动态 第7期".
            // Unnamed fields: the series when it comes first, else an organisation as publisher.
            auto parts = fields(l.raw);
            if (parts.size() >= 2) {
                std::vector<Kind> kinds;
                std::vector<int> roles; // 0: classified, 1: series, 2: publisher
                bool series_free = !m.series, publisher_free = !m.publisher, known = true;
                for (std::size_t f = 0; f < parts.size() && known; ++f) {
                    std::u32string key = squeeze(fold(parts[f]));
                    kinds.push_back(classify(key));
                    if (kinds[f] != Kind::None && kinds[f] != Kind::Toc) {
                        roles.push_back(0);
                    } else if (f == 0 && series_free && key.size() <= cfg_.series_max_chars &&
                               !org_like(key)) {
                        roles.push_back(1);
                        series_free = false;
                    } else if (publisher_free && org_like(key) &&
                               key.size() <= cfg_.publisher_max_chars) {
                        roles.push_back(2);
                        publisher_free = false;
                    } else {
                        known = false;
                    }
                }
                if (known) {
                    bool dated = false;
                    for (std::size_t f = 0; f < parts.size(); ++f) {
                        if (roles[f] == 1) m.series = utf8(squeeze(parts[f]));
                        if (roles[f] == 2) m.publisher = utf8(squeeze(parts[f]));
                        if (roles[f] == 0) apply(kinds[f], parts[f]);
                        dated = dated || kinds[f] == Kind::Date;
                    }
                    if (dated) return i + 1;
                    continue;
                }
            }
            // The series name: before the issue, short, usually ending "简报", "动态", "专报"…
            // Letter spacing ("信 息 简 报") is dropped.
            if (!m.series && !m.issue && !m.publisher && l.key.size() <= cfg_.series_max_chars &&
                (ends_with_any(l.key, cfg_.series_suffixes) || next_kind(i) == Kind::Issue)) {
                m.series = utf8(squeeze(l.raw));
                continue;
            }
            // A publisher without "编": after the series or issue, an organisation or just before
            // the date.
            if (!m.publisher && (m.series || m.issue) && l.key.size() <= cfg_.publisher_max_chars &&
                (org_like(l.key) || next_kind(i) == Kind::Date)) {
                m.publisher = utf8(squeeze(l.raw));
                continue;
            }
            break;
        }
        return i;
    }

    // --- table of contents -------------------------------------------------------------------

    /// "本期要目" and its entries. The table ends where the first article's title begins (a line
    /// that starts an entry), at a reader's paragraph end, or after toc_max_lines.
    std::size_t parse_toc(std::size_t i) {
        if (i >= lines_.size()) return i;
        bool heading = std::any_of(cfg_.toc_headings.begin(), cfg_.toc_headings.end(),
                                   [&](const auto& h) { return lines_[i].key == h; });
        if (!heading) return i;
        std::size_t j = i + 1;
        bool bullets = false, found_title = false;
        std::size_t first_end = 0, entries_at_first_end = 0; // a reader's paragraph end
        for (; j < lines_.size() && static_cast<int>(j - i) <= cfg_.toc_max_lines; ++j) {
            const Ln& l = lines_[j];
            std::u32string_view key = l.key;
            if (first_end == 0 && j > i + 1 && lines_[j - 1].ends_paragraph) {
                first_end = j;
                entries_at_first_end = toc_.size();
            }
            if (!key.empty() && cfg_.toc_bullets.has(key.front())) { // an entry
                bullets = true;
                toc_.emplace_back(key.substr(1));
                continue;
            }
            // Not a bullet: the first title, the end of the table, or more of an entry.
            if (starts_an_entry(key)) {
                found_title = true;
                break;
            }
            if (bullets && lines_[j - 1].ends_paragraph) break;
            if (bullets)
                toc_.back() += key;
            else
                toc_.emplace_back(key); // a table without bullets: one entry per line
        }
        // A table without bullets whose entries never began a title: trust the first paragraph
        // end the reader marked, if any.
        if (!bullets && !found_title && first_end > 0) {
            toc_.resize(entries_at_first_end);
            j = first_end;
        }
        if (!toc_.empty()) {
            std::string joined;
            for (const auto& entry : toc_)
                joined += (joined.empty() ? "" : "\n") + utf8(entry);
            doc_.metadata["toc"] = joined;
        }
        return j;
    }

    bool starts_an_entry(std::u32string_view key) const {
        if (key.size() < 4) return false;
        return std::any_of(toc_.begin(), toc_.end(),
                           [&](const auto& e) { return e.compare(0, key.size(), key) == 0; });
    }

    // --- what is not an article ----------------------------------------------------------------

    /// A running header at the top of a later page: the series name, the issue, or both.
    bool is_page_header(const Ln& l) const {
        if (!series_.empty() && l.key == series_) return true;
        if (l.page <= 1 || l.page_pos >= cfg_.header_max_lines) return false;
        if (parse_issue(l.key)) return true;
        std::size_t parts = 0;
        bool all = each_field(l.folded, [&](std::u32string_view key) {
            ++parts;
            return (!series_.empty() && key == series_) || parse_issue(key) || iso_date(key);
        });
        return all && parts >= 2;
    }

    bool is_copies(const Ln& l) const { return cnb::match_copies(l.key); }

    // --- distribution ----------------------------------------------------------------------------

    std::size_t find_distribution(std::size_t from) const {
        for (std::size_t k = from; k < lines_.size(); ++k)
            if (cnb::match_label(lines_[k].folded, cfg_.labels)) return k;
        return lines_.size();
    }

    void parse_distribution(std::size_t from) {
        struct Piece {
            std::u32string_view text;
            double width;
        };
        struct Block {
            std::u32string_view label;
            std::vector<Piece> pieces;
        };
        std::vector<Block> blocks;
        double widest = 0;
        for (std::size_t k = from; k < lines_.size(); ++k) {
            const Ln& l = lines_[k];
            if (is_page_header(l)) {
                dropped_.push_back(utf8(l.raw));
                continue;
            }
            if (is_marker(l.key)) continue;
            if (is_copies(l)) {
                doc_.metadata["copies"] = utf8(l.raw);
                continue;
            }
            if (auto g = cnb::match_label(l.folded, cfg_.labels)) {
                std::u32string_view rest = l.raw.substr(g->rest);
                blocks.push_back({l.raw.substr(0, g->label), {}});
                if (!rest.empty()) blocks.back().pieces.push_back({rest, cells(rest)});
            } else if (cnb::match_printed(l.key)) {
                doc_.metadata["printed"] = utf8(l.raw);
                continue;
            } else if (!blocks.empty()) {
                blocks.back().pieces.push_back({l.raw, l.width});
            } else {
                diagnose(l, "line after the articles that is not part of the distribution");
                continue;
            }
            if (!blocks.back().pieces.empty())
                widest = std::max(widest, blocks.back().pieces.back().width);
        }
        for (const auto& block : blocks) {
            bulletin::DistributionBlock out;
            out.label = utf8(block.label);
            out.recipients = split_recipients(block.pieces, widest);
            doc_.distribution.push_back(std::move(out));
        }
    }

    /// Joins a block's lines and splits it into recipients. A line break separates two recipients
    /// unless the line was full (within distribution_width_tolerance of the widest distribution
    /// line: it wrapped inside a name) or a bracket is still open.
    template <class Pieces>
    std::vector<std::string> split_recipients(const Pieces& pieces, double widest) const {
        constexpr char32_t kBreak = U'\x1F';
        std::u32string joined;
        int depth = 0;
        for (std::size_t i = 0; i < pieces.size(); ++i) {
            std::u32string_view t = pieces[i].text;
            for (char32_t raw : t) {
                int b = bracket(fold(raw));
                if (b > 0) ++depth;
                if (b < 0 && depth > 0) --depth;
            }
            joined += t;
            if (i + 1 == pieces.size()) break;
            bool wrapped = depth > 0 || cfg_.separators.has(fold(t.back())) ||
                           pieces[i].width >= widest - cfg_.distribution_tolerance;
            if (!wrapped) joined.push_back(kBreak);
        }
        std::vector<std::string> out;
        std::size_t start = 0; // of the current recipient in joined
        depth = 0;
        auto flush = [&](std::size_t end) {
            auto item = trim_view(std::u32string_view(joined).substr(start, end - start));
            while (!item.empty() && contains(kRecipientTrailers, item.back()))
                item.remove_suffix(1);
            if (!item.empty()) out.push_back(utf8(item));
            start = end + 1;
        };
        for (std::size_t i = 0; i < joined.size(); ++i) {
            char32_t c = joined[i], f = fold(c);
            int b = bracket(f);
            if (b > 0) ++depth;
            if (b < 0 && depth > 0) --depth;
            bool wide_space =
                c == U'\x3000' || (c == U' ' && i + 1 < joined.size() && joined[i + 1] == U' ');
            if (c == kBreak || (depth == 0 && (cfg_.separators.has(f) || wide_space))) flush(i);
        }
        flush(joined.size());
        return out;
    }

    // --- widths --------------------------------------------------------------------------------

    /// The body's full line width: the median of the widest band of lines (most lines of a
    /// hard-wrapped text are full), or the line_width parameter.
    void measure() {
        std::vector<double> widths;
        for (const Ln* l : body_)
            widths.push_back(l->width + l->indent);
        if (cfg_.line_width > 0) {
            width_ = cfg_.line_width;
        } else if (!widths.empty()) {
            std::sort(widths.begin(), widths.end());
            double p90 = widths[std::min(widths.size() - 1, widths.size() * 9 / 10)];
            std::vector<double> band;
            for (double w : widths)
                if (w >= 0.75 * p90) band.push_back(w);
            width_ = band[band.size() / 2];
        }
        // The body font: the size that carries the most characters.
        std::vector<std::pair<double, double>> sizes; // size, characters
        for (const Ln* l : body_) {
            double size = l->layout ? l->layout->font_size : 0;
            if (size <= 0) continue;
            auto it = std::find_if(sizes.begin(), sizes.end(),
                                   [&](const auto& s) { return std::abs(s.first - size) < 0.25; });
            if (it == sizes.end())
                sizes.emplace_back(size, static_cast<double>(l->key.size()));
            else
                it->second += static_cast<double>(l->key.size());
        }
        auto best = std::max_element(sizes.begin(), sizes.end(), [](const auto& a, const auto& b) {
            return a.second < b.second;
        });
        if (best != sizes.end()) body_font_ = best->first;
    }

    // --- line shapes ---------------------------------------------------------------------------

    // Worked out once per line by shape().
    static bool terminal(const Ln& l) { return l.terminal; }
    static bool subheading(const Ln& l) { return l.subheading; }
    static bool whole_byline(const Ln& l) { return l.whole_byline; }

    /// Reaches the width a line of its kind has when the text wrapped after it.
    bool full(const Ln& l, bool first) const {
        double expected = width_ - (l.indent > 0 ? l.indent : first ? cfg_.indent : 0);
        return l.width >= expected - (terminal(l) ? cfg_.width_tolerance : cfg_.open_tolerance);
    }
    bool continuation_full(const Ln& l) const {
        return l.indent == 0 && l.width >= width_ - cfg_.continuation_tolerance;
    }
    bool first_full(const Ln& l) const {
        return l.width >= width_ - cfg_.indent - cfg_.open_tolerance;
    }

    /// A title by its layout: a larger font than the body, or centred.
    bool layout_title(const Ln& l) const {
        if (!l.layout || terminal(l) || subheading(l) || whole_byline(l)) return false;
        double size = l.layout->font_size;
        if (size > 0 && body_font_ > 0 && size >= body_font_ * cfg_.title_font_ratio) return true;
        return cfg_.centered_is_title && l.layout->alignment == bulletin::Alignment::Center &&
               (size <= 0 || body_font_ <= 0 || size >= body_font_);
    }

    bool title_ish(const Ln& l) const {
        if (terminal(l) || subheading(l) || whole_byline(l)) return false;
        if (l.key.size() > cfg_.title_max_chars) return false;
        if (width_ > 0 && l.width > width_ + cfg_.width_tolerance) return false;
        return !l.forbidden;
    }

    /// "——副标题" (or "--" where a dash was folded or typed).
    static bool subtitle(const Ln& l) {
        return l.folded.starts_with(U"—") || l.folded.starts_with(U"--");
    }

    /// A paragraph's first line: full for a first line and followed by a full continuation.
    bool body_start(std::size_t k) const {
        return k + 1 < body_.size() && first_full(*body_[k]) && continuation_full(*body_[k + 1]) &&
               !body_[k]->ends_paragraph;
    }

    /// Something that always begins a new paragraph (or leaves the paragraph for a byline).
    bool starts_block(const Ln& l) const {
        return l.indent > 0 || subheading(l) || whole_byline(l) || layout_title(l);
    }

    bool ends_paragraph(std::size_t k, bool first) const {
        const Ln& l = *body_[k];
        if (l.ends_paragraph || k + 1 >= body_.size()) return true;
        if (reader_paragraphs_) return false; // the reader marks every paragraph end
        const Ln& next = *body_[k + 1];
        if (starts_block(next) || l.byline_end) return true;
        if (!full(l, first)) return true;
        if (!terminal(l)) return false;
        // A full line ending a sentence: the next line's width tells whether it continues.
        if (continuation_full(next)) return false;
        if (first_full(next)) return true;
        return cfg_.terminal_ends_paragraph;
    }

    // --- bylines -------------------------------------------------------------------------------

    /// A person's name: two to four Han characters, or a transliterated name with "·".
    static bool name_like(std::u32string_view s) {
        bool dotted = s.find(U'·') != npos;
        if (s.size() < 2 || s.size() > (dotted ? 12 : 4)) return false;
        return std::all_of(s.begin(), s.end(),
                           [](char32_t c) { return text::is_han(c) || c == U'·'; });
    }

    /// "选举任免处 谢峥嵘", "市人大常委会代表工委供稿", "撰稿：黄伟 梁静", "记者：林晓".
    std::optional<bulletin::Byline> parse_byline(std::u32string_view inner_raw) const {
        std::u32string inner = trim(inner_raw), folded = fold(inner);
        std::u32string key = squeeze(folded);
        if (key.empty() || key.size() > cfg_.byline_max_chars) return std::nullopt;
        if (std::any_of(folded.begin(), folded.end(),
                        [](char32_t c) { return contains(kBylineForbidden, c); }))
            return std::nullopt;
        bulletin::Byline b;
        b.text = utf8(inner);
        auto names = [&](std::u32string_view s) {
            std::vector<std::string> out;
            std::u32string cur;
            for (char32_t c : s) {
                if (text::is_space(c) || contains(kNameSeparators, c)) {
                    if (!cur.empty()) out.push_back(utf8(cur));
                    cur.clear();
                } else {
                    cur.push_back(c);
                }
            }
            if (!cur.empty()) out.push_back(utf8(cur));
            return out;
        };
        if (auto colon = folded.find(U':'); colon != npos) {
            std::u32string before = trim(std::u32string_view(inner).substr(0, colon));
            std::u32string after = trim(std::u32string_view(inner).substr(colon + 1));
            auto head = fields(before);
            if (head.empty() || after.empty()) return std::nullopt;
            std::u32string label = squeeze(fold(head.back()));
            std::u32string dept;
            for (std::size_t f = 0; f + 1 < head.size(); ++f)
                dept += head[f];
            if (!dept.empty()) b.department = utf8(dept);
            if (std::find(cfg_.author_labels.begin(), cfg_.author_labels.end(), label) !=
                cfg_.author_labels.end()) {
                b.authors = names(after);
                return b;
            }
            if (std::find(cfg_.department_labels.begin(), cfg_.department_labels.end(), label) !=
                cfg_.department_labels.end()) {
                b.department = utf8(squeeze(after));
                return b;
            }
            return std::nullopt;
        }
        if (auto suffix = ends_with_any(key, cfg_.department_suffixes)) {
            std::u32string dept = squeeze(inner);
            dept.resize(dept.size() - suffix->size());
            if (dept.size() < 2) return std::nullopt;
            b.department = utf8(dept);
            return b;
        }
        auto parts = fields(inner);
        if (parts.size() == 1) {
            if (org_like(parts[0]) && parts[0].size() > 3) {
                b.department = utf8(parts[0]);
                return b;
            }
            if (name_like(parts[0]) && !org_like(parts[0])) {
                b.authors.push_back(utf8(parts[0]));
                return b;
            }
            return std::nullopt;
        }
        std::size_t first_author = 0;
        if (org_like(parts[0]) && parts[0].size() >= 3) {
            b.department = utf8(parts[0]);
            first_author = 1;
        }
        for (std::size_t f = first_author; f < parts.size(); ++f) {
            if (!name_like(parts[f])) return std::nullopt;
            b.authors.push_back(utf8(parts[f]));
        }
        return b;
    }

    /// The bracketed group at the end of `s`: [open, close] positions, or nullopt.
    static std::optional<std::pair<std::size_t, std::size_t>> last_bracket(std::u32string_view s) {
        if (s.empty() || fold(s.back()) != U')') return std::nullopt;
        int depth = 0;
        for (std::size_t i = s.size(); i-- > 0;) {
            char32_t c = fold(s[i]);
            if (c == U')') ++depth;
            if (c == U'(' && --depth == 0) return std::make_pair(i, s.size() - 1);
        }
        return std::nullopt;
    }

    /// A byline closing `s`: on its own, or glued after the end of a sentence. Returns where
    /// its opening bracket is, and the byline.
    std::optional<std::pair<std::size_t, bulletin::Byline>>
    trailing_byline(std::u32string_view s) const {
        auto b = last_bracket(s);
        if (!b) return std::nullopt;
        std::u32string_view before = trim_view(s.substr(0, b->first));
        if (!before.empty()) {
            // The text before it ends a sentence (closing punctuation after the end ignored).
            std::size_t end = before.size();
            while (end > 0 && cfg_.closers.has(fold(before[end - 1])))
                --end;
            if (end == 0 || !cfg_.terminal.has(fold(before[end - 1]))) return std::nullopt;
        }
        auto byline = parse_byline(s.substr(b->first + 1, b->second - b->first - 1));
        if (!byline) return std::nullopt;
        return std::make_pair(b->first, std::move(*byline));
    }

    // --- articles ------------------------------------------------------------------------------

    /// Number of lines of the title starting at body_[k], or 0 when no title starts there.
    std::size_t title_lines(std::size_t k, bool expect_title, bool after_sentence) const {
        const std::size_t n = body_.size();
        const auto max_lines = static_cast<std::size_t>(cfg_.title_max_lines);
        // The table of contents names the titles: take lines while they spell one out.
        if (!toc_.empty()) {
            std::u32string spelled;
            for (std::size_t j = k; j < n && j - k < max_lines; ++j) {
                spelled += body_[j]->key;
                if (!starts_an_entry(spelled) && spelled.size() >= 4) break;
                if (std::find(toc_.begin(), toc_.end(), spelled) != toc_.end()) return j - k + 1;
            }
        }
        const Ln& first = *body_[k];
        bool strong = layout_title(first);
        if (!strong && !title_ish(first)) return 0;
        if (!expect_title && !strong) {
            // Within an article a title needs evidence: with fonts known, a larger font; in
            // plain text, a finished sentence before it.
            if (!cfg_.titles_without_byline || !after_sentence || body_font_ > 0) return 0;
        }
        std::size_t j = k;
        while (j < n && j - k < max_lines) {
            const Ln& l = *body_[j];
            if (j > k) {
                bool joined_subtitle = subtitle(l) && title_ish(l);
                if (body_[j - 1]->ends_paragraph && !joined_subtitle) break;
                if (!(strong ? layout_title(l) || joined_subtitle : title_ish(l))) break;
            }
            if (!strong && body_start(j)) break;
            ++j;
        }
        if (j == k || j >= n) return 0; // a title has text after it
        if (!expect_title && !strong) {
            // ...and a title's length, and a full paragraph line after it.
            std::size_t chars = 0;
            for (std::size_t t = k; t < j; ++t)
                chars += body_[t]->key.size();
            if (chars < cfg_.title_min_chars || !first_full(*body_[j])) return 0;
        }
        return j - k;
    }

    void start_article(std::string title, bulletin::Location location) {
        auto& article = doc_.articles.emplace_back();
        article.title = std::move(title);
        article.title_location = location;
    }

    void set_byline(bulletin::Byline byline, const Ln& where) {
        if (doc_.articles.empty()) {
            diagnose(where, "byline before any article");
            return;
        }
        auto& article = doc_.articles.back();
        if (article.byline) diagnose(where, "second byline for one article; the last one is kept");
        article.byline = std::move(byline);
        expect_title_ = true;
    }

    /// Ends a paragraph: a whole-bracket byline, a byline glued to its end, or a paragraph.
    void finish_paragraph(Joined& text, const Ln& first_line) {
        if (text.u32.empty()) return;
        if (auto b = trailing_byline(text.u32)) {
            std::u32string_view before =
                trim_view(std::u32string_view(text.u32).substr(0, b->first));
            if (!before.empty()) add_paragraph(utf8(before), first_line);
            set_byline(std::move(b->second), first_line);
            return;
        }
        add_paragraph(text.take_utf8(), first_line);
    }

    void add_paragraph(std::string text, const Ln& first_line) {
        if (doc_.articles.empty() || expect_title_) {
            diagnose(first_line, "text without a title; kept as an untitled article");
            start_article({}, {});
            expect_title_ = false;
        }
        doc_.articles.back().paragraphs.push_back({std::move(text), location(first_line)});
    }

    void segment_articles() {
        expect_title_ = true;
        bool after_sentence = true; // the previous paragraph ended a sentence (or none yet)
        Joined para;
        const Ln* para_first = nullptr;
        bool first_line = true;
        for (std::size_t k = 0; k < body_.size(); ++k) {
            const Ln& l = *body_[k];
            if (!para_first) {
                if (std::size_t t = title_lines(k, expect_title_, after_sentence)) {
                    Joined title;
                    for (std::size_t j = k; j < k + t; ++j)
                        title.append(*body_[j]);
                    start_article(title.take_utf8(), location(l));
                    expect_title_ = false;
                    after_sentence = false;
                    k += t - 1;
                    continue;
                }
                para_first = &l;
                first_line = true;
            }
            para.append(l);
            if (ends_paragraph(k, first_line)) {
                after_sentence = terminal(l);
                finish_paragraph(para, *para_first);
                para.clear();
                para_first = nullptr;
            }
            first_line = false;
        }
        for (const auto& article : doc_.articles)
            if (article.paragraphs.empty())
                doc_.diagnose(Severity::Warning, kPlugin,
                              "article without paragraphs: \"" + article.title + "\"");
    }

    const Config& cfg_;
    Document& doc_;
    PrefixMatcher subheading_; ///< a user-supplied subheading_pattern
    /// Every line's text, folded text and key (the views of Ln).
    std::unique_ptr<char32_t[]> text_;
    std::u32string series_; ///< the masthead's series as a key, for running headers
    std::vector<Ln> lines_;
    std::vector<const Ln*> body_;
    std::vector<std::u32string> toc_;
    std::vector<std::string> dropped_; ///< page furniture, reported once
    bool reader_paragraphs_ = false;
    bool expect_title_ = true;
    double width_ = 0;
    double body_font_ = 0;
};

// ---------------------------------------------------------------------------------------------
// How much a read document looks like a bulletin (Segmenter::score)

/// The folded text of the first `count` non-blank lines of the document (from the end when
/// `from_end`).
std::vector<std::u32string> edge_lines(const Document& doc, std::size_t count, bool from_end) {
    std::vector<std::u32string> out;
    auto take = [&](const bulletin::Line& line) {
        std::u32string folded = fold(trim(u32(line.text)));
        if (!folded.empty()) out.push_back(std::move(folded));
        return out.size() < count;
    };
    if (from_end) {
        for (auto page = doc.pages.rbegin(); page != doc.pages.rend(); ++page)
            for (auto line = page->lines.rbegin(); line != page->lines.rend(); ++line)
                if (!take(*line)) return out;
    } else {
        for (const auto& page : doc.pages)
            for (const auto& line : page.lines)
                if (!take(line)) return out;
    }
    return out;
}

/// Cheap: looks only at the masthead's lines and the last lines, with the masthead's own field
/// rules: an issue line (第N期) counts most, then a compiling body ("…编"), a series name, a date,
/// and a distribution block (送：, 报：) at the end.
double bulletin_score(const Config& cfg, const Document& doc) {
    constexpr std::size_t kTailLines = 12; // a distribution block wraps over a few lines
    bool issue = false, publisher = false, series = false, date = false, distribution = false;
    auto field = [&](std::u32string_view key) {
        if (parse_issue(key)) {
            issue = true;
        } else if (iso_date(key)) {
            date = true;
        } else if (auto suffix = ends_with_any(key, cfg.publisher_suffixes);
                   suffix && key.size() >= suffix->size() + 2 &&
                   key.size() <= cfg.publisher_max_chars) {
            publisher = true;
        } else if (key.size() <= cfg.series_max_chars && ends_with_any(key, cfg.series_suffixes)) {
            series = true;
        }
        return true;
    };
    const auto top = edge_lines(doc, static_cast<std::size_t>(cfg.masthead_max_lines), false);
    for (const auto& folded : top) {
        field(squeeze(folded));    // the whole line ("信 息 简 报" spaced out)
        each_field(folded, field); // or one field of it ("…委员会编 2023年4月24日")
    }
    for (const auto& folded : edge_lines(doc, kTailLines, true))
        if (cnb::match_label(folded, cfg.labels)) distribution = true;
    return 0.35 * issue + 0.2 * publisher + 0.15 * series + 0.1 * date + 0.2 * distribution;
}

class CnBulletin final : public bulletin::Segmenter {
public:
    explicit CnBulletin(const bulletin::Params& params) : config_(params) {}

    double score(const Document& doc) const override { return bulletin_score(config_, doc); }

    void segment(Document& doc, bulletin::Context& ctx) override {
        doc.masthead = {};
        doc.articles.clear();
        doc.distribution.clear();
        Segmentation(config_, doc).run();
        ctx.debug(doc.articles.size(), " articles, ", doc.distribution.size(),
                  " distribution blocks");
    }

private:
    Config config_;
};

constexpr bulletin::ParamSpec kParams[] = {
    // Masthead
    bulletin::int_param(
        "masthead_max_lines", "10",
        "How many lines from the top may belong to the masthead (series, issue, publisher, date, "
        "confidentiality marks). The masthead ends at its date line or at the first other line.")
        .range(0, 100)
        .tunable(4, 16, 2),
    bulletin::int_param(
        "series_max_chars", "14",
        "Longest series name (\"人大代表工作简报\" is 8), letter spacing not counted.")
        .range(1, 100),
    bulletin::list_param("series_suffixes",
                         "简报,动态,专报,快报,通讯,信息,要情,参阅,摘报,通报,周报,月报,情况,工作",
                         "Endings that make a short line at the top the series name even when no "
                         "issue line follows."),
    bulletin::list_param("publisher_suffixes", "编印,编,主办",
                         "Endings that mark the compiling body (\"…委员会编\"); they are not kept "
                         "in the publisher."),
    bulletin::int_param("publisher_max_chars", "40", "Longest publisher name.").range(1, 200),
    bulletin::list_param(
        "organization_suffixes",
        "委员会,人大常委会,常委会,办公厅,办公室,工委,研究室,政府,法院,检察院,中心,"
        "处,委,会,厅,局,室,办,组,部,院,站,科,所,队,社",
        "Endings of organisation names: a masthead line with one after the series is the publisher "
        "(no \"编\"); a byline part with one is a department."),
    bulletin::list_param(
        "marker_words",
        "内部资料,注意保存,内部刊物,内部参阅,妥善保存,内部文件,秘密,机密,绝密,阅后收回",
        "Confidentiality and handling marks (\"内部资料  注意保存\"): not content, kept in "
        "metadata[\"marking\"]."),
    bulletin::list_param("toc_headings", "本期要目,本期目录,目录,要目,本期导读,本期导航",
                         "Headings of a table of contents before the articles."),
    bulletin::string_param("toc_bullets", "◆◇●○■□▲△★☆·•-*",
                           "Characters that start a table-of-contents entry."),
    bulletin::int_param("toc_max_lines", "30", "Longest table of contents, in lines.")
        .range(0, 1000),
    // Titles
    bulletin::int_param("title_max_lines", "4",
                        "Most lines a title (with its \"——\" subtitle) may wrap over.")
        .range(1, 20)
        .tunable(1, 6, 1),
    bulletin::int_param("title_max_chars", "40", "Longest title line, in characters.")
        .range(1, 200)
        .tunable(20, 60, 5),
    bulletin::int_param(
        "title_min_chars", "8",
        "Shortest title that may start an article right after a paragraph (no byline between): "
        "shorter unpunctuated lines there are sub-headings.")
        .range(0, 100)
        .tunable(4, 16, 2),
    bulletin::bool_param(
        "titles_without_byline", "true",
        "Allow a new article to start after a paragraph that ended a sentence, without a byline "
        "in between.")
        .tunable(),
    bulletin::string_param(
        "title_forbidden", "，,。；;",
        "Characters a title line never contains (a line with one is body text)."),
    bulletin::double_param(
        "title_font_ratio", "1.15",
        "With font sizes from the reader: a line this many times the body font size is a title.")
        .range(1, 10)
        .tunable(1.05, 1.5, 0.05),
    bulletin::bool_param(
        "centered_is_title", "true",
        "With alignment from the reader: a centred line (not a byline or sub-heading) is a title.")
        .tunable(),
    // Paragraphs
    bulletin::double_param(
        "line_width", "0",
        "Full line width of the body in CJK cells; 0 measures it (median of the widest lines).")
        .range(0, 500),
    bulletin::double_param(
        "paragraph_indent", "2",
        "First-line indent in cells (GB/T 9704: two characters). Text extraction loses it, so a "
        "paragraph's first line is this much narrower when full.")
        .range(0, 20)
        .tunable(0, 4, 1),
    bulletin::double_param(
        "width_tolerance", "1.5",
        "Cells a line ending a sentence (。！？) may fall short of the full width and still be a "
        "wrapped line rather than a paragraph's last line.")
        .range(0, 50)
        .tunable(0.5, 4, 0.5),
    bulletin::double_param(
        "open_line_tolerance", "3",
        "Same for a line ending mid-sentence: line-breaking rules (no comma at a line start) can "
        "push a character or two to the next line.")
        .range(0, 50)
        .tunable(1, 6, 0.5),
    bulletin::double_param(
        "continuation_tolerance", "0.5",
        "After a full line ending a sentence, the next line continues the paragraph only when it "
        "is "
        "this close to the full width (a new paragraph's first line is an indent narrower).")
        .range(0, 50)
        .tunable(0, 2, 0.25),
    bulletin::bool_param(
        "terminal_ends_paragraph", "true",
        "After a full line ending a sentence, a short next line starts a new paragraph.")
        .tunable(),
    bulletin::string_param("terminal_punctuation", "。！？!?…", "Characters that end a sentence."),
    bulletin::string_param("closing_punctuation", "”’」』）)》】",
                           "Characters that may follow the sentence end (\"转变。”\")."),
    bulletin::string_param(
        "subheading_pattern", cnb::kSubheadingPattern,
        "ICU regular expression matching the start of a numbered sub-heading (\"一、主要做法\", "
        "\"（一）\", \"1.\"): such a line starts a paragraph of the article, never a new article. "
        "Matched against the line with full-width forms folded to ASCII."),
    bulletin::list_param(
        "reader_paragraph_formats", "docx,html",
        "Source formats whose readers mark every paragraph end (Line::ends_paragraph): there an "
        "unmarked line always continues its paragraph."),
    // Bylines
    bulletin::int_param("byline_max_chars", "30", "Longest byline inside its brackets.")
        .range(1, 200)
        .tunable(15, 60, 5),
    bulletin::list_param("author_labels",
                         "撰稿,撰稿人,记者,作者,通讯员,执笔,整理,文,摄影,编辑,责任编辑",
                         "Labels before authors' names in a byline (\"（撰稿：黄伟 梁静）\")."),
    bulletin::list_param("department_labels", "供稿,来源,供稿单位,信息来源",
                         "Labels before a department in a byline (\"（来源：…）\")."),
    bulletin::list_param(
        "department_suffixes", "供稿",
        "Endings of a department-only byline (\"（市人大常委会代表工委供稿）\"); not kept."),
    // Page furniture and distribution
    bulletin::int_param(
        "header_max_lines", "3",
        "Lines at the top of a later page that may be a running header (series name and/or issue).")
        .range(0, 20)
        .tunable(0, 5, 1),
    bulletin::list_param("distribution_labels", "抄送,抄报,分送,报送,印送,报,送,发",
                         "Labels that start a distribution block (\"送：\")."),
    bulletin::double_param(
        "distribution_width_tolerance", "1.5",
        "A distribution line within this many cells of the widest one wrapped inside a recipient's "
        "name (\"…各工作\" / \"机构\"); a shorter line ends its last recipient.")
        .range(0, 50)
        .tunable(0.5, 4, 0.5),
    bulletin::string_param("recipient_separators", "、，,；;",
                           "Characters between recipients (never inside brackets)."),
};

} // namespace

BULLETIN_PLUGIN(kCnBulletinPlugin, CnBulletin, "cn.bulletin", bulletin::PluginKind::Segmenter,
                "Chinese government bulletins (简报): masthead, articles with titles, reflowed "
                "paragraphs and bylines, and the distribution block, from lines of text (with "
                "layout when the reader has it).",
                kParams);
BULLETIN_MODULE("cn-bulletin", "1.0.0", "MIT", "Segmenter for Chinese government bulletins.",
                &kCnBulletinPlugin)
