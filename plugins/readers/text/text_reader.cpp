// text - the fallback reader: plain text in any common Chinese encoding, including the forms
// pdftotext leaves behind (form feeds, page numbers, double spacing, page-start markers).
//
// The reader removes only what it knows to be an artefact of extraction (page numbers, the
// blank line after every line, the space that marks a page start) and leaves the rest to the
// segmenter: leading white space that may be an indent stays in Line::text, punctuation stays as
// the source has it.
#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using bulletin::Document;
using bulletin::Severity;

constexpr const char* kPluginName = "text";
constexpr std::size_t kSniffBytes = 64 * 1024;
// The highest max_line_bytes: 1 GiB, twice the largest input `run` takes by default.
constexpr long long kMaxLineBytesCeiling = 1LL << 30;
constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD in UTF-8

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// ---------------------------------------------------------------------------------------------
// Encodings

struct Bom {
    const char* charset;
    std::size_t length;
};

std::optional<Bom> find_bom(std::string_view bytes) {
    if (starts_with(bytes, "\xEF\xBB\xBF")) return Bom{"UTF-8", 3};
    if (starts_with(bytes, std::string_view("\x84\x31\x95\x33", 4))) return Bom{"GB18030", 4};
    if (starts_with(bytes, "\xFF\xFE")) return Bom{"UTF-16LE", 2};
    if (starts_with(bytes, "\xFE\xFF")) return Bom{"UTF-16BE", 2};
    return std::nullopt;
}

// The byte-counting loops below run over fixed-size blocks: GCC vectorises those at -O2, and
// sniffing reads every byte of the first 64 KiB several times.
constexpr std::size_t kBlock = 64;

/// "UTF-16LE"/"UTF-16BE" when the bytes look like BOM-less UTF-16 (mostly ASCII or CJK text,
/// where one byte of many code units is zero), else nullopt.
std::optional<const char*> utf16_without_bom(std::string_view bytes) {
    std::size_t n = std::min(bytes.size(), kSniffBytes) & ~std::size_t{1};
    if (n < 4) return std::nullopt;
    // Text in any other encoding has no zero bytes at all: memchr says so fastest.
    if (std::memchr(bytes.data(), 0, n) == nullptr) return std::nullopt;
    const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t zero_even = 0, zero_odd = 0, i = 0;
    for (; i + kBlock <= n; i += kBlock) {
        unsigned char even = 0, odd = 0; // byte counters: a block has at most 32 of each
        for (std::size_t k = 0; k < kBlock; k += 2) {
            even = static_cast<unsigned char>(even + (s[i + k] == 0));
            odd = static_cast<unsigned char>(odd + (s[i + k + 1] == 0));
        }
        zero_even += even;
        zero_odd += odd;
    }
    for (; i < n; i += 2) {
        zero_even += s[i] == 0;
        zero_odd += s[i + 1] == 0;
    }
    // Newlines and ASCII punctuation give UTF-16 text a zero in a steady position; binary data
    // has zeros in both.
    if (zero_odd > n / 8 && zero_even * 20 < zero_odd) return "UTF-16LE";
    if (zero_even > n / 8 && zero_odd * 20 < zero_even) return "UTF-16BE";
    return std::nullopt;
}

/// Control characters that make bytes look binary: C0 controls other than the white space and
/// escape that text files carry, and DEL.
std::size_t count_controls(std::string_view bytes) {
    const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
    auto control = [](unsigned char c) -> unsigned char {
        // Bitwise, not short-circuit: branch-free, so the block loop vectorises.
        return static_cast<unsigned char>(
            ((c < 0x20) & (static_cast<unsigned char>(c - '\t') > '\r' - '\t') & (c != 0x1B)) |
            (c == 0x7F));
    };
    std::size_t n = bytes.size(), i = 0, count = 0;
    for (; i + kBlock <= n; i += kBlock) {
        unsigned char block = 0; // at most 64
        for (std::size_t k = 0; k < kBlock; ++k)
            block = static_cast<unsigned char>(block + control(s[i + k]));
        count += block;
    }
    for (; i < n; ++i)
        count += control(s[i]);
    return count;
}

struct Utf8Stats {
    std::size_t multibyte = 0; ///< valid sequences of 2-4 bytes; counted only when invalid > 0
    std::size_t invalid = 0;
    std::optional<std::size_t> first_invalid;
};

