// taggers_common.hpp: the per-document decoding every tagger relies on gives exactly what
// text::to_u32 / text::to_utf8 give (the SSSE3 block path, the scalar path and the fallback for
// ill-formed input), and the trie's first-character filter never hides a word.
#include "taggers_common.hpp"

#include <bulletin/text.hpp>

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace {

using bulletin::taggers::SlotTexts;
using bulletin::taggers::text_slots;

/// The code points of `paragraph` as SlotTexts decodes them.
std::u32string decoded(const std::string& paragraph) {
    bulletin::Document doc;
    doc.articles.emplace_back();
    doc.articles[0].paragraphs.push_back({paragraph, {}});
    auto slots = text_slots(doc); // title, then the paragraph
    SlotTexts texts(slots);
    return std::u32string(texts[1]);
}

TEST(TaggersCommon, DecodesLikeTextToU32AtEveryLength) {
    // Runs of Han characters broken by ASCII, two- and four-byte characters, cut at every length
    // so that the 12-byte blocks meet every kind of tail.
    const std::string text = "全省人大选举任免联络工作座谈会在娄底召开,4月12日张剑飞出席会议é并强调"
                             "𠀀以昂扬向上的精神状态和一以贯之的奋斗姿态,高质量做好全省人大工作。";
    auto all = bulletin::text::to_u32(text);
    for (std::size_t n = 0; n <= all.size(); ++n) {
        auto prefix = bulletin::text::to_utf8(std::u32string_view(all).substr(0, n));
        EXPECT_EQ(decoded(prefix), bulletin::text::to_u32(prefix)) << n;
    }
}

TEST(TaggersCommon, IllFormedInputFallsBackToTextToU32) {
    for (std::string bad : {std::string("会议\x80召开"), std::string("会议\xE4\xB8"),
                            std::string("全省人大选举任免联络工作\xE4\x41座谈会在娄底召开")})
        EXPECT_EQ(decoded(bad), bulletin::text::to_u32(bad));
}

/// The decoding the taggers used before SlotTexts, kept as the reference: lead bytes decide
/// the length, continuation bytes are checked, and anything else sends the whole text to
/// text::to_u32.
std::u32string reference_decode(std::string_view s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            out += b;
            ++i;
            continue;
        }
        std::size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
        if (len == 0 || i + len > s.size()) return bulletin::text::to_u32(s);
        char32_t c = b & (0x3F >> (len - 1));
        for (std::size_t k = 1; k < len; ++k) {
            auto t = static_cast<unsigned char>(s[i + k]);
            if ((t & 0xC0) != 0x80) return bulletin::text::to_u32(s);
            c = (c << 6) | (t & 0x3F);
        }
        out += c;
        i += len;
    }
    return out;
}

TEST(TaggersCommon, RandomBytesDecodeAsBefore) {
    std::mt19937 rng(7);
    const char* pieces[] = {"中", "国", "a", ",", "\xC3\xA9", "𠀀", "\x80", "\xE4\xB8", "\xFF"};
    for (int i = 0; i < 5000; ++i) {
        std::string s;
        for (int k = static_cast<int>(rng() % 40); k > 0; --k)
            s += pieces[rng() % 4 == 0 ? rng() % 9 : rng() % 2];
        EXPECT_EQ(decoded(s), reference_decode(s)) << i;
    }
}

TEST(TaggersCommon, EncodesLikeTextToUtf8) {
    std::u32string odd = {0x41,   0x7F,   0x80,   0x7FF,   0x800,   0x4E2D,   0xD7FF,   0xD800,
                          0xDFFF, 0xE000, 0xFFFF, 0x10000, 0x20000, 0x10FFFF, 0x110000, 0x7FFFFFFF};
    EXPECT_EQ(bulletin::taggers::to_utf8(odd), bulletin::text::to_utf8(odd));
    std::string out = "前缀";
    bulletin::taggers::append_utf8(out, U"娄底市");
    EXPECT_EQ(out, "前缀娄底市");
}

TEST(TaggersCommon, TrieFilterKeepsEveryWord) {
    bulletin::taggers::Trie trie;
    trie.insert(std::u32string_view(U"人大常委会"), 1);
    trie.insert(std::u32string_view(U"局"), 2);
    trie.insert(std::u32string_view(U"𠀀字"), 3);
    std::u32string text = U"省人大常委会办公厅局𠀀字";
    EXPECT_EQ(trie.longest(text, 1), (std::pair<std::size_t, int>{5, 1}));
    EXPECT_EQ(trie.longest(text, 9), (std::pair<std::size_t, int>{1, 2}));
    EXPECT_EQ(trie.longest(text, 10), (std::pair<std::size_t, int>{2, 3}));
    EXPECT_EQ(trie.longest(text, 0).first, 0u);
    EXPECT_EQ(trie.longest(text, text.size()).first, 0u);
    bulletin::taggers::CharSet set;
    set.insert(std::u32string_view(U"的和与"));
    EXPECT_TRUE(set.contains(U'和'));
    EXPECT_FALSE(set.contains(U'人'));
    EXPECT_FALSE(set.contains(U'和' + 16384)); // same filter bit, not in the set
}

} // namespace
