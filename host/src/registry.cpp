#include "registry.hpp"

#include "child_process.hpp"
#include "context.hpp"
#include "module_trust.hpp"
#include "scanner.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <system_error>

namespace bulletin::host {

namespace fs = std::filesystem;

std::filesystem::path builtin_plugin_dir() {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    // Relative to the executable, so the build tree and any install prefix both work.
    return (exe.parent_path() / BULLETIN_PLUGIN_RELDIR).lexically_normal();
}

std::vector<std::filesystem::path>
plugin_search_path(const std::vector<std::filesystem::path>& explicit_dirs) {
    std::vector<std::filesystem::path> dirs = explicit_dirs;
    if (const char* env = std::getenv("BULLETIN_PLUGIN_PATH")) {
        std::string_view rest = env;
        while (!rest.empty()) {
            auto colon = rest.find(':');
            auto part = rest.substr(0, colon);
            if (!part.empty()) dirs.emplace_back(part);
            if (colon == std::string_view::npos) break;
            rest.remove_prefix(colon + 1);
        }
    }
    if (auto builtin = builtin_plugin_dir(); !builtin.empty()) dirs.push_back(builtin);
    return dirs;
}

std::filesystem::path default_registry_cache() {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    if (xdg && *xdg == '/') return fs::path(xdg) / "bulletin" / "registry.bin";
    const char* home = std::getenv("HOME");
    if (home && *home == '/') return fs::path(home) / ".cache" / "bulletin" / "registry.bin";
    return {};
}

namespace {

std::optional<FileIdentity> identify(const fs::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return std::nullopt;
    return FileIdentity{
        static_cast<std::uint64_t>(st.st_size),
        static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
        static_cast<std::uint64_t>(st.st_ino), static_cast<std::uint64_t>(st.st_dev)};
}

/// The cache's entries, or none when it is missing, not ours, writable by others, too large
/// or malformed in any way: it is then rebuilt, never trusted.
std::vector<description_format::CacheEntry> read_cache(const fs::path& file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return {};
    Fd owned(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
        (st.st_mode & (S_IWGRP | S_IWOTH)) ||
        static_cast<std::uint64_t>(st.st_size) > description_format::kMaxCacheBytes) {
        spdlog::debug("plugin registry cache {}: ignored (not a regular file of ours, writable "
                      "by others, or over {} bytes)",
                      file.string(), description_format::kMaxCacheBytes);
        return {};
    }
    std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    bytes.resize(done);
    std::string error;
    auto entries = description_format::decode_cache(bytes, error);
    if (!entries) {
        spdlog::debug("plugin registry cache {}: ignored and rebuilt: {}", file.string(), error);
        return {};
    }
    return std::move(*entries);
}

void write_cache(const fs::path& file, const std::vector<description_format::CacheEntry>& entries) {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (!ec) fs::permissions(file.parent_path(), fs::perms::owner_all, ec);
    struct stat st {};
    if (ec || ::stat(file.parent_path().c_str(), &st) != 0 || st.st_uid != ::geteuid() ||
        (st.st_mode & (S_IWGRP | S_IWOTH))) {
        spdlog::debug("plugin registry cache {}: not written (its directory cannot be made "
                      "private to this user)",
                      file.string());
        return;
    }
    try {
        write_file_atomically(file, description_format::encode_cache(entries), false);
    } catch (const std::exception& e) {
        spdlog::debug("plugin registry cache {}: not written: {}", file.string(), e.what());
    }
}

} // namespace

struct Registry::State {
    bool cache_read = false;
    std::vector<description_format::CacheEntry> cache;
    std::unique_ptr<Scanner> scanner;
    std::mutex mutex; // guards `loaded`: plugins may be created from several threads
    std::map<fs::path, std::shared_ptr<const LoadedModule>> loaded;
};

Registry::Registry() : Registry(RegistryOptions{}) {}
Registry::Registry(RegistryOptions options)
    : options_(std::move(options)), state_(std::make_unique<State>()) {}
Registry::~Registry() = default;
Registry::Registry(Registry&&) noexcept = default;
Registry& Registry::operator=(Registry&&) noexcept = default;

void Registry::add_directories(const std::vector<fs::path>& dirs) {
    std::vector<fs::path> files;
    for (const auto& dir : dirs) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) {
            errors_.push_back({dir, dir.string() + ": plugin directory does not exist"});
            continue;
        }
        if (auto trust = check_directory_trust(dir); !trust.problem.empty()) {
            errors_.push_back({dir, trust.problem});
            continue;
        }
        std::vector<fs::path> here;
        for (const auto& item : fs::directory_iterator(dir, ec))
            if (item.path().extension() == ".so" && item.is_regular_file(ec))
                here.push_back(item.path());
        std::sort(here.begin(), here.end()); // deterministic order for duplicate reports
        files.insert(files.end(), here.begin(), here.end());
    }
    add_files(files);
}