/// Counts valid multi-byte and invalid UTF-8 sequences. A sequence cut by the end of a sniffed
/// prefix (`truncated`) is not counted as invalid.
Utf8Stats utf8_stats(std::string_view bytes, bool truncated = false) {
    Utf8Stats stats;
    // Valid (the usual case): nothing to count. `multibyte` only weighs invalid sequences
    // (mostly_utf8), so it is left at zero here.
    if (!bulletin::text::first_invalid_utf8(bytes)) return stats;
    std::size_t i = 0;
    while (i < bytes.size()) {
        auto c = static_cast<unsigned char>(bytes[i]);
        std::size_t len = c < 0x80         ? 1
                          : (c >> 5) == 6  ? 2
                          : (c >> 4) == 14 ? 3
                          : (c >> 3) == 30 ? 4
                                           : 0;
        if (len == 1) {
            ++i;
            continue;
        }
        if (len != 0 && i + len > bytes.size() && truncated) break;
        auto tail = bulletin::text::first_invalid_utf8(bytes.substr(i, len ? len : 1));
        if (len == 0 || i + len > bytes.size() || tail) {
            ++stats.invalid;
            if (!stats.first_invalid) stats.first_invalid = i;
            ++i;
            continue;
        }
        ++stats.multibyte;
        i += len;
    }
    return stats;
}

/// UTF-8 with a few damaged bytes rather than another encoding: valid multi-byte sequences
/// outnumber invalid bytes many times over (GB18030 bytes rarely form valid UTF-8).
bool mostly_utf8(const Utf8Stats& stats) {
    return stats.multibyte >= 4 && stats.invalid * 8 <= stats.multibyte;
}

/// ICU detector names of encodings this reader trusts a guess for.
std::optional<std::string> trusted_guess(std::string_view bytes, int min_confidence) {
    auto guess =
        bulletin::text::detect_charset(bytes.substr(0, std::min(bytes.size(), kSniffBytes)));
    if (!guess || guess->confidence < min_confidence) return std::nullopt;
    static const std::array<std::string_view, 10> kTrusted = {
        "UTF-8",     "UTF-16LE", "UTF-16BE", "GB18030",  "Big5",
        "Shift_JIS", "EUC-JP",   "EUC-KR",   "UTF-32LE", "UTF-32BE"};
    if (std::find(kTrusted.begin(), kTrusted.end(), guess->name) == kTrusted.end())
        return std::nullopt;
    return guess->name;
}

struct Decoded {
    std::string text; ///< UTF-8
    std::string encoding;
    std::optional<std::size_t> first_error; ///< byte offset in the input
    std::size_t errors = 0;
};

/// Which encoding to read `bytes` in, and where its text starts (after a byte order mark).
struct Choice {
    std::string encoding;
    std::size_t skip = 0;
    bool valid_utf8 = false; ///< the bytes were checked and are valid UTF-8
};

Choice choose_encoding(std::string_view bytes, const std::string& requested, int min_confidence,
                       const std::string& fallback) {
    auto bom = find_bom(bytes);
    if (requested != "auto" && !requested.empty()) {
        // A BOM of the requested family is still not text.
        std::size_t skip = 0;
        if (bom && lower_ascii(requested).find(lower_ascii(bom->charset).substr(0, 6)) == 0)
            skip = bom->length;
        if (bom && lower_ascii(requested) == "utf-16") skip = 0; // ICU's UTF-16 reads the BOM
        return {requested, skip};
    }
    if (bom) return {bom->charset, bom->length};
    if (auto utf16 = utf16_without_bom(bytes)) return {*utf16, 0};
    auto stats = utf8_stats(bytes);
    if (stats.invalid == 0) return {"UTF-8", 0, true};
    if (mostly_utf8(stats)) return {"UTF-8", 0};
    if (auto guess = trusted_guess(bytes, min_confidence)) return {*guess, 0};
    return {fallback, 0};
}

bool is_utf8_name(std::string_view encoding) {
    return encoding == "UTF-8" || encoding == "utf-8";
}

/// Number of U+FFFD in valid UTF-8 (its bytes EF BF BD cannot start inside another character).
std::size_t count_replacements(std::string_view utf8) {
    std::size_t count = 0;
    for (auto at = utf8.find(kReplacement); at != std::string_view::npos;
         at = utf8.find(kReplacement, at + kReplacement.size()))
        ++count;
    return count;
}

