// bulletin/zip.hpp - reading zip containers (DOCX, OFD, ...) safely.
//
// Readers of zip-based formats get untrusted archives. zip::Archive opens one held in memory
// and refuses, with a bulletin::Error that says why, archives that exceed the Limits (entry
// count, total uncompressed size, compression ratio: zip bombs) and entries whose path leaves
// the package ("../x", "/etc/x"). Sizes are checked against the central directory on open and
// again while inflating, since declared sizes may lie. libzip does the work underneath; its
// types stay out of this header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bulletin::zip {

struct Limits {
    std::uint64_t max_entries = 10000;
    std::uint64_t max_total_size = 256ull << 20; ///< bytes, all entries uncompressed
    std::uint64_t max_entry_size = 64ull << 20;  ///< bytes, one entry uncompressed
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
    /// exceeded or an entry path that leaves the package.
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
    /// damaged, or inflating it would pass the limits.
    std::string read(std::string_view path);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace bulletin::zip
