// cn.bulletin's hand matchers (plugins/segmenters/cn-bulletin/matchers.hpp) against the ICU
// regular expressions they replace: on generated strings (tokens that build matches and near
// misses, joined at random), each must give ICU's answer and ICU's groups.
#include "text_helpers.hpp"

#include <bulletin/text.hpp>

#include <unicode/regex.h>
#include <unicode/unistr.h>

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace cnb = cn_bulletin;
using Groups = std::vector<std::optional<std::u32string>>;

/// An ICU pattern, run as the segmenter used to run it (matches() or lookingAt() on UTF-16).
class Icu {
public:
    explicit Icu(const std::string& pattern) {
        UErrorCode status = U_ZERO_ERROR;
        UParseError where{};
        pattern_.reset(
            icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(pattern), 0, where, status));
        EXPECT_TRUE(U_SUCCESS(status)) << pattern;
    }
    /// Groups 0..n of a whole match (or a match at the start), unmatched groups as nullopt.
    std::optional<Groups> run(std::u32string_view s, bool whole = true) const {
        UErrorCode status = U_ZERO_ERROR;
        auto input = icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(s.data()),
                                                   static_cast<int32_t>(s.size()));
        std::unique_ptr<icu::RegexMatcher> m(pattern_->matcher(input, status));
        if (!(whole ? m->matches(status) : m->lookingAt(status))) return std::nullopt;
        Groups groups;
        for (int32_t g = 0; g <= m->groupCount(); ++g) {
            if (m->start(g, status) < 0) {
                groups.emplace_back();
                continue;
            }
            std::string part;
            m->group(g, status).toUTF8String(part);
            groups.emplace_back(bulletin::text::to_u32(part));
        }
        return groups;
    }

private:
    std::unique_ptr<icu::RegexPattern> pattern_;
};

/// Strings of 0..max_tokens tokens drawn from `tokens`, the same every run.
std::vector<std::u32string> generate(const std::vector<std::u32string>& tokens,
                                     std::size_t count = 20000, int max_tokens = 7) {
    std::mt19937 rng(20240611);
    std::uniform_int_distribution<int> length(0, max_tokens);
    std::uniform_int_distribution<std::size_t> pick(0, tokens.size() - 1);
    std::vector<std::u32string> out;
    for (std::size_t i = 0; i < count; ++i) {
        std::u32string s;
        for (int t = length(rng); t > 0; --t)
            s += tokens[pick(rng)];
        out.push_back(std::move(s));
    }
    return out;
}

/// Strings made slot by slot, each slot one of its alternatives (U"" leaves it out): the shape
/// of a match with every part varied, so that matches and near misses both come up often.
std::vector<std::u32string> generate_slots(const std::vector<std::vector<std::u32string>>& slots,
                                           std::size_t count = 20000) {
    std::mt19937 rng(20240612);
    std::vector<std::u32string> out;
    for (std::size_t i = 0; i < count; ++i) {
        std::u32string s;
        for (const auto& slot : slots)
            s += slot[std::uniform_int_distribution<std::size_t>(0, slot.size() - 1)(rng)];
        out.push_back(std::move(s));
    }
    return out;
}

/// Numerals of every length around the bounds of the patterns' {m,n}.
const std::vector<std::u32string> kNumerals = {
    U"",         U"1",          U"12",      U"123",          U"2023",
    U"12345",    U"一",         U"十二",    U"一百零五",     U"两千",
    U"二〇二三", U"二〇二三四", U"〇○零一", U"九九九九九九", U"九九九九九九九九",
    U"x"};
const std::vector<std::u32string> kYears = {U"2023",  U"二〇二三", U"〇○零一",  U"202",
                                            U"20234", U"二〇二",   U"两〇二三", U"2〇23"};
const std::vector<std::u32string> kDays = {U"4",      U"12",     U"123", U"一", U"十二",
                                           U"三十一", U"十二三", U"",    U"1二"};

std::string show(std::u32string_view s) {
    return bulletin::text::to_utf8(s);
}

/// Group text, with "" for a group that took no part (the segmenter reads both alike).
std::u32string group(const Groups& g, std::size_t i) {
    return g[i].value_or(U"");
}

const std::vector<std::u32string> kNumeralTokens = {U"2023",
                                                    U"4",
                                                    U"24",
                                                    U"12345",
                                                    U"0",
                                                    U"二〇二三",
                                                    U"○",
                                                    U"十二",
                                                    U"一百零五",
                                                    U"两",
                                                    U"九九九九九九九九九",
                                                    U"年",
                                                    U"月",
                                                    U"日",
                                                    U"第",
                                                    U"期",
                                                    U"总",
                                                    U"增刊",
                                                    U"增",
                                                    U"(",
                                                    U")",
                                                    U"（",
                                                    U"x",
                                                    U" ",
                                                    U"\u3000",
                                                    U"千"};

