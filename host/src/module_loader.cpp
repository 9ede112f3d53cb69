#include "module_loader.hpp"

#include <boost/dll/shared_library.hpp> // BOOST_DLL_USE_STD_FS is set by CMake

#include <dlfcn.h>
#include <sys/stat.h>

#include <cstring>
#include <set>

namespace bulletin::host {

class LibraryHandle {
public:
    explicit LibraryHandle(boost::dll::shared_library library) : library_(std::move(library)) {}
    boost::dll::shared_library& get() { return library_; }

private:
    boost::dll::shared_library library_;
};

namespace {

LoadError fail(const std::filesystem::path& path, std::string message) {
    return LoadError{path, path.string() + ": " + std::move(message)};
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

std::string check_descriptor(const ModuleInfo& info) {
    auto missing = [](const char* s) { return s == nullptr || *s == '\0'; };
    if (missing(info.name)) return "the module descriptor has no name";
    if (missing(info.version)) return "the module descriptor has no version";
    if (info.plugin_count > 0 && info.plugins == nullptr)
        return "the module descriptor lists plugins but has no plugin table";
    std::set<std::string> names;
    for (std::size_t i = 0; i < info.plugin_count; ++i) {
        const PluginInfo* plugin = info.plugins[i];
        if (plugin == nullptr || missing(plugin->name))
            return "plugin #" + std::to_string(i + 1) + " in the descriptor has no name";
        if (!is_valid_kind(plugin->kind))
            return "plugin '" + std::string(plugin->name) + "' has an unknown kind";
        if (plugin->create == nullptr)
            return "plugin '" + std::string(plugin->name) + "' has no factory function";
        if (!names.insert(plugin->name).second)
            return "the module declares plugin '" + std::string(plugin->name) + "' twice";
        if (plugin->param_count > 0 && plugin->params == nullptr)
            return "plugin '" + std::string(plugin->name) +
                   "' declares parameters but has no parameter table";
        for (std::size_t p = 0; p < plugin->param_count; ++p) {
            const ParamSpec& spec = plugin->params[p];
            if (auto problem = check_param_spec(spec))
                return "plugin '" + std::string(plugin->name) + "': parameter " +
                       (missing(spec.name) ? "#" + std::to_string(p + 1)
                                           : "'" + std::string(spec.name) + "'") +
                       " " + *problem;
        }
    }
    return {};
}

} // namespace

std::string check_not_writable_by_others(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return path.string() + ": cannot stat: " + std::strerror(errno);
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        const char* what = S_ISDIR(st.st_mode) ? "directory" : "plugin file";
        return path.string() + ": refusing " + what +
               " writable by group or others (anyone could replace the code bulletin runs); fix "
               "with: chmod go-w '" +
               path.string() + "'";
    }
    return {};
}

std::variant<std::shared_ptr<const LoadedModule>, LoadError>
load_module(const std::filesystem::path& path) {
    if (auto unsafe = check_not_writable_by_others(path); !unsafe.empty())
        return LoadError{path, unsafe};

    boost::dll::shared_library library;
    boost::dll::fs::error_code ec;
    // rtld_now: an undefined symbol is reported here, not as a crash halfway through a document.
    library.load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
    if (ec) {
        std::string detail = ec.message();
        const char* dl = ::dlerror(); // Boost keeps dlopen's own reason only in dlerror()
        if (dl) detail = dl;
        std::string hint = detail.find("undefined symbol") != std::string::npos
                               ? " (built against a different SDK or host version? rebuild the "
                                 "plugin against the installed BulletinSDK)"
                               : " (is it a bulletin plugin module built for this system?)";
        return fail(path, "cannot load shared library: " + detail + hint);
    }
    if (!library.has(kModuleEntryPoint))
        return fail(path,
                    std::string("not a bulletin module: it does not export '") + kModuleEntryPoint +
                        "' (declare the module with BULLETIN_MODULE from <bulletin/module.hpp>)");

    using EntryPoint = const ModuleInfo*();
    auto& entry = library.get<EntryPoint>(kModuleEntryPoint);
    const ModuleInfo* info = entry();
    if (info == nullptr) return fail(path, "the module entry point returned no descriptor");

    // The ABI version is the first field in every ABI: read it before anything else.
    if (info->abi_version != kAbiVersion)
        return fail(path, "module ABI version " + std::to_string(info->abi_version) +
                              " does not match the host's ABI version " +
                              std::to_string(kAbiVersion) +
                              "; rebuild the plugin against BulletinSDK " + kSdkVersion);
    std::string key = info->build_key ? info->build_key : "";
    if (key != kBuildKey)
        return fail(path, "module build key '" + key + "' does not match the host's '" + kBuildKey +
                              "' (different compiler, C++ library or Boost; plugins exchange C++ "
                              "objects with the host, so rebuild the plugin with the toolchain "
                              "the host was built with)");
    if (auto bad = check_descriptor(*info); !bad.empty()) return fail(path, bad);

    auto module = std::make_shared<LoadedModule>();
    module->path = path;
    module->library = std::make_shared<LibraryHandle>(std::move(library));
    module->info = info;
    return std::shared_ptr<const LoadedModule>(std::move(module));
}

} // namespace bulletin::host