Decoded decode(std::string_view bytes, const Choice& choice) {
    Decoded out;
    out.encoding = choice.encoding;
    std::string_view body = bytes.substr(std::min(choice.skip, bytes.size()));
    if (is_utf8_name(choice.encoding) &&
        (choice.valid_utf8 || !bulletin::text::first_invalid_utf8(body))) {
        // Valid UTF-8 needs no conversion: ICU would give the same bytes back. Like
        // text::decode, report a U+FFFD already in the source as the first error.
        out.text.assign(body);
        if (auto at = body.find(kReplacement); at != std::string_view::npos)
            out.first_error = at + choice.skip;
    } else {
        std::optional<std::size_t> first;
        try {
            out.text = bulletin::text::decode(body, choice.encoding.c_str(), &first);
        } catch (const std::invalid_argument&) {
            throw bulletin::Error(
                "unknown character encoding '" + choice.encoding +
                "': set the text reader's `encoding` parameter to an ICU converter "
                "name such as UTF-8, GB18030, UTF-16LE or Big5");
        }
        if (first) out.first_error = *first + choice.skip;
        if (is_utf8_name(choice.encoding)) {
            auto stats = utf8_stats(body);
            out.errors = stats.invalid;
            if (stats.first_invalid) out.first_error = *stats.first_invalid + choice.skip;
        } else if (out.first_error) {
            out.errors = count_replacements(out.text);
        }
    }
    // A BOM that survived (forced encoding, or a second one) is not text.
    if (starts_with(out.text, "\xEF\xBB\xBF")) out.text.erase(0, 3);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Sniffing

bool has_binary_magic(std::string_view bytes) {
    static const std::array<std::string_view, 9> kMagic = {
        "%PDF-",      // PDF
        "PK\x03\x04", // ZIP: DOCX, OFD, XLSX ...
        "PK\x05\x06", // empty ZIP
        "\x89PNG",    // images
        "GIF8",
        "\xFF\xD8\xFF",
        "\xD0\xCF\x11\xE0", // OLE2: .doc, .xls
        "{\\rtf",           // RTF is text, but not ours to read
        "\x1F\x8B",         // gzip
    };
    for (auto magic : kMagic)
        if (starts_with(bytes, magic)) return true;
    return false;
}

/// True when `s` starts with `lower_prefix` (lower-case ASCII), ignoring ASCII case.
bool starts_with_nocase(std::string_view s, std::string_view lower_prefix) {
    if (s.size() < lower_prefix.size()) return false;
    for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != lower_prefix[i]) return false;
    }
    return true;
}

bool contains_nocase(std::string_view s, std::string_view lower_needle) {
    for (auto at = s.find(lower_needle[0]); at != std::string_view::npos;
         at = s.find(lower_needle[0], at + 1))
        if (starts_with_nocase(s.substr(at), lower_needle)) return true;
    return false;
}

/// HTML and XML documents belong to their own readers.
bool looks_like_markup(std::string_view utf8) {
    std::string_view head = utf8.substr(0, 4096);
    std::size_t i = head.find_first_not_of(" \t\r\n\f");
    if (i == std::string_view::npos) return false;
    std::string_view start = head.substr(i);
    for (std::string_view tag : {"<!doctype", "<html", "<?xml", "<head", "<body", "<!--"})
        if (starts_with_nocase(start, tag)) return true;
    return contains_nocase(head, "<html") && head.find("</") != std::string_view::npos;
}

// ---------------------------------------------------------------------------------------------
// Lines and pages

struct RawLine {
    std::string_view text; ///< into the decoded text, trailing white space removed
    int sheet = 0;         ///< form-feed separated part of the file
    bool blank = false;
};

/// text::is_space, without the call for ASCII.
bool is_space(UChar32 c) {
    if (c < 0x80) return c == ' ' || (c >= '\t' && c <= '\r');
    return bulletin::text::is_space(static_cast<char32_t>(c));
}

