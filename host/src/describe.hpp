// What `bulletin plugins` says about modules and plugins, as text and as JSON
// (docs/schema/plugins.schema.json), from the plugins' own declarations, like gst-inspect.
#pragma once

#include "registry.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace bulletin::host {

/// One plugin: name, kind, description, flags, extensions, module, parameters (type, default,
/// required, choices, range, tuning, help).
nlohmann::ordered_json describe_plugin(const PluginEntry& entry);
/// Every module, plugin and load error of the registry: `bulletin plugins --json`.
nlohmann::ordered_json describe_registry(const Registry& registry);
/// `bulletin plugins NAME`: the same, for a person.
void print_plugin(std::ostream& out, const PluginEntry& entry);

} // namespace bulletin::host
