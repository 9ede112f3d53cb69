// text - the fallback reader: plain text in any common Chinese encoding, including the forms
// pdftotext leaves behind (form feeds, page numbers, double spacing, page-start markers).
//
// The reader removes only what it knows to be an artefact of extraction (page numbers, the
// blank line after every line, the space that marks a page start) and leaves the rest to the
// segmenter: leading white space that may be an indent stays in Line::text, punctuation stays as
// the source has it.
#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <unicode/regex.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using bulletin::Document;
using bulletin::Severity;

constexpr const char* kPluginName = "text";
constexpr std::size_t kSniffBytes = 64 * 1024;

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

/// "UTF-16LE"/"UTF-16BE" when the bytes look like BOM-less UTF-16 (mostly ASCII or CJK text,
/// where one byte of many code units is zero), else nullopt.
std::optional<const char*> utf16_without_bom(std::string_view bytes) {
    std::size_t n = std::min(bytes.size(), kSniffBytes) & ~std::size_t{1};
    if (n < 4) return std::nullopt;
    std::size_t zero_even = 0, zero_odd = 0;
    for (std::size_t i = 0; i < n; ++i)
        if (bytes[i] == '\0') ++(i % 2 ? zero_odd : zero_even);
    // Newlines and ASCII punctuation give UTF-16 text a zero in a steady position; binary data
    // has zeros in both.
    if (zero_odd > n / 8 && zero_even * 20 < zero_odd) return "UTF-16LE";
    if (zero_even > n / 8 && zero_odd * 20 < zero_even) return "UTF-16BE";
    return std::nullopt;
}

struct Utf8Stats {
    std::size_t multibyte = 0; ///< valid sequences of 2-4 bytes
    std::size_t invalid = 0;
    std::optional<std::size_t> first_invalid;
};

/// Counts valid multi-byte and invalid UTF-8 sequences. A sequence cut by the end of a sniffed
/// prefix (`truncated`) is not counted as invalid.
Utf8Stats utf8_stats(std::string_view bytes, bool truncated = false) {
    Utf8Stats stats;
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
    if (stats.invalid == 0) return {"UTF-8", 0};
    if (mostly_utf8(stats)) return {"UTF-8", 0};
    if (auto guess = trusted_guess(bytes, min_confidence)) return {*guess, 0};
    return {fallback, 0};
}