/// `line` without trailing white space. The decoded text is valid UTF-8 (ICU substitutes
/// U+FFFD, the fast path checks), so stepping back to the previous lead byte finds the previous
/// character: the same result as text::trim's end, without a pass over the whole line.
std::string_view rstrip(std::string_view line) {
    const auto* s = reinterpret_cast<const uint8_t*>(line.data());
    std::size_t end = line.size();
    while (end > 0) {
        std::size_t start = end - 1;
        while (start > 0 && (s[start] & 0xC0) == 0x80)
            --start;
        std::size_t next = start;
        UChar32 c;
        U8_NEXT(s, next, end, c);
        if (c < 0 || !is_space(c)) break;
        end = start;
    }
    return line.substr(0, end);
}

/// Offset of the first \n, \r or \f at or after `i`, or npos. Words without a byte below 0x0E
/// are skipped whole (no line end in them); std::find_first_of calls memchr per byte.
std::size_t find_line_break(std::string_view text, std::size_t i) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL, kHigh = 0x8080808080808080ULL;
    while (i < n) {
        if (i + 8 <= n) {
            std::uint64_t word;
            std::memcpy(&word, s + i, sizeof word);
            // Bit 7 of each byte ends up set exactly when that byte is 0x0E or more.
            if (((((word & kLow7) + 0x7272727272727272ULL) | word) & kHigh) == kHigh) {
                i += 8;
                continue;
            }
        }
        if (s[i] == '\n' || s[i] == '\r' || s[i] == '\f') return i;
        ++i;
    }
    return std::string_view::npos;
}

/// Lines of `text` (views into it): `\n`, `\r\n` and `\r` end a line, `\f` ends a sheet.
std::vector<RawLine> split_lines(std::string_view text) {
    std::vector<RawLine> lines;
    lines.reserve(text.size() / 16 + 1); // a guess that saves most regrowth; lines are longer
    int sheet = 0;
    std::size_t begin = 0;
    auto flush = [&](std::size_t end, bool always) {
        if (!always && end == begin) return;
        RawLine line;
        line.text = rstrip(text.substr(begin, end - begin));
        line.sheet = sheet;
        line.blank = line.text.empty();
        lines.push_back(line);
    };
    // Most files have neither \r nor \f: then memchr for \n finds every line end.
    bool only_lf =
        text.find('\r') == std::string_view::npos && text.find('\f') == std::string_view::npos;
    auto next_break = [&](std::size_t from) {
        return only_lf ? text.find('\n', from) : find_line_break(text, from);
    };
    for (std::size_t i = next_break(0); i != std::string_view::npos; i = next_break(begin)) {
        char c = text[i];
        if (c == '\f') {
            flush(i, false);
            ++sheet;
        } else {
            flush(i, true);
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        }
        begin = i + 1;
    }
    flush(text.size(), false);
    return lines;
}

// ---------------------------------------------------------------------------------------------
// Page numbers. Written by hand instead of the ICU regular expressions they replace: the
// patterns are fixed, every line is tested, and a RegexMatcher per line cost more than the rest
// of the reader. The character classes are the regexes' (ICU's \s is Unicode White_Space,
// which text::is_space is).

bool is_dash(UChar32 c) {
    return c == '-' || c == '~' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFF0D ||
           c == 0x2500 || c == 0x301C;
}
bool is_digit(UChar32 c) {
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}
bool is_ascii_digit(UChar32 c) {
    return c >= '0' && c <= '9';
}

/// Walks a line one code point at a time; each pattern element is a run of one class (the
/// classes of a pattern are disjoint, so greedy runs never need backtracking).
class LineScanner {
public:
    explicit LineScanner(std::string_view line) : line_(line) { advance(); }
    bool at_end() const { return c_ < 0; }
    /// Consumes up to `max` code points of a class; returns how many.
    template <class Pred> std::size_t run(Pred in_class, std::size_t max = SIZE_MAX) {
        std::size_t n = 0;
        while (n < max && c_ >= 0 && in_class(c_)) {
            advance();
            ++n;
        }
        return n;
    }
    bool take(UChar32 c) {
        if (c_ != c) return false;
        advance();
        return true;
    }

private:
    void advance() {
        if (i_ >= line_.size()) {
            c_ = -1;
            return;
        }
        if (static_cast<unsigned char>(line_[i_]) < 0x80) {
            c_ = static_cast<unsigned char>(line_[i_++]);
            return;
        }
        U8_NEXT(reinterpret_cast<const uint8_t*>(line_.data()), i_, line_.size(), c_);
        if (c_ < 0) c_ = 0xFFFD; // as ICU's UTF-8 to UTF-16 conversion does
    }
    std::string_view line_;
    std::size_t i_ = 0;
    UChar32 c_ = -1;
};

