// cn.bulletin's own copies of shared text helpers (plugins/segmenters/cn-bulletin/text_helpers.hpp)
// against the SDK functions they stand for, and the numeral classes of matchers.hpp over every
// code point they could be asked about.
#include "text_helpers.hpp"

#include <bulletin/text.hpp>

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

namespace {

namespace cnb = cn_bulletin;

/// Random bytes biased towards UTF-8 lead and trail bytes, so that well-formed sequences of every
/// length, overlong forms, surrogates, truncated and stray bytes all occur.
std::string random_bytes(std::mt19937& rng, std::size_t size) {
    static constexpr unsigned char kPool[] = {'a',  ' ',  0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
                                              0xE0, 0xE4, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
    std::uniform_int_distribution<std::size_t> pick(0, sizeof kPool);
    std::uniform_int_distribution<int> any(0, 255);
    std::string out;
    for (std::size_t i = 0; i < size; ++i) {
        std::size_t k = pick(rng);
        out.push_back(static_cast<char>(k == sizeof kPool ? any(rng) : kPool[k]));
    }
    return out;
}

TEST(CnBulletinTextHelpers, DecodesAsTheSdk) {
    for (std::string_view s : {"", "abc", "湖南省人大", "Ünïcödé", "𠀀𝄞 emoji 😀"})
        EXPECT_EQ(cnb::u32(s), bulletin::text::to_u32(s)) << s;
    // Invalid input: U+FFFD exactly where the SDK puts it.
    for (std::string_view s :
         {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xE4\xB8", "\xF4\x90\x80\x80", "\x80\xBF"})
        EXPECT_EQ(cnb::u32(s), bulletin::text::to_u32(s)) << s;
    std::mt19937 rng(17);
    for (int i = 0; i < 20000; ++i) {
        const std::string s = random_bytes(rng, 1 + static_cast<std::size_t>(i % 12));
        ASSERT_EQ(cnb::u32(s), bulletin::text::to_u32(s)) << testing::PrintToString(s);
    }
}

TEST(CnBulletinTextHelpers, DecoderMarksInvalidSequences) {
    const auto* bytes = reinterpret_cast<const uint8_t*>("\xE4\xB8\xAD\xED\xA0\x80");
    cnb::Decoded first = cnb::next_code_point(bytes, 0, 6);
    EXPECT_EQ(first.c, U'中');
    EXPECT_EQ(first.next, 3);
    EXPECT_TRUE(first.valid);
    cnb::Decoded surrogate = cnb::next_code_point(bytes, 3, 6);
    EXPECT_EQ(surrogate.c, U'\uFFFD');
    EXPECT_FALSE(surrogate.valid);
}

TEST(CnBulletinTextHelpers, EncodesAsTheSdk) {
    const std::u32string samples[] = {
        U"", U"abc", U"湖南省人大", U"Ü𝄞😀",
        std::u32string{0xD800, U'a', 0xDFFF, 0x110000, 0x10FFFF, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF}};
    for (const auto& s : samples)
        EXPECT_EQ(cnb::utf8(s), bulletin::text::to_utf8(s));
    std::mt19937 rng(17);
    std::uniform_int_distribution<std::uint32_t> value(0, 0x110010);
    for (int i = 0; i < 20000; ++i) {
        std::u32string s;
        for (int k = 0; k <= i % 8; ++k)
            s.push_back(static_cast<char32_t>(value(rng)));
        ASSERT_EQ(cnb::utf8(s), bulletin::text::to_utf8(s));
    }
    std::string out = "x";
    cnb::append_utf8(out, U"中");
    EXPECT_EQ(out, "x中");
}

TEST(CnBulletinTextHelpers, CharSetHasItsCharactersOnly) {
    const cnb::CharSet set(U"。！?");
    EXPECT_TRUE(set.has(U'。'));
    EXPECT_TRUE(set.has(U'！'));
    EXPECT_TRUE(set.has(U'?'));
    for (char32_t c : {U'.', U'!', U'中', U'\0', U'、', U'\U0010FFFF'})
        EXPECT_FALSE(set.has(c)) << static_cast<unsigned>(c);
    const cnb::CharSet empty;
    for (char32_t c : {U'\0', U'a', U'。', U'\U0010FFFF'})
        EXPECT_FALSE(empty.has(c));
}

TEST(CnBulletinTextHelpers, NumeralClassesAreTheirPatternsClasses) {
    const std::u32string digits = U"〇○零一二三四五六七八九", ordinals = U"一二三四五六七八九十",
                         numbers = U"〇○零一二两三四五六七八九十百千";
    for (char32_t c = 0; c < 0x30000; ++c) {
        ASSERT_EQ(cnb::cn_digit(c), digits.find(c) != std::u32string::npos)
            << std::hex << static_cast<unsigned>(c);
        ASSERT_EQ(cnb::cn_ordinal(c), ordinals.find(c) != std::u32string::npos)
            << std::hex << static_cast<unsigned>(c);
        ASSERT_EQ(cnb::cn_number(c), numbers.find(c) != std::u32string::npos)
            << std::hex << static_cast<unsigned>(c);
    }
}

} // namespace
