// The plugin registry: discovers module files, pins the loaded libraries, finds plugins by name,
// and creates plugin instances from validated parameters.
#pragma once

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

struct PluginEntry {
    const PluginInfo* info = nullptr;
    std::shared_ptr<const LoadedModule> module;
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

/// Where plugin modules are looked for, in order: --plugin-dir values, BULLETIN_PLUGIN_PATH
/// (colon-separated), then the built-in directory next to the executable.
std::vector<std::filesystem::path>
plugin_search_path(const std::vector<std::filesystem::path>& explicit_dirs);

/// ../lib/bulletin/plugins relative to the running executable (build tree and installed tree).
std::filesystem::path builtin_plugin_dir();

class Registry {
public:
    /// Loads every module file (*.so) in `dir`. Problems (unsafe permissions, bad modules,
    /// duplicate plugin names) are collected in errors(); good modules are still registered.
    void add_directory(const std::filesystem::path& dir);
    /// Loads one module file.
    void add_module_file(const std::filesystem::path& file);

    const std::vector<std::shared_ptr<const LoadedModule>>& modules() const { return modules_; }
    const std::vector<LoadError>& errors() const { return errors_; }

    const PluginEntry* find(std::string_view name) const;
    std::vector<const PluginEntry*> plugins() const; ///< sorted by kind, then name
    /// Closest plugin name to `name` (edit distance), for "did you mean" messages.
    std::optional<std::string> nearest(std::string_view name,
                                       std::optional<PluginKind> kind = {}) const;

    /// Checks `values` against the plugin's parameter table and fills in defaults. Returns one
    /// message per problem (unknown name, wrong type, missing required value).
    std::vector<std::string> check_params(const PluginEntry& entry,
                                          const std::map<std::string, std::string>& values) const;
    static Params complete_params(const PluginEntry& entry,
                                  const std::map<std::string, std::string>& values);

    /// Creates an instance of a plugin of kind T. Throws std::runtime_error naming the plugin
    /// when it is unknown, of another kind, or its constructor throws.
    template <class T>
    PluginInstance<T> create(std::string_view name,
                             const std::map<std::string, std::string>& values = {}) const;

private:
    std::unique_ptr<Plugin> create_plugin(const PluginEntry& entry, PluginKind kind,
                                          const std::map<std::string, std::string>& values) const;

    std::vector<std::shared_ptr<const LoadedModule>> modules_;
    std::map<std::string, PluginEntry, std::less<>> plugins_;
    std::vector<LoadError> errors_;
};

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
    auto object = create_plugin(*entry, kind_of<T>(), values);
    PluginInstance<T> instance;
    instance.module = entry->module;
    instance.info = entry->info;
    // create_plugin checked the kind, so this cast is exact.
    instance.object.reset(static_cast<T*>(object.release()));
    return instance;
}

/// Levenshtein distance over bytes; small inputs only (names).
std::size_t edit_distance(std::string_view a, std::string_view b);

} // namespace bulletin::host
