#include "bulletin/json.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>

// The JSON writer, by hand rather than with nlohmann::json (why: bulletin/json.hpp). Its output
// is held to nlohmann's byte for byte by tests/plugins/exporters/json/json_writer_test.cpp.

namespace bulletin::json {

namespace {

// Length of the well-formed UTF-8 sequence at `p` (lead byte >= 0x80) per table 3-7 of the
// Unicode standard, or 0 with `bad` set to the length of its maximal ill-formed prefix (>= 1):
// the bytes one U+FFFD replaces. This is what nlohmann's DFA decoder with error_handler_t::replace
// does (a rejected byte after a valid prefix is read again as the start of a new sequence).
std::size_t sequence_length(const unsigned char* p, const unsigned char* end, std::size_t& bad) {
    const unsigned char lead = *p;
    std::size_t need = 0;
    unsigned char low = 0x80, high = 0xBF; // range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        need = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        need = 2;
        if (lead == 0xE0)
            low = 0xA0; // no overlong forms
        else if (lead == 0xED)
            high = 0x9F; // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        need = 3;
        if (lead == 0xF0)
            low = 0x90; // no overlong forms
        else if (lead == 0xF4)
            high = 0x8F; // nothing above U+10FFFF
    } else {
        bad = 1;
        return 0;
    }
    for (std::size_t n = 1; n <= need; ++n) {
        if (p + n == end) {
            bad = n;
            return 0;
        }
        const unsigned char b = p[n];
        if (n == 1 ? (b < low || b > high) : (b & 0xC0) != 0x80) {
            bad = n;
            return 0;
        }
    }
    return need + 1;
}

// How the escaping loop treats each byte.
enum ByteKind : unsigned char {
    kPlain,  // ASCII copied as it is
    kEscape, // control character, '"' or '\\'
    kLead3,  // E1-EC, EE-EF: leads a three-byte sequence (most CJK) whose second byte may be any
             // continuation byte, unlike E0 and ED
    kOther,  // the other non-ASCII bytes: sequence_length() decides
};

constexpr std::array<ByteKind, 256> kByteKinds = [] {
    std::array<ByteKind, 256> kinds{};
    for (int c = 0; c < 256; ++c)
        kinds[c] = c < 0x20 || c == '"' || c == '\\'     ? kEscape
                   : c < 0x80                            ? kPlain
                   : c >= 0xE1 && c <= 0xEF && c != 0xED ? kLead3
                                                         : kOther;
    return kinds;
}();

// True when p[0] and p[1] are both UTF-8 continuation bytes (10xxxxxx), tested in one load.
bool continuation_pair(const unsigned char* p) {
    std::uint16_t pair;
    std::memcpy(&pair, p, sizeof pair);
    return (pair & 0xC0C0) == 0x8080;
}

// Writes the JSON escape of ASCII character `c` (a control character, '"' or '\\'); at most 6
// bytes.
char* put_ascii_escape(char* to, unsigned char c) {
    const char* short_form = nullptr;
    switch (c) {
    case '"':
        short_form = "\\\"";
        break;
    case '\\':
        short_form = "\\\\";
        break;
    case '\b':
        short_form = "\\b";
        break;
    case '\f':
        short_form = "\\f";
        break;
    case '\n':
        short_form = "\\n";
        break;
    case '\r':
        short_form = "\\r";
        break;
    case '\t':
        short_form = "\\t";
        break;
    default: {
        constexpr char kHex[] = "0123456789abcdef";
        const char code[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        std::memcpy(to, code, sizeof code);
        return to + sizeof code;
    }
    }
    std::memcpy(to, short_form, 2);
    return to + 2;
}

} // namespace

void escape(std::string_view text, std::string& out) {
    Writer writer(out);
    writer.put_escaped(text);
    writer.flush();
}

void Writer::flush() {
    if (file_)
        file_->write(std::string_view(buffer_, used_));
    else
        out_->append(buffer_, used_);
    used_ = 0;
}

// line_break() when the buffer is nearly full, or the indentation does not fit in it at all.
void Writer::deep_line_break(int depth) {
    flush();
    const auto spaces = static_cast<std::size_t>(depth) * static_cast<std::size_t>(indent_);
    if (spaces + 16 <= kBufferSize) return line_break(depth);
    std::string indentation(1, '\n');
    indentation.append(spaces, ' ');
    if (file_)
        file_->write(indentation);
    else
        out_->append(indentation);
}

void Writer::put_escaped(std::string_view text) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* const end = p + text.size();
    while (p < end) {
        // The run of bytes that go in as they are: usually the whole text.
        const auto* q = p;
        while (q < end) {
            const auto kind = kByteKinds[*q];
            if (kind == kPlain) {
                ++q;
            } else if (kind == kLead3 && end - q >= 3 && continuation_pair(q + 1)) {
                q += 3;
            } else {
                std::size_t bad = 0;
                const auto n = kind == kOther ? sequence_length(q, end, bad) : 0;
                if (n == 0) break;
                q += n;
            }
        }
        put(std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(q - p)));
        if (q == end) return;
        char code[6];
        if (*q < 0x80) {
            put(std::string_view(code,
                                 static_cast<std::size_t>(put_ascii_escape(code, *q) - code)));
            p = q + 1;
        } else {
            std::size_t bad = 0;
            sequence_length(q, end, bad);
            put("\xEF\xBF\xBD"); // U+FFFD
            p = q + bad;
        }
    }
}

