// bulletin/text.hpp: the UTF-8 helpers give what their first, straightforward versions gave
// (the reference:: functions below, kept verbatim) on valid text and on every kind of damage:
// invalid lead and trail bytes, overlong forms, surrogates, code points past U+10FFFF,
// sequences cut short by the end of the string or by the next character.
#include <bulletin/text.hpp>

#include <gtest/gtest.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace text = bulletin::text;

namespace reference {

std::u32string to_u32(std::string_view utf8) {
    std::u32string out;
    out.reserve(utf8.size());
    const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
    int32_t i = 0, n = static_cast<int32_t>(utf8.size());
    while (i < n) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        out.push_back(c < 0 ? U'\uFFFD' : static_cast<char32_t>(c));
    }
    return out;
}

std::string to_utf8(std::u32string_view text) {
    std::string out;
    for (char32_t c : text) {
        uint8_t buf[4];
        int32_t len = 0;
        UBool error = false;
        U8_APPEND(buf, len, 4, static_cast<UChar32>(c), error);
        if (error)
            out += "\xEF\xBF\xBD";
        else
            out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(len));
    }
    return out;
}

std::size_t length(std::string_view utf8) {
    std::size_t count = 0;
    for (unsigned char c : utf8)
        if ((c & 0xC0) != 0x80) ++count;
    return count;
}

std::optional<std::size_t> first_invalid_utf8(std::string_view bytes) {
    const auto* s = reinterpret_cast<const uint8_t*>(bytes.data());
    int32_t i = 0, n = static_cast<int32_t>(bytes.size());
    while (i < n) {
        int32_t start = i;
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0) return static_cast<std::size_t>(start);
    }
    return std::nullopt;
}

bool is_space(char32_t c) {
    return c == U'\u3000' || u_isUWhiteSpace(static_cast<UChar32>(c));
}

std::string_view trim(std::string_view utf8) {
    auto u = to_u32(utf8);
    std::size_t first = 0, last = u.size();
    while (first < last && is_space(u[first]))
        ++first;
    while (last > first && is_space(u[last - 1]))
        --last;
    std::size_t byte = 0, cp = 0, begin_byte = utf8.size(), end_byte = utf8.size();
    for (; byte <= utf8.size(); ++byte) {
        if (byte == utf8.size() || (static_cast<unsigned char>(utf8[byte]) & 0xC0) != 0x80) {
            if (cp == first && begin_byte == utf8.size()) begin_byte = byte;
            if (cp == last) {
                end_byte = byte;
                break;
            }
            ++cp;
        }
    }
    if (begin_byte > end_byte) return {};
    return utf8.substr(begin_byte, end_byte - begin_byte);
}

std::string remove_spaces(std::string_view utf8) {
    std::u32string out;
    for (char32_t c : to_u32(utf8))
        if (!is_space(c)) out.push_back(c);
    return to_utf8(out);
}

} // namespace reference

/// Compares every UTF-8 helper with its reference on `bytes`.
void expect_same(std::string_view bytes) {
    SCOPED_TRACE(::testing::PrintToString(std::string(bytes)));
    EXPECT_EQ(text::to_u32(bytes), reference::to_u32(bytes));
    EXPECT_EQ(text::length(bytes), reference::length(bytes));
    EXPECT_EQ(text::first_invalid_utf8(bytes), reference::first_invalid_utf8(bytes));
    auto trimmed = text::trim(bytes), expected = reference::trim(bytes);
    EXPECT_EQ(trimmed, expected);
    if (!expected.empty()) {
        EXPECT_EQ(trimmed.data(), expected.data()); // a view into `bytes`
    }
    EXPECT_EQ(text::remove_spaces(bytes), reference::remove_spaces(bytes));
}

// Pieces the random strings are made of: ASCII, spaces of every kind, valid sequences of each
// length, and damage.
const std::vector<std::string> kPieces = {
    // ASCII, white space among it
    "a", "Z", "7", " ", "\t", "\n", "\r", "\f", "\v", std::string(1, '\0'),
    // other white space: NEL, NBSP, U+3000, U+2003, U+2028, U+1680
    "\xC2\x85", "\xC2\xA0", "\xE3\x80\x80", "\xE2\x80\x83", "\xE2\x80\xA8", "\xE1\x9A\x80",
    // not white space: U+200B, BOM, é, CJK, U+FFFD itself
    "\xE2\x80\x8B", "\xEF\xBB\xBF", "\xC3\xA9", "人", "大", "，", "（", "—", "〇", "\xEF\xBF\xBD",
    // three-byte edges: U+0800 (lead E0), U+D7FF (lead ED, last before the surrogates), U+E000,
    // U+FFFF
    "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF",
    // four bytes: U+1F600, U+20000 (CJK extension B), U+10FFFF
    "\xF0\x9F\x98\x80", "\xF0\xA0\x80\x80", "\xF4\x8F\xBF\xBF",
    // stray trail bytes
    "\x80", "\xBF", "\x80\x80",
    // overlong forms of two, three and four bytes
    "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xE0\x9F\xBF", "\xF0\x80\x80\xAF", "\xF0\x8F\xBF\xBF",
    // surrogates, past U+10FFFF, no such lead byte
    "\xED\xA0\x80", "\xED\xBF\xBF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xF8\x88\x80\x80\x80",
    "\xFE", "\xFF",
    // sequences cut short
    "\xC3", "\xE4", "\xE4\xBA", "\xF0", "\xF0\x9F", "\xF0\x9F\x98"};

