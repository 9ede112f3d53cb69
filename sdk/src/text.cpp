#include "bulletin/text.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

namespace bulletin::text {

namespace {

// Every plugin runs its text through the UTF-8 helpers below, several times per line. They
// decode with ICU's macros (U8_NEXT, U8_APPEND_UNSAFE: inline, no call per character) and take
// the common cases first: ASCII, and pairs of three-byte characters (CJK) checked in one 64-bit
// word. Anything else goes through U8_NEXT, so ill-formed input gives what it always gave
// (U+FFFD per ill-formed sequence as U8_NEXT delimits it; tests/sdk/text_test.cpp compares with the
// plain U8_NEXT loops these replaced).

/// True when the 8 bytes at `p` are all ASCII.
inline bool ascii8(const uint8_t* p) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    return (word & 0x8080808080808080ULL) == 0;
}

/// For two three-byte lead bytes' low nibbles (first | second << 4): true unless either lead
/// is E0 or ED, whose first trail byte has a narrower range (overlongs, surrogates).
constexpr std::array<bool, 256> kPlainLeadPairs = [] {
    std::array<bool, 256> table{};
    for (unsigned i = 0; i < 256; ++i) {
        unsigned a = i & 0xF, b = i >> 4;
        table[i] = a != 0x0 && a != 0xD && b != 0x0 && b != 0xD;
    }
    return table;
}();

/// True when the 8 bytes at `p` start with two valid three-byte characters (most of CJK text),
/// tested in one 64-bit word: lead bytes 1110xxxx at 0 and 3, trail bytes 10xxxxxx at 1, 2, 4
/// and 5, neither lead E0 nor ED. False sends the caller character by character. `word` gets
/// the 8 bytes (little-endian) for the caller to decode.
inline bool two_three_byte_chars(const uint8_t* p, std::uint64_t& word) {
    if constexpr (std::endian::native != std::endian::little) return false;
    std::memcpy(&word, p, sizeof word);
    if ((word & 0xC0C0F0C0C0F0ULL) != 0x8080E08080E0ULL) return false;
    return kPlainLeadPairs[(word & 0xF) | ((word >> 20) & 0xF0)];
}

/// Offset of the first byte at or after `i` that is not ASCII, or `n`.
inline std::size_t skip_ascii(const uint8_t* s, std::size_t i, std::size_t n) {
    while (i < n && s[i] < 0x80) {
        // Long runs a word at a time; in CJK text most runs are a byte or two.
        if (i + 8 <= n && ascii8(s + i)) {
            i += 8;
            continue;
        }
        ++i;
    }
    return i;
}

const uint8_t* bytes_of(std::string_view s) {
    return reinterpret_cast<const uint8_t*>(s.data());
}

/// The character at s[i] (i < n), advancing `i`; negative for an ill-formed sequence, which
/// then spans what U8_NEXT says. ASCII and three-byte characters (CJK) first, as U8_NEXT
/// reaches them only after its other cases.
[[gnu::always_inline]] inline UChar32 next_char(const uint8_t* s, std::size_t& i, std::size_t n) {
    uint8_t lead = s[i];
    if (lead < 0x80) {
        ++i;
        return lead;
    }
    if (lead >= 0xE0 && lead < 0xF0 && i + 2 < n && U8_IS_VALID_LEAD3_AND_T1(lead, s[i + 1]) &&
        U8_IS_TRAIL(s[i + 2])) {
        UChar32 c = ((lead & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
        i += 3;
        return c;
    }
    UChar32 c;
    U8_NEXT(s, i, n, c);
    return c;
}

/// is_space() for this file's loops: exported functions are not inlined in a shared library.
inline bool white_space(UChar32 c) {
    // Shortcuts for the common cases; the answers are ICU's (no White_Space above U+3000).
    if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
    if (c >= 0x3000) return c == 0x3000;
    return u_isUWhiteSpace(c);
}

/// trim() as it was first written: code-point bounds found on a UTF-32 copy, mapped back to
/// bytes by counting non-continuation bytes. Kept for ill-formed input, where that mapping has
/// its own results (a stray trail byte shifts it) and callers must see the same ones.
std::string_view trim_ill_formed(std::string_view utf8) {
    auto u = to_u32(utf8);
    std::size_t first = 0, last = u.size();
    while (first < last && white_space(static_cast<UChar32>(u[first])))
        ++first;
    while (last > first && white_space(static_cast<UChar32>(u[last - 1])))
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

} // namespace

std::u32string to_u32(std::string_view utf8) {
    // At most one code point per byte: size once, write in place, cut to the real length.
    std::u32string out(utf8.size(), U'\0');
    char32_t* o = out.data();
    const uint8_t* s = bytes_of(utf8);
    std::size_t i = 0, n = utf8.size();
    while (i < n) {
        std::uint64_t word;
        if (i + 8 <= n && two_three_byte_chars(s + i, word)) {
            // Bytes 0-2 and 3-5 of `word`: 1110aaaa 10bbbbbb 10cccccc -> aaaabbbbbbcccccc.
            *o++ = static_cast<char32_t>(((word & 0xF) << 12) | ((word >> 2) & 0xFC0) |
                                         ((word >> 16) & 0x3F));
            word >>= 24;
            *o++ = static_cast<char32_t>(((word & 0xF) << 12) | ((word >> 2) & 0xFC0) |
                                         ((word >> 16) & 0x3F));
            i += 6;
            continue;
        }
        UChar32 c = next_char(s, i, n);
        *o++ = c < 0 ? U'\uFFFD' : static_cast<char32_t>(c);
    }
    out.resize(static_cast<std::size_t>(o - out.data()));
    return out;
}

std::string to_utf8(std::u32string_view text) {
    std::string out(text.size() * 4, '\0');
    auto* o = reinterpret_cast<uint8_t*>(out.data());
    std::size_t len = 0;
    for (char32_t c : text) {
        if (c < 0x80) {
            o[len++] = static_cast<uint8_t>(c);
        } else if (c >= 0x800 && c <= 0xFFFF && (c < 0xD800 || c > 0xDFFF)) {
            // Three bytes (CJK), spelt out: U8_APPEND_UNSAFE tests the shorter forms first.
            o[len++] = static_cast<uint8_t>(0xE0 | (c >> 12));
            o[len++] = static_cast<uint8_t>(0x80 | ((c >> 6) & 0x3F));
            o[len++] = static_cast<uint8_t>(0x80 | (c & 0x3F));
        } else if (c <= 0x10FFFF && (c < 0xD800 || c > 0xDFFF)) {
            U8_APPEND_UNSAFE(o, len, c); // room for 4 bytes per character was made above
        } else {
            // Surrogates and values past U+10FFFF, where U8_APPEND reports an error.
            o[len++] = 0xEF;
            o[len++] = 0xBF;
            o[len++] = 0xBD;
        }
    }
    out.resize(len);
    return out;
}

std::size_t length(std::string_view utf8) {
    // Counts bytes that are not trail bytes (10xxxxxx), a 64-bit word at a time.
    const uint8_t* s = bytes_of(utf8);
    std::size_t n = utf8.size(), i = 0, trails = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, s + i, sizeof word);
        // Bit 7 of a byte stays set when the byte is a trail byte; the multiplication adds the
        // eight 0/1 bytes into the top byte.
        std::uint64_t trail = (word & ~(word << 1) & 0x8080808080808080ULL) >> 7;
        trails += (trail * 0x0101010101010101ULL) >> 56;
    }
    for (; i < n; ++i)
        trails += (s[i] & 0xC0) == 0x80;
    return n - trails;
}

std::optional<std::size_t> first_invalid_utf8(std::string_view bytes) {
    const uint8_t* s = bytes_of(bytes);
    std::size_t i = 0, n = bytes.size();
    while (i < n) {
        std::uint64_t word;
        while (i + 8 <= n && two_three_byte_chars(s + i, word))
            i += 6;
        if (i == n) break;
        if (s[i] < 0x80) {
            i = skip_ascii(s, i + 1, n);
            continue;
        }
        std::size_t start = i;
        if (next_char(s, i, n) < 0) return start;
    }
    return std::nullopt;
}

std::string nfkc(std::string_view utf8) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* normalizer = icu::Normalizer2::getNFKCInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU NFKC normalizer unavailable");
    icu::UnicodeString in = icu::UnicodeString::fromUTF8(
        icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
    icu::UnicodeString out = normalizer->normalize(in, status);
    if (U_FAILURE(status)) return std::string(utf8);
    std::string result;
    out.toUTF8String(result);
    return result;
}

bool is_space(char32_t c) {
    return c <= 0x10FFFF && white_space(static_cast<UChar32>(c));
}

bool is_han(char32_t c) {
    return c == U'〇' || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x20000 && c <= 0x3134F) || (c >= 0xF900 && c <= 0xFAFF);
}

