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
#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <unicode/regex.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using bulletin::Document;
using bulletin::Severity;
namespace text = bulletin::text;

constexpr const char* kPlugin = "cn.bulletin";
constexpr std::size_t npos = std::u32string::npos;

// ---------------------------------------------------------------------------------------------
// Characters and strings

char32_t fold(char32_t c) {
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

std::u32string u32(std::string_view s) {
    return text::to_u32(s);
}
std::string utf8(std::u32string_view s) {
    return text::to_utf8(s);
}

std::u32string trim(std::u32string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && text::is_space(s[b]))
        ++b;
    while (e > b && text::is_space(s[e - 1]))
        --e;
    return std::u32string(s.substr(b, e - b));
}

std::u32string squeeze(std::u32string_view s) {
    std::u32string out;
    for (char32_t c : s)
        if (!text::is_space(c)) out.push_back(c);
    return out;
}

bool contains(std::u32string_view set, char32_t c) {
    return set.find(c) != npos;
}

bool ends_with(std::u32string_view s, std::u32string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// Printed width in CJK cells: Han, CJK punctuation and symbols take one cell; ASCII letters and
/// digits half a cell. ASCII punctuation that NFKC folded from full-width forms ("," from "，")
/// still took a full cell on the page.
double cells(std::u32string_view s) {
    double width = 0;
    for (char32_t c : s) {
        if (c < 0x80)
            width += contains(U",:;()!?[]{}", c) ? 1.0 : 0.5;
        else if (c < 0x2000)
            width += 0.5;
        else
            width += 1.0;
    }
    return width;
}

/// Width of leading white space in cells (an ideographic space is one, an ASCII space half).
double leading_space(std::u32string_view s) {
    double width = 0;
    for (char32_t c : s) {
        if (!text::is_space(c)) break;
        width += c == U'\t' ? 2.0 : (c == U' ' || c < 0x80) ? 0.5 : 1.0;
    }
    return width;
}

/// Splits on runs of white space.
std::vector<std::u32string> fields(std::u32string_view s) {
    std::vector<std::u32string> out;
    std::u32string cur;
    for (char32_t c : s) {
        if (text::is_space(c)) {
            if (!cur.empty()) out.push_back(std::move(cur));
            cur.clear();
        } else {
            cur.push_back(c);
        }
    }
    if (!cur.empty()) out.push_back(std::move(cur));
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
// ICU regular expressions over UTF-32 strings

class Regex {
public:
    Regex() = default;
    explicit Regex(const std::string& pattern) {
        UErrorCode status = U_ZERO_ERROR;
        UParseError where{};
        pattern_.reset(
            icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(pattern), 0, where, status));
        if (U_FAILURE(status))
            throw bulletin::Error("cn.bulletin: bad regular expression (offset " +
                                  std::to_string(where.offset) + "): " + pattern);
    }
    using Groups = std::vector<std::u32string>;
    /// Groups of a match of the whole string (group 0 is the string), or nullopt.
    std::optional<Groups> match(std::u32string_view s) const { return run(s, true); }
    /// Groups of a match at the start of the string.
    std::optional<Groups> prefix(std::u32string_view s) const { return run(s, false); }

private:
    std::optional<Groups> run(std::u32string_view s, bool whole) const {
        if (!pattern_) return std::nullopt;
        UErrorCode status = U_ZERO_ERROR;
        icu::UnicodeString input = icu::UnicodeString::fromUTF32(
            reinterpret_cast<const UChar32*>(s.data()), static_cast<int32_t>(s.size()));
        std::unique_ptr<icu::RegexMatcher> m(pattern_->matcher(input, status));
        if (U_FAILURE(status)) return std::nullopt;
        bool found = whole ? m->matches(status) : m->lookingAt(status);
        if (!found || U_FAILURE(status)) return std::nullopt;
        Groups groups;
        for (int32_t g = 0; g <= m->groupCount(); ++g) {
            std::string part;
            m->group(g, status).toUTF8String(part);
            groups.push_back(u32(part));
        }
        return groups;
    }
    std::shared_ptr<const icu::RegexPattern> pattern_;
};

std::string alternation(const std::vector<std::u32string>& items) {
    std::string out;
    for (const auto& item : items) {
        if (item.empty()) continue;
        if (!out.empty()) out += "|";
        out += "\\Q" + utf8(item) + "\\E";
    }
    return out.empty() ? "(?!)" : out;
}

// Numerals as they appear in issue numbers and dates.
constexpr const char* kCnDigit = "〇○零一二三四五六七八九";
constexpr const char* kCnNumber = "〇○零一二两三四五六七八九十百千";

// ---------------------------------------------------------------------------------------------
// Configuration: the parameter table, read once

struct Config {
    int masthead_max_lines = 0;
    std::size_t series_max_chars = 0;
    std::size_t publisher_max_chars = 0;
    std::vector<std::u32string> series_suffixes, publisher_suffixes, marker_words, toc_headings,
        org_suffixes, author_labels, department_labels, department_suffixes;
    int toc_max_lines = 0;
    std::u32string toc_bullets;
    int title_max_lines = 0;
    std::size_t title_max_chars = 0, title_min_chars = 0;
    bool titles_without_byline = true;
    std::u32string title_forbidden;
    double title_font_ratio = 0;
    bool centered_is_title = true;
    double line_width = 0, indent = 0, width_tolerance = 0, open_tolerance = 0,
           continuation_tolerance = 0;
    bool terminal_ends_paragraph = true;
    std::u32string terminal, closers;
    std::size_t byline_max_chars = 0;
    double distribution_tolerance = 0;
    std::u32string separators;
    int header_max_lines = 0;
    std::vector<std::string> paragraph_formats;
    Regex date, issue, subheading, label, copies, printed, page_number;

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
        const std::string d = kCnDigit, n = kCnNumber;
        date = Regex("([0-9]{4}|[" + d + "]{4})年([0-9]{1,2}|[" + n + "]{1,3})月([0-9]{1,2}|[" + n +
                     "]{1,3})日");
        issue = Regex("(?:([0-9]{4}|[" + d + "]{4})年)?(增刊)?第([0-9]{1,4}|[" + n +
                      "]{1,6})期(?:\\(?总第?([0-9]{1,5}|[" + n + "]{1,8})期\\)?)?");
        subheading = Regex(p.string("subheading_pattern"));
        label =
            Regex("(" + alternation(u32_list(p.list("distribution_labels"))) + ")\\s*:\\s*(.*)");
        copies = Regex("\\(?(?:共印|印数|印)[0-9" + n + "]+份\\)?");
        printed = Regex(".{0,40}印发\\)?");
        page_number = Regex(
            R"((?:[\-\x{2010}-\x{2015}\x{2212}\x{2500}~\x{301C}]+\s*[0-9]{1,4}\s*[\-\x{2010}-\x{2015}\x{2212}\x{2500}~\x{301C}]+|第\s*[0-9]{1,4}\s*页(?:\s*[,/]?\s*共\s*[0-9]{1,4}\s*页)?))");
    }
};

