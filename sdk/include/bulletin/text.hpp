// bulletin/text.hpp - text helpers for CJK work, shared by every plugin (ICU underneath).
//
// Strings are UTF-8 std::string; when code-point positions matter (entity offsets), convert to
// std::u32string with to_u32() and back with to_utf8().
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace bulletin::text {

/// UTF-8 -> UTF-32. Invalid sequences become U+FFFD.
std::u32string to_u32(std::string_view utf8);
/// UTF-32 -> UTF-8.
std::string to_utf8(std::u32string_view text);
/// Number of code points in a UTF-8 string.
std::size_t length(std::string_view utf8);

/// Offset of the first invalid UTF-8 sequence, or nullopt when `bytes` is valid UTF-8.
std::optional<std::size_t> first_invalid_utf8(std::string_view bytes);

/// Unicode NFKC ("，" -> ",", "１２" -> "12", "（" -> "(").
std::string nfkc(std::string_view utf8);

/// Removes leading and trailing Unicode white space (including U+3000 and NBSP).
std::string_view trim(std::string_view utf8);
/// Removes all Unicode white space.
std::string remove_spaces(std::string_view utf8);

/// Han ideographs (CJK Unified Ideographs and extensions, compatibility ideographs, 〇).
bool is_han(char32_t c);
/// Han, CJK punctuation, full-width forms: characters between which no space is written.
bool is_cjk(char32_t c);
/// Unicode White_Space, plus U+3000.
bool is_space(char32_t c);

/// Converts bytes in `charset` (an ICU converter name such as "GB18030", "UTF-16") to UTF-8.
/// Invalid sequences become U+FFFD; `first_error` receives the byte offset of the first one.
/// Throws std::invalid_argument for an unknown charset.
std::string decode(std::string_view bytes, const char* charset,
                   std::optional<std::size_t>* first_error = nullptr);

/// ICU's charset detector: the most likely charset name of `bytes` ("UTF-8", "GB18030", ...)
/// and its confidence 0..100, or nullopt when ICU has no guess.
struct CharsetGuess {
    std::string name;
    int confidence = 0;
};
std::optional<CharsetGuess> detect_charset(std::string_view bytes);

/// Value of a Chinese or Arabic numeral: "十一" 11, "二十四" 24, "一百零五" 105, "两" 2,
/// "二〇二三" 2023 (digit by digit), "１２" 12. nullopt when it is not a whole numeral.
std::optional<long long> parse_number(std::u32string_view numeral);
std::optional<long long> parse_number(std::string_view utf8_numeral);
/// True for characters parse_number understands: 0-9, full-width digits,
/// 〇○零一二两三四五六七八九十百千万亿.
bool is_numeral_char(char32_t c);

/// How bytes that should be UTF-8 fare: valid multi-byte sequences and ill-formed ones (as
/// U8_NEXT delimits them). Tells damaged UTF-8 (mostly valid multi-byte characters) from text in
/// another encoding (GB18030 bytes rarely form valid UTF-8).
struct Utf8Damage {
    std::size_t multibyte = 0;
    std::size_t invalid = 0;
};
Utf8Damage utf8_damage(std::string_view bytes);

/// `bytes` with every ill-formed UTF-8 sequence replaced by U+FFFD; `replaced` receives how many
/// were replaced.
std::string repair_utf8(std::string_view bytes, std::size_t* replaced = nullptr);

/// For bytes that claim to be UTF-8 and are not: their GB18030 reading when that is what they
/// are (not mostly valid UTF-8, and GB18030 decodes them without a single error), else nullopt.
std::optional<std::string> gb18030_instead_of_utf8(std::string_view bytes);

} // namespace bulletin::text
