// Pipeline definitions: loading XML (pugixml), `extends` with overrides, and validation against
// the plugin registry. Every problem carries file:line:column.
#pragma once

#include "registry.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bulletin::host {

struct SourceLocation {
    std::filesystem::path file;
    int line = 0;            ///< 1-based
    int column = 0;          ///< 1-based, in characters
    std::string str() const; ///< "file:line:col"
};

struct PipelineMessage {
    SourceLocation where;
    std::string message;
    bool warning = false;
    std::string str() const; ///< "file:line:col: error: message"
};

struct StageParam {
    std::string value;
    SourceLocation where;
};

/// One plugin in a pipeline, after `extends` was resolved.
struct Stage {
    PluginKind kind = PluginKind::Reader;
    std::string plugin;
    std::string id; ///< names the stage for overrides; defaults to the plugin name
    bool enabled = true;
    std::map<std::string, StageParam> params;
    SourceLocation where;

    std::map<std::string, std::string> values() const;
};

struct PipelineDefinition {
    std::string name;
    std::string description;
    std::filesystem::path file;
    std::vector<std::filesystem::path> extends_chain; ///< this file first, then its parents
    std::vector<Stage> stages;                        ///< readers, segmenters, taggers, exporters

    std::vector<const Stage*> enabled(PluginKind kind) const;
};

struct PipelineLoad {
    std::optional<PipelineDefinition> pipeline; ///< set when there are no errors
    std::vector<PipelineMessage> errors;
    std::vector<PipelineMessage> warnings;
    bool ok() const { return pipeline.has_value() && errors.empty(); }
};

/// Command-line overrides: "stage.param=value" (stage = id or plugin name) or
/// "stage.enabled=false".
struct Override {
    std::string stage, param, value;
};
std::optional<Override> parse_override(std::string_view text);

/// Where shipped pipelines live: ../share/bulletin/pipelines relative to the executable. A
/// relative `extends` is looked up beside the extending file first, then here.
std::filesystem::path builtin_pipeline_dir();

/// Loads and validates `file`. Never throws for bad input.
PipelineLoad load_pipeline(const std::filesystem::path& file, const Registry& registry,
                           const std::vector<Override>& overrides = {});

} // namespace bulletin::host
