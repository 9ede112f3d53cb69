// cn.bulletin - the segmenter's own copies of text helpers the SDK is to share: its UTF-8 decoder
// and encoder, a set of characters, the range of valid years and the page-number matcher.
//
// Kept together in this one header so that they can be replaced by the SDK's versions in one
// place. Each behaves exactly as the SDK function it names (tests/segmenter checks that).
#pragma once

#include "matchers.hpp"

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace cn_bulletin {

// --- UTF-8 ---------------------------------------------------------------------------------------

/// A code point and where the next one starts; U+FFFD and `valid` false for an invalid sequence.
struct Decoded {
    char32_t c;
    int32_t next;
    bool valid;
};

/// Anything but ASCII and well-formed two- and three-byte sequences: ICU's U8_NEXT, the macro
/// bulletin::text::to_u32 uses, so invalid sequences become U+FFFD exactly as there.
inline Decoded other_code_point(const uint8_t* p, int32_t i, int32_t n) {
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

/// UTF-8 -> UTF-32 as bulletin::text::to_u32.
inline std::u32string u32(std::string_view s) {
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
inline void append_utf8(std::string& out, std::u32string_view s) {
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

/// UTF-32 -> UTF-8 as bulletin::text::to_utf8.
inline std::string utf8(std::u32string_view s) {
    std::string out;
    append_utf8(out, s);
    return out;
}

// --- sets of characters --------------------------------------------------------------------------

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
    bool has(char32_t c) const {
        return c >= lo_ && c <= hi_ && chars_.find(c) != std::u32string::npos;
    }

private:
    std::u32string chars_;
    char32_t lo_ = U'\U0010FFFF', hi_ = 0;
};

// --- years ---------------------------------------------------------------------------------------

/// The years a bulletin's date may carry; anything else is not read as a date.
inline constexpr int kMinYear = 1900;
inline constexpr int kMaxYear = 2200;

// --- page numbers --------------------------------------------------------------------------------

/// Page numbers from any reader: "— 3 —", "－3－", "第3页", "第 3 页 / 共 8 页".
inline constexpr const char* kPageNumberPattern =
    R"((?:[\-\x{2010}-\x{2015}\x{2212}\x{2500}~\x{301C}]+\s*[0-9]{1,4}\s*)"
    R"([\-\x{2010}-\x{2015}\x{2212}\x{2500}~\x{301C}]+|)"
    R"(第\s*[0-9]{1,4}\s*页(?:\s*[,/]?\s*共\s*[0-9]{1,4}\s*页)?))";

/// Whole-string match of kPageNumberPattern ("— 3 —", "－3－", "第3页", "第 3 页 / 共 8 页").
inline bool match_page_number(std::u32string_view s) {
    constexpr std::size_t kMaxDigits = 4; // [0-9]{1,4}
    auto dash = [](char32_t c) {
        return c == U'-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0x2500 ||
               c == U'~' || c == 0x301C;
    };
    auto spaces = [&](std::size_t& i) { i += run(s, i, white_space); };
    auto number = [&](std::size_t& i) {
        std::size_t n = run(s, i, ascii_digit);
        i += n;
        return n >= 1 && n <= kMaxDigits;
    };
    std::size_t i = 0;
    if (std::size_t d = run(s, 0, dash)) {
        i = d;
        spaces(i);
        if (!number(i)) return false;
        spaces(i);
        std::size_t e = run(s, i, dash);
        return e > 0 && i + e == s.size();
    }
    if (!at(s, 0, U'第')) return false;
    i = 1;
    spaces(i);
    if (!number(i)) return false;
    spaces(i);
    if (!at(s, i, U'页')) return false;
    ++i;
    if (i == s.size()) return true;
    // (?:\s*[,/]?\s*共\s*[0-9]{1,4}\s*页)?
    spaces(i);
    if (at(s, i, U',') || at(s, i, U'/')) ++i;
    spaces(i);
    if (!at(s, i, U'共')) return false;
    ++i;
    spaces(i);
    if (!number(i)) return false;
    spaces(i);
    return at(s, i, U'页') && i + 1 == s.size();
}

} // namespace cn_bulletin
