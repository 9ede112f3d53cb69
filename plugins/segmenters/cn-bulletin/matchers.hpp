// cn.bulletin - hand-written matchers for the fixed regular expressions of the segmenter.
//
// Written by hand because the segmenter tests every line against several patterns, and an ICU
// RegexMatcher per test makes a UTF-16 copy of the line, a matcher and a UTF-8 copy of every group
// (docs/performance.md has the figures). These patterns are fixed (not parameters) and simple:
// their character classes are disjoint from the characters that follow them, so each can be
// matched by one left-to-right scan without backtracking, with exactly ICU's result. Each matcher
// follows the pattern it replaces, kept as a constant so that
// tests/plugins/segmenters/cn-bulletin/matchers_test.cpp checks every matcher against ICU on
// generated inputs. A pattern a pipeline author can override (subheading_pattern) still goes
// through ICU unless it is at its default.
#pragma once

#include <unicode/uchar.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cn_bulletin {

// --- character classes ---------------------------------------------------------------------------

/// Unicode White_Space: what ICU's `\s` matches and bulletin::text::is_space tests (U+3000 is
/// one). Nothing above U+3000 is White_Space, which spares CJK text the ICU call; the test checks
/// both equalities over every code point.
inline bool white_space(char32_t c) {
    if (c < 0x80) return c == U' ' || (c >= U'\t' && c <= U'\r');
    return c <= 0x3000 && u_isUWhiteSpace(static_cast<UChar32>(c)) != 0;
}

/// What ICU's `.` does not match (without the DOTALL flag).
inline bool line_terminator(char32_t c) {
    return (c >= U'\n' && c <= U'\r') || c == 0x85 || c == 0x2028 || c == 0x2029;
}

inline bool ascii_digit(char32_t c) {
    return c >= U'0' && c <= U'9';
}

/// [〇○零一二三四五六七八九]
inline bool cn_digit(char32_t c) {
    switch (c) {
    case U'〇':
    case U'○':
    case U'零':
    case U'一':
    case U'二':
    case U'三':
    case U'四':
    case U'五':
    case U'六':
    case U'七':
    case U'八':
    case U'九':
        return true;
    default:
        return false;
    }
}

/// [〇○零一二两三四五六七八九十百千]
inline bool cn_number(char32_t c) {
    return cn_digit(c) || c == U'两' || c == U'十' || c == U'百' || c == U'千';
}

/// [一二三四五六七八九十]: the digits one to nine, and ten.
inline bool cn_ordinal(char32_t c) {
    return (cn_digit(c) && c != U'〇' && c != U'○' && c != U'零') || c == U'十';
}

// --- scanning helpers ----------------------------------------------------------------------------

/// Length of the run of characters of `pred` starting at `at`.
template <class Pred> std::size_t run(std::u32string_view s, std::size_t at, Pred pred) {
    std::size_t n = 0;
    while (at + n < s.size() && pred(s[at + n]))
        ++n;
    return n;
}

inline bool at(std::u32string_view s, std::size_t i, char32_t c) {
    return i < s.size() && s[i] == c;
}

/// `([0-9]{d0,d1}|[numerals]{c0,c1})` followed by `delimiter`, at `i`: the group's length, or 0.
/// The classes and the delimiter are disjoint, so the group is the whole run of one class (a
/// longer run fails, as ICU's backtracking finds the delimiter nowhere inside it).
template <class Numeral>
std::size_t numeral(std::u32string_view s, std::size_t i, std::size_t d0, std::size_t d1,
                    Numeral numerals, std::size_t c0, std::size_t c1, char32_t delimiter) {
    if (i >= s.size()) return 0;
    std::size_t n = 0;
    if (ascii_digit(s[i])) {
        n = run(s, i, ascii_digit);
        if (n < d0 || n > d1) return 0;
    } else if (numerals(s[i])) {
        n = run(s, i, numerals);
        if (n < c0 || n > c1) return 0;
    } else {
        return 0;
    }
    return at(s, i + n, delimiter) ? n : 0;
}