TEST(CnBulletinMatchers, WhiteSpaceIsIcuAndSdkWhiteSpace) {
    // ICU's \s over every code point (surrogates excepted), found in one long string.
    std::u32string all;
    for (char32_t c = 0; c <= 0x10FFFF; ++c)
        if (c < 0xD800 || c > 0xDFFF) all.push_back(c);
    auto input = icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(all.data()),
                                               static_cast<int32_t>(all.size()));
    std::vector<bool> icu_space(0x110000, false), icu_dot(0x110000, false);
    for (const char* pattern : {"\\s", "."}) {
        UErrorCode status = U_ZERO_ERROR;
        UParseError where{};
        std::unique_ptr<icu::RegexPattern> re(
            icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(pattern), 0, where, status));
        std::unique_ptr<icu::RegexMatcher> m(re->matcher(input, status));
        auto& set = pattern[0] == '.' ? icu_dot : icu_space;
        while (m->find(status))
            set[static_cast<std::size_t>(m->group(status).char32At(0))] = true;
        ASSERT_TRUE(U_SUCCESS(status));
    }
    for (char32_t c : all) {
        ASSERT_EQ(cnb::white_space(c), icu_space[c]) << std::hex << static_cast<unsigned>(c);
        ASSERT_EQ(cnb::white_space(c), bulletin::text::is_space(c))
            << std::hex << static_cast<unsigned>(c);
        ASSERT_EQ(cnb::line_terminator(c), !icu_dot[c]) << std::hex << static_cast<unsigned>(c);
    }
}

TEST(CnBulletinMatchers, DateAsIcu) {
    Icu icu(cnb::kDatePattern);
    auto inputs = generate(kNumeralTokens);
    auto shaped = generate_slots({kYears,
                                  {U"年", U"年", U"", U"月"},
                                  kDays,
                                  {U"月", U"月", U""},
                                  kDays,
                                  {U"日", U"日", U""},
                                  {U"", U"", U"x", U" "}});
    inputs.insert(inputs.end(), shaped.begin(), shaped.end());
    inputs.insert(inputs.end(), {U"2023年4月24日", U"二〇二三年六月十五日", U"2023年十二月三十一日",
                                 U"202年4月24日", U"2023年123月1日", U"2023年4月24日x"});
    int matched = 0;
    for (const auto& s : inputs) {
        auto want = icu.run(s);
        auto got = cnb::match_date(s);
        ASSERT_EQ(got.has_value(), want.has_value()) << show(s);
        if (!got) continue;
        ++matched;
        EXPECT_EQ(got->year, group(*want, 1)) << show(s);
        EXPECT_EQ(got->month, group(*want, 2)) << show(s);
        EXPECT_EQ(got->day, group(*want, 3)) << show(s);
    }
    EXPECT_GT(matched, 200);
}

TEST(CnBulletinMatchers, IssueAsIcu) {
    Icu icu(cnb::kIssuePattern);
    auto inputs = generate(kNumeralTokens);
    auto shaped = generate_slots({{U"", U"", U"2023年", U"二〇二三年"},
                                  {U"", U"增刊", U"增"},
                                  {U"第", U"第", U""},
                                  kNumerals,
                                  {U"期", U"期", U""},
                                  {U"", U"(", U"（"},
                                  {U"", U"总", U"总"},
                                  {U"", U"第"},
                                  kNumerals,
                                  {U"", U"期", U"期"},
                                  {U"", U")"},
                                  {U"", U"", U"x"}});
    inputs.insert(inputs.end(), shaped.begin(), shaped.end());
    inputs.insert(inputs.end(), {U"第12期", U"第12期(总第86期)", U"增刊第3期", U"2023年第5期",
                                 U"第十二期(总八十六期", U"第12期总86期)", U"二〇二三年增刊第一期",
                                 U"第12345期", U"第12期(总第86期)x"});
    int matched = 0;
    for (const auto& s : inputs) {
        auto want = icu.run(s);
        auto got = cnb::match_issue(s);
        ASSERT_EQ(got.has_value(), want.has_value()) << show(s);
        if (!got) continue;
        ++matched;
        EXPECT_EQ(got->year, group(*want, 1)) << show(s);
        EXPECT_EQ(got->supplement, group(*want, 2)) << show(s);
        EXPECT_EQ(got->number, group(*want, 3)) << show(s);
        EXPECT_EQ(got->total, group(*want, 4)) << show(s);
    }
    EXPECT_GT(matched, 400);
}

