// What the host knows about a module without loading it: its description, as the plugin scanner
// (scanner.hpp) read it from the module's descriptor, and the binary format in which scanner
// replies and the registry cache carry it. These structs are the host's own, separate from the
// SDK's ModuleInfo/PluginInfo/ParamSpec: a new SDK field is added here and in the format, and
// the format's version is bumped (old caches are then rebuilt).
#pragma once

#include <bulletin/module.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bulletin::host {

struct ParamDescription {
    std::string name;
    ParamType type = ParamType::String;
    std::optional<std::string> default_value;
    bool required = false;
    std::string help;
    std::optional<std::string> choices; ///< Choice: '|'-separated
    double min = -kUnbounded, max = kUnbounded;
    std::uint32_t flags = 0; ///< kTunable
    double tune_min = 0, tune_max = 0, tune_step = 0;
    bool operator==(const ParamDescription&) const = default;
    /// The same as the SDK's ParamSpec, pointing into this description (valid while it lives),
    /// so that the SDK's one checker (check_param_value, check_param_spec) judges values.
    ParamSpec spec() const;
};

struct PluginDescription {
    std::string name;
    PluginKind kind = PluginKind::Reader;
    std::string description;
    std::uint32_t flags = 0; ///< kCatchAll, kUsesPages
    std::string extensions;  ///< readers: "txt text", space-separated
    std::vector<ParamDescription> params;
    const ParamDescription* param(std::string_view param_name) const;
    /// The words of `extensions`, as declared.
    std::vector<std::string> extension_list() const;
    bool operator==(const PluginDescription&) const = default;
};

struct ModuleDescription {
    std::uint32_t abi_version = 0;
    std::string sdk_version;
    std::string build_key;
    std::string name;
    std::string version;
    std::string license;
    std::string description;
    std::vector<PluginDescription> plugins;
    bool operator==(const ModuleDescription&) const = default;
};

/// Copies a descriptor whose pointers have been checked (no null names, a plugin table).
ModuleDescription describe(const ModuleInfo& info);
/// Why the host cannot use `module` (an unknown kind or type, a missing or repeated name, a
/// default that is not of its type, another ABI, a size over the format's limits); empty when
/// it can. (load_module() checks the build key of a module before it describes it, and a cache
/// written by another build is ignored as a whole: its header names the build.)
std::string check_description(const ModuleDescription& module);

/// What identifies one version of a module file: a change of any field means a new scan.
struct FileIdentity {
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::uint64_t inode = 0;
    std::uint64_t device = 0;
    bool operator==(const FileIdentity&) const = default;
};

/// The outcome of scanning one module file: its description, or why it cannot be used.
struct ScanResult {
    std::optional<ModuleDescription> module;
    std::string refusal; ///< with no module: a message naming the file and what to do
    bool operator==(const ScanResult&) const = default;
};

namespace description_format {

/// Bumped whenever the layout of a description changes (a new field): caches in another
/// version are ignored and rebuilt.
inline constexpr std::uint32_t kVersion = 2; ///< 2: SDK 2 (choices, ranges, tuning, extensions)
inline constexpr std::string_view kCacheMagic{"BLTNREG\n", 8};
/// Bounds on what a scanner reply or cache file may hold (docs/limits.md).
inline constexpr std::size_t kMaxCacheBytes = 16 * 1024 * 1024;
inline constexpr std::size_t kMaxScanReplyBytes = 1024 * 1024;
inline constexpr std::size_t kMaxCacheEntries = 4096;
inline constexpr std::size_t kMaxPluginsPerModule = 256;
inline constexpr std::size_t kMaxParamsPerPlugin = 256;
inline constexpr std::size_t kMaxStringBytes = 64 * 1024;

std::string encode_scan_result(const ScanResult& result);
/// nullopt when `bytes` is not exactly one valid scan result; `error` says why.
std::optional<ScanResult> decode_scan_result(std::string_view bytes, std::string& error);

struct CacheEntry {
    std::string path; ///< resolved (realpath) module file
    FileIdentity identity;
    ScanResult result;
    bool operator==(const CacheEntry&) const = default;
};

/// The host this binary is (SDK version, ABI, build key): a cache written by another is stale.
std::string host_key();

std::string encode_cache(const std::vector<CacheEntry>& entries);
/// The entries of a cache file written by this host in this format version; nullopt (and why
/// in `error`) for anything else: truncated, oversized, another version or host, a bad field.
std::optional<std::vector<CacheEntry>> decode_cache(std::string_view bytes, std::string& error);

} // namespace description_format

} // namespace bulletin::host
