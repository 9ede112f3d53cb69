#include "bulletin/text.hpp"

#include <unicode/normalizer2.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <memory>
#include <vector>
#include <stdexcept>

namespace bulletin::text {

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
    out.reserve(text.size() * 3);
    for (char32_t c : text) {
        uint8_t buf[4];
        int32_t len = 0;
        UBool error = false;
        U8_APPEND(buf, len, 4, static_cast<UChar32>(c), error);
        if (error) {
            out += "\xEF\xBF\xBD";
        } else {
            out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(len));
        }
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

std::string nfkc(std::string_view utf8) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* normalizer = icu::Normalizer2::getNFKCInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU NFKC normalizer unavailable");
    icu::UnicodeString in = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(),
                                                                          static_cast<int32_t>(utf8.size())));
    icu::UnicodeString out = normalizer->normalize(in, status);
    if (U_FAILURE(status)) return std::string(utf8);
    std::string result;
    out.toUTF8String(result);
    return result;
}

bool is_space(char32_t c) { return c == U'\u3000' || u_isUWhiteSpace(static_cast<UChar32>(c)); }

bool is_han(char32_t c) {
    return c == U'〇' || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x20000 && c <= 0x3134F) || (c >= 0xF900 && c <= 0xFAFF);
}

bool is_cjk(char32_t c) {
    return is_han(c) || (c >= 0x3000 && c <= 0x303F) ||  // CJK symbols and punctuation
           (c >= 0xFF00 && c <= 0xFFEF) ||               // full-width forms
           (c >= 0x2014 && c <= 0x201D) ||               // — ‘ ’ “ ” as used in Chinese text
           c == U'…' || c == U'·';
}

std::string_view trim(std::string_view utf8) {
    auto u = to_u32(utf8);
    std::size_t first = 0, last = u.size();
    while (first < last && is_space(u[first])) ++first;
    while (last > first && is_space(u[last - 1])) --last;
    // Map code-point bounds back to byte offsets.
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

namespace {
struct ConverterCloser {
    void operator()(UConverter* c) const { ucnv_close(c); }
};
struct DetectorCloser {
    void operator()(UCharsetDetector* d) const { ucsdet_close(d); }
};
}  // namespace

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
    if (U_FAILURE(status)) throw std::runtime_error("conversion from " + std::string(charset) + " failed");
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
    icu::UnicodeString ustr(reinterpret_cast<const UChar*>(utf16.data()), static_cast<int32_t>(units));
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
    case U'〇': case U'○': case U'零': case U'Ｏ': return 0;
    case U'一': return 1;
    case U'二': case U'两': return 2;
    case U'三': return 3;
    case U'四': return 4;
    case U'五': return 5;
    case U'六': return 6;
    case U'七': return 7;
    case U'八': return 8;
    case U'九': return 9;
    default: break;
    }
    if (c >= U'0' && c <= U'9') return static_cast<int>(c - U'0');
    if (c >= U'０' && c <= U'９') return static_cast<int>(c - U'０');
    return -1;
}
long long unit_value(char32_t c) {
    switch (c) {
    case U'十': return 10;
    case U'百': return 100;
    case U'千': return 1000;
    case U'万': return 10000;
    case U'亿': return 100000000;
    default: return 0;
    }
}
}  // namespace

bool is_numeral_char(char32_t c) { return digit_value(c) >= 0 || unit_value(c) > 0; }

std::optional<long long> parse_number(std::u32string_view s) {
    if (s.empty()) return std::nullopt;
    bool has_unit = false;
    for (char32_t c : s) {
        if (!is_numeral_char(c)) return std::nullopt;
        if (unit_value(c) > 0) has_unit = true;
    }
    if (!has_unit) {  // positional digits: "2023", "二〇二三", "１２"
        if (s.size() > 18) return std::nullopt;
        long long v = 0;
        for (char32_t c : s) v = v * 10 + digit_value(c);
        return v;
    }
    // Grouped numerals: sections separated by 亿/万, each with 千/百/十 units. A bare 十 at the
    // start of a section means 1x ("十一" = 11).
    long long total = 0, section = 0, digit = -1;
    for (char32_t c : s) {
        int d = digit_value(c);
        if (d >= 0) {
            if (digit >= 0 && d != 0 && digit != 0) return std::nullopt;  // "二三十" is not a numeral
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

std::optional<long long> parse_number(std::string_view utf8) { return parse_number(to_u32(utf8)); }

}  // namespace bulletin::text
