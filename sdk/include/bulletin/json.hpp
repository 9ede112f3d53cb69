// bulletin/json.hpp - writing JSON from an exporter: a streaming writer that appends to one
// std::string (no tree of nodes, no allocation per value), and the schema bulletin/1 document.
//
//     std::string out;
//     bulletin::json::Writer w(out, 2);
//     w.begin_object().member("title", article.title).member("n", 3);
//     w.key("authors").value(byline.authors);
//     w.end_object(); // now `out` holds the object
//
// The bytes are exactly those nlohmann::json::dump(indent, ' ', false, error_handler_t::replace)
// prints for the same values in the same order (strings, integers, booleans, null, arrays,
// objects), so an exporter moved from nlohmann to this writer keeps its files byte for byte.
// Hand-written rather than nlohmann because building nlohmann's tree and dumping it was ~30% of
// the CPU time per document (docs/performance.md); this is ~13x cheaper.
#pragma once

#include "bulletin/document.hpp"
#include "bulletin/plugin.hpp"

#include <cassert>
#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bulletin::json {

/// Appends `text` to `out` escaped as the inside of a JSON string (no quotes): `"` and `\` get a
/// backslash; backspace, form feed, newline, carriage return and tab are written \b \f \n \r \t,
/// the other control characters (U+0000-U+001F) \u00XX with lowercase hex. Everything else is
/// copied raw, non-ASCII included (U+2028, U+2029, DEL too). Invalid UTF-8 is not an error:
/// each maximal ill-formed subsequence becomes one U+FFFD, as nlohmann's `replace` handler does.
void escape(std::string_view text, std::string& out);

/// Writes JSON values to the end of a string. It gathers output in a buffer of its own and
/// appends it in pieces; whenever no value is open (after each top-level object, array or
/// scalar) the string holds everything written, and you may append to it yourself: '\n' after
/// each value makes JSON Lines. While a value is open the string may hold part of it.
///
/// Calls must nest properly (each begin_* closed by the matching end_*, every object member a
/// key() followed by one value or begin_*); the writer does not check beyond debug asserts.
/// Its layout is part of the SDK's ABI (the escaping loop lives in libbulletin-sdk).
class Writer {
public:
    /// Appends to `out`, which it does not clear. `indent` < 0 writes everything on one line
    /// without spaces; `indent` >= 0 puts each member and element on its own line, indented by
    /// `indent` spaces per level (0: new lines, no indentation), with ": " after keys.
    explicit Writer(std::string& out, int indent = -1) noexcept : out_(&out), indent_(indent) {}
    /// Streams to `file` (Context::open_file) in pieces instead of building a string: a large
    /// document never exists whole in memory. out() is then only an empty scratch string.
    explicit Writer(OutputFile& file, int indent = -1) noexcept
        : out_(&scratch_), file_(&file), indent_(indent) {}
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    Writer& begin_object() { return open('{'); }
    Writer& end_object() { return close('}'); }
    Writer& begin_array() { return open('['); }
    Writer& end_array() { return close(']'); }

    /// The name of the next object member; follow it with one value() or begin_*().
    Writer& key(std::string_view name);

    Writer& value(std::string_view text);
    Writer& value(const std::string& text) { return value(std::string_view(text)); }
    Writer& value(const char* text) { return value(std::string_view(text)); }
    Writer& value(bool b) {
        return token(b ? std::string_view("true") : std::string_view("false"));
    }
    Writer& value(std::nullptr_t) { return token("null"); }

    /// Any integer type except bool and char (write a char as a string).
    template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, char>) Writer& value(T number) {
        separate();
        constexpr std::size_t kDigits = 24; // 20 digits and a sign at most
        if (kBufferSize - used_ < kDigits) flush();
        used_ = static_cast<std::size_t>(
            std::to_chars(buffer_ + used_, buffer_ + used_ + kDigits, number).ptr - buffer_);
        if (depth_ == 0) flush();
        return *this;
    }
    /// Shortest form that reads back as the same double (std::to_chars), with ".0" added to
    /// integral values in plain notation so a reader sees a float; NaN and infinities (which
    /// JSON cannot express) as null. Not guaranteed to match nlohmann's digits.
    Writer& value(double number);

    /// A string, or null when there is none.
    Writer& value(const std::optional<std::string>& text) {
        return text ? value(std::string_view(*text)) : value(nullptr);
    }
    /// An array of strings.
    Writer& value(const std::vector<std::string>& texts) {
        begin_array();
        for (const auto& t : texts)
            value(std::string_view(t));
        return end_array();
    }
    /// An object of strings, in the map's key order.
    Writer& value(const std::map<std::string, std::string>& members) {
        begin_object();
        for (const auto& [name, text] : members)
            key(name).value(std::string_view(text));
        return end_object();
    }

    /// key(name).value(v).
    template <class T> Writer& member(std::string_view name, const T& v) {
        return key(name).value(v);
    }

    /// The string written to.
    std::string& out() noexcept { return *out_; }
    /// The indentation given to the constructor.
    int indent() const noexcept { return indent_; }

