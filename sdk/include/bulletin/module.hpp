// bulletin/module.hpp - declaring a module: one shared library holding one or more plugins.
//
// A module exports exactly one C symbol, `bulletin_module`, returning a pointer to a plain,
// static ModuleInfo. The host reads `abi_version` (always the first field) before anything else
// and refuses the module when it differs from its own, then compares `build_key` (compiler,
// C++ library ABI, Boost version) because plugins exchange C++ objects with the host.
//
// kAbiVersion changes when ModuleInfo or PluginInfo change layout, when a virtual function is
// added, removed or reordered in plugin.hpp, or when a type in document.hpp or params.hpp
// changes layout. Adding a free inline helper or a new header does not change it, and the
// `reserved` fields below let a later SDK add a field without a new ABI version: a module built
// against this SDK leaves them null, and the host reads a null as "not declared".
//
// The declared kind must match the class: BULLETIN_PLUGIN checks at compile time that `Class`
// derives from the interface of `kind`, and the host checks again when it creates the plugin.
//
// The smallest complete plugin:
//
//     #include <bulletin/module.hpp>
//
//     class Shout final : public bulletin::Tagger {
//     public:
//         explicit Shout(const bulletin::Params& params) : word_(params.string("word")) {}
//         void tag(bulletin::Document& doc, bulletin::Context& ctx) override {
//             ctx.info("tagging ", doc.articles.size(), " articles for '", word_, "'");
//         }
//     private:
//         std::string word_;
//     };
//
//     constexpr bulletin::ParamSpec kShoutParams[] = {
//         bulletin::string_param("word", "hello", "The word to look for."),
//     };
//     BULLETIN_PLUGIN(kShout, Shout, "shout", bulletin::PluginKind::Tagger,
//                     "Logs a word for every document.", kShoutParams);
//     BULLETIN_MODULE("shout", "1.0.0", "MIT", "An example module.", &kShout)
#pragma once

#include "bulletin/params.hpp"
#include "bulletin/plugin.hpp"
#include "bulletin/version.hpp"

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <type_traits>

namespace bulletin {

enum class PluginKind : std::uint32_t { Reader = 1, Segmenter = 2, Tagger = 3, Exporter = 4 };

constexpr const char* plugin_kind_name(PluginKind kind) {
    switch (kind) {
    case PluginKind::Reader:
        return "reader";
    case PluginKind::Segmenter:
        return "segmenter";
    case PluginKind::Tagger:
        return "tagger";
    case PluginKind::Exporter:
        return "exporter";
    }
    return "unknown";
}

/// The kind whose interface `T` implements (and the compile error when it implements none).
template <class T> constexpr PluginKind plugin_kind_of() {
    if constexpr (std::is_base_of_v<Reader, T>)
        return PluginKind::Reader;
    else if constexpr (std::is_base_of_v<Segmenter, T>)
        return PluginKind::Segmenter;
    else if constexpr (std::is_base_of_v<Tagger, T>)
        return PluginKind::Tagger;
    else {
        static_assert(std::is_base_of_v<Exporter, T>,
                      "a plugin class must derive from bulletin::Reader, Segmenter, Tagger or "
                      "Exporter");
        return PluginKind::Exporter;
    }
}

/// PluginInfo::flags
/// A reader that accepts any input (plain text): tried after every other reader of the pipeline,
/// whatever its position, so that a reader added by `extends` sees its files first.
inline constexpr std::uint32_t kCatchAll = 1u << 0;
/// A segmenter, tagger or exporter that reads Document::pages after segmentation. Without it the
/// host frees the lines of the pages once the document is segmented (they are most of its memory).
inline constexpr std::uint32_t kUsesPages = 1u << 1;

using PluginFactory = std::unique_ptr<Plugin> (*)(const Params& params);

struct PluginInfo {
    const char* name; ///< unique across all loaded modules, e.g. "cn.bulletin"
    PluginKind kind;
    const char* description;
    const ParamSpec* params;
    std::size_t param_count;
    std::uint32_t flags;
    PluginFactory create;
    /// Readers: the file extensions they read, without dots, separated by spaces ("txt text");
    /// `batch` picks its inputs by them. nullptr for other kinds.
    const char* extensions;
    const void* reserved[8]; ///< for later SDKs; null
};

struct ModuleInfo {
    std::uint32_t abi_version; ///< must stay the first field
    const char* sdk_version;
    const char* build_key;
    const char* name;
    const char* version;
    const char* license;
    const char* description;
    const PluginInfo* const* plugins;
    std::size_t plugin_count;
    const void* reserved[8]; ///< for later SDKs; null
};

/// Name of the one symbol a module exports.
inline constexpr const char* kModuleEntryPoint = "bulletin_module";

template <class T> std::unique_ptr<Plugin> make_plugin(const Params& params) {
    return std::make_unique<T>(params);
}

template <std::size_t N> constexpr std::size_t param_count(const ParamSpec (&)[N]) {
    return N;
}
/// For plugins without parameters: pass `bulletin::kNoParams`.
struct NoParams {};
inline constexpr NoParams kNoParams{};
constexpr const ParamSpec* param_data(NoParams) {
    return nullptr;
}
constexpr std::size_t param_count(NoParams) {
    return 0;
}
template <std::size_t N> constexpr const ParamSpec* param_data(const ParamSpec (&table)[N]) {
    return table;
}

} // namespace bulletin

