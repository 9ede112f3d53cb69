#include "module_description.hpp"

#include "byte_fields.hpp"

#include <bit>
#include <set>
#include <sstream>

namespace bulletin::host {

namespace {

std::string text(const char* s) {
    return s ? s : "";
}

bool is_valid_kind(PluginKind kind) {
    switch (kind) {
    case PluginKind::Reader:
    case PluginKind::Segmenter:
    case PluginKind::Tagger:
    case PluginKind::Exporter:
        return true;
    }
    return false;
}

std::uint64_t bits_of(double value) {
    return std::bit_cast<std::uint64_t>(value);
}

} // namespace

ParamSpec ParamDescription::spec() const {
    ParamSpec s;
    s.name = name.c_str();
    s.type = type;
    s.default_value = default_value ? default_value->c_str() : nullptr;
    s.required = required;
    s.help = help.c_str();
    s.choices = choices ? choices->c_str() : nullptr;
    s.min = min;
    s.max = max;
    s.flags = flags;
    s.tune_min = tune_min;
    s.tune_max = tune_max;
    s.tune_step = tune_step;
    return s;
}

std::vector<std::string> PluginDescription::extension_list() const {
    std::vector<std::string> out;
    std::istringstream words(extensions);
    for (std::string word; words >> word;)
        out.push_back(word);
    return out;
}

const ParamDescription* PluginDescription::param(std::string_view param_name) const {
    for (const auto& p : params)
        if (p.name == param_name) return &p;
    return nullptr;
}

ModuleDescription describe(const ModuleInfo& info) {
    ModuleDescription m;
    m.abi_version = info.abi_version;
    m.sdk_version = text(info.sdk_version);
    m.build_key = text(info.build_key);
    m.name = text(info.name);
    m.version = text(info.version);
    m.license = text(info.license);
    m.description = text(info.description);
    for (std::size_t i = 0; i < info.plugin_count; ++i) {
        const PluginInfo& p = *info.plugins[i];
        PluginDescription& d = m.plugins.emplace_back();
        d.name = text(p.name);
        d.kind = p.kind;
        d.description = text(p.description);
        d.flags = p.flags;
        d.extensions = text(p.extensions);
        for (std::size_t j = 0; j < p.param_count; ++j) {
            const ParamSpec& s = p.params[j];
            ParamDescription& param = d.params.emplace_back();
            param.name = text(s.name);
            param.type = s.type;
            if (s.default_value) param.default_value = s.default_value;
            param.required = s.required;
            param.help = text(s.help);
            if (s.choices) param.choices = s.choices;
            param.min = s.min;
            param.max = s.max;
            param.flags = s.flags;
            param.tune_min = s.tune_min;
            param.tune_max = s.tune_max;
            param.tune_step = s.tune_step;
        }
    }
    return m;
}

std::string check_description(const ModuleDescription& module) {
    using namespace description_format;
    if (module.abi_version != kAbiVersion)
        return "module ABI version " + std::to_string(module.abi_version) +
               " does not match the host's ABI version " + std::to_string(kAbiVersion);
    if (module.name.empty()) return "the module descriptor has no name";
    if (module.version.empty()) return "the module descriptor has no version";
    if (module.plugins.size() > kMaxPluginsPerModule)
        return "the module declares " + std::to_string(module.plugins.size()) +
               " plugins, more than the limit of " + std::to_string(kMaxPluginsPerModule);
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < module.plugins.size(); ++i) {
        const PluginDescription& plugin = module.plugins[i];
        if (plugin.name.empty())
            return "plugin #" + std::to_string(i + 1) + " in the descriptor has no name";
        if (!is_valid_kind(plugin.kind)) return "plugin '" + plugin.name + "' has an unknown kind";
        if (!names.insert(plugin.name).second)
            return "the module declares plugin '" + plugin.name + "' twice";
        if (plugin.params.size() > kMaxParamsPerPlugin)
            return "plugin '" + plugin.name + "' declares " + std::to_string(plugin.params.size()) +
                   " parameters, more than the limit of " + std::to_string(kMaxParamsPerPlugin);
        for (std::size_t j = 0; j < plugin.params.size(); ++j) {
            const ParamDescription& spec = plugin.params[j];
            if (auto problem = check_param_spec(spec.spec()))
                return "plugin '" + plugin.name + "': parameter " +
                       (spec.name.empty() ? "#" + std::to_string(j + 1) : "'" + spec.name + "'") +
                       " " + *problem;
        }
    }
    return {};
}

