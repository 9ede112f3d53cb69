#include "bulletin/zip.hpp"

#include "bulletin/plugin.hpp"
#include "bulletin/text.hpp"

#include <zip.h>

#include <algorithm>
#include <map>

namespace bulletin::zip {
namespace {

struct ArchiveCloser {
    void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct FileCloser {
    void operator()(zip_file_t* file) const { zip_fclose(file); }
};
struct SourceFree {
    void operator()(zip_source_t* source) const { zip_source_free(source); }
};
struct ZipError {
    zip_error_t value;
    ZipError() { zip_error_init(&value); }
    ~ZipError() { zip_error_fini(&value); }
    ZipError(const ZipError&) = delete;
    ZipError& operator=(const ZipError&) = delete;
};
using ArchivePtr = std::unique_ptr<zip_t, ArchiveCloser>;
using FilePtr = std::unique_ptr<zip_file_t, FileCloser>;
using SourcePtr = std::unique_ptr<zip_source_t, SourceFree>;

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string mib(std::uint64_t bytes) {
    return std::to_string(bytes >> 20) + " MiB";
}

/// A limit as it was set: whole MiB from the readers' parameters, bytes otherwise.
std::string limit_text(std::uint64_t bytes) {
    return bytes % (1u << 20) == 0 ? mib(bytes) : std::to_string(bytes) + " bytes";
}

} // namespace

bool looks_like_zip(std::string_view bytes) {
    return bytes.starts_with(std::string_view("PK\x03\x04", 4)) ||
           bytes.starts_with(std::string_view("PK\x05\x06", 4));
}

std::optional<std::string> normalize_path(std::string_view path) {
    std::vector<std::string> parts;
    std::string segment;
    auto flush = [&]() -> bool {
        if (segment == "..") {
            if (parts.empty()) return false;
            parts.pop_back();
        } else if (!segment.empty() && segment != ".") {
            parts.push_back(segment);
        }
        segment.clear();
        return true;
    };
    for (char c : path) {
        if (c == '/' || c == '\\') {
            if (!flush()) return std::nullopt;
        } else {
            segment += c;
        }
    }
    if (!flush()) return std::nullopt;
    std::string out;
    for (const auto& part : parts) {
        if (!out.empty()) out += '/';
        out += part;
    }
    return out;
}

std::optional<std::string> resolve_path(std::string_view base, std::string_view ref) {
    if (ref.starts_with('/') || ref.starts_with('\\')) return normalize_path(ref);
    auto slash = base.find_last_of("/\\");
    std::string joined = slash == std::string_view::npos
                             ? std::string(ref)
                             : std::string(base.substr(0, slash + 1)) + std::string(ref);
    return normalize_path(joined);
}

struct Archive::Impl {
    std::string name;
    Limits limits;
    ArchivePtr archive;
    std::vector<std::string> names;
    std::map<std::string, zip_uint64_t, std::less<>> index; // normalised name -> entry
    std::map<std::string, std::string, std::less<>> lower;  // lower-cased name -> name
    std::uint64_t inflated = 0;                             // bytes handed out so far

    [[noreturn]] void fail(const std::string& message) const { throw Error(name + ": " + message); }
};

Archive::Archive(std::string_view bytes, const Limits& limits, std::string name)
    : impl_(std::make_unique<Impl>()) {
    impl_->name = std::move(name);
    impl_->limits = limits;
    ZipError error;
    SourcePtr source(zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error.value));
    if (!source)
        impl_->fail(std::string("cannot read the zip container: ") +
                    zip_error_strerror(&error.value));
    // No ZIP_CHECKCONS: real producers write slightly inconsistent headers; sizes and CRCs are
    // still checked while inflating.
    impl_->archive.reset(zip_open_from_source(source.get(), ZIP_RDONLY, &error.value));
    if (!impl_->archive)
        impl_->fail(std::string("not a readable zip container (") +
                    zip_error_strerror(&error.value) + ")");
    source.release(); // the archive owns it now