/// "— 3 —", "－3－", "- 3 -", "第3页", "第 3 页 共 4 页", with any white space around. The
/// regular expression this replaces:
///   [\s\x{3000}]*(?:D+[\s\x{3000}]*[0-9\x{FF10}-\x{FF19}]{1,4}[\s\x{3000}]*D+
///                 |第\s*[0-9]{1,4}\s*页(?:\s*[,，/]?\s*共\s*[0-9]{1,4}\s*页)?)[\s\x{3000}]*
/// with D = [\-\x{2010}-\x{2015}\x{2212}\x{FF0D}\x{2500}~\x{301C}], matched against the whole line.
bool is_page_number(std::string_view line) {
    LineScanner m(line);
    m.run(is_space);
    if (m.run(is_dash) > 0) {
        m.run(is_space);
        if (m.run(is_digit, 4) == 0) return false;
        m.run(is_space);
        if (m.run(is_dash) == 0) return false;
    } else if (m.take(U'第')) {
        m.run(is_space);
        if (m.run(is_ascii_digit, 4) == 0) return false;
        m.run(is_space);
        if (!m.take(U'页')) return false;
        m.run(is_space);
        if (!m.at_end()) { // then "共 N 页" must follow
            if (!m.take(',') && !m.take(U'，')) m.take('/');
            m.run(is_space);
            if (!m.take(U'共')) return false;
            m.run(is_space);
            if (m.run(is_ascii_digit, 4) == 0) return false;
            m.run(is_space);
            if (!m.take(U'页')) return false;
        }
    } else {
        return false;
    }
    m.run(is_space);
    return m.at_end();
}

/// A number of one to four digits alone on its line:
/// [\s\x{3000}]*[0-9\x{FF10}-\x{FF19}]{1,4}[\s\x{3000}]*
bool is_bare_number(std::string_view line) {
    LineScanner m(line);
    m.run(is_space);
    if (m.run(is_digit, 4) == 0) return false;
    m.run(is_space);
    return m.at_end();
}

class TextReader final : public bulletin::Reader {
public:
    explicit TextReader(const bulletin::Params& params)
        : encoding_(params.string("encoding")), fallback_(params.string("fallback_encoding")),
          min_confidence_(static_cast<int>(params.integer("min_confidence"))),
          double_spaced_(params.string("double_spaced")),
          page_marker_(params.string("page_marker")),
          drop_page_numbers_(params.boolean("drop_page_numbers")),
          blank_ends_paragraph_(params.boolean("blank_line_ends_paragraph")),
          max_line_bytes_(params.integer("max_line_bytes")) {}

    bool accepts(const bulletin::Input& input) const override {
        try {
            return sniff(input.bytes);
        } catch (const std::exception&) {
            return false; // a sniff never fails a run: some other reader may take the input
        }
    }