// ---------------------------------------------------------------------------------------------
// Lines as the segmenter sees them

struct Ln {
    std::u32string raw;     ///< as written, trimmed
    std::u32string folded;  ///< fold(raw)
    std::u32string key;     ///< folded without white space, for matching
    double width = 0;       ///< cells of raw
    double indent = 0;      ///< cells of leading white space (or a layout indent); 0 when none
    int page = 0, line = 0; ///< 1-based, for diagnostics
    int page_pos = 0;       ///< 0-based among the page's non-empty lines
    bool ends_paragraph = false;
    const bulletin::LineLayout* layout = nullptr;
};

std::optional<int> number(std::u32string_view s) {
    if (s.empty()) return std::nullopt;
    auto v = text::parse_number(s);
    if (!v || *v < 0 || *v > 1000000) return std::nullopt;
    return static_cast<int>(*v);
}

/// ISO date of a "2023年4月24日" or "二〇二三年六月十五日" key.
std::optional<std::string> iso_date(const Regex& re, std::u32string_view key) {
    auto g = re.match(key);
    if (!g) return std::nullopt;
    auto y = number((*g)[1]), m = number((*g)[2]), d = number((*g)[3]);
    if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1 || *d > 31 || *y < 1900 || *y > 2200)
        return std::nullopt;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", *y, *m, *d);
    return std::string(buf);
}