    zip_int64_t count = zip_get_num_entries(impl_->archive.get(), 0);
    if (count < 0) impl_->fail("cannot list the zip container");
    if (static_cast<std::uint64_t>(count) > limits.max_entries)
        impl_->fail("zip container has " + std::to_string(count) +
                    " entries, more than the limit " + std::to_string(limits.max_entries) +
                    " (raise max_entries if it is genuine)");

    std::uint64_t total = 0;
    for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(impl_->archive.get(), i, ZIP_FL_ENC_RAW, &st) != 0 || !st.name)
            impl_->fail("cannot read zip entry " + std::to_string(i));
        std::string raw = st.name;
        // Producers on Chinese Windows write GBK names without the UTF-8 flag.
        if (text::first_invalid_utf8(raw)) raw = text::decode(raw, "GB18030");
        if (raw.starts_with('/') || raw.starts_with('\\') || (raw.size() > 1 && raw[1] == ':'))
            impl_->fail("zip entry '" + raw + "' has an absolute path; refusing the container");
        auto normal = normalize_path(raw);
        if (!normal)
            impl_->fail("zip entry '" + raw + "' leaves the package; refusing the container");
        if (raw.ends_with('/') || raw.ends_with('\\') || normal->empty()) continue; // directory

        std::uint64_t size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
        std::uint64_t packed = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
        if (size > limits.max_entry_size)
            impl_->fail("zip entry '" + raw + "' inflates to " + mib(size) +
                        ", more than the limit " + mib(limits.max_entry_size));
        if (size > (1u << 20) &&
            static_cast<double>(size) >
                limits.max_ratio * static_cast<double>(std::max<std::uint64_t>(packed, 1)))
            impl_->fail("zip entry '" + raw + "' has compression ratio " +
                        std::to_string(size / std::max<std::uint64_t>(packed, 1)) +
                        ":1, more than the limit " +
                        std::to_string(static_cast<long long>(limits.max_ratio)) +
                        ":1 (a zip bomb?)");
        total += size;
        if (total > limits.max_total_size)
            impl_->fail("zip container inflates to more than " + mib(limits.max_total_size) +
                        " (the max_total_size limit)");
        // Programs differ on which of two same-named entries they use (libzip's lookups and
        // most viewers take the first, others the last), so what a person sees and what we
        // convert could differ: refuse. find() ignores ASCII case, so names that differ only
        // in case are just as ambiguous.
        auto [entry, added] = impl_->index.emplace(*normal, i);
        if (!added)
            impl_->fail("zip entry '" + *normal +
                        "' appears more than once in the package (entries " +
                        std::to_string(entry->second + 1) + " and " + std::to_string(i + 1) +
                        "): a damaged or tampered file; refusing the container");
        auto [same_case, fresh] = impl_->lower.emplace(lower_ascii(*normal), *normal);
        if (!fresh)
            impl_->fail("zip entries '" + same_case->second + "' and '" + *normal +
                        "' differ only in letter case, so either could be meant: a damaged or "
                        "tampered file; refusing the container");
        impl_->names.push_back(*normal);
    }
}

Archive::~Archive() = default;
Archive::Archive(Archive&&) noexcept = default;
Archive& Archive::operator=(Archive&&) noexcept = default;

const std::vector<std::string>& Archive::names() const {
    return impl_->names;
}

std::optional<std::string> Archive::find(std::string_view path) const {
    auto normal = normalize_path(path);
    if (!normal) return std::nullopt;
    if (impl_->index.count(*normal)) return *normal;
    auto it = impl_->lower.find(lower_ascii(*normal));
    if (it != impl_->lower.end()) return it->second;
    return std::nullopt;
}