    void read(const bulletin::Input& input, Document& doc, bulletin::Context& ctx) override {
        Choice choice = choose_encoding(input.bytes, encoding_, min_confidence_, fallback_);
        Decoded decoded = decode(input.bytes, choice);
        if (!is_auto(encoding_) && decoded.first_error) {
            // Mostly invalid in the declared encoding while clean in the one detected: a wrong
            // `encoding` parameter, not damage (damage is a diagnostic below).
            std::string_view sample = input.bytes.substr(0, kSniffBytes);
            auto guess = choose_encoding(input.bytes, "auto", min_confidence_, fallback_);
            if (lower_ascii(guess.encoding) != lower_ascii(choice.encoding) &&
                !decodes_cleanly(sample, choice) && decodes_cleanly(sample, guess))
                throw bulletin::Error(
                    "not valid " + encoding_ + " text (" + std::to_string(decoded.errors) +
                    " invalid byte sequences, the first at byte offset " +
                    std::to_string(*decoded.first_error) + "); the text reader's `encoding` " +
                    "parameter says " + encoding_ + " but the file looks like " + guess.encoding +
                    ": set `encoding` to auto (--set text.encoding=auto) or to " + guess.encoding);
        }
        doc.source.format = "text";
        doc.metadata["encoding"] = decoded.encoding;
        if (decoded.first_error) {
            doc.diagnose(Severity::Warning, kPluginName,
                         "invalid " + decoded.encoding + " byte sequence at byte offset " +
                             std::to_string(*decoded.first_error) + " (" +
                             std::to_string(decoded.errors) +
                             " in all, each replaced by U+FFFD); if the file is in another "
                             "encoding, set the reader's `encoding` parameter");
        }
        // memchr first: NULs are rare and std::count is a byte-at-a-time loop.
        std::size_t nuls = decoded.text.find('\0') == std::string::npos
                               ? 0
                               : static_cast<std::size_t>(
                                     std::count(decoded.text.begin(), decoded.text.end(), '\0'));
        if (nuls > 0) {
            std::erase(decoded.text, '\0');
            doc.diagnose(Severity::Warning, kPluginName,
                         std::to_string(nuls) + " NUL characters removed from the text");
        }
        ctx.debug("decoded ", input.bytes.size(), " bytes as ", decoded.encoding);
        auto lines = split_lines(decoded.text);
        refuse_long_lines(lines);
        build_pages(lines, doc);
        doc.source.pages = static_cast<int>(doc.pages.size());
    }

private:
    // A bulletin's lines are a few hundred bytes; a line of megabytes is not a bulletin's text
    // (a data dump, a minified file) and would cost the segmenter and taggers time and memory
    // out of all proportion (docs/limits.md), so it is refused before that work starts.
    void refuse_long_lines(const std::vector<RawLine>& lines) const {
        const auto limit = static_cast<std::size_t>(max_line_bytes_);
        for (std::size_t i = 0; i < lines.size(); ++i)
            if (lines[i].text.size() > limit)
                throw bulletin::Error(
                    "line " + std::to_string(i + 1) + " is " +
                    std::to_string(lines[i].text.size()) +
                    " bytes long, more than the text reader's limit of " + std::to_string(limit) +
                    " (max_line_bytes): this is not a bulletin's text; if it is, raise the limit "
                    "with --set text.max_line_bytes=N (at most " +
                    std::to_string(kMaxLineBytesCeiling) + ")");
    }

    bool sniff(std::string_view bytes) const {
        if (bytes.empty()) return true;
        if (has_binary_magic(bytes)) return false;
        bool truncated = bytes.size() > kSniffBytes;
        std::string_view sample = bytes.substr(0, kSniffBytes);
        auto bom = find_bom(sample);
        bool utf16 = (bom && std::string_view(bom->charset).starts_with("UTF-16")) ||
                     utf16_without_bom(sample);
        if (utf16) {
            Choice choice = choose_encoding(sample, "auto", min_confidence_, fallback_);
            std::string text =
                bulletin::text::decode(sample.substr(choice.skip), choice.encoding.c_str());
            return !looks_like_markup(text);
        }
        // NUL counts as a control character: a stray one does not make text binary (read()
        // removes it with a warning); binary files have far more than one in 50.
        if (count_controls(sample) * 50 > sample.size()) return false;
        if (looks_like_markup(sample.substr(bom ? bom->length : 0))) return false;
        auto stats = utf8_stats(sample, truncated);
        if (stats.invalid == 0 || mostly_utf8(stats)) return true;
        // Valid in some other encoding: few substitutions when decoded as the guess.
        if (decodes_cleanly(sample, choose_encoding(sample, encoding_, min_confidence_, fallback_)))
            return true;
        // Text in another encoding than the declared one is still text: accept it, so read()
        // can say that the `encoding` parameter is wrong instead of "no reader accepts it".
        return !is_auto(encoding_) &&
               decodes_cleanly(sample, choose_encoding(sample, "auto", min_confidence_, fallback_));
    }

    static bool is_auto(const std::string& encoding) {
        return encoding.empty() || encoding == "auto";
    }

    /// True when `bytes` decode as `choice` with few substitutions (at most one in 50).
    static bool decodes_cleanly(std::string_view bytes, const Choice& choice) {
        std::optional<std::size_t> first;
        std::string text;
        try {
            text = bulletin::text::decode(bytes.substr(std::min(choice.skip, bytes.size())),
                                          choice.encoding.c_str(), &first);
        } catch (const std::exception&) {
            return false;
        }
        if (!first) return true;
        // `text` is valid UTF-8 (ICU's output): count characters and U+FFFD without decoding.
        return count_replacements(text) * 50 <= bulletin::text::length(text);
    }