// --- matchers ------------------------------------------------------------------------------------

/// "2023年4月24日", "二〇二三年六月十五日"; matched against a whole line or field.
inline constexpr const char* kDatePattern =
    "([0-9]{4}|[〇○零一二三四五六七八九]{4})年([0-9]{1,2}|[〇○零一二两三四五六七八九十百千]{1,3})月"
    "([0-9]{1,2}|[〇○零一二两三四五六七八九十百千]{1,3})日";

struct DateMatch {
    std::u32string_view year, month, day;
};

/// Whole-string match of kDatePattern ("2023年4月24日", "二〇二三年六月十五日").
inline std::optional<DateMatch> match_date(std::u32string_view s) {
    std::size_t i = 0;
    std::size_t y = numeral(s, i, 4, 4, cn_digit, 4, 4, U'年');
    if (!y) return std::nullopt;
    std::size_t m_at = i + y + 1;
    std::size_t m = numeral(s, m_at, 1, 2, cn_number, 1, 3, U'月');
    if (!m) return std::nullopt;
    std::size_t d_at = m_at + m + 1;
    std::size_t d = numeral(s, d_at, 1, 2, cn_number, 1, 3, U'日');
    if (!d || d_at + d + 1 != s.size()) return std::nullopt;
    return DateMatch{s.substr(0, y), s.substr(m_at, m), s.substr(d_at, d)};
}

/// "第12期（总第86期）", "增刊第3期", "2023年第5期"; matched against a whole line or field.
inline constexpr const char* kIssuePattern =
    "(?:([0-9]{4}|[〇○零一二三四五六七八九]{4})年)?(增刊)?第([0-9]{1,4}|"
    "[〇○零一二两三四五六七八九十百千]{1,6})期(?:\\(?总第?([0-9]{1,5}|"
    "[〇○零一二两三四五六七八九十百千]{1,8})期\\)?)?";

struct IssueMatch {
    std::u32string_view year, supplement, number, total; ///< empty when the group took no part
};

/// Whole-string match of kIssuePattern ("第12期（总第86期）", "增刊第3期", "2023年第5期"). Every
/// optional part starts with a character the part after it cannot start with, so taking each
/// optional part when it matches is what ICU's backtracking ends with.
inline std::optional<IssueMatch> match_issue(std::u32string_view s) {
    IssueMatch m;
    std::size_t i = 0;
    if (std::size_t y = numeral(s, 0, 4, 4, cn_digit, 4, 4, U'年')) {
        m.year = s.substr(0, y);
        i = y + 1;
    }
    if (at(s, i, U'增') && at(s, i + 1, U'刊')) {
        m.supplement = s.substr(i, 2);
        i += 2;
    }
    if (!at(s, i, U'第')) return std::nullopt;
    ++i;
    std::size_t n = numeral(s, i, 1, 4, cn_number, 1, 6, U'期');
    if (!n) return std::nullopt;
    m.number = s.substr(i, n);
    i += n + 1;
    if (i == s.size()) return m;
    // (?:\(?总第?(...)期\)?)
    if (at(s, i, U'(')) ++i;
    if (!at(s, i, U'总')) return std::nullopt;
    ++i;
    if (at(s, i, U'第')) ++i;
    std::size_t t = numeral(s, i, 1, 5, cn_number, 1, 8, U'期');
    if (!t) return std::nullopt;
    m.total = s.substr(i, t);
    i += t + 1;
    if (at(s, i, U')')) ++i;
    if (i != s.size()) return std::nullopt;
    return m;
}

/// "（共印80份）", "印数200份".
inline constexpr const char* kCopiesPattern =
    "\\(?(?:共印|印数|印)[0-9〇○零一二两三四五六七八九十百千]+份\\)?";