std::string Archive::read(std::string_view path) {
    auto name = find(path);
    if (!name) impl_->fail("the package has no entry '" + std::string(path) + "'");
    zip_uint64_t entry = impl_->index.find(*name)->second;
    zip_stat_t st;
    zip_stat_init(&st);
    zip_stat_index(impl_->archive.get(), entry, 0, &st);
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        impl_->fail("zip entry '" + *name + "' is encrypted");
    FilePtr file(zip_fopen_index(impl_->archive.get(), entry, 0));
    if (!file)
        impl_->fail("cannot open zip entry '" + *name + "': " + zip_strerror(impl_->archive.get()));
    const auto& limits = impl_->limits;
    std::uint64_t left =
        limits.max_total_size > impl_->inflated ? limits.max_total_size - impl_->inflated : 0;
    std::string out;
    char buffer[64 * 1024];
    for (;;) {
        zip_int64_t n = zip_fread(file.get(), buffer, sizeof buffer);
        if (n < 0)
            impl_->fail("zip entry '" + *name + "' is damaged: " + zip_file_strerror(file.get()));
        if (n == 0) break;
        std::uint64_t size = out.size() + static_cast<std::uint64_t>(n);
        if (size > limits.max_entry_size)
            impl_->fail("zip entry '" + *name + "' inflates past the size limits (a zip bomb?)");
        if (size > left)
            impl_->fail("reading zip entry '" + *name + "' takes the bytes inflated from this " +
                        "package past " + limit_text(limits.max_total_size) +
                        " in all (the reader's max_total_mb limit; every read counts, so parts "
                        "that many pages refer to count many times: a zip bomb?)");
        out.append(buffer, static_cast<std::size_t>(n));
    }
    impl_->inflated += out.size();
    return out;
}

std::uint64_t Archive::inflated() const {
    return impl_->inflated;
}

std::string XmlRepairs::describe() const {
    std::string out;
    auto add = [&](std::size_t n, const std::string& what) {
        if (n == 0) return;
        out += (out.empty() ? "" : "; ") + std::to_string(n) + " " + what;
    };
    if (!recovered_from.empty()) out = "not valid UTF-8 as it claims; read as " + recovered_from;
    add(nul_references, "NUL character reference(s) (&#0;) removed");
    add(nul_bytes, "NUL byte(s) removed");
    add(invalid_sequences, "invalid byte sequence(s) replaced by U+FFFD");
    return out;
}

namespace {

/// The encoding named by the XML declaration at the start of `xml`, lower-cased; "" if none.
std::string declared_encoding(std::string_view xml) {
    if (xml.starts_with("\xEF\xBB\xBF")) xml.remove_prefix(3);
    if (!xml.starts_with("<?xml")) return "";
    auto end = xml.find("?>");
    auto decl = xml.substr(0, end);
    auto at = decl.find("encoding");
    if (at == std::string_view::npos) return "";
    auto quote = decl.find_first_of("\"'", at);
    if (quote == std::string_view::npos) return "";
    auto close = decl.find(decl[quote], quote + 1);
    if (close == std::string_view::npos) return "";
    return lower_ascii(decl.substr(quote + 1, close - quote - 1));
}

/// Rewrites the declared encoding to UTF-8 after the bytes were converted.
void declare_utf8(std::string& xml) {
    if (!xml.starts_with("<?xml")) return;
    auto end = xml.find("?>");
    auto at = xml.find("encoding");
    if (at == std::string::npos || at > end) return;
    auto quote = xml.find_first_of("\"'", at);
    auto close = quote == std::string::npos ? quote : xml.find(xml[quote], quote + 1);
    if (close == std::string::npos || close > end) return;
    xml.replace(quote + 1, close - quote - 1, "UTF-8");
}

/// The UTF-16/32 converter for `xml` from its BOM or its first character '<', or nullptr.
const char* wide_encoding(std::string_view xml) {
    auto starts = [&](std::string_view prefix) { return xml.starts_with(prefix); };
    using namespace std::string_view_literals;
    if (starts("\x00\x00\xFE\xFF"sv) || starts("\x00\x00\x00<"sv)) return "UTF-32BE";
    if (starts("\xFF\xFE\x00\x00"sv) || starts("<\x00\x00\x00"sv)) return "UTF-32LE";
    if (starts("\xFE\xFF"sv) || starts("\x00<"sv)) return "UTF-16BE";
    if (starts("\xFF\xFE"sv) || starts("<\x00"sv)) return "UTF-16LE";
    return nullptr;
}

std::size_t replacements(std::string_view utf8) {
    std::size_t n = 0;
    for (auto at = utf8.find("\xEF\xBF\xBD"); at != std::string_view::npos;
         at = utf8.find("\xEF\xBF\xBD", at + 3))
        ++n;
    return n;
}

/// Length of a NUL character reference ("&#0;", "&#x000;") at `at`, or 0.
std::size_t nul_reference(std::string_view xml, std::size_t at) {
    std::size_t i = at + 2; // past "&#"
    if (i < xml.size() && (xml[i] == 'x' || xml[i] == 'X')) ++i;
    std::size_t digits = i;
    while (i < xml.size() && xml[i] == '0')
        ++i;
    return i > digits && i < xml.size() && xml[i] == ';' ? i + 1 - at : 0;
}

} // namespace

