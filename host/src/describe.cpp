#include "describe.hpp"

#include <cmath>
#include <sstream>

namespace bulletin::host {

namespace {

using Json = nlohmann::ordered_json;

/// A bound as JSON: a number, or null when unbounded.
Json bound(double value) {
    if (std::isinf(value)) return nullptr;
    if (value == std::floor(value) && std::fabs(value) < 9.0e15)
        return static_cast<long long>(value);
    return value;
}

std::string bound_text(double value) {
    std::ostringstream out;
    out.precision(15);
    out << value;
    return out.str();
}

std::vector<std::string> flag_names(const PluginDescription& p) {
    std::vector<std::string> names;
    if (p.flags & kCatchAll) names.emplace_back("catch-all");
    if (p.flags & kUsesPages) names.emplace_back("uses-pages");
    return names;
}

bool numeric(const ParamDescription& s) {
    return s.type == ParamType::Int || s.type == ParamType::Double;
}

Json describe_param(const ParamDescription& s) {
    Json j;
    j["name"] = s.name;
    j["type"] = param_type_name(s.type);
    j["default"] = s.default_value ? Json(*s.default_value) : Json(nullptr);
    j["required"] = s.required && !s.default_value;
    if (s.type == ParamType::Choice) {
        Json choices = Json::array();
        for (auto choice : param_choices(s.spec()))
            choices.push_back(std::string(choice));
        j["choices"] = std::move(choices);
    }
    if (numeric(s)) {
        j["min"] = bound(s.min);
        j["max"] = bound(s.max);
    }
    if (s.flags & kTunable) {
        Json tune{{"tunable", true}};
        if (numeric(s)) {
            tune["min"] = bound(s.tune_min);
            tune["max"] = bound(s.tune_max);
            tune["step"] = s.tune_step;
        }
        j["tune"] = std::move(tune);
    }
    j["help"] = s.help;
    return j;
}

} // namespace

Json describe_plugin(const PluginEntry& entry) {
    const PluginDescription& p = *entry.info;
    Json j;
    j["name"] = p.name;
    j["kind"] = plugin_kind_name(p.kind);
    j["description"] = p.description;
    j["flags"] = flag_names(p);
    if (p.kind == PluginKind::Reader) j["extensions"] = p.extension_list();
    j["module"] = entry.module->description.name;
    Json params = Json::array();
    for (const auto& s : p.params)
        params.push_back(describe_param(s));
    j["parameters"] = std::move(params);
    return j;
}

Json describe_registry(const Registry& registry) {
    Json modules = Json::array();
    for (const auto& module : registry.modules()) {
        const ModuleDescription& m = module->description;
        modules.push_back({{"name", m.name},
                           {"version", m.version},
                           {"license", m.license},
                           {"description", m.description},
                           {"sdk_version", m.sdk_version},
                           {"abi_version", m.abi_version},
                           {"file", module->path.string()}});
    }
    Json plugins = Json::array();
    for (const PluginEntry* entry : registry.plugins())
        plugins.push_back(describe_plugin(*entry));
    Json errors = Json::array();
    for (const auto& error : registry.errors())
        errors.push_back({{"file", error.path.string()}, {"message", error.message}});
    return {{"schema", "bulletin-plugins/1"}, {"sdk_version", kSdkVersion},
            {"abi_version", kAbiVersion},     {"modules", std::move(modules)},
            {"plugins", std::move(plugins)},  {"errors", std::move(errors)}};
}

void print_plugin(std::ostream& out, const PluginEntry& entry) {
    const PluginDescription& p = *entry.info;
    const ModuleDescription& m = entry.module->description;
    out << "Plugin:       " << p.name << "\n"
        << "Kind:         " << plugin_kind_name(p.kind) << "\n"
        << "Description:  " << p.description << "\n";
    if (p.kind == PluginKind::Reader) {
        std::string list;
        for (const auto& e : p.extension_list())
            list += (list.empty() ? "" : " ") + e;
        out << "Extensions:   " << (list.empty() ? "(none declared)" : list) << "\n";
    }
    if (auto flags = flag_names(p); !flags.empty()) {
        std::string list;
        for (const auto& f : flags)
            list += (list.empty() ? "" : ", ") + f;
        out << "Flags:        " << list << "\n";
    }
    out << "Module:       " << m.name << " " << m.version << " ("
        << (m.license.empty() ? "no license" : m.license) << ")"
        << (m.description.empty() ? "" : " - " + m.description) << "\n"
        << "File:         " << entry.module->path.string() << "\n"
        << "SDK:          " << (m.sdk_version.empty() ? "?" : m.sdk_version) << ", ABI "
        << m.abi_version << "\n\n";
    if (p.params.empty()) {
        out << "Parameters:   none\n";
        return;
    }
    out << "Parameters:\n";
    for (const auto& s : p.params) {
        out << "  " << s.name << "  (" << param_type_name(s.type);
        if (s.type == ParamType::Choice && s.choices) out << ": " << *s.choices;
        if (numeric(s) && (!std::isinf(s.min) || !std::isinf(s.max)))
            out << ", " << (std::isinf(s.min) ? "" : bound_text(s.min) + " ") << "to"
                << (std::isinf(s.max) ? "" : " " + bound_text(s.max));
        if (s.required && !s.default_value) out << ", required";
        if (s.default_value) out << ", default \"" << *s.default_value << "\"";
        if (s.flags & kTunable) out << ", tunable";
        out << ")\n      " << s.help << "\n";
    }
}

} // namespace bulletin::host