    /// Every content line followed by a blank line: the blank lines mean nothing.
    bool double_spaced(const std::vector<RawLine>& lines) const {
        if (double_spaced_ != "auto") return double_spaced_ == "yes";
        std::size_t content = 0, followed = 0;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (lines[i].blank) continue;
            ++content;
            if (i + 1 == lines.size() || lines[i + 1].blank) ++followed;
        }
        return content >= 4 && followed * 3 >= content * 2;
    }

    /// The real sample's form: no form feeds, and one leading space (two at most) marks each
    /// page's first line, the first line of the file included. Indented text looks different:
    /// deeper or ideographic indents, or most lines indented.
    bool space_marks_pages(const std::vector<RawLine>& lines) const {
        if (page_marker_ != "auto") return page_marker_ == "space";
        std::size_t content = 0, marked = 0;
        bool first_marked = false;
        for (const auto& line : lines) {
            if (line.sheet != 0) return false; // form feeds mark the pages
            if (line.blank) continue;
            std::size_t spaces = line.text.find_first_not_of(' ');
            std::string_view rest = line.text.substr(spaces);
            bool indented =
                spaces > 2 || rest.starts_with('\t') || rest.starts_with("\xE3\x80\x80");
            if (indented) return false;
            if (spaces > 0) ++marked;
            if (content++ == 0) first_marked = spaces > 0;
        }
        return first_marked && marked * 2 <= content;
    }

    void build_pages(const std::vector<RawLine>& lines, Document& doc) const {
        bool ignore_blanks = double_spaced(lines);
        bool space_pages = space_marks_pages(lines);
        doc.metadata["text.page_breaks"] =
            space_pages ? "leading-space"
                        : (!lines.empty() && lines.back().sheet > 0 ? "form-feed" : "none");

        // First decide which lines stay and where pages end, then build the pages with every
        // vector sized once (a Line is large: regrowing page.lines moved each one repeatedly).
        struct Kept {
            std::string_view text;
            bool ends_paragraph = false;
        };
        std::vector<Kept> kept;
        kept.reserve(lines.size());
        std::vector<std::size_t> page_ends; // kept.size() at the end of each page
        std::size_t page_begin = 0;
        auto page_empty = [&] { return kept.size() == page_begin; };
        auto close_page = [&] {
            if (page_empty()) return; // empty pages (a trailing form feed) are not pages
            page_ends.push_back(kept.size());
            page_begin = kept.size();
        };
        int sheet = lines.empty() ? 0 : lines.front().sheet;
        std::vector<std::string_view> dropped;
        bool pending_blank = false; // a blank line since the last content line of this page
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const RawLine& raw = lines[i];
            if (raw.sheet != sheet) {
                close_page();
                sheet = raw.sheet;
                pending_blank = false;
            }
            if (raw.blank) {
                pending_blank = !ignore_blanks && !page_empty();
                continue;
            }
            std::string_view text = raw.text;
            if (space_pages && text.front() == ' ') {
                close_page();
                text.remove_prefix(std::min(text.find_first_not_of(' '), text.size()));
                pending_blank = false;
                if (text.empty()) continue;
            }
            if (drop_page_numbers_ && (is_page_number(text) || is_bare_page_number(lines, i))) {
                dropped.push_back(text);
                // A page number closes its page; at the top of a page it just goes.
                close_page();
                pending_blank = false;
                continue;
            }
            if (pending_blank && blank_ends_paragraph_ && !page_empty())
                kept.back().ends_paragraph = true;
            pending_blank = false;
            kept.push_back({text});
        }
        close_page();

        std::vector<bulletin::Page> pages(page_ends.size());
        std::size_t first = 0;
        for (std::size_t p = 0; p < pages.size(); ++p) {
            bulletin::Page& page = pages[p];
            page.number = static_cast<int>(p) + 1;
            page.lines.resize(page_ends[p] - first);
            for (std::size_t k = 0; k < page.lines.size(); ++k) {
                page.lines[k].text = std::string(kept[first + k].text); // cheaper than assign()
                page.lines[k].ends_paragraph = kept[first + k].ends_paragraph;
            }
            page.lines.front().starts_page = true;
            first = page_ends[p];
        }
        if (!dropped.empty()) {
            std::string list;
            for (auto d : dropped) {
                list += list.empty() ? "'" : ", '";
                list += d;
                list += '\'';
            }
            doc.metadata["text.page_numbers_dropped"] = std::to_string(dropped.size());
            doc.diagnose(Severity::Info, kPluginName,
                         "dropped " + std::to_string(dropped.size()) +
                             " page-furniture line(s) (page numbers, running headers): " + list);
        }
        doc.pages = std::move(pages);
    }

    /// A line of digits alone as the first or last line of a form-feed page.
    bool is_bare_page_number(const std::vector<RawLine>& lines, std::size_t i) const {
        if (!is_bare_number(lines[i].text)) return false;
        bool has_sheets = !lines.empty() && lines.back().sheet > 0;
        if (!has_sheets) return false;
        auto first_on_sheet = [&] {
            for (std::size_t j = i; j-- > 0;) {
                if (lines[j].sheet != lines[i].sheet) return true;
                if (!lines[j].blank) return false;
            }
            return true;
        };
        auto last_on_sheet = [&] {
            for (std::size_t j = i + 1; j < lines.size(); ++j) {
                if (lines[j].sheet != lines[i].sheet) return true;
                if (!lines[j].blank) return false;
            }
            return true;
        };
        return first_on_sheet() || last_on_sheet();
    }

    std::string encoding_;
    std::string fallback_;
    int min_confidence_;
    std::string double_spaced_;
    std::string page_marker_;
    bool drop_page_numbers_;
    bool blank_ends_paragraph_;
    long long max_line_bytes_;
};

