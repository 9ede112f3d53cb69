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
        if (impl_->index.emplace(*normal, i).second) {
            impl_->names.push_back(*normal);
            impl_->lower.emplace(lower_ascii(*normal), *normal);
        }
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
    std::uint64_t budget = std::min(limits.max_entry_size, limits.max_total_size - impl_->inflated);
    std::string out;
    char buffer[64 * 1024];
    for (;;) {
        zip_int64_t n = zip_fread(file.get(), buffer, sizeof buffer);
        if (n < 0)
            impl_->fail("zip entry '" + *name + "' is damaged: " + zip_file_strerror(file.get()));
        if (n == 0) break;
        if (out.size() + static_cast<std::uint64_t>(n) > budget)
            impl_->fail("zip entry '" + *name + "' inflates past the size limits (a zip bomb?)");
        out.append(buffer, static_cast<std::size_t>(n));
    }
    impl_->inflated += out.size();
    return out;
}

} // namespace bulletin::zip