namespace description_format {

namespace {

using bytes::put_string;
using bytes::put_uint;

constexpr std::uint64_t kDescribed = 1;
constexpr std::uint64_t kRefused = 2;
constexpr std::size_t kMaxPathBytes = 4096;

void put_module(std::string& out, const ModuleDescription& m) {
    put_uint(out, m.abi_version, 4);
    for (const std::string* s :
         {&m.sdk_version, &m.build_key, &m.name, &m.version, &m.license, &m.description})
        put_string(out, *s);
    put_uint(out, m.plugins.size(), 4);
    for (const auto& p : m.plugins) {
        put_string(out, p.name);
        put_uint(out, static_cast<std::uint32_t>(p.kind), 4);
        put_string(out, p.description);
        put_uint(out, p.flags, 4);
        put_string(out, p.extensions);
        put_uint(out, p.params.size(), 4);
        for (const auto& s : p.params) {
            put_string(out, s.name);
            put_uint(out, static_cast<std::uint8_t>(s.type), 1);
            put_uint(out, s.default_value ? 1 : 0, 1);
            put_string(out, s.default_value.value_or(""));
            put_uint(out, s.required ? 1 : 0, 1);
            put_string(out, s.help);
            put_uint(out, s.choices ? 1 : 0, 1);
            put_string(out, s.choices.value_or(""));
            put_uint(out, s.flags, 4);
            for (double d : {s.min, s.max, s.tune_min, s.tune_max, s.tune_step})
                put_uint(out, bits_of(d), 8);
        }
    }
}

void put_result(std::string& out, const ScanResult& r) {
    if (r.module) {
        put_uint(out, kDescribed, 1);
        put_module(out, *r.module);
    } else {
        put_uint(out, kRefused, 1);
        put_string(out, r.refusal);
    }
}

/// Reads descriptions, failing with a reason on the first bad field.
class Reader {
public:
    explicit Reader(std::string_view bytes) : in_(bytes) {}

    bool fail(std::string what) {
        if (error_.empty()) error_ = std::move(what);
        return false;
    }
    const std::string& error() const { return error_; }

    bool uint(std::uint64_t& value, int size, const char* what) {
        return in_.uint(value, size) || fail(std::string("truncated ") + what);
    }
    bool flag(bool& value, const char* what) {
        std::uint64_t v = 0;
        if (!uint(v, 1, what)) return false;
        if (v > 1) return fail(std::string("bad ") + what + " byte " + std::to_string(v));
        value = v == 1;
        return true;
    }
    bool string(std::string& value, const char* what, std::size_t max = kMaxStringBytes) {
        return in_.string(value, max) || fail(std::string(what) + " is truncated or longer than " +
                                              std::to_string(max) + " bytes");
    }
    bool count(std::size_t& value, std::size_t max, const char* what) {
        std::uint64_t v = 0;
        if (!uint(v, 4, what)) return false;
        if (v > max)
            return fail(std::to_string(v) + " " + what + ", more than the limit of " +
                        std::to_string(max));
        value = static_cast<std::size_t>(v);
        return true;
    }
    bool magic(std::string_view expected) { return in_.bytes(expected); }
    std::size_t left() const { return in_.left(); }

    bool module(ModuleDescription& m) {
        std::uint64_t abi = 0;
        if (!uint(abi, 4, "ABI version")) return false;
        m.abi_version = static_cast<std::uint32_t>(abi);
        for (std::string* s :
             {&m.sdk_version, &m.build_key, &m.name, &m.version, &m.license, &m.description})
            if (!string(*s, "a module field")) return false;
        std::size_t plugins = 0;
        if (!count(plugins, kMaxPluginsPerModule, "plugins")) return false;
        for (std::size_t i = 0; i < plugins; ++i) {
            PluginDescription& p = m.plugins.emplace_back();
            std::uint64_t kind = 0, flags = 0;
            std::size_t params = 0;
            if (!string(p.name, "a plugin name") || !uint(kind, 4, "plugin kind") ||
                !string(p.description, "a plugin description") || !uint(flags, 4, "flags") ||
                !string(p.extensions, "reader extensions") ||
                !count(params, kMaxParamsPerPlugin, "parameters"))
                return false;
            p.kind = static_cast<PluginKind>(kind);
            p.flags = static_cast<std::uint32_t>(flags);
            for (std::size_t j = 0; j < params; ++j) {
                ParamDescription& s = p.params.emplace_back();
                std::uint64_t type = 0;
                bool has_default = false;
                std::string default_value;
                bool has_choices = false;
                std::string choices;
                std::uint64_t param_flags = 0;
                if (!string(s.name, "a parameter name") || !uint(type, 1, "parameter type") ||
                    !flag(has_default, "has-default") ||
                    !string(default_value, "a parameter default") ||
                    !flag(s.required, "required") || !string(s.help, "a parameter help") ||
                    !flag(has_choices, "has-choices") || !string(choices, "parameter choices") ||
                    !uint(param_flags, 4, "parameter flags"))
                    return false;
                for (double* d : {&s.min, &s.max, &s.tune_min, &s.tune_max, &s.tune_step}) {
                    std::uint64_t bits = 0;
                    if (!uint(bits, 8, "a parameter bound")) return false;
                    *d = std::bit_cast<double>(bits);
                }
                s.type = static_cast<ParamType>(type);
                s.flags = static_cast<std::uint32_t>(param_flags);
                if (has_default)
                    s.default_value = std::move(default_value);
                else if (!default_value.empty()) // one encoding per description
                    return fail("parameter '" + s.name + "' has a default but says it has none");
                if (has_choices)
                    s.choices = std::move(choices);
                else if (!choices.empty())
                    return fail("parameter '" + s.name + "' has choices but says it has none");
            }
        }
        if (auto bad = check_description(m); !bad.empty()) return fail(bad);
        return true;
    }

