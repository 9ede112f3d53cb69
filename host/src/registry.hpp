// The plugin registry: discovers module files, checks that they are trusted, describes them
// through the plugin scanner (scanner.hpp) or its cache, finds plugins by name, and loads a
// module into this process only when a plugin of it is created.
#pragma once

#include "module_description.hpp"
#include "module_loader.hpp"

#include <bulletin/module.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bulletin::host {

/// A module file as described (by the scanner or the cache), not necessarily loaded.
struct ModuleEntry {
    std::filesystem::path path; ///< resolved (realpath)
    FileIdentity identity;
    ModuleDescription description;
};

struct PluginEntry {
    const PluginDescription* info = nullptr;
    std::shared_ptr<const ModuleEntry> module;
    /// DIR/data/STEM/ beside the module DIR/STEM.so when it exists (bulletin_add_plugin DATA):
    /// Params::data_dir().
    std::filesystem::path data_dir;
};

/// A plugin object together with the module that made it. Members are destroyed in reverse
/// order, so the object goes before its library can be unmapped.
template <class T> struct PluginInstance {
    std::shared_ptr<const LoadedModule> module;
    std::unique_ptr<T> object;
    const PluginInfo* info = nullptr;

    T* operator->() const { return object.get(); }
    T& operator*() const { return *object; }
};

/// The one check of a parameter a pipeline, `--set`, `validate` and plugin creation use: what is
/// wrong with `name`=`value` for `info` (an unknown name, with the nearest known one; a value
/// outside its type, choices or range: check_param_value), or nullopt.
std::optional<std::string> param_problem(const PluginDescription& info, const std::string& name,
                                         const std::string& value);

/// Where plugin modules are looked for, in order: --plugin-dir values, BULLETIN_PLUGIN_PATH
/// (colon-separated), then the built-in directory next to the executable.
std::vector<std::filesystem::path>
plugin_search_path(const std::vector<std::filesystem::path>& explicit_dirs);

/// ../lib/bulletin/plugins relative to the running executable (build tree and installed tree).
std::filesystem::path builtin_plugin_dir();

/// $XDG_CACHE_HOME/bulletin/registry.bin, else ~/.cache/bulletin/registry.bin; empty when
/// neither variable is set.
std::filesystem::path default_registry_cache();

struct RegistryOptions {
    /// The plugin scanner's command line (scanner_argv()). Empty: modules are loaded into this
    /// process to describe them (tests and tools that load everything anyway).
    std::vector<std::string> scanner;
    double scan_timeout_seconds = 10;
    /// Where descriptions are cached between runs; empty: no cache.
    std::filesystem::path cache_file;
};

class Registry {
public:
    Registry();
    explicit Registry(RegistryOptions options);
    ~Registry();
    Registry(Registry&&) noexcept;
    Registry& operator=(Registry&&) noexcept;

    /// Registers every module file (*.so) in these directories, in order. Problems (untrusted
    /// files or directories, modules that are refused or crash the scanner, duplicate plugin
    /// names) are collected in errors(); good modules are still registered.
    void add_directories(const std::vector<std::filesystem::path>& dirs);
    void add_directory(const std::filesystem::path& dir) { add_directories({dir}); }
    /// Registers one module file.
    void add_module_file(const std::filesystem::path& file);

    const std::vector<std::shared_ptr<const ModuleEntry>>& modules() const { return modules_; }
    const std::vector<LoadError>& errors() const { return errors_; }
    /// Module files described by the scanner (not the cache) so far.
    std::size_t scanned() const { return scanned_; }

    const PluginEntry* find(std::string_view name) const;
    std::vector<const PluginEntry*> plugins() const; ///< sorted by kind, then name
    /// Closest plugin name to `name` (edit distance), for "did you mean" messages.
    std::optional<std::string> nearest(std::string_view name,
                                       std::optional<PluginKind> kind = {}) const;

    /// Checks `values` against the plugin's parameter table (param_problem, then required
    /// values). Returns one message per problem.
    std::vector<std::string> check_params(const PluginEntry& entry,
                                          const std::map<std::string, std::string>& values) const;
    static Params complete_params(const PluginEntry& entry,
                                  const std::map<std::string, std::string>& values);

    /// Creates an instance of a plugin of kind T, loading its module on first use. Throws
    /// std::runtime_error naming the plugin when it is unknown, of another kind, its module
    /// cannot be loaded, or its constructor throws.
    template <class T>
    PluginInstance<T> create(std::string_view name,
                             const std::map<std::string, std::string>& values = {}) const;

    /// The module loaded into this process (once); throws std::runtime_error naming the file
    /// when it is no longer trusted, has changed since it was described, or fails to load.
    std::shared_ptr<const LoadedModule> load(const ModuleEntry& module) const;

private:
    struct State;
    void add_files(const std::vector<std::filesystem::path>& files);
    void register_module(const std::filesystem::path& file,
                         std::shared_ptr<const ModuleEntry> module);
    std::pair<std::unique_ptr<Plugin>, std::shared_ptr<const LoadedModule>>
    create_plugin(const PluginEntry& entry, PluginKind kind,
                  const std::map<std::string, std::string>& values, const PluginInfo*& info) const;

    RegistryOptions options_;
    std::vector<std::shared_ptr<const ModuleEntry>> modules_;
    std::map<std::string, PluginEntry, std::less<>> plugins_;
    std::vector<LoadError> errors_;
    std::size_t scanned_ = 0;
    std::unique_ptr<State> state_; ///< the cache and the loaded modules
};

/// "Reader", "Segmenter", ...: the SDK class of a kind.
constexpr const char* kind_class_name(PluginKind kind) {
    switch (kind) {
    case PluginKind::Reader:
        return "Reader";
    case PluginKind::Segmenter:
        return "Segmenter";
    case PluginKind::Tagger:
        return "Tagger";
    case PluginKind::Exporter:
        return "Exporter";
    }
    return "Plugin";
}

template <class T> constexpr PluginKind kind_of();
template <> constexpr PluginKind kind_of<Reader>() {
    return PluginKind::Reader;
}
template <> constexpr PluginKind kind_of<Segmenter>() {
    return PluginKind::Segmenter;
}
template <> constexpr PluginKind kind_of<Tagger>() {
    return PluginKind::Tagger;
}
template <> constexpr PluginKind kind_of<Exporter>() {
    return PluginKind::Exporter;
}

template <class T>
PluginInstance<T> Registry::create(std::string_view name,
                                   const std::map<std::string, std::string>& values) const {
    const PluginEntry* entry = find(name);
    if (!entry) throw std::runtime_error("unknown plugin '" + std::string(name) + "'");
    PluginInstance<T> instance;
    auto [object, module] = create_plugin(*entry, kind_of<T>(), values, instance.info);
    instance.module = std::move(module);
    // The declared kind was checked; the class is checked too, for a module whose declaration
    // bypassed BULLETIN_PLUGIN's compile-time check.
    T* typed = dynamic_cast<T*>(object.get());
    if (!typed)
        throw std::runtime_error(
            "plugin '" + entry->info->name + "' (" + instance.module->path.string() +
            ") is declared a " + plugin_kind_name(entry->info->kind) +
            " but its class does not implement bulletin::" + kind_class_name(kind_of<T>()) +
            "; declare it with the kind of the class it derives from");
    object.release();
    instance.object.reset(typed);
    return instance;
}

/// Levenshtein distance over bytes; small inputs only (names).
std::size_t edit_distance(std::string_view a, std::string_view b);

} // namespace bulletin::host