bool is_cjk(char32_t c) {
    return is_han(c) || (c >= 0x3000 && c <= 0x303F) || // CJK symbols and punctuation
           (c >= 0xFF00 && c <= 0xFFEF) ||              // full-width forms
           (c >= 0x2014 && c <= 0x201D) || // — ‘ ’ “ ” as used in Chinese text
           c == U'…' || c == U'·';
}

std::string_view trim(std::string_view utf8) {
    if (first_invalid_utf8(utf8)) return trim_ill_formed(utf8);
    const uint8_t* s = bytes_of(utf8);
    std::size_t begin = 0, end = utf8.size();
    while (begin < end) {
        std::size_t next = begin;
        if (!white_space(next_char(s, next, end))) break;
        begin = next;
    }
    while (end > begin) {
        // Valid UTF-8: the previous character starts at the last non-trail byte.
        std::size_t prev = end - 1;
        while (prev > begin && (s[prev] & 0xC0) == 0x80)
            --prev;
        std::size_t next = prev;
        if (!white_space(next_char(s, next, end))) break;
        end = prev;
    }
    return utf8.substr(begin, end - begin);
}

std::string remove_spaces(std::string_view utf8) {
    // Valid characters keep their bytes (re-encoding a decoded character gives the same ones),
    // copied a run at a time; ill-formed sequences become U+FFFD as they did through
    // to_u32/to_utf8.
    std::string out;
    out.reserve(utf8.size());
    const uint8_t* s = bytes_of(utf8);
    std::size_t i = 0, n = utf8.size(), run = 0;
    while (i < n) {
        std::size_t start = i;
        UChar32 c = next_char(s, i, n);
        if (c >= 0 && !white_space(c)) continue;
        out.append(utf8.substr(run, start - run));
        if (c < 0) out += "\xEF\xBF\xBD";
        run = i;
    }
    out.append(utf8.substr(run));
    return out;
}