constexpr bulletin::ParamSpec kTextParams[] = {
    bulletin::string_param(
        "encoding", "auto",
        "Character encoding of the input: `auto` (byte order mark, then UTF-8, then ICU's charset "
        "detector, then `fallback_encoding`) or an ICU converter name such as UTF-8, GB18030, "
        "UTF-16LE, Big5."),
    bulletin::string_param(
        "fallback_encoding", "GB18030",
        "Encoding used when the input is not UTF-8 and the detector is unsure. GB18030 is a "
        "superset of GBK and GB2312, the usual encodings of Chinese government text files."),
    bulletin::int_param("min_confidence", "30",
                        "Lowest ICU charset-detector confidence (0-100) that is trusted over "
                        "`fallback_encoding`.")
        .range(0, 100),
    bulletin::choice_param("double_spaced", "auto", "auto|yes|no",
                           "`yes` when every line is followed by a blank line that means nothing "
                           "(the real sample's form), `no`, or `auto`: yes when at least two "
                           "thirds of the lines are followed by a blank line."),
    bulletin::choice_param("page_marker", "auto", "auto|space|none",
                           "How page starts are marked when there are no form feeds: `space` (a "
                           "leading space on the first line of each page, as in text copied from "
                           "some PDF viewers), `none`, or `auto`: space when the first line starts "
                           "with one and few other lines do."),
    bulletin::bool_param(
        "drop_page_numbers", "true",
        "Drop page-number lines (\"— 3 —\", \"－3－\", \"第3页\", a bare number at "
        "a page's top or bottom). A dropped page number also ends its page."),
    bulletin::bool_param("blank_line_ends_paragraph", "true",
                         "In text that is not double spaced, mark the line before a blank line as "
                         "ending a paragraph (Line::ends_paragraph). Blank lines next to page "
                         "breaks never count."),
    bulletin::int_param("max_line_bytes", "1048576",
                        "Refuse a file with a line longer than this many bytes (after decoding to "
                        "UTF-8): a bulletin's lines are a few hundred bytes, and one of megabytes "
                        "makes the later stages slow and memory-hungry.")
        .range(1, kMaxLineBytesCeiling),
};

} // namespace

// Any input that is text, whatever its name: tried after the pipeline's other readers.
BULLETIN_READER(kText, TextReader, "text",
                "Plain text (UTF-8, GB18030/GBK, UTF-16, detected or declared), including "
                "pdftotext output: pages from form feeds or leading-space marks, page numbers "
                "dropped. The catch-all reader: tried after every other reader.",
                kTextParams, "txt", bulletin::kCatchAll);
BULLETIN_MODULE("text", "1.0.0", "MIT", "Plain-text reader.", &kText)