TEST(SdkText, Examples) {
    EXPECT_EQ(text::to_u32("人大 a"), U"人大 a");
    EXPECT_EQ(text::to_u32("a\x80"
                           "b"),
              U"a\uFFFDb");
    EXPECT_EQ(text::to_u32("\xE4\xBA"), U"\uFFFD");                 // truncated: one U+FFFD
    EXPECT_EQ(text::to_u32("\xED\xA0\x80"), U"\uFFFD\uFFFD\uFFFD"); // surrogate: per byte
    EXPECT_EQ(text::to_utf8(U"人大 a\U0001F600"), "人大 a\xF0\x9F\x98\x80");
    EXPECT_EQ(text::to_utf8(std::u32string(1, char32_t{0xD800})), "\xEF\xBF\xBD");
    EXPECT_EQ(text::to_utf8(std::u32string(1, char32_t{0x110000})), "\xEF\xBF\xBD");
    EXPECT_EQ(text::length("人大a"), 3u);
    EXPECT_EQ(text::first_invalid_utf8("人大 abc"), std::nullopt);
    EXPECT_EQ(text::first_invalid_utf8("abcdefghij\xC0\xAF"), 10u);
    EXPECT_EQ(text::first_invalid_utf8("人\xE4\xBA"), 3u);
    EXPECT_EQ(text::trim("\xE3\x80\x80 人大\t\xC2\xA0"), "人大");
    EXPECT_EQ(text::trim(" \x80"
                         "abc"),
              "abc");                          // the old mapping skips a stray trail byte
    EXPECT_EQ(text::trim("a\x80 "), "a\x80 "); // ... and keeps this trailing space
    EXPECT_EQ(text::remove_spaces(" 人 大\xE3\x80\x80\x80"), "人大\xEF\xBF\xBD");
}

TEST(SdkText, IsSpaceMatchesIcu) {
    for (char32_t c = 0; c <= 0x10FFFF; ++c)
        ASSERT_EQ(text::is_space(c), reference::is_space(c))
            << std::hex << static_cast<uint32_t>(c);
    EXPECT_FALSE(text::is_space(0x110000));
    EXPECT_FALSE(text::is_space(0xFFFFFFFF));
}

TEST(SdkText, EveryShortByteString) {
    // Every string of up to two bytes, and of three bytes from a set covering each class.
    std::string s;
    for (int a = 0; a < 256; ++a) {
        expect_same(std::string(1, static_cast<char>(a)));
        for (int b = 0; b < 256; ++b)
            expect_same(std::string{static_cast<char>(a), static_cast<char>(b)});
    }
    const std::vector<uint8_t> classes = {0x00, 0x20, 0x41, 0x7F, 0x80, 0x8F, 0x90,
                                          0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0,
                                          0xE3, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
    for (uint8_t a : classes)
        for (uint8_t b : classes)
            for (uint8_t c : classes)
                for (uint8_t d : classes)
                    expect_same(std::string{static_cast<char>(a), static_cast<char>(b),
                                            static_cast<char>(c), static_cast<char>(d)});
}

TEST(SdkText, RandomMixtures) {
    std::mt19937 rng(10);
    std::uniform_int_distribution<std::size_t> piece(0, kPieces.size() - 1), count(0, 40);
    for (int round = 0; round < 20000; ++round) {
        std::string s;
        for (std::size_t k = count(rng); k > 0; --k)
            s += kPieces[piece(rng)];
        expect_same(s);
    }
}

TEST(SdkText, ThreeByteRuns) {
    // CJK text is runs of three-byte characters, which the helpers take two at a time: runs of
    // every lead (E0 and ED with their edge trails) with damage here and there.
    const std::vector<std::string> three = {"人",           "大",           "，",
                                            "\xE0\xA0\x80", "\xE0\xBF\xBF", "\xED\x80\x80",
                                            "\xED\x9F\xBF", "\xEF\xBF\xBF", "\xE3\x80\x80",
                                            "\xEC\xBF\xBF", "\xEE\x80\x80"};
    const std::vector<std::string> damage = {
        "\xE0\x9F\xBF", "\xED\xA0\x80", "\xE4\xBA", "\x80", "\xE4\xC0\x80", "a", " "};
    std::mt19937 rng(12);
    for (int round = 0; round < 20000; ++round) {
        std::string s;
        for (std::size_t k = rng() % 24; k > 0; --k)
            s += rng() % 10 ? three[rng() % three.size()] : damage[rng() % damage.size()];
        expect_same(s);
    }
}

TEST(SdkText, ToUtf8RoundTripsAndSubstitutes) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<uint32_t> any(0, 0x12FFFF), len(0, 30);
    for (int round = 0; round < 20000; ++round) {
        std::u32string u;
        for (uint32_t k = len(rng); k > 0; --k)
            u.push_back(round % 3 ? any(rng) : any(rng) % 0x100);
        if (round % 50 == 0) u.push_back(0xFFFFFFFF);
        EXPECT_EQ(text::to_utf8(u), reference::to_utf8(u));
    }
}

TEST(SdkText, LongTexts) {
    // Long enough for the ASCII and block shortcuts, damage at every offset of a block.
    std::string base;
    for (int i = 0; i < 30; ++i)
        base += "第" + std::to_string(i) + "期 人大常委会 abcdefgh ijklmnop\n";
    expect_same(base);
    for (std::size_t at = 0; at < 80; ++at)
        for (const char* damage : {"\x80", "\xE4", "\xC0\xAF", "\xED\xA0\x80", "\xF0\x9F\x98"}) {
            std::string s = base;
            s.insert(at * 7 % s.size(), damage);
            expect_same(s);
            expect_same(std::string(at, 'x') + damage + std::string(at % 13, ' '));
        }
}

} // namespace