namespace {
struct ConverterCloser {
    void operator()(UConverter* c) const { ucnv_close(c); }
};
struct DetectorCloser {
    void operator()(UCharsetDetector* d) const { ucsdet_close(d); }
};
} // namespace

std::string decode(std::string_view bytes, const char* charset,
                   std::optional<std::size_t>* first_error) {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<UConverter, ConverterCloser> conv(ucnv_open(charset, &status));
    if (U_FAILURE(status) || !conv)
        throw std::invalid_argument(std::string("unknown character encoding '") + charset + "'");
    if (first_error) *first_error = std::nullopt;

    // Convert piecewise so we learn where the first invalid sequence is: ICU substitutes U+FFFD
    // (UCNV_TO_U_CALLBACK_SUBSTITUTE is the default) and we find its source offset via offsets.
    std::u16string utf16(bytes.size() * 2 + 16, u'\0');
    std::vector<int32_t> offsets(utf16.size(), 0);
    const char* src = bytes.data();
    const char* src_end = bytes.data() + bytes.size();
    UChar* dst = reinterpret_cast<UChar*>(utf16.data());
    UChar* dst_begin = dst;
    UChar* dst_end = dst + utf16.size();
    ucnv_toUnicode(conv.get(), &dst, dst_end, &src, src_end, offsets.data(), true, &status);
    if (U_FAILURE(status))
        throw std::runtime_error("conversion from " + std::string(charset) + " failed");
    std::size_t units = static_cast<std::size_t>(dst - dst_begin);
    utf16.resize(units);
    if (first_error) {
        for (std::size_t i = 0; i < units; ++i) {
            if (utf16[i] == u'\uFFFD') {
                // A real U+FFFD in the source is rare; treat every substitution as an error.
                *first_error = static_cast<std::size_t>(offsets[i] < 0 ? 0 : offsets[i]);
                break;
            }
        }
    }
    icu::UnicodeString ustr(reinterpret_cast<const UChar*>(utf16.data()),
                            static_cast<int32_t>(units));
    std::string out;
    ustr.toUTF8String(out);
    return out;
}

std::optional<CharsetGuess> detect_charset(std::string_view bytes) {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<UCharsetDetector, DetectorCloser> det(ucsdet_open(&status));
    if (U_FAILURE(status)) return std::nullopt;
    ucsdet_setText(det.get(), bytes.data(), static_cast<int32_t>(bytes.size()), &status);
    const UCharsetMatch* match = ucsdet_detect(det.get(), &status);
    if (U_FAILURE(status) || !match) return std::nullopt;
    const char* name = ucsdet_getName(match, &status);
    int confidence = ucsdet_getConfidence(match, &status);
    if (U_FAILURE(status) || !name) return std::nullopt;
    return CharsetGuess{name, confidence};
}