    bool result(ScanResult& r) {
        std::uint64_t status = 0;
        if (!uint(status, 1, "scan status")) return false;
        if (status == kDescribed) return module(r.module.emplace());
        if (status != kRefused) return fail("unknown scan status " + std::to_string(status));
        if (!string(r.refusal, "a refusal message")) return false;
        return !r.refusal.empty() || fail("a refusal without a message");
    }

    bool at_end() {
        return left() == 0 || fail(std::to_string(left()) + " bytes after the last field");
    }

private:
    bytes::Fields in_;
    std::string error_;
};

} // namespace

std::string encode_scan_result(const ScanResult& result) {
    std::string out;
    put_result(out, result);
    return out;
}

std::optional<ScanResult> decode_scan_result(std::string_view bytes, std::string& error) {
    Reader in(bytes);
    ScanResult r;
    if (in.result(r) && in.at_end()) return r;
    error = in.error();
    return std::nullopt;
}

std::string host_key() {
    return std::string("sdk ") + kSdkVersion + " abi " + std::to_string(kAbiVersion) + " key " +
           kBuildKey;
}

std::string encode_cache(const std::vector<CacheEntry>& entries) {
    std::string out(kCacheMagic);
    put_uint(out, kVersion, 4);
    put_string(out, host_key());
    put_uint(out, entries.size(), 4);
    for (const auto& e : entries) {
        put_string(out, e.path);
        put_uint(out, e.identity.size, 8);
        put_uint(out, static_cast<std::uint64_t>(e.identity.mtime_ns), 8);
        put_uint(out, e.identity.inode, 8);
        put_uint(out, e.identity.device, 8);
        put_result(out, e.result);
    }
    return out;
}

std::optional<std::vector<CacheEntry>> decode_cache(std::string_view bytes, std::string& error) {
    if (bytes.size() > kMaxCacheBytes) {
        error = std::to_string(bytes.size()) + " bytes, more than the limit of " +
                std::to_string(kMaxCacheBytes);
        return std::nullopt;
    }
    Reader in(bytes);
    std::uint64_t version = 0;
    std::string key;
    std::size_t count = 0;
    std::vector<CacheEntry> entries;
    if (!in.magic(kCacheMagic))
        in.fail("not a bulletin registry cache (bad magic)");
    else if (in.uint(version, 4, "format version") && version != kVersion)
        in.fail("format version " + std::to_string(version) + ", this host writes " +
                std::to_string(kVersion));
    else if (in.string(key, "the host key", 1024) && key != host_key())
        in.fail("written by another host (" + key + ")");
    else if (in.count(count, kMaxCacheEntries, "entries")) {
        std::set<std::string> paths;
        for (std::size_t i = 0; i < count; ++i) {
            CacheEntry& e = entries.emplace_back();
            std::uint64_t mtime = 0;
            if (!in.string(e.path, "a module path", kMaxPathBytes) ||
                !in.uint(e.identity.size, 8, "file size") || !in.uint(mtime, 8, "mtime") ||
                !in.uint(e.identity.inode, 8, "inode") ||
                !in.uint(e.identity.device, 8, "device") || !in.result(e.result))
                break;
            e.identity.mtime_ns = static_cast<std::int64_t>(mtime);
            if (e.path.empty() || e.path.front() != '/' || e.path.find('\0') != std::string::npos) {
                in.fail("an entry's path is not absolute");
                break;
            }
            if (!paths.insert(e.path).second) {
                in.fail("two entries for " + e.path);
                break;
            }
        }
        in.at_end();
    }
    if (!in.error().empty()) {
        error = in.error();
        return std::nullopt;
    }
    return entries;
}

} // namespace description_format

} // namespace bulletin::host
