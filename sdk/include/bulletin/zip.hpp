// bulletin/zip.hpp - reading zip containers (DOCX, OFD, ...) safely.
//
// Readers of zip-based formats get untrusted archives. zip::Archive opens one held in memory
// and refuses, with a bulletin::Error that says why, archives that exceed the Limits (entry
// count, total uncompressed size, compression ratio: zip bombs) and entries whose path leaves
// the package ("../x", "/etc/x") or whose name another entry has too. Sizes are checked against
// the central directory on open and again while inflating, since declared sizes may lie, and
// every read counts against the package's total (an entry read twice counts twice), so a small
// file cannot make its reader inflate the same large entry over and over. libzip does the work
// underneath; its types stay out of this header.
#pragma once

#include "bulletin/params.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bulletin::zip {

struct Limits {
    std::uint64_t max_entries = 10000;
    /// bytes, all entries uncompressed, and all reads of one Archive together
    std::uint64_t max_total_size = 256ull << 20;
    std::uint64_t max_entry_size = 64ull << 20; ///< bytes, one entry uncompressed
    double max_ratio = 100; ///< uncompressed/compressed, checked for entries above 1 MiB
};

/// True when `bytes` start like a zip archive ("PK\3\4", or "PK\5\6" for an empty one).
bool looks_like_zip(std::string_view bytes);

/// Normalises a path inside a package: "\" -> "/", drops "." and empty segments and a leading
/// "/", resolves ".." against the earlier segments. nullopt when ".." would leave the root.
std::optional<std::string> normalize_path(std::string_view path);

/// Resolves `ref` (as written inside the package: absolute "/Doc_0/x.xml" or relative "x.xml")
/// against the directory of the file `base` that refers to it. nullopt when it leaves the root.
std::optional<std::string> resolve_path(std::string_view base, std::string_view ref);

class Archive {
public:
    /// Opens the archive in `bytes`, which must outlive this object. `name` (the file's path)
    /// starts every error message. Throws bulletin::Error for a damaged archive, a limit
    /// exceeded, an entry path that leaves the package, or two entries of the same name (after
    /// normalize_path(), ignoring ASCII case, since find() does).
    Archive(std::string_view bytes, const Limits& limits, std::string name);
    ~Archive();
    Archive(Archive&&) noexcept;
    Archive& operator=(Archive&&) noexcept;
    Archive(const Archive&) = delete;
    Archive& operator=(const Archive&) = delete;

    /// Names of the file entries (directories left out), normalised, in archive order.
    const std::vector<std::string>& names() const;
    /// The stored name for `path` (normalised first; ASCII case ignored when no exact match),
    /// or nullopt when the archive has no such file.
    std::optional<std::string> find(std::string_view path) const;
    bool contains(std::string_view path) const { return find(path).has_value(); }
    /// The uncompressed bytes of `path`. Throws bulletin::Error when it is missing, encrypted,
    /// damaged, or inflating it would pass the limits: the entry's, or the total of everything
    /// read from this archive so far.
    std::string read(std::string_view path);
    /// Bytes inflated by read() so far, every read counted.
    std::uint64_t inflated() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// What prepare_xml() changed in an XML part, for the reader to report: text is never dropped
/// silently.
struct XmlRepairs {
    std::size_t nul_references = 0;    ///< "&#0;", "&#x00;" ... removed (XML allows no NUL)
    std::size_t nul_bytes = 0;         ///< raw NUL bytes removed
    std::size_t invalid_sequences = 0; ///< byte sequences not valid in the encoding -> U+FFFD
    /// "GB18030" when the part was not the UTF-8 it claimed to be and was read as GB18030.
    std::string recovered_from;
    /// "2 NUL character references (&#0;) removed; ..." or "" when nothing was changed.
    std::string describe() const;
};

/// Prepares the bytes of an XML part for pugixml without losing text. pugixml keeps strings
/// NUL-terminated, so a NUL (raw, or a "&#0;" reference outside CDATA and comments) ended its
/// text node there and the rest was lost: both are removed and counted. UTF-16 and UTF-32 parts
/// become UTF-8. A part that is not valid UTF-8 is read as GB18030 when declared so (GBK,
/// GB2312) or when it plainly is (text::gb18030_instead_of_utf8), else its ill-formed sequences
/// become U+FFFD and are counted. Latin-1 parts are left to pugixml.
XmlRepairs prepare_xml(std::string& xml);

// The limits every reader of zip packages declares (DOCX, OFD), one default and range for all.
constexpr ParamSpec max_entries_param() {
    return int_param("max_entries", "10000", "Refuse packages with more zip entries than this.")
        .range(1, 1000000);
}
constexpr ParamSpec max_total_mb_param(const char* help) {
    return int_param("max_total_mb", "256", help).range(1, 65536);
}
constexpr ParamSpec max_ratio_param() {
    return double_param("max_ratio", "100",
                        "Refuse entries above 1 MiB compressed more than this ratio (zip bombs).")
        .range(1, 1000000);
}

} // namespace bulletin::zip