/// Whole-string match of kCopiesPattern ("（共印80份）", "印数200份").
inline bool match_copies(std::u32string_view s) {
    std::size_t i = 0;
    if (at(s, i, U'(')) ++i;
    // (?:共印|印数|印): "印数" and "印" differ only by 数, which cannot start the number.
    if (at(s, i, U'共') && at(s, i + 1, U'印'))
        i += 2;
    else if (at(s, i, U'印'))
        i += at(s, i + 1, U'数') ? 2 : 1;
    else
        return false;
    std::size_t n = run(s, i, [](char32_t c) { return ascii_digit(c) || cn_number(c); });
    if (n == 0 || !at(s, i + n, U'份')) return false;
    i += n + 1;
    if (at(s, i, U')')) ++i;
    return i == s.size();
}

/// "市人大常委会办公室2024年3月8日印发".
inline constexpr const char* kPrintedPattern = ".{0,40}印发\\)?";

/// Whole-string match of kPrintedPattern ("市人大常委会办公室2024年3月8日印发").
inline bool match_printed(std::u32string_view s) {
    std::u32string_view head = s;
    if (head.ends_with(U')')) head.remove_suffix(1);
    if (!head.ends_with(U"印发")) return false;
    head.remove_suffix(2);
    if (head.size() > 40) return false;
    for (char32_t c : head)
        if (line_terminator(c)) return false;
    return true;
}

/// The default of the subheading_pattern parameter: "一、", "（一）", "1." (not "1.5"), "①".
inline constexpr const char* kSubheadingPattern =
    "(?:[一二三四五六七八九十]{1,3}、|\\([一二三四五六七八九十]{1,3}\\)|[0-9]{1,2}[、.](?![0-9])|["
    "①-⑳])";

/// Match at the start of the string (ICU lookingAt) of kSubheadingPattern: "一、", "（一）",
/// "1." (not "1.5"), "①".
inline bool match_default_subheading(std::u32string_view s) {
    if (s.empty()) return false;
    const char32_t first = s[0];
    if (first >= U'①' && first <= U'⑳') return true; // [①-⑳]
    if (first != U'(' && !ascii_digit(first) && !cn_ordinal(first)) return false;
    // [一二三四五六七八九十]{1,3}、
    std::size_t n = run(s, 0, cn_ordinal);
    if (n >= 1 && n <= 3 && at(s, n, U'、')) return true;
    // \([一二三四五六七八九十]{1,3}\)
    if (s[0] == U'(') {
        n = run(s, 1, cn_ordinal);
        if (n >= 1 && n <= 3 && at(s, 1 + n, U')')) return true;
    }
    // [0-9]{1,2}[、.](?![0-9])
    n = run(s, 0, ascii_digit);
    if (n >= 1 && n <= 2 && (at(s, n, U'、') || at(s, n, U'.')) &&
        !(n + 1 < s.size() && ascii_digit(s[n + 1])))
        return true;
    return false;
}

struct LabelMatch {
    std::size_t label = 0; ///< length of the label
    std::size_t rest = 0;  ///< where the text after the colon (and its white space) starts
};

/// Whole-string match of the pattern the segmenter built from distribution_labels,
/// `(\Qlabel1\E|\Qlabel2\E|...)\s*:\s*(.*)`: the labels tried in the order given, as ICU's
/// alternation does (empty labels are skipped, no label matches nothing). Literal labels need no
/// regular expression; a label is matched as written even if it contains "\E".
inline std::optional<LabelMatch> match_label(std::u32string_view s,
                                             const std::vector<std::u32string>& labels) {
    if (s.empty()) return std::nullopt;
    for (const auto& label : labels) {
        if (label.empty() || label[0] != s[0] || !s.starts_with(label)) continue;
        std::size_t i = label.size();
        i += run(s, i, white_space);
        if (!at(s, i, U':')) continue;
        ++i;
        i += run(s, i, white_space);
        bool ends = true; // (.*) reaches the end: no line terminator after the colon
        for (std::size_t k = i; k < s.size() && ends; ++k)
            ends = !line_terminator(s[k]);
        if (ends) return LabelMatch{label.size(), i};
    }
    return std::nullopt;
}

} // namespace cn_bulletin
