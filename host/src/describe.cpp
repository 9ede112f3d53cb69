#include "describe.hpp"

#include <cmath>
#include <sstream>

namespace bulletin::host {

namespace {

using Json = nlohmann::ordered_json;

std::string text(const char* s) {
    return s ? s : "";
}

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

std::vector<std::string> flag_names(const PluginInfo& p) {
    std::vector<std::string> names;
    if (p.flags & kCatchAll) names.emplace_back("catch-all");
    if (p.flags & kUsesPages) names.emplace_back("uses-pages");
    return names;
}

std::vector<std::string> extensions(const PluginInfo& p) {
    std::vector<std::string> out;
    std::istringstream words(text(p.extensions));
    for (std::string word; words >> word;)
        out.push_back(word);
    return out;
}

Json describe_param(const ParamSpec& s) {
    Json j;
    j["name"] = s.name;
    j["type"] = param_type_name(s.type);
    j["default"] = s.default_value ? Json(s.default_value) : Json(nullptr);
    j["required"] = s.required && !s.default_value;
    if (s.type == ParamType::Choice) {
        Json choices = Json::array();
        for (auto choice : param_choices(s))
            choices.push_back(std::string(choice));
        j["choices"] = std::move(choices);
    }
    if (s.type == ParamType::Int || s.type == ParamType::Double) {
        j["min"] = bound(s.min);
        j["max"] = bound(s.max);
    }
    if (s.flags & kTunable) {
        Json tune{{"tunable", true}};
        if (s.type == ParamType::Int || s.type == ParamType::Double) {
            tune["min"] = bound(s.tune_min);
            tune["max"] = bound(s.tune_max);
            tune["step"] = s.tune_step;
        }
        j["tune"] = std::move(tune);
    }
    j["help"] = text(s.help);
    return j;
}

} // namespace

Json describe_plugin(const PluginEntry& entry) {
    const PluginInfo& p = *entry.info;
    const ModuleInfo& m = *entry.module->info;
    Json j;
    j["name"] = p.name;
    j["kind"] = plugin_kind_name(p.kind);
    j["description"] = text(p.description);
    j["flags"] = flag_names(p);
    if (p.kind == PluginKind::Reader) j["extensions"] = extensions(p);
    j["module"] = m.name;
    Json params = Json::array();
    for (std::size_t i = 0; i < p.param_count; ++i)
        params.push_back(describe_param(p.params[i]));
    j["parameters"] = std::move(params);
    return j;
}

Json describe_registry(const Registry& registry) {
    Json modules = Json::array();
    for (const auto& module : registry.modules()) {
        const ModuleInfo& m = *module->info;
        modules.push_back({{"name", m.name},
                           {"version", text(m.version)},
                           {"license", text(m.license)},
                           {"description", text(m.description)},
                           {"sdk_version", text(m.sdk_version)},
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
    const PluginInfo& p = *entry.info;
    const ModuleInfo& m = *entry.module->info;
    out << "Plugin:       " << p.name << "\n"
        << "Kind:         " << plugin_kind_name(p.kind) << "\n"
        << "Description:  " << text(p.description) << "\n";
    if (p.kind == PluginKind::Reader) {
        std::string list;
        for (const auto& e : extensions(p))
            list += (list.empty() ? "" : " ") + e;
        out << "Extensions:   " << (list.empty() ? "(none declared)" : list) << "\n";
    }
    if (auto flags = flag_names(p); !flags.empty()) {
        std::string list;
        for (const auto& f : flags)
            list += (list.empty() ? "" : ", ") + f;
        out << "Flags:        " << list << "\n";
    }
    out << "Module:       " << m.name << " " << text(m.version) << " ("
        << (m.license ? m.license : "no license") << ")"
        << (m.description ? std::string(" - ") + m.description : "") << "\n"
        << "File:         " << entry.module->path.string() << "\n"
        << "SDK:          " << text(m.sdk_version) << ", ABI " << m.abi_version << "\n\n";
    if (p.param_count == 0) {
        out << "Parameters:   none\n";
        return;
    }
    out << "Parameters:\n";
    for (std::size_t i = 0; i < p.param_count; ++i) {
        const ParamSpec& s = p.params[i];
        out << "  " << s.name << "  (" << param_type_name(s.type);
        if (s.type == ParamType::Choice) out << ": " << text(s.choices);
        if ((s.type == ParamType::Int || s.type == ParamType::Double) &&
            (!std::isinf(s.min) || !std::isinf(s.max)))
            out << ", " << (std::isinf(s.min) ? "" : bound_text(s.min) + " ") << "to"
                << (std::isinf(s.max) ? "" : " " + bound_text(s.max));
        if (s.required && !s.default_value) out << ", required";
        if (s.default_value) out << ", default \"" << s.default_value << "\"";
        if (s.flags & kTunable) out << ", tunable";
        out << ")\n      " << text(s.help) << "\n";
    }
}

} // namespace bulletin::host