void Registry::add_module_file(const fs::path& file) {
    add_files({file});
}

void Registry::add_files(const std::vector<fs::path>& files) {
    using description_format::CacheEntry;
    State& state = *state_;
    if (!options_.cache_file.empty() && !state.cache_read) {
        state.cache = read_cache(options_.cache_file);
        state.cache_read = true;
    }
    bool cache_changed = false;
    std::size_t from_cache = 0, scanned_before = scanned_;
    for (const auto& file : files) {
        auto trust = check_module_trust(file);
        if (!trust.problem.empty()) {
            errors_.push_back({file, trust.problem});
            continue;
        }
        const fs::path& path = trust.resolved;
        if (std::any_of(modules_.begin(), modules_.end(),
                        [&](const auto& m) { return m->path == path; }))
            continue; // the same file reached through two search dirs
        auto identity = identify(path);
        if (!identity) {
            errors_.push_back({file, file.string() + ": cannot stat: " + std::strerror(errno)});
            continue;
        }
        ScanResult result;
        auto cached = std::find_if(state.cache.begin(), state.cache.end(),
                                   [&](const CacheEntry& e) { return e.path == path.string(); });
        if (cached != state.cache.end() && cached->identity == *identity) {
            result = cached->result;
            ++from_cache;
        } else if (options_.scanner.empty()) {
            auto loaded = load_module(path);
            if (auto* error = std::get_if<LoadError>(&loaded)) {
                result.refusal = error->message;
            } else {
                auto module = std::get<std::shared_ptr<const LoadedModule>>(std::move(loaded));
                result.module = module->description;
                state.loaded.emplace(path, std::move(module));
            }
            ++scanned_;
        } else {
            if (!state.scanner)
                state.scanner =
                    std::make_unique<Scanner>(options_.scanner, options_.scan_timeout_seconds);
            auto outcome = state.scanner->scan(path);
            result = std::move(outcome.result);
            ++scanned_;
            if (cached != state.cache.end()) state.cache.erase(cached);
            if (outcome.cacheable) {
                state.cache.push_back({path.string(), *identity, result});
                cache_changed = true;
            }
        }
        if (!result.module) {
            errors_.push_back({file, result.refusal});
            continue;
        }
        auto module = std::make_shared<ModuleEntry>();
        module->path = path;
        module->identity = *identity;
        module->description = std::move(*result.module);
        register_module(file, std::move(module));
    }
    state.scanner.reset(); // the scanner process ends here, not with the registry
    if (!options_.cache_file.empty())
        spdlog::debug("plugin registry: {} modules described from the cache {}, {} by the "
                      "plugin scanner",
                      from_cache, options_.cache_file.string(), scanned_ - scanned_before);
    if (cache_changed) {
        // The newest entries are at the end; beyond the limit the oldest go.
        auto limit = description_format::kMaxCacheEntries;
        if (state.cache.size() > limit)
            state.cache.erase(state.cache.begin(),
                              state.cache.begin() +
                                  static_cast<std::ptrdiff_t>(state.cache.size() - limit));
        write_cache(options_.cache_file, state.cache);
    }
}

void Registry::register_module(const fs::path& file, std::shared_ptr<const ModuleEntry> module) {
    // bulletin_add_plugin(... DATA) puts a module's data files in data/STEM/ beside it.
    auto data = module->path.parent_path() / "data" / module->path.stem();
    std::error_code data_error;
    if (!fs::is_directory(data, data_error)) data.clear();
    for (const auto& plugin : module->description.plugins) {
        auto [it, inserted] = plugins_.try_emplace(plugin.name, PluginEntry{&plugin, module, data});
        if (!inserted) {
            errors_.push_back({file, "plugin '" + plugin.name + "' is provided by both " +
                                         it->second.module->path.string() + " and " +
                                         module->path.string() +
                                         "; remove one of them or change the plugin directories "
                                         "(the first one is used)"});
        }
    }
    modules_.push_back(std::move(module));
}

std::shared_ptr<const LoadedModule> Registry::load(const ModuleEntry& module) const {
    std::lock_guard lock(state_->mutex);
    auto& slot = state_->loaded[module.path];
    if (slot) return slot;
    const std::string name = module.path.string();
    if (auto trust = check_module_trust(module.path); !trust.problem.empty())
        throw std::runtime_error(trust.problem);
    if (identify(module.path) != module.identity)
        throw std::runtime_error(name + ": the module file changed since it was described; run "
                                        "the command again");
    auto loaded = load_module(module.path);
    if (auto* error = std::get_if<LoadError>(&loaded)) throw std::runtime_error(error->message);
    auto result = std::get<std::shared_ptr<const LoadedModule>>(std::move(loaded));
    if (result->description != module.description)
        throw std::runtime_error(name + ": the module describes itself differently when loaded "
                                        "than it did to the plugin scanner; it is not used");
    slot = result;
    return result;
}

