#include "registry.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <unistd.h>

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

void Registry::add_directory(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        errors_.push_back({dir, dir.string() + ": plugin directory does not exist"});
        return;
    }
    if (auto unsafe = check_not_writable_by_others(dir); !unsafe.empty()) {
        errors_.push_back({dir, unsafe});
        return;
    }
    std::vector<std::filesystem::path> files;
    for (const auto& item : std::filesystem::directory_iterator(dir, ec))
        if (item.path().extension() == ".so" && item.is_regular_file())
            files.push_back(item.path());
    std::sort(files.begin(), files.end()); // deterministic order for duplicate reports
    for (const auto& file : files)
        add_module_file(file);
}

void Registry::add_module_file(const std::filesystem::path& file) {
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(file, ec);
    const auto& key = ec ? file : canonical;
    for (const auto& existing : modules_)
        if (existing->path == key) return; // the same file reached through two search dirs

    auto loaded = load_module(key);
    if (auto* error = std::get_if<LoadError>(&loaded)) {
        errors_.push_back(std::move(*error));
        return;
    }
    auto module = std::get<std::shared_ptr<const LoadedModule>>(std::move(loaded));
    for (std::size_t i = 0; i < module->info->plugin_count; ++i) {
        const PluginInfo* info = module->info->plugins[i];
        auto data = module->path.parent_path() / "data" / module->path.stem();
        std::error_code data_error;
        if (!fs::is_directory(data, data_error)) data.clear();
        auto [it, inserted] = plugins_.try_emplace(info->name, PluginEntry{info, module, data});
        if (!inserted) {
            errors_.push_back({key, "plugin '" + std::string(info->name) +
                                        "' is provided by both " +
                                        it->second.module->path.string() + " and " + key.string() +
                                        "; remove one of them or change the plugin directories "
                                        "(the first one is used)"});
        }
    }
    modules_.push_back(std::move(module));
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

const ParamSpec* find_param(const PluginInfo& info, std::string_view name) {
    for (std::size_t i = 0; i < info.param_count; ++i)
        if (name == info.params[i].name) return &info.params[i];
    return nullptr;
}

std::optional<std::string> param_problem(const PluginInfo& info, const std::string& name,
                                         const std::string& value) {
    const ParamSpec* spec = find_param(info, name);
    if (!spec) {
        std::string message =
            "plugin '" + std::string(info.name) + "' has no parameter '" + name + "'";
        std::optional<std::string> best;
        std::size_t best_distance = name.size() / 2 + 2;
        for (std::size_t i = 0; i < info.param_count; ++i) {
            auto d = edit_distance(name, info.params[i].name);
            if (d < best_distance) best_distance = d, best = info.params[i].name;
        }
        if (best)
            message += "; did you mean '" + *best + "'?";
        else if (info.param_count == 0)
            message += "; it takes no parameters";
        else
            message += "; `bulletin plugins " + std::string(info.name) + "` lists its parameters";
        return message;
    }
    if (auto problem = check_param_value(*spec, value))
        return "parameter '" + name + "' of plugin '" + info.name + "' " + *problem;
    return std::nullopt;
}

std::vector<std::string>
Registry::check_params(const PluginEntry& entry,
                       const std::map<std::string, std::string>& values) const {
    std::vector<std::string> problems;
    const PluginInfo& info = *entry.info;
    for (const auto& [name, value] : values)
        if (auto problem = param_problem(info, name, value)) problems.push_back(*problem);
    for (std::size_t i = 0; i < info.param_count; ++i) {
        const ParamSpec& spec = info.params[i];
        if (spec.required && !spec.default_value && !values.count(spec.name))
            problems.push_back("plugin '" + std::string(info.name) + "' needs parameter '" +
                               spec.name + "' (" + (spec.help ? spec.help : "") + ")");
    }
    return problems;
}

Params Registry::complete_params(const PluginEntry& entry,
                                 const std::map<std::string, std::string>& values) {
    std::map<std::string, std::string, std::less<>> all(values.begin(), values.end());
    for (std::size_t i = 0; i < entry.info->param_count; ++i) {
        const ParamSpec& spec = entry.info->params[i];
        if (spec.default_value && !all.count(spec.name)) all.emplace(spec.name, spec.default_value);
    }
    return Params(std::move(all), entry.data_dir);
}

std::unique_ptr<Plugin>
Registry::create_plugin(const PluginEntry& entry, PluginKind kind,
                        const std::map<std::string, std::string>& values) const {
    const PluginInfo& info = *entry.info;
    if (info.kind != kind)
        throw std::runtime_error("plugin '" + std::string(info.name) + "' is a " +
                                 plugin_kind_name(info.kind) + ", not a " + plugin_kind_name(kind));
    if (auto problems = check_params(entry, values); !problems.empty())
        throw std::runtime_error(problems.front());
    try {
        auto object = info.create(complete_params(entry, values));
        if (!object) throw std::runtime_error("its factory returned nothing");
        return object;
    } catch (const std::exception& e) {
        throw std::runtime_error("plugin '" + std::string(info.name) + "' (" +
                                 entry.module->path.string() + ") failed to start: " + e.what());
    }
}

} // namespace bulletin::host