std::optional<bulletin::IssueNumber> parse_issue(const Regex& re, std::u32string_view key) {
    auto g = re.match(key);
    if (!g) return std::nullopt;
    bulletin::IssueNumber issue;
    auto n = number((*g)[3]);
    if (!n) return std::nullopt;
    issue.number = *n;
    if (auto total = number((*g)[4])) issue.total = *total;
    if (auto year = number((*g)[1])) issue.year = *year;
    issue.supplement = !(*g)[2].empty();
    return issue;
}

// ---------------------------------------------------------------------------------------------
// One run of the segmenter over one document

class Segmentation {
public:
    Segmentation(const Config& cfg, Document& doc) : cfg_(cfg), doc_(doc) {}

    void run() {
        collect_lines();
        std::size_t begin = parse_masthead();
        begin = parse_toc(begin);
        std::size_t dist = find_distribution(begin);
        for (std::size_t k = begin; k < dist; ++k) {
            const Ln& l = lines_[k];
            if (is_page_header(l)) {
                dropped_.push_back(utf8(l.raw));
                continue;
            }
            if (is_marker(l.key) || is_copies(l)) continue; // kept in metadata
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
        for (const auto& page : doc_.pages) {
            int pos = 0, index = 0;
            for (const auto& line : page.lines) {
                ++index;
                std::u32string all = u32(line.text);
                Ln l;
                l.raw = trim(all);
                if (l.raw.empty()) continue;
                l.folded = fold(l.raw);
                l.key = squeeze(l.folded);
                if (cfg_.page_number.match(l.key)) { // "— 3 —" from any reader
                    dropped_.push_back(utf8(l.raw));
                    continue;
                }
                l.width = cells(l.raw);
                double lead = leading_space(all);
                l.indent = lead >= 1.0 ? lead : 0.0;
                if (line.layout.indent > 0 && l.indent == 0) l.indent = cfg_.indent;
                l.page =
                    page.number > 0 ? page.number : static_cast<int>(&page - doc_.pages.data()) + 1;
                l.line = index;
                l.page_pos = pos++;
                l.ends_paragraph = line.ends_paragraph;
                l.layout = &line.layout;
                lines_.push_back(std::move(l));
            }
        }
        const auto& formats = cfg_.paragraph_formats;
        reader_paragraphs_ =
            std::find(formats.begin(), formats.end(), doc_.source.format) != formats.end();
    }

    void diagnose(const Ln& l, const std::string& message, Severity severity = Severity::Warning) {
        doc_.diagnose(severity, kPlugin, message + ": \"" + utf8(l.raw) + "\"", l.page, l.line);
    }

    // --- masthead ----------------------------------------------------------------------------

    enum class Kind { None, Marker, Date, Issue, Publisher, Toc };

    bool is_marker(std::u32string_view key) const {
        if (key.empty()) return false;
        std::u32string rest(key);
        bool removed = false;
        for (const auto& word : cfg_.marker_words) {
            for (std::size_t at; !word.empty() && (at = rest.find(word)) != npos;) {
                rest.erase(at, word.size());
                removed = true;
            }
        }
        for (char32_t c : rest)
            if (!contains(U"★☆·•、,|/", c)) return false;
        return removed;
    }

    Kind classify(std::u32string_view key) const {
        if (key.empty()) return Kind::None;
        if (iso_date(cfg_.date, key)) return Kind::Date;
        if (parse_issue(cfg_.issue, key)) return Kind::Issue;
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
            m.date = iso_date(cfg_.date, key);
            m.date_text = utf8(trim(raw));
            break;
        case Kind::Issue:
            m.issue = parse_issue(cfg_.issue, key);
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
            const std::u32string& key = l.key;
            if (first_end == 0 && j > i + 1 && lines_[j - 1].ends_paragraph) {
                first_end = j;
                entries_at_first_end = toc_.size();
            }
            if (!key.empty() && contains(cfg_.toc_bullets, key.front())) { // an entry
                bullets = true;
                toc_.push_back(key.substr(1));
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
                toc_.push_back(key); // a table without bullets: one entry per line
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
        const auto& m = doc_.masthead;
        std::u32string series = m.series ? squeeze(fold(u32(*m.series))) : std::u32string{};
        if (!series.empty() && l.key == series) return true;
        if (l.page <= 1 || l.page_pos >= cfg_.header_max_lines) return false;
        if (parse_issue(cfg_.issue, l.key)) return true;
        auto parts = fields(l.folded);
        if (parts.size() < 2) return false;
        return std::all_of(parts.begin(), parts.end(), [&](const auto& part) {
            auto key = squeeze(part);
            return (!series.empty() && key == series) || parse_issue(cfg_.issue, key) ||
                   iso_date(cfg_.date, key);
        });
    }

    bool is_copies(const Ln& l) const { return cfg_.copies.match(l.key).has_value(); }

    // --- distribution ----------------------------------------------------------------------------

    std::size_t find_distribution(std::size_t from) const {
        for (std::size_t k = from; k < lines_.size(); ++k)
            if (cfg_.label.match(lines_[k].folded)) return k;
        return lines_.size();
    }

    void parse_distribution(std::size_t from) {
        struct Piece {
            std::u32string text;
            double width;
        };
        struct Block {
            std::u32string label;
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
            if (auto g = cfg_.label.match(l.folded)) {
                std::u32string rest = l.raw.substr(l.raw.size() - (*g)[2].size());
                blocks.push_back({l.raw.substr(0, (*g)[1].size()), {}});
                if (!rest.empty()) blocks.back().pieces.push_back({rest, cells(rest)});
            } else if (cfg_.printed.match(l.key)) {
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
            for (auto& r : split_recipients(block.pieces, widest))
                out.recipients.push_back(utf8(r));
            doc_.distribution.push_back(std::move(out));
        }
    }

    /// Joins a block's lines and splits it into recipients. A line break separates two recipients
    /// unless the line was full (within distribution_width_tolerance of the widest distribution
    /// line: it wrapped inside a name) or a bracket is still open.
    template <class Pieces>
    std::vector<std::u32string> split_recipients(const Pieces& pieces, double widest) const {
        constexpr char32_t kBreak = U'\x1F';
        std::u32string joined;
        int depth = 0;
        for (std::size_t i = 0; i < pieces.size(); ++i) {
            const std::u32string& t = pieces[i].text;
            for (char32_t c : fold(t)) {
                if (contains(U"([{《〈【〔", c)) ++depth;
                if (contains(U")]}》〉】〕", c) && depth > 0) --depth;
            }
            joined += t;
            if (i + 1 == pieces.size()) break;
            bool wrapped = depth > 0 || contains(cfg_.separators, fold(t.back())) ||
                           pieces[i].width >= widest - cfg_.distribution_tolerance;
            if (!wrapped) joined.push_back(kBreak);
        }
        std::vector<std::u32string> out;
        std::u32string cur;
        depth = 0;
        auto flush = [&] {
            std::u32string item = trim(cur);
            while (!item.empty() && contains(U"。.;；,，、", item.back()))
                item.pop_back();
            if (!item.empty()) out.push_back(item);
            cur.clear();
        };
        for (std::size_t i = 0; i < joined.size(); ++i) {
            char32_t c = joined[i], f = fold(c);
            if (contains(U"([{《〈【〔", f)) ++depth;
            if (contains(U")]}》〉】〕", f) && depth > 0) --depth;
            bool wide_space =
                c == U'\x3000' || (c == U' ' && i + 1 < joined.size() && joined[i + 1] == U' ');
            if (c == kBreak || (depth == 0 && (contains(cfg_.separators, f) || wide_space))) {
                flush();
                continue;
            }
            cur.push_back(c);
        }
        flush();
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

    bool terminal(const Ln& l) const {
        std::u32string_view s = l.folded;
        while (!s.empty() && contains(cfg_.closers, s.back()))
            s.remove_suffix(1);
        return !s.empty() && contains(cfg_.terminal, s.back());
    }

    bool subheading(const Ln& l) const { return cfg_.subheading.prefix(l.folded).has_value(); }

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
        return std::none_of(l.folded.begin(), l.folded.end(),
                            [&](char32_t c) { return contains(cfg_.title_forbidden, c); });
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
        if (starts_block(next) || trailing_byline(l.raw)) return true;
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
                        [](char32_t c) { return contains(U"。,;!?", c); }))
            return std::nullopt;
        bulletin::Byline b;
        b.text = utf8(inner);
        auto names = [&](std::u32string_view s) {
            std::vector<std::string> out;
            std::u32string cur;
            for (char32_t c : s) {
                if (text::is_space(c) || contains(U"、,，/", c)) {
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
        std::u32string before = trim(s.substr(0, b->first));
        if (!before.empty()) {
            std::u32string tail = fold(before);
            while (!tail.empty() && contains(cfg_.closers, tail.back()))
                tail.pop_back();
            if (tail.empty() || !contains(cfg_.terminal, tail.back())) return std::nullopt;
        }
        auto byline = parse_byline(s.substr(b->first + 1, b->second - b->first - 1));
        if (!byline) return std::nullopt;
        return std::make_pair(b->first, std::move(*byline));
    }

    bool whole_byline(const Ln& l) const {
        auto b = trailing_byline(l.raw);
        return b && b->first == 0;
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

    static void append_line(std::u32string& to, std::u32string_view line) {
        // No space between CJK characters; one between two Latin words.
        if (!to.empty() && !line.empty() && to.back() < 0x80 && line.front() < 0x80 &&
            std::isalnum(static_cast<int>(to.back())) &&
            std::isalnum(static_cast<int>(line.front())))
            to.push_back(U' ');
        to += line;
    }

    void start_article(std::u32string title) {
        doc_.articles.push_back({utf8(title), {}, std::nullopt});
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
    void finish_paragraph(std::u32string text, const Ln& first_line) {
        if (text.empty()) return;
        if (auto b = trailing_byline(text)) {
            std::u32string before = trim(std::u32string_view(text).substr(0, b->first));
            if (!before.empty()) add_paragraph(std::move(before), first_line);
            set_byline(std::move(b->second), first_line);
            return;
        }
        add_paragraph(std::move(text), first_line);
    }

    void add_paragraph(std::u32string text, const Ln& first_line) {
        if (doc_.articles.empty() || expect_title_) {
            diagnose(first_line, "text without a title; kept as an untitled article");
            start_article({});
            expect_title_ = false;
        }
        doc_.articles.back().paragraphs.push_back(utf8(text));
    }

    void segment_articles() {
        expect_title_ = true;
        bool after_sentence = true; // the previous paragraph ended a sentence (or none yet)
        std::u32string para;
        const Ln* para_first = nullptr;
        bool first_line = true;
        for (std::size_t k = 0; k < body_.size(); ++k) {
            const Ln& l = *body_[k];
            if (!para_first) {
                if (std::size_t t = title_lines(k, expect_title_, after_sentence)) {
                    std::u32string title;
                    for (std::size_t j = k; j < k + t; ++j)
                        append_line(title, body_[j]->raw);
                    start_article(std::move(title));
                    expect_title_ = false;
                    after_sentence = false;
                    k += t - 1;
                    continue;
                }
                para_first = &l;
                first_line = true;
            }
            append_line(para, l.raw);
            if (ends_paragraph(k, first_line)) {
                after_sentence = terminal(l);
                finish_paragraph(std::move(para), *para_first);
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
    std::vector<Ln> lines_;
    std::vector<const Ln*> body_;
    std::vector<std::u32string> toc_;
    std::vector<std::string> dropped_; ///< page furniture, reported once
    bool reader_paragraphs_ = false;
    bool expect_title_ = true;
    double width_ = 0;
    double body_font_ = 0;
};

class CnBulletin final : public bulletin::Segmenter {
public:
    explicit CnBulletin(const bulletin::Params& params) : config_(params) {}

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

using bulletin::ParamType;
constexpr bulletin::ParamSpec kParams[] = {
    // Masthead
    {"masthead_max_lines", ParamType::Int, "10", false,
     "How many lines from the top may belong to the masthead (series, issue, publisher, date, "
     "confidentiality marks). The masthead ends at its date line or at the first other line."},
    {"series_max_chars", ParamType::Int, "14", false,
     "Longest series name (\"人大代表工作简报\" is 8), letter spacing not counted."},
    {"series_suffixes", ParamType::List,
     "简报,动态,专报,快报,通讯,信息,要情,参阅,摘报,通报,周报,月报,情况,工作", false,
     "Endings that make a short line at the top the series name even when no issue line follows."},
    {"publisher_suffixes", ParamType::List, "编印,编,主办", false,
     "Endings that mark the compiling body (\"…委员会编\"); they are not kept in the publisher."},
    {"publisher_max_chars", ParamType::Int, "40", false, "Longest publisher name."},
    {"organization_suffixes", ParamType::List,
     "委员会,人大常委会,常委会,办公厅,办公室,工委,研究室,政府,法院,检察院,中心,处,委,会,厅,局,室,"
     "办,组,部,院,站,科,所,队,社",
     false,
     "Endings of organisation names: a masthead line with one after the series is the publisher "
     "(no \"编\"); a byline part with one is a department."},
    {"marker_words", ParamType::List,
     "内部资料,注意保存,内部刊物,内部参阅,妥善保存,内部文件,秘密,机密,绝密,阅后收回", false,
     "Confidentiality and handling marks (\"内部资料  注意保存\"): not content, kept in "
     "metadata[\"marking\"]."},
    {"toc_headings", ParamType::List, "本期要目,本期目录,目录,要目,本期导读,本期导航", false,
     "Headings of a table of contents before the articles."},
    {"toc_bullets", ParamType::String, "◆◇●○■□▲△★☆·•-*", false,
     "Characters that start a table-of-contents entry."},
    {"toc_max_lines", ParamType::Int, "30", false, "Longest table of contents, in lines."},
    // Titles
    {"title_max_lines", ParamType::Int, "4", false,
     "Most lines a title (with its \"——\" subtitle) may wrap over."},
    {"title_max_chars", ParamType::Int, "40", false, "Longest title line, in characters."},
    {"title_min_chars", ParamType::Int, "8", false,
     "Shortest title that may start an article right after a paragraph (no byline between): "
     "shorter unpunctuated lines there are sub-headings."},
    {"titles_without_byline", ParamType::Bool, "true", false,
     "Allow a new article to start after a paragraph that ended a sentence, without a byline "
     "in between."},
    {"title_forbidden", ParamType::String, "，,。；;", false,
     "Characters a title line never contains (a line with one is body text)."},
    {"title_font_ratio", ParamType::Double, "1.15", false,
     "With font sizes from the reader: a line this many times the body font size is a title."},
    {"centered_is_title", ParamType::Bool, "true", false,
     "With alignment from the reader: a centred line (not a byline or sub-heading) is a title."},
    // Paragraphs
    {"line_width", ParamType::Double, "0", false,
     "Full line width of the body in CJK cells; 0 measures it (median of the widest lines)."},
    {"paragraph_indent", ParamType::Double, "2", false,
     "First-line indent in cells (GB/T 9704: two characters). Text extraction loses it, so a "
     "paragraph's first line is this much narrower when full."},
    {"width_tolerance", ParamType::Double, "1.5", false,
     "Cells a line ending a sentence (。！？) may fall short of the full width and still be a "
     "wrapped line rather than a paragraph's last line."},
    {"open_line_tolerance", ParamType::Double, "3", false,
     "Same for a line ending mid-sentence: line-breaking rules (no comma at a line start) can "
     "push a character or two to the next line."},
    {"continuation_tolerance", ParamType::Double, "0.5", false,
     "After a full line ending a sentence, the next line continues the paragraph only when it is "
     "this close to the full width (a new paragraph's first line is an indent narrower)."},
    {"terminal_ends_paragraph", ParamType::Bool, "true", false,
     "After a full line ending a sentence, a short next line starts a new paragraph."},
    {"terminal_punctuation", ParamType::String, "。！？!?…", false,
     "Characters that end a sentence."},
    {"closing_punctuation", ParamType::String, "”’」』）)》】", false,
     "Characters that may follow the sentence end (\"转变。”\")."},
    {"subheading_pattern", ParamType::String,
     "(?:[一二三四五六七八九十]{1,3}、|\\([一二三四五六七八九十]{1,3}\\)|[0-9]{1,2}[、.](?![0-9])|["
     "①-⑳])",
     false,
     "ICU regular expression matching the start of a numbered sub-heading (\"一、主要做法\", "
     "\"（一）\", \"1.\"): such a line starts a paragraph of the article, never a new article. "
     "Matched against the line with full-width forms folded to ASCII."},
    {"reader_paragraph_formats", ParamType::List, "docx,html", false,
     "Source formats whose readers mark every paragraph end (Line::ends_paragraph): there an "
     "unmarked line always continues its paragraph."},
    // Bylines
    {"byline_max_chars", ParamType::Int, "30", false, "Longest byline inside its brackets."},
    {"author_labels", ParamType::List,
     "撰稿,撰稿人,记者,作者,通讯员,执笔,整理,文,摄影,编辑,责任编辑", false,
     "Labels before authors' names in a byline (\"（撰稿：黄伟 梁静）\")."},
    {"department_labels", ParamType::List, "供稿,来源,供稿单位,信息来源", false,
     "Labels before a department in a byline (\"（来源：…）\")."},
    {"department_suffixes", ParamType::List, "供稿", false,
     "Endings of a department-only byline (\"（市人大常委会代表工委供稿）\"); not kept."},
    // Page furniture and distribution
    {"header_max_lines", ParamType::Int, "3", false,
     "Lines at the top of a later page that may be a running header (series name and/or issue)."},
    {"distribution_labels", ParamType::List, "抄送,抄报,分送,报送,印送,报,送,发", false,
     "Labels that start a distribution block (\"送：\")."},
    {"distribution_width_tolerance", ParamType::Double, "1.5", false,
     "A distribution line within this many cells of the widest one wrapped inside a recipient's "
     "name (\"…各工作\" / \"机构\"); a shorter line ends its last recipient."},
    {"recipient_separators", ParamType::String, "、，,；;", false,
     "Characters between recipients (never inside brackets)."},
};

} // namespace

// Thread-safe: the configuration is read-only after construction (ICU patterns make a matcher per
// use) and each call works on its own Segmentation.
BULLETIN_PLUGIN_FLAGS(
    kCnBulletinPlugin, CnBulletin, "cn.bulletin", bulletin::PluginKind::Segmenter,
    "Chinese government bulletins (简报): masthead, articles with titles, reflowed "
    "paragraphs and bylines, and the distribution block, from lines of text (with "
    "layout when the reader has it).",
    kParams, bulletin::kThreadSafe);
BULLETIN_MODULE("cn-bulletin", "1.0.0", "MIT", "Segmenter for Chinese government bulletins.",
                &kCnBulletinPlugin)