XmlRepairs prepare_xml(std::string& xml) {
    XmlRepairs fixes;
    // ICU marks what it cannot decode with U+FFFD; count those it added.
    auto decode = [&](std::string_view bytes, const char* charset) {
        std::optional<std::size_t> bad;
        std::string utf8 = text::decode(bytes, charset, &bad);
        if (bad) fixes.invalid_sequences += replacements(utf8);
        xml = std::move(utf8);
        declare_utf8(xml);
    };
    if (const char* wide = wide_encoding(xml)) {
        using namespace std::string_view_literals;
        std::string_view body = xml;
        std::size_t bom =
            body.starts_with("\xFF\xFE\x00\x00"sv) || body.starts_with("\x00\x00\xFE\xFF"sv) ? 4
            : body.starts_with("\xFF\xFE"sv) || body.starts_with("\xFE\xFF"sv)               ? 2
                                                                                             : 0;
        decode(std::string(body.substr(bom)), wide);
    }
    std::string encoding = declared_encoding(xml);
    bool latin1 = encoding == "iso-8859-1" || encoding == "latin1" || encoding == "latin-1";
    if (!latin1 && text::first_invalid_utf8(xml)) {
        bool gb = encoding == "gb18030" || encoding == "gbk" || encoding == "gb2312" ||
                  encoding == "cp936" || encoding == "x-gbk";
        if (gb) {
            decode(std::string(xml), "GB18030");
        } else if (auto recovered = text::gb18030_instead_of_utf8(xml)) {
            xml = std::move(*recovered);
            declare_utf8(xml);
            fixes.recovered_from = "GB18030";
        } else {
            std::size_t replaced = 0;
            xml = text::repair_utf8(xml, &replaced);
            fixes.invalid_sequences += replaced;
        }
    }
    // One pass: NUL bytes anywhere, NUL references outside CDATA and comments.
    if (xml.find('\0') == std::string::npos && xml.find("&#") == std::string::npos) return fixes;
    std::string out;
    out.reserve(xml.size());
    std::string_view in = xml;
    for (std::size_t i = 0; i < in.size();) {
        char c = in[i];
        if (c == '\0') {
            ++fixes.nul_bytes;
            ++i;
            continue;
        }
        if (c == '<' && (in.substr(i, 9) == "<![CDATA[" || in.substr(i, 4) == "<!--")) {
            auto close = in.find(in[i + 2] == '[' ? "]]>" : "-->", i + 4);
            std::size_t end = close == std::string_view::npos ? in.size() : close + 3;
            for (; i < end; ++i)
                if (in[i] == '\0')
                    ++fixes.nul_bytes;
                else
                    out += in[i];
            continue;
        }
        if (c == '&' && i + 1 < in.size() && in[i + 1] == '#') {
            if (std::size_t len = nul_reference(in, i)) {
                ++fixes.nul_references;
                i += len;
                continue;
            }
        }
        out += c;
        ++i;
    }
    xml = std::move(out);
    return fixes;
}

} // namespace bulletin::zip