const PluginEntry* Registry::find(std::string_view name) const {
    auto it = plugins_.find(name);
    return it == plugins_.end() ? nullptr : &it->second;
}

std::vector<const PluginEntry*> Registry::plugins() const {
    std::vector<const PluginEntry*> out;
    for (const auto& [name, entry] : plugins_)
        out.push_back(&entry);
    std::stable_sort(out.begin(), out.end(), [](const PluginEntry* a, const PluginEntry* b) {
        return static_cast<int>(a->info->kind) < static_cast<int>(b->info->kind);
    });
    return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::optional<std::string> Registry::nearest(std::string_view name,
                                             std::optional<PluginKind> kind) const {
    std::optional<std::string> best;
    std::size_t best_distance = name.size() / 2 + 2; // beyond this a suggestion is noise
    for (const auto& [candidate, entry] : plugins_) {
        if (kind && entry.info->kind != *kind) continue;
        auto d = edit_distance(name, candidate);
        if (d < best_distance) {
            best_distance = d;
            best = candidate;
        }
    }
    return best;
}

std::optional<std::string> param_problem(const PluginDescription& info, const std::string& name,
                                         const std::string& value) {
    const ParamDescription* spec = info.param(name);
    if (!spec) {
        std::string message = "plugin '" + info.name + "' has no parameter '" + name + "'";
        std::optional<std::string> best;
        std::size_t best_distance = name.size() / 2 + 2;
        for (const auto& candidate : info.params) {
            auto d = edit_distance(name, candidate.name);
            if (d < best_distance) best_distance = d, best = candidate.name;
        }
        if (best)
            message += "; did you mean '" + *best + "'?";
        else if (info.params.empty())
            message += "; it takes no parameters";
        else
            message += "; `bulletin plugins " + info.name + "` lists its parameters";
        return message;
    }
    if (auto problem = check_param_value(spec->spec(), value))
        return "parameter '" + name + "' of plugin '" + info.name + "' " + *problem;
    return std::nullopt;
}

std::vector<std::string>
Registry::check_params(const PluginEntry& entry,
                       const std::map<std::string, std::string>& values) const {
    std::vector<std::string> problems;
    const PluginDescription& info = *entry.info;
    for (const auto& [name, value] : values)
        if (auto problem = param_problem(info, name, value)) problems.push_back(*problem);
    for (const auto& spec : info.params)
        if (spec.required && !spec.default_value && !values.count(spec.name))
            problems.push_back("plugin '" + info.name + "' needs parameter '" + spec.name + "' (" +
                               spec.help + ")");
    return problems;
}

Params Registry::complete_params(const PluginEntry& entry,
                                 const std::map<std::string, std::string>& values) {
    std::map<std::string, std::string, std::less<>> all(values.begin(), values.end());
    for (const auto& spec : entry.info->params)
        if (spec.default_value && !all.count(spec.name))
            all.emplace(spec.name, *spec.default_value);
    return Params(std::move(all), entry.data_dir);
}

std::pair<std::unique_ptr<Plugin>, std::shared_ptr<const LoadedModule>>
Registry::create_plugin(const PluginEntry& entry, PluginKind kind,
                        const std::map<std::string, std::string>& values,
                        const PluginInfo*& info) const {
    const PluginDescription& described = *entry.info;
    if (described.kind != kind)
        throw std::runtime_error("plugin '" + described.name + "' is a " +
                                 plugin_kind_name(described.kind) + ", not a " +
                                 plugin_kind_name(kind));
    if (auto problems = check_params(entry, values); !problems.empty())
        throw std::runtime_error(problems.front());
    auto module = load(*entry.module);
    info = nullptr;
    for (std::size_t i = 0; i < module->info->plugin_count; ++i)
        if (described.name == module->info->plugins[i]->name) info = module->info->plugins[i];
    if (!info) // load() compared the descriptions, so this is only a safety net
        throw std::runtime_error("plugin '" + described.name + "' is not in " +
                                 module->path.string());
    try {
        auto object = info->create(complete_params(entry, values));
        if (!object) throw std::runtime_error("its factory returned nothing");
        return {std::move(object), std::move(module)};
    } catch (const std::exception& e) {
        throw std::runtime_error("plugin '" + described.name + "' (" + module->path.string() +
                                 ") failed to start: " + e.what());
    }
}

} // namespace bulletin::host