Decoded decode(std::string_view bytes, const Choice& choice) {
    Decoded out;
    out.encoding = choice.encoding;
    std::string_view body = bytes.substr(std::min(choice.skip, bytes.size()));
    std::optional<std::size_t> first;
    try {
        out.text = bulletin::text::decode(body, choice.encoding.c_str(), &first);
    } catch (const std::invalid_argument&) {
        throw bulletin::Error("unknown character encoding '" + choice.encoding +
                              "': set the text reader's `encoding` parameter to an ICU converter "
                              "name such as UTF-8, GB18030, UTF-16LE or Big5");
    }
    if (first) out.first_error = *first + choice.skip;
    if (choice.encoding == "UTF-8" || choice.encoding == "utf-8") {
        auto stats = utf8_stats(body);
        out.errors = stats.invalid;
        if (stats.first_invalid) out.first_error = *stats.first_invalid + choice.skip;
    } else if (out.first_error) {
        for (char32_t c : bulletin::text::to_u32(out.text))
            if (c == U'\uFFFD') ++out.errors;
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

/// HTML and XML documents belong to their own readers.
bool looks_like_markup(std::string_view utf8) {
    std::string head = lower_ascii(utf8.substr(0, 4096));
    std::size_t i = head.find_first_not_of(" \t\r\n\f");
    if (i == std::string::npos) return false;
    std::string_view start = std::string_view(head).substr(i);
    for (std::string_view tag : {"<!doctype", "<html", "<?xml", "<head", "<body", "<!--"})
        if (starts_with(start, tag)) return true;
    return head.find("<html") != std::string::npos && head.find("</") != std::string::npos;
}

// ---------------------------------------------------------------------------------------------
// Lines and pages

struct RawLine {
    std::string text; ///< trailing white space removed
    int sheet = 0;    ///< form-feed separated part of the file
    bool blank = false;
};

std::string rstrip(std::string_view s) {
    auto trimmed = bulletin::text::trim(s);
    if (trimmed.empty()) return {};
    std::size_t begin = static_cast<std::size_t>(trimmed.data() - s.data());
    return std::string(s.substr(0, begin + trimmed.size()));
}

std::vector<RawLine> split_lines(std::string_view text) {
    std::vector<RawLine> lines;
    std::string current;
    int sheet = 0;
    auto flush = [&](bool always) {
        if (!always && current.empty()) return;
        RawLine line;
        line.text = rstrip(current);
        line.sheet = sheet;
        line.blank = line.text.empty();
        lines.push_back(std::move(line));
        current.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\r') {
            if (i + 1 < text.size() && text[i + 1] == '\n') continue;
            c = '\n';
        }
        if (c == '\n') {
            flush(true);
        } else if (c == '\f') {
            flush(false);
            ++sheet;
        } else {
            current.push_back(c);
        }
    }
    flush(false);
    return lines;
}

/// ICU regular expression, compiled once per reader.
class Regex {
public:
    explicit Regex(const char* pattern) {
        UErrorCode status = U_ZERO_ERROR;
        pattern_.reset(
            icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(pattern), 0, status));
        if (U_FAILURE(status))
            throw bulletin::Error(std::string("bad regular expression ") + pattern);
    }
    bool matches(std::string_view utf8) const {
        UErrorCode status = U_ZERO_ERROR;
        icu::UnicodeString s = icu::UnicodeString::fromUTF8(
            icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
        std::unique_ptr<icu::RegexMatcher> m(pattern_->matcher(s, status));
        return U_SUCCESS(status) && m->matches(status) && U_SUCCESS(status);
    }

private:
    std::unique_ptr<icu::RegexPattern> pattern_;
};

class TextReader final : public bulletin::Reader {
public:
    explicit TextReader(const bulletin::Params& params)
        : encoding_(params.string("encoding")), fallback_(params.string("fallback_encoding")),
          min_confidence_(static_cast<int>(params.integer("min_confidence"))),
          double_spaced_(params.string("double_spaced")),
          page_marker_(params.string("page_marker")),
          drop_page_numbers_(params.boolean("drop_page_numbers")),
          blank_ends_paragraph_(params.boolean("blank_line_ends_paragraph")),
          // "— 3 —", "－3－", "- 3 -", "第3页", "第 3 页 共 4 页"
          page_number_(
              R"([\s\x{3000}]*(?:[\-\x{2010}-\x{2015}\x{2212}\x{FF0D}\x{2500}~\x{301C}]+[\s\x{3000}]*[0-9\x{FF10}-\x{FF19}]{1,4}[\s\x{3000}]*[\-\x{2010}-\x{2015}\x{2212}\x{FF0D}\x{2500}~\x{301C}]+|第\s*[0-9]{1,4}\s*页(?:\s*[,，/]?\s*共\s*[0-9]{1,4}\s*页)?)[\s\x{3000}]*)"),
          bare_number_(R"([\s\x{3000}]*[0-9\x{FF10}-\x{FF19}]{1,4}[\s\x{3000}]*)") {}

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
        std::size_t nuls = std::count(decoded.text.begin(), decoded.text.end(), '\0');
        if (nuls > 0) {
            std::erase(decoded.text, '\0');
            doc.diagnose(Severity::Warning, kPluginName,
                         std::to_string(nuls) + " NUL characters removed from the text");
        }
        ctx.debug("decoded ", input.bytes.size(), " bytes as ", decoded.encoding);
        build_pages(split_lines(decoded.text), doc);
        doc.source.pages = static_cast<int>(doc.pages.size());
    }

private:
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
        std::size_t control = 0;
        for (char ch : sample) {
            auto c = static_cast<unsigned char>(ch);
            // NUL counts as a control character: a stray one does not make text binary (read()
            // removes it with a warning); binary files have far more than one in 50.
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' &&
                 c != 0x1B) ||
                c == 0x7F)
                ++control;
        }
        if (control * 50 > sample.size()) return false;
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
        std::size_t bad = 0, all = 0;
        for (char32_t c : bulletin::text::to_u32(text)) {
            ++all;
            if (c == U'\uFFFD') ++bad;
        }
        return bad * 50 <= all;
    }

    bool is_page_number(std::string_view line) const { return page_number_.matches(line); }

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
            bool indented = spaces > 2 || starts_with(line.text.substr(spaces), "\t") ||
                            starts_with(line.text.substr(spaces), "\xE3\x80\x80");
            if (indented) return false;
            if (spaces > 0) ++marked;
            if (content++ == 0) first_marked = spaces > 0;
        }
        return first_marked && marked * 2 <= content;
    }

    void build_pages(std::vector<RawLine> lines, Document& doc) const {
        bool ignore_blanks = double_spaced(lines);
        bool space_pages = space_marks_pages(lines);
        doc.metadata["text.page_breaks"] =
            space_pages ? "leading-space"
                        : (!lines.empty() && lines.back().sheet > 0 ? "form-feed" : "none");

        std::vector<bulletin::Page> pages;
        bulletin::Page page;
        int sheet = lines.empty() ? 0 : lines.front().sheet;
        std::vector<std::string> dropped;
        auto close_page = [&] {
            if (page.lines.empty()) return; // empty pages (a trailing form feed) are not pages
            page.number = static_cast<int>(pages.size()) + 1;
            page.lines.front().starts_page = true;
            pages.push_back(std::move(page));
            page = bulletin::Page{};
        };
        bool pending_blank = false; // a blank line since the last content line of this page
        for (std::size_t i = 0; i < lines.size(); ++i) {
            RawLine& raw = lines[i];
            if (raw.sheet != sheet) {
                close_page();
                sheet = raw.sheet;
                pending_blank = false;
            }
            if (raw.blank) {
                pending_blank = !ignore_blanks && !page.lines.empty();
                continue;
            }
            std::string text = raw.text;
            if (space_pages && text.front() == ' ') {
                if (!page.lines.empty() || !pages.empty()) close_page();
                text.erase(0, text.find_first_not_of(' '));
                pending_blank = false;
                if (text.empty()) continue;
            }
            if (drop_page_numbers_ && (is_page_number(text) || is_bare_page_number(lines, i))) {
                dropped.push_back(text);
                // A page number closes its page; at the top of a page it just goes.
                if (!page.lines.empty()) close_page();
                pending_blank = false;
                continue;
            }
            if (pending_blank && blank_ends_paragraph_ && !page.lines.empty())
                page.lines.back().ends_paragraph = true;
            pending_blank = false;
            bulletin::Line line;
            line.text = std::move(text);
            page.lines.push_back(std::move(line));
        }
        close_page();
        if (!dropped.empty()) {
            std::string list;
            for (const auto& d : dropped)
                list += (list.empty() ? "'" : ", '") + d + "'";
            doc.metadata["text.page_numbers_dropped"] = std::to_string(dropped.size());
            doc.diagnose(Severity::Info, kPluginName,
                         "dropped " + std::to_string(dropped.size()) +
                             " page-furniture line(s) (page numbers, running headers): " + list);
        }
        doc.pages = std::move(pages);
    }

    /// A line of digits alone as the first or last line of a form-feed page.
    bool is_bare_page_number(const std::vector<RawLine>& lines, std::size_t i) const {
        if (!bare_number_.matches(lines[i].text)) return false;
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
    Regex page_number_;
    Regex bare_number_;
};