TEST(CnBulletinMatchers, CopiesAsIcu) {
    Icu icu(cnb::kCopiesPattern);
    auto inputs = generate({U"(", U")", U"共印", U"印数", U"印", U"数", U"80", U"八十", U"两百",
                            U"份", U"x", U"共", U" "});
    auto shaped = generate_slots({{U"", U"(", U"x"},
                                  {U"共印", U"印数", U"印", U"共", U""},
                                  kNumerals,
                                  {U"", U"8十", U"数"},
                                  {U"份", U"", U"份份"},
                                  {U"", U")", U"))"}});
    inputs.insert(inputs.end(), shaped.begin(), shaped.end());
    int matched = 0;
    for (const auto& s : inputs) {
        bool want = icu.run(s).has_value();
        ASSERT_EQ(cnb::match_copies(s), want) << show(s);
        matched += want;
    }
    EXPECT_GT(matched, 500);
}

TEST(CnBulletinMatchers, PrintedAsIcu) {
    Icu icu(cnb::kPrintedPattern);
    auto inputs = generate({U"市人大常委会办公室", U"2024年3月8日", U"印发", U"印", U"发", U")",
                            U"\n", U"\u2028", U"x", U" ", U"一二三四五六七八九十"},
                           20000, 6);
    int matched = 0;
    for (const auto& s : inputs) {
        bool want = icu.run(s).has_value();
        ASSERT_EQ(cnb::match_printed(s), want) << show(s);
        matched += want;
    }
    EXPECT_GT(matched, 500);
}

TEST(CnBulletinMatchers, PageNumberAsIcu) {
    Icu icu(cnb::kPageNumberPattern);
    auto inputs = generate({U"-",  U"—",  U"\u2010", U"\u2212", U"\u2500", U"~",  U"\u301C",
                            U"－", U" ",  U"\t",     U"\u3000", U"3",      U"12", U"12345",
                            U"第", U"页", U"共",     U",",      U"/",      U"x"});
    const std::vector<std::u32string> dash = {U"-", U"—", U"——", U"\u2212", U"~", U"x", U""},
                                      space = {U"", U" ", U"\t", U"\u3000"};
    auto dashed = generate_slots({dash, space, kNumerals, space, dash});
    auto paged = generate_slots({{U"第", U"第", U"x"},
                                 space,
                                 kNumerals,
                                 space,
                                 {U"页", U""},
                                 space,
                                 {U"", U",", U"/"},
                                 space,
                                 {U"", U"共", U"共"},
                                 space,
                                 kNumerals,
                                 space,
                                 {U"", U"页", U"页"}});
    inputs.insert(inputs.end(), dashed.begin(), dashed.end());
    inputs.insert(inputs.end(), paged.begin(), paged.end());
    inputs.insert(inputs.end(), {U"— 3 —", U"-3-", U"第3页", U"第 3 页 / 共 8 页", U"第3页共8页",
                                 U"第3页,共8页x", U"—12345—"});
    int matched = 0;
    for (const auto& s : inputs) {
        bool want = icu.run(s).has_value();
        ASSERT_EQ(cnb::match_page_number(s), want) << show(s);
        matched += want;
    }
    EXPECT_GT(matched, 2000);
}

TEST(CnBulletinMatchers, DefaultSubheadingAsIcu) {
    Icu icu(cnb::kSubheadingPattern);
    auto inputs = generate({U"一", U"十", U"〇", U"两", U"、", U"(", U")", U"（", U"1", U"12",
                            U"123", U".", U"5", U"①", U"⑳", U"㉑", U"x", U" ", U"主要做法"});
    int matched = 0;
    for (const auto& s : inputs) {
        bool want = icu.run(s, false).has_value();
        ASSERT_EQ(cnb::match_default_subheading(s), want) << show(s);
        matched += want;
    }
    EXPECT_GT(matched, 1000);
}

TEST(CnBulletinMatchers, DistributionLabelsAsIcu) {
    // The labels as Config prepares them (folded, without spaces, longest first) and the
    // pattern the segmenter built from them.
    const std::vector<std::u32string> labels = {U"抄送", U"抄报", U"分送", U"报送", U"印送",
                                                U"报",   U"送",   U"发",   U""};
    std::string pattern;
    for (const auto& label : labels)
        if (!label.empty()) pattern += (pattern.empty() ? "" : "|") + ("\\Q" + show(label) + "\\E");
    Icu icu("(" + pattern + ")\\s*:\\s*(.*)");
    auto inputs = generate({U"抄送", U"报", U"送", U"发", U"报送", U"印", U":", U"：", U" ",
                            U"\u3000", U"\n", U"\u2028", U"\u0085", U"省人大常委会", U"、", U"x"});
    int matched = 0;
    for (const auto& s : inputs) {
        auto want = icu.run(s);
        auto got = cnb::match_label(s, labels);
        ASSERT_EQ(got.has_value(), want.has_value()) << show(s);
        if (!got) continue;
        ++matched;
        EXPECT_EQ(got->label, group(*want, 1).size()) << show(s);
        EXPECT_EQ(s.size() - got->rest, group(*want, 2).size()) << show(s);
    }
    EXPECT_GT(matched, 150);
}

} // namespace
