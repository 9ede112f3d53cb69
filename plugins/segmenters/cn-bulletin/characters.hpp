// cn.bulletin - characters and strings as the segmenter's rules see them: folding full-width
// forms, white space, trimming, printed widths, fields, brackets.
#pragma once

#include "matchers.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cn_bulletin {

inline constexpr std::size_t npos = std::u32string::npos;

inline char32_t fold(char32_t c) {
    if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFEE0;
    if (c == 0x3000) return U' ';
    return c;
}

inline std::u32string fold(std::u32string_view s) {
    std::u32string out(s);
    for (char32_t& c : out)
        c = fold(c);
    return out;
}

/// bulletin::text::is_space (Unicode White_Space and U+3000), inline: it is asked of every
/// character of every line.
inline bool is_space(char32_t c) {
    return white_space(c);
}

inline std::u32string_view trim_view(std::u32string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && is_space(s[b]))
        ++b;
    while (e > b && is_space(s[e - 1]))
        --e;
    return s.substr(b, e - b);
}

inline std::u32string trim(std::u32string_view s) {
    return std::u32string(trim_view(s));
}

inline void append_squeezed(std::u32string& out, std::u32string_view s) {
    for (char32_t c : s)
        if (!is_space(c)) out.push_back(c);
}

inline std::u32string squeeze(std::u32string_view s) {
    std::u32string out;
    append_squeezed(out, s);
    return out;
}

inline bool contains(std::u32string_view set, char32_t c) {
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
inline constexpr std::u32string_view kMarkingPunctuation = U"★☆·•、,|/";
inline constexpr std::u32string_view kRecipientTrailers = U"。.;；,，、";
inline constexpr std::u32string_view kBylineForbidden = U"。,;!?", kNameSeparators = U"、,，/";

inline bool ends_with(std::u32string_view s, std::u32string_view suffix) {
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
inline double cells(std::u32string_view s) {
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
inline std::vector<std::u32string> fields(std::u32string_view s) {
    std::vector<std::u32string> out;
    each_field(s, [&](std::u32string_view f) {
        out.emplace_back(f);
        return true;
    });
    return out;
}

inline const std::u32string* ends_with_any(std::u32string_view s,
                                           const std::vector<std::u32string>& list) {
    for (const auto& item : list)
        if (!item.empty() && ends_with(s, item)) return &item;
    return nullptr;
}

} // namespace cn_bulletin