namespace {
int digit_value(char32_t c) {
    switch (c) {
    case U'〇':
    case U'○':
    case U'零':
    case U'Ｏ':
        return 0;
    case U'一':
        return 1;
    case U'二':
    case U'两':
        return 2;
    case U'三':
        return 3;
    case U'四':
        return 4;
    case U'五':
        return 5;
    case U'六':
        return 6;
    case U'七':
        return 7;
    case U'八':
        return 8;
    case U'九':
        return 9;
    default:
        break;
    }
    if (c >= U'0' && c <= U'9') return static_cast<int>(c - U'0');
    if (c >= U'０' && c <= U'９') return static_cast<int>(c - U'０');
    return -1;
}
long long unit_value(char32_t c) {
    switch (c) {
    case U'十':
        return 10;
    case U'百':
        return 100;
    case U'千':
        return 1000;
    case U'万':
        return 10000;
    case U'亿':
        return 100000000;
    default:
        return 0;
    }
}
} // namespace

bool is_numeral_char(char32_t c) {
    return digit_value(c) >= 0 || unit_value(c) > 0;
}

std::optional<long long> parse_number(std::u32string_view s) {
    if (s.empty()) return std::nullopt;
    bool has_unit = false;
    for (char32_t c : s) {
        if (!is_numeral_char(c)) return std::nullopt;
        if (unit_value(c) > 0) has_unit = true;
    }
    if (!has_unit) { // positional digits: "2023", "二〇二三", "１２"
        if (s.size() > 18) return std::nullopt;
        long long v = 0;
        for (char32_t c : s)
            v = v * 10 + digit_value(c);
        return v;
    }
    // Grouped numerals: sections separated by 亿/万, each with 千/百/十 units. A bare 十 at the
    // start of a section means 1x ("十一" = 11).
    long long total = 0, section = 0, digit = -1;
    for (char32_t c : s) {
        int d = digit_value(c);
        if (d >= 0) {
            if (digit >= 0 && d != 0 && digit != 0)
                return std::nullopt; // "二三十" is not a numeral
            digit = d;
            continue;
        }
        long long unit = unit_value(c);
        if (unit >= 10000) {
            section += digit > 0 ? digit : 0;
            if (section == 0) section = 1;
            // "1万1万1万..." grows by 10^4 per unit: too large is not a numeral (and must not
            // overflow; found by the dates_numerals fuzzer).
            if (__builtin_add_overflow(total, section, &total) ||
                __builtin_mul_overflow(total, unit, &total))
                return std::nullopt;
            section = 0;
        } else {
            section += (digit < 0 ? 1 : digit) * unit;
        }
        digit = -1;
    }
    if (digit > 0) section += digit;
    if (__builtin_add_overflow(total, section, &total)) return std::nullopt;
    return total;
}

std::optional<long long> parse_number(std::string_view utf8) {
    return parse_number(to_u32(utf8));
}

Utf8Damage utf8_damage(std::string_view bytes) {
    Utf8Damage out;
    const uint8_t* s = bytes_of(bytes);
    std::size_t i = 0, n = bytes.size();
    while (i < n) {
        if (s[i] < 0x80) {
            i = skip_ascii(s, i + 1, n);
            continue;
        }
        if (next_char(s, i, n) < 0)
            ++out.invalid;
        else
            ++out.multibyte;
    }
    return out;
}

std::string repair_utf8(std::string_view bytes, std::size_t* replaced) {
    std::size_t count = 0;
    std::string out;
    if (!first_invalid_utf8(bytes)) {
        out = std::string(bytes);
    } else {
        out.reserve(bytes.size() + 16);
        const uint8_t* s = bytes_of(bytes);
        std::size_t i = 0, n = bytes.size(), run = 0;
        while (i < n) {
            std::size_t start = i;
            if (next_char(s, i, n) >= 0) continue;
            out.append(bytes.substr(run, start - run));
            out += "\xEF\xBF\xBD";
            ++count;
            run = i;
        }
        out.append(bytes.substr(run));
    }
    if (replaced) *replaced = count;
    return out;
}

std::optional<std::string> gb18030_instead_of_utf8(std::string_view bytes) {
    auto damage = utf8_damage(bytes);
    // As the text reader judges it: a few bad bytes among many valid characters is damaged UTF-8.
    if (damage.invalid == 0 || (damage.multibyte >= 4 && damage.invalid * 8 <= damage.multibyte))
        return std::nullopt;
    std::optional<std::size_t> error;
    std::string decoded = decode(bytes, "GB18030", &error);
    if (error) return std::nullopt;
    return decoded;
}

} // namespace bulletin::text