private:
    friend void escape(std::string_view text, std::string& out);
    friend void write_document(Writer& writer, const Document& document);

    // key() for the schema's names: literals that need no escaping, copied at a known size.
    template <std::size_t N> Writer& plain_key(const char (&name)[N]) {
        separate();
        if (kBufferSize - used_ < N + 3) flush();
        char* to = buffer_ + used_;
        *to++ = '"';
        std::memcpy(to, name, N - 1);
        to += N - 1;
        if (indent_ >= 0) {
            std::memcpy(to, "\": ", 3);
            to += 3;
        } else {
            std::memcpy(to, "\":", 2);
            to += 2;
        }
        used_ = static_cast<std::size_t>(to - buffer_);
        after_key_ = true;
        return *this;
    }
    template <std::size_t N, class T> Writer& plain_member(const char (&name)[N], const T& v) {
        return plain_key(name).value(v);
    }

    Writer& token(std::string_view text); // a number or literal
    Writer& open(char bracket);
    Writer& close(char bracket);
    void separate();
    void line_break(int depth);
    void deep_line_break(int depth);
    void quoted(std::string_view text);
    void put(char c);
    void put(std::string_view bytes);
    void put_escaped(std::string_view text);
    void flush();

    // Output is gathered here and appended to the string in large pieces: appending each comma,
    // quote and indentation to the std::string directly cost more than the escaping.
    static constexpr std::size_t kBufferSize = 2048;

    std::string scratch_;
    std::string* out_;
    OutputFile* file_ = nullptr;
    int indent_;
    int depth_ = 0;
    bool first_ = true;      // the innermost open container has no element yet
    bool after_key_ = false; // a key was written; its value comes next
    std::size_t used_ = 0;   // bytes of buffer_ in use
    char buffer_[kBufferSize];
};

/// Writes `document` as one schema bulletin/1 object (docs/schema/bulletin-1.schema.json),
/// reserving room for it in `writer.out()` first (unless the writer streams to a file). Every field
/// of the contract is present; unknown values are null, never missing. This is what the built-in
/// `json` exporter writes (plus a final newline); use it to embed the document in your own
/// envelope.
void write_document(Writer& writer, const Document& document);

// Implementation. The small steps are inline so that a document's thousands of keys and values
// cost no calls; the escaping loop lives in libbulletin-sdk.

inline void Writer::put(char c) {
    if (used_ == kBufferSize) flush();
    buffer_[used_++] = c;
}

inline void Writer::put(std::string_view bytes) {
    if (kBufferSize - used_ < bytes.size()) {
        flush();
        if (bytes.size() > kBufferSize) {
            if (file_)
                file_->write(bytes); // streaming: out_ is only the scratch string
            else
                out_->append(bytes);
            return;
        }
    }
    std::memcpy(buffer_ + used_, bytes.data(), bytes.size());
    used_ += bytes.size();
}

// A new line and the indentation of `depth`.
inline void Writer::line_break(int depth) {
    const auto spaces = static_cast<std::size_t>(depth) * static_cast<std::size_t>(indent_);
    // Spaces go in blocks of 16, so keep up to 15 more bytes of room than needed.
    if (kBufferSize - used_ < spaces + 16) return deep_line_break(depth);
    char* to = buffer_ + used_;
    *to++ = '\n';
    for (std::size_t i = 0; i < spaces; i += 16)
        std::memcpy(to + i, "                ", 16);
    used_ += 1 + spaces;
}

// What comes before a value or key: the comma after the previous element and, pretty-printed,
// the line break and indentation.
inline void Writer::separate() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (depth_ == 0) return;
    if (!first_) put(',');
    first_ = false;
    if (indent_ >= 0) line_break(depth_);
}

inline void Writer::quoted(std::string_view text) {
    put('"');
    put_escaped(text);
    put('"');
}

inline Writer& Writer::token(std::string_view text) {
    separate();
    put(text);
    if (depth_ == 0) flush();
    return *this;
}

inline Writer& Writer::open(char bracket) {
    separate();
    put(bracket);
    ++depth_;
    first_ = true;
    return *this;
}

inline Writer& Writer::close(char bracket) {
    assert(depth_ > 0 && !after_key_);
    --depth_;
    // Empty containers stay "{}" and "[]" on one line, as nlohmann writes them.
    if (!first_ && indent_ >= 0) line_break(depth_);
    put(bracket);
    first_ = false; // the enclosing container now holds this one
    if (depth_ == 0) flush();
    return *this;
}

inline Writer& Writer::key(std::string_view name) {
    separate();
    quoted(name);
    if (indent_ >= 0)
        put(std::string_view(": "));
    else
        put(':');
    after_key_ = true;
    return *this;
}

inline Writer& Writer::value(std::string_view text) {
    separate();
    quoted(text);
    if (depth_ == 0) flush();
    return *this;
}

} // namespace bulletin::json