#if defined(_WIN32)
#define BULLETIN_EXPORT __declspec(dllexport)
#else
#define BULLETIN_EXPORT __attribute__((visibility("default")))
#endif

/// Declares one plugin: `var` is the name of the PluginInfo constant, `Class` is constructed from
/// `const bulletin::Params&` and derives from the interface of `kind`, `params` is a ParamSpec
/// array (or bulletin::kNoParams), `flags` a combination of kCatchAll and kUsesPages.
#define BULLETIN_PLUGIN_FLAGS(var, Class, name, kind, description, params, flags)                  \
    BULLETIN_PLUGIN_INFO(var, Class, name, kind, description, params, flags, nullptr)
#define BULLETIN_PLUGIN(var, Class, name, kind, description, params)                               \
    BULLETIN_PLUGIN_FLAGS(var, Class, name, kind, description, params, 0u)
/// Declares a reader with the file extensions it reads ("pdf", "txt text md").
#define BULLETIN_READER(var, Class, name, description, params, extensions, flags)                  \
    BULLETIN_PLUGIN_INFO(var, Class, name, ::bulletin::PluginKind::Reader, description, params,    \
                         flags, extensions)
#define BULLETIN_PLUGIN_INFO(var, Class, name, kind, description, params, flags, extensions)       \
    static_assert(::bulletin::plugin_kind_of<Class>() == (kind),                                   \
                  "the kind declared for " #Class " is not the interface it derives from");        \
    static const ::bulletin::PluginInfo var {                                                      \
        name, kind, description, ::bulletin::param_data(params), ::bulletin::param_count(params),  \
            flags, &::bulletin::make_plugin<Class>, extensions, {},                                \
    }

/// Declares the module and its entry point; list the module's plugins as `&var` arguments.
#define BULLETIN_MODULE(name, version, license, description, ...)                                  \
    extern "C" BULLETIN_EXPORT const ::bulletin::ModuleInfo* bulletin_module() {                   \
        static const ::bulletin::PluginInfo* const plugins[] = {nullptr __VA_OPT__(, )             \
                                                                    __VA_ARGS__};                  \
        static_assert(std::size(plugins) > 1,                                                      \
                      "BULLETIN_MODULE lists no plugin: add &var for each BULLETIN_PLUGIN after "  \
                      "the description");                                                          \
        static const ::bulletin::ModuleInfo info{::bulletin::kAbiVersion,                          \
                                                 ::bulletin::kSdkVersion,                          \
                                                 ::bulletin::kBuildKey,                            \
                                                 name,                                             \
                                                 version,                                          \
                                                 license,                                          \
                                                 description,                                      \
                                                 plugins + 1,                                      \
                                                 std::size(plugins) - 1,                           \
                                                 {}};                                              \
        return &info;                                                                              \
    }