Writer& Writer::value(double number) {
    if (!std::isfinite(number)) return value(nullptr);
    char digits[40];
    auto end = std::to_chars(digits, digits + 32, number).ptr;
    if (std::string_view(digits, static_cast<std::size_t>(end - digits)).find_first_of(".e") ==
        std::string_view::npos) {
        *end++ = '.';
        *end++ = '0';
    }
    return token(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

namespace {

const char* severity_name(Severity severity) {
    switch (severity) {
    case Severity::Info:
        return "info";
    case Severity::Warning:
        return "warning";
    case Severity::Error:
        return "error";
    }
    return "warning";
}

// A guess at the size of the document's JSON, to allocate the output once: the strings' bytes
// plus, per object, its keys, punctuation and (pretty-printed) indentation.
std::size_t estimate_size(const Document& doc, int indent) {
    const std::size_t pad = indent > 0 ? static_cast<std::size_t>(indent) : 0;
    std::size_t text = 0, lines = 64;
    auto add = [&](const std::string& s) { text += s.size(); };
    for (const auto& a : doc.articles) {
        add(a.title);
        for (const auto& p : a.paragraphs)
            add(p.text);
        if (a.byline) text += 2 * a.byline->text.size();
        lines += 8 + a.paragraphs.size();
    }
    for (const auto& d : doc.distribution) {
        for (const auto& r : d.recipients)
            add(r);
        lines += 4 + d.recipients.size();
    }
    for (const auto& e : doc.entities) {
        text += 2 * e.text.size() + 64;
        for (const auto& [k, v] : e.attributes)
            text += k.size() + v.size() + 8;
        lines += 10 + e.attributes.size();
    }
    for (const auto& d : doc.diagnostics) {
        text += d.message.size() + d.plugin.size() + 64;
        lines += 7;
    }
    for (const auto& [k, v] : doc.metadata)
        text += k.size() + v.size() + 8;
    // Lines sit 2-4 levels deep; keys and punctuation take ~16 bytes each.
    return text + lines * (16 + 3 * pad) + doc.source.path.size() + 256;
}

} // namespace

void write_document(Writer& w, const Document& doc) {
    if (!w.file_) w.out().reserve(w.out().size() + estimate_size(doc, w.indent()));
    w.begin_object();
    w.plain_member("schema", "bulletin/1");

    w.plain_key("source").begin_object();
    w.plain_member("path", doc.source.path)
        .plain_member("format", doc.source.format)
        .plain_member("sha256", doc.source.sha256)
        .plain_member("pages", doc.source.pages);
    w.end_object();

    const auto& m = doc.masthead;
    w.plain_key("masthead").begin_object();
    w.plain_member("series", m.series);
    w.plain_key("issue");
    if (m.issue) {
        w.begin_object().plain_member("number", m.issue->number).key("total");
        if (m.issue->total)
            w.value(*m.issue->total);
        else
            w.value(nullptr);
        if (m.issue->year) w.plain_member("year", *m.issue->year);
        if (m.issue->supplement) w.plain_member("supplement", true);
        w.end_object();
    } else {
        w.value(nullptr);
    }
    w.plain_member("publisher", m.publisher)
        .plain_member("date", m.date)
        .plain_member("date_text", m.date_text);
    // The official-document (公文) fields: only when a segmenter found them, so that bulletins
    // keep the bytes they had before SDK 2.
    if (m.document_number) w.plain_member("document_number", m.document_number);
    if (m.issuer_mark) w.plain_member("issuer_mark", m.issuer_mark);
    if (!m.signers.empty()) w.plain_member("signers", m.signers);
    if (m.urgency) w.plain_member("urgency", m.urgency);
    if (m.classification) w.plain_member("classification", m.classification);
    if (m.copy_number) w.plain_member("copy_number", m.copy_number);
    w.end_object();

    w.plain_key("articles").begin_array();
    for (const auto& a : doc.articles) {
        w.begin_object().plain_member("title", a.title).plain_key("paragraphs").begin_array();
        for (const auto& p : a.paragraphs)
            w.value(std::string_view(p.text));
        w.end_array().key("byline");
        if (a.byline)
            w.begin_object()
                .plain_member("department", a.byline->department)
                .plain_member("authors", a.byline->authors)
                .plain_member("text", a.byline->text)
                .end_object();
        else
            w.value(nullptr);
        if (!a.tables.empty()) {
            w.plain_key("tables").begin_array();
            for (const auto& t : a.tables) {
                w.begin_object().plain_member("before_paragraph", t.before_paragraph);
                w.plain_key("rows").begin_array();
                for (const auto& row : t.rows)
                    w.value(row);
                w.end_array().end_object();
            }
            w.end_array();
        }
        w.end_object();
    }
    w.end_array();

    w.plain_key("distribution").begin_array();
    for (const auto& d : doc.distribution)
        w.begin_object()
            .plain_member("label", d.label)
            .plain_member("recipients", d.recipients)
            .end_object();
    w.end_array();

    w.plain_key("entities").begin_array();
    for (const auto& e : doc.entities)
        w.begin_object()
            .plain_member("type", e.type)
            .plain_member("text", e.text)
            .plain_member("value", e.value)
            .plain_member("attributes", e.attributes)
            .plain_member("article", bulletin1_article(e))
            .plain_member("paragraph", bulletin1_paragraph(e))
            .plain_member("start", e.start)
            .plain_member("end", e.end)
            .end_object();
    w.end_array();

    w.plain_key("diagnostics").begin_array();
    for (const auto& d : doc.diagnostics)
        w.begin_object()
            .plain_member("severity", severity_name(d.severity))
            .plain_member("plugin", d.plugin)
            .plain_member("message", d.message)
            .plain_member("page", d.page)
            .plain_member("line", d.line)
            .end_object();
    w.end_array();

    w.plain_member("metadata", doc.metadata);
    w.end_object();
}

} // namespace bulletin::json