constexpr bulletin::ParamSpec kTextParams[] = {
    {"encoding", bulletin::ParamType::String, "auto", false,
     "Character encoding of the input: `auto` (byte order mark, then UTF-8, then ICU's charset "
     "detector, then `fallback_encoding`) or an ICU converter name such as UTF-8, GB18030, "
     "UTF-16LE, Big5."},
    {"fallback_encoding", bulletin::ParamType::String, "GB18030", false,
     "Encoding used when the input is not UTF-8 and the detector is unsure. GB18030 is a superset "
     "of GBK and GB2312, the usual encodings of Chinese government text files."},
    {"min_confidence", bulletin::ParamType::Int, "30", false,
     "Lowest ICU charset-detector confidence (0-100) that is trusted over `fallback_encoding`."},
    {"double_spaced", bulletin::ParamType::String, "auto", false,
     "`yes` when every line is followed by a blank line that means nothing (the real sample's "
     "form), `no`, or `auto`: yes when at least two thirds of the lines are followed by a blank "
     "line."},
    {"page_marker", bulletin::ParamType::String, "auto", false,
     "How page starts are marked when there are no form feeds: `space` (a leading space on the "
     "first line of each page, as in text copied from some PDF viewers), `none`, or `auto`: "
     "space when the first line starts with one and few other lines do."},
    {"drop_page_numbers", bulletin::ParamType::Bool, "true", false,
     "Drop page-number lines (\"— 3 —\", \"－3－\", \"第3页\", a bare number at a page's top or "
     "bottom). A dropped page number also ends its page."},
    {"blank_line_ends_paragraph", bulletin::ParamType::Bool, "true", false,
     "In text that is not double spaced, mark the line before a blank line as ending a paragraph "
     "(Line::ends_paragraph). Blank lines next to page breaks never count."},
};

} // namespace

// Thread-safe: the reader keeps no state between calls.
BULLETIN_PLUGIN_FLAGS(
    kText, TextReader, "text", bulletin::PluginKind::Reader,
    "Plain text (UTF-8, GB18030/GBK, UTF-16, detected or declared), including "
    "pdftotext output: pages from form feeds or leading-space marks, page numbers "
    "dropped. The fallback reader: list it last.",
    kTextParams, bulletin::kThreadSafe);
BULLETIN_MODULE("text", "1.0.0", "MIT", "Plain-text reader.", &kText)
