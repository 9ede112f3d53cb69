#include "pipeline.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

namespace bulletin::host {

std::string SourceLocation::str() const {
    return file.string() + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string PipelineMessage::str() const {
    return where.str() + (warning ? ": warning: " : ": error: ") + message;
}

std::map<std::string, std::string> Stage::values() const {
    std::map<std::string, std::string> out;
    for (const auto& [name, param] : params)
        out.emplace(name, param.value);
    return out;
}

std::vector<const Stage*> PipelineDefinition::enabled(PluginKind kind) const {
    std::vector<const Stage*> out;
    for (const auto& stage : stages)
        if (stage.kind == kind && stage.enabled) out.push_back(&stage);
    return out;
}

std::optional<Override> parse_override(std::string_view text) {
    auto eq = text.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    auto key = text.substr(0, eq);
    auto dot = key.rfind('.'); // stage ids may contain dots ("cn.bulletin"); params do not
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == key.size()) return std::nullopt;
    return Override{std::string(key.substr(0, dot)), std::string(key.substr(dot + 1)),
                    std::string(text.substr(eq + 1))};
}

std::filesystem::path builtin_pipeline_dir() {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    // Relative to the executable, so the build tree and any install prefix both work.
    return (exe.parent_path() / BULLETIN_PIPELINE_RELDIR).lexically_normal();
}

namespace {

constexpr std::size_t kMaxPipelineBytes = 4 * 1024 * 1024;
/// `extends` levels (a shipped pipeline and a series' own are two or three).
constexpr std::size_t kMaxExtendsDepth = 32;
/// Stages after `extends` (the shipped pipeline has about twenty).
constexpr std::size_t kMaxStages = 1000;
/// Errors kept (and printed); the rest are counted.
constexpr std::size_t kMaxErrors = 100;

/// Maps byte offsets of one file to 1-based line and character column.
class LineIndex {
public:
    LineIndex(std::filesystem::path file, std::string_view text)
        : file_(std::move(file)), text_(text) {
        line_starts_.push_back(0);
        for (std::size_t i = 0; i < text.size(); ++i)
            if (text[i] == '\n') line_starts_.push_back(i + 1);
    }
    SourceLocation at(std::ptrdiff_t offset) const {
        if (offset < 0) return {file_, 0, 0};
        auto pos = std::min(static_cast<std::size_t>(offset), text_.size());
        auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), pos);
        std::size_t line = static_cast<std::size_t>(it - line_starts_.begin());
        std::size_t start = line_starts_[line - 1];
        // Lookups come in document order, so counting on from the previous one on the same line
        // keeps a file of one long line linear.
        std::size_t from = start;
        int column = 1;
        if (last_line_ == line && last_offset_ <= pos) from = last_offset_, column = last_column_;
        for (std::size_t i = from; i < pos; ++i)
            if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
        last_line_ = line, last_offset_ = pos, last_column_ = column;
        return {file_, static_cast<int>(line), column};
    }
    /// pugixml reports an element's offset at its name; point at the '<' like editors do.
    SourceLocation at(const pugi::xml_node& node) const {
        auto offset = node.offset_debug();
        if (offset > 0 && static_cast<std::size_t>(offset) <= text_.size() &&
            text_[static_cast<std::size_t>(offset) - 1] == '<')
            --offset;
        return at(offset);
    }

private:
    std::filesystem::path file_;
    std::string_view text_;
    std::vector<std::size_t> line_starts_;
    mutable std::size_t last_line_ = 0, last_offset_ = 0;
    mutable int last_column_ = 1;
};

std::optional<PluginKind> kind_from_element(std::string_view name) {
    if (name == "reader") return PluginKind::Reader;
    if (name == "segmenter") return PluginKind::Segmenter;
    if (name == "tagger") return PluginKind::Tagger;
    if (name == "exporter") return PluginKind::Exporter;
    return std::nullopt;
}

std::string did_you_mean(std::string_view name, std::initializer_list<std::string_view> known) {
    std::string best;
    std::size_t best_distance = name.size() / 2 + 2;
    for (auto candidate : known) {
        auto d = edit_distance(name, candidate);
        if (d < best_distance) best_distance = d, best = candidate;
    }
    return best;
}

bool is_schema_attribute(std::string_view name) {
    // Editors add these to get completion from pipelines/pipeline.xsd.
    return name.starts_with("xmlns") || name.starts_with("xsi:");
}

int kind_rank(PluginKind kind) {
    return static_cast<int>(kind);
}

class Loader {
public:
    Loader(const Registry& registry, PipelineLoad& out) : registry_(registry), out_(out) {}

    /// Parses `file` and the files it extends into `def`; false on errors (already reported).
    bool load(const std::filesystem::path& file, const SourceLocation* referenced_from,
              PipelineDefinition& def) {
        std::error_code ec;
        auto canonical = std::filesystem::weakly_canonical(file, ec);
        for (const auto& open : stack_) {
            if (open == canonical) {
                std::string chain;
                for (const auto& f : stack_)
                    chain += f.filename().string() + " -> ";
                chain += canonical.filename().string();
                error(*referenced_from, "'extends' cycle: " + chain);
                return false;
            }
        }

        if (stack_.size() >= kMaxExtendsDepth) {
            error(*referenced_from, "'extends' chain is deeper than " +
                                        std::to_string(kMaxExtendsDepth) + " files (at " +
                                        file.string() +
                                        "); a series pipeline extends a shipped one directly: "
                                        "flatten the chain");
            return false;
        }
        std::string text;
        if (!read(file, referenced_from, text)) return false;
        // The document must outlive LineIndex lookups and node reads below.
        pugi::xml_document doc;
        auto parsed =
            doc.load_buffer(text.data(), text.size(),
                            pugi::parse_default | pugi::parse_declaration | pugi::parse_doctype,
                            pugi::encoding_utf8);
        LineIndex index(file, text);
        if (!parsed) {
            error(index.at(parsed.offset), std::string("malformed XML: ") + parsed.description());
            return false;
        }
        // pugixml never expands entities, so "billion laughs" and external entities are harmless,
        // but a pipeline that declares them cannot mean what it says: refuse it plainly.
        for (auto node : doc.children()) {
            if (node.type() == pugi::node_doctype) {
                error(index.at(node), "a pipeline file may not have a <!DOCTYPE> (entities are "
                                      "not supported); remove the DOCTYPE declaration");
                return false;
            }
        }
        pugi::xml_node root = doc.document_element();
        if (std::string_view(root.name()) != "pipeline") {
            error(index.at(root),
                  "the root element must be <pipeline>, not <" + std::string(root.name()) + ">");
            return false;
        }

        stack_.push_back(canonical);
        bool ok = true;
        std::filesystem::path parent;
        for (auto attr : root.attributes()) {
            std::string_view name = attr.name();
            if (name == "name")
                def.name = attr.value();
            else if (name == "extends")
                parent = attr.value();
            else if (!is_schema_attribute(name)) {
                auto hint = did_you_mean(name, {"name", "extends"});
                error(index.at(root), "unknown attribute '" + std::string(name) +
                                          "' on <pipeline>" +
                                          (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
                ok = false;
            }
        }
        if (!parent.empty()) {
            auto where = index.at(root);
            auto resolved = resolve_extends(file, parent);
            if (resolved.empty()) {
                error(where, "extends '" + parent.string() + "': no such pipeline beside " +
                                 file.string() + " or in " + builtin_pipeline_dir().string());
                ok = false;
            } else {
                std::string own_name = def.name;
                ok = load(resolved, &where, def) && ok;
                if (!own_name.empty()) def.name = own_name;
            }
        }
        def.extends_chain.insert(def.extends_chain.begin(), file);

        for (auto child : root.children()) {
            if (child.type() != pugi::node_element) continue;
            std::string_view name = child.name();
            if (name == "description") {
                def.description = child.child_value();
                continue;
            }
            auto kind = kind_from_element(name);
            if (!kind) {
                auto hint = did_you_mean(
                    name, {"description", "reader", "segmenter", "tagger", "exporter"});
                error(index.at(child),
                      "unknown element <" + std::string(name) + "> in <pipeline>" +
                          (hint.empty() ? "; expected <reader>, <segmenter>, <tagger>, <exporter> "
                                          "or <description>"
                                        : "; did you mean <" + hint + ">?"));
                ok = false;
                continue;
            }
            ok = add_stage(child, *kind, index, def) && ok;
        }
        stack_.pop_back();
        return ok;
    }

    void apply_overrides(const std::vector<Override>& overrides, PipelineDefinition& def) {
        SourceLocation where{"<command line>", 0, 0};
        for (const auto& o : overrides) {
            Stage* stage = find_stage(def, o.stage);
            if (!stage) {
                error(where, "--set " + o.stage + "." + o.param + ": the pipeline has no stage '" +
                                 o.stage + "'");
                continue;
            }
            if (o.param == "enabled") {
                auto value = parse_bool_param(o.value);
                if (!value)
                    error(where, "--set " + o.stage + ".enabled: expected true or false");
                else
                    stage->enabled = *value;
                continue;
            }
            stage->params[o.param] = StageParam{o.value, where};
        }
    }

    /// Checks plugins and parameters of the merged pipeline against the registry.
    void validate(PipelineDefinition& def) {
        for (auto& stage : def.stages) {
            const PluginEntry* entry = registry_.find(stage.plugin);
            if (!entry) {
                std::string message = "unknown " + std::string(plugin_kind_name(stage.kind)) +
                                      " plugin '" + stage.plugin + "'";
                if (auto near = registry_.nearest(stage.plugin, stage.kind))
                    message += "; did you mean '" + *near + "'?";
                else
                    message += "; `bulletin plugins` lists the installed plugins";
                if (!registry_.errors().empty()) // it may be in a module that was refused
                    message += " (" + std::to_string(registry_.errors().size()) +
                               " module files or directories were not used: `bulletin plugins` "
                               "says why)";
                error(stage.where, message);
                continue;
            }
            if (entry->info->kind != stage.kind) {
                error(stage.where, "plugin '" + stage.plugin + "' is a " +
                                       plugin_kind_name(entry->info->kind) + ", not a " +
                                       plugin_kind_name(stage.kind) + "; use <" +
                                       plugin_kind_name(entry->info->kind) + " plugin=\"" +
                                       stage.plugin + "\">");
                continue;
            }
            check_params(*entry, stage);
        }
        if (def.enabled(PluginKind::Reader).empty())
            error({def.file, 1, 1}, "the pipeline has no enabled <reader>; add one (for example "
                                    "<reader plugin=\"text\"/>)");
        if (def.enabled(PluginKind::Exporter).empty())
            warning({def.file, 1, 1},
                    "the pipeline enables no exporter, so running it writes nothing");
    }

private:
    bool read(const std::filesystem::path& file, const SourceLocation* referenced_from,
              std::string& text) {
        SourceLocation where = referenced_from ? *referenced_from : SourceLocation{file, 0, 0};
        std::error_code ec;
        auto size = std::filesystem::file_size(file, ec);
        if (ec) {
            error(where, "cannot read pipeline " + file.string() + ": " + ec.message());
            return false;
        }
        if (size > kMaxPipelineBytes) {
            error(where, "pipeline " + file.string() + " is larger than 4 MiB; is it a pipeline?");
            return false;
        }
        std::ifstream in(file, std::ios::binary);
        std::ostringstream buffer;
        buffer << in.rdbuf();
        if (!in && !in.eof()) {
            error(where, "cannot read pipeline " + file.string());
            return false;
        }
        text = buffer.str();
        return true;
    }

    static std::filesystem::path resolve_extends(const std::filesystem::path& from,
                                                 const std::filesystem::path& target) {
        std::error_code ec;
        if (target.is_absolute())
            return std::filesystem::exists(target, ec) ? target : std::filesystem::path{};
        auto beside = from.parent_path() / target;
        if (std::filesystem::exists(beside, ec)) return beside;
        auto shipped = builtin_pipeline_dir() / target;
        if (std::filesystem::exists(shipped, ec)) return shipped;
        return {};
    }

    static Stage* find_stage(PipelineDefinition& def, std::string_view id) {
        for (auto& stage : def.stages)
            if (stage.id == id) return &stage;
        for (auto& stage : def.stages)
            if (stage.plugin == id) return &stage;
        return nullptr;
    }

    bool add_stage(const pugi::xml_node& node, PluginKind kind, const LineIndex& index,
                   PipelineDefinition& def) {
        auto where = index.at(node);
        bool ok = true;
        std::string plugin, id;
        std::optional<bool> enabled;
        for (auto attr : node.attributes()) {
            std::string_view name = attr.name();
            if (name == "plugin")
                plugin = attr.value();
            else if (name == "id")
                id = attr.value();
            else if (name == "enabled") {
                enabled = parse_bool_param(attr.value());
                if (!enabled) {
                    error(where, "attribute enabled=\"" + std::string(attr.value()) +
                                     "\" must be true or false");
                    ok = false;
                }
            } else {
                auto hint = did_you_mean(name, {"plugin", "id", "enabled"});
                error(where, "unknown attribute '" + std::string(name) + "' on <" + node.name() +
                                 ">" +
                                 (hint.empty() ? "; expected plugin, id or enabled"
                                               : "; did you mean '" + hint + "'?"));
                ok = false;
            }
        }
        if (id.empty()) id = plugin;
        if (id.empty()) {
            error(where, std::string("<") + node.name() + "> needs a plugin=\"NAME\" attribute");
            return false;
        }

        auto key = std::to_string(kind_rank(kind)) + ":" + id;
        auto found = stage_index_.find(key);
        Stage* existing = found == stage_index_.end() ? nullptr : &def.stages[found->second];
        if (existing && !plugin.empty() && existing->plugin != plugin) {
            error(where, "stage '" + id + "' is plugin '" + existing->plugin + "' in " +
                             existing->where.str() + "; give this one another id=\"…\"");
            return false;
        }
        if (!existing && plugin.empty()) {
            error(where, "no inherited " + std::string(plugin_kind_name(kind)) + " '" + id +
                             "' to override; add plugin=\"NAME\" to declare a new one");
            return false;
        }
        if (!existing && def.stages.size() >= kMaxStages) {
            if (!too_many_stages_)
                error(where, "the pipeline has more than " + std::to_string(kMaxStages) +
                                 " stages; a pipeline needs a few readers, segmenters, taggers "
                                 "and exporters (is this file generated by mistake?)");
            too_many_stages_ = true;
            return false;
        }

        Stage fresh;
        Stage& stage = existing ? *existing : fresh;
        if (!existing) {
            stage.kind = kind;
            stage.plugin = plugin;
            stage.id = id;
            stage.where = where;
        }
        if (enabled) stage.enabled = *enabled;

        std::set<std::string> seen;
        for (auto child : node.children()) {
            if (child.type() != pugi::node_element) continue;
            auto child_where = index.at(child);
            if (std::string_view(child.name()) != "param") {
                error(child_where, "unknown element <" + std::string(child.name()) + "> in <" +
                                       node.name() +
                                       ">; only <param name=\"…\">value</param> "
                                       "goes there");
                ok = false;
                continue;
            }
            std::string name;
            for (auto attr : child.attributes()) {
                if (std::string_view(attr.name()) == "name")
                    name = attr.value();
                else {
                    error(child_where, "unknown attribute '" + std::string(attr.name()) +
                                           "' on <param>; expected name");
                    ok = false;
                }
            }
            if (name.empty()) {
                error(child_where, "<param> needs a name=\"…\" attribute");
                ok = false;
                continue;
            }
            if (!seen.insert(name).second) {
                error(child_where, "parameter '" + name + "' is set twice in this stage");
                ok = false;
                continue;
            }
            std::string value = child.child_value();
            if (existing) {
                auto inherited = stage.params.find(name);
                if (inherited != stage.params.end() && inherited->second.value == value)
                    warning(child_where, "parameter '" + name + "' overrides '" + value +
                                             "' with the same value (set at " +
                                             inherited->second.where.str() + "); remove it");
                else if (inherited == stage.params.end())
                    // Compared with the plugin's default once the registry is consulted.
                    overrides_of_defaults_[id + "." + name] = child_where;
            }
            stage.params[name] = StageParam{std::move(value), child_where};
        }
        if (!existing) {
            stage_index_.emplace(std::move(key), def.stages.size());
            def.stages.push_back(std::move(fresh));
        }
        return ok;
    }

    void check_params(const PluginEntry& entry, Stage& stage) {
        const PluginDescription& info = *entry.info;
        rename_dashed_params(info, stage);
        for (const auto& [name, param] : stage.params) {
            if (auto problem = param_problem(info, name, param.value)) {
                error(param.where, *problem);
                continue;
            }
            const ParamDescription* spec = info.param(name);
            auto site = overrides_of_defaults_.find(stage.id + "." + name);
            if (site != overrides_of_defaults_.end() && spec->default_value &&
                param.value == *spec->default_value && site->second.str() == param.where.str())
                warning(param.where, "parameter '" + name +
                                         "' overrides the plugin's default with the same value ('" +
                                         param.value + "'); remove it");
        }
        for (const auto& spec : info.params)
            if (spec.required && !spec.default_value && !stage.params.count(spec.name))
                error(stage.where, "plugin '" + stage.plugin + "' needs parameter '" + spec.name +
                                       "': " + spec.help);
    }

    /// SDK 2 names parameters [a-z0-9_]; a pipeline written for SDK 1 may spell one with '-'
    /// ("resolve-year"). Such a name is taken as the '_' spelling, with a warning.
    void rename_dashed_params(const PluginDescription& info, Stage& stage) {
        std::vector<std::pair<std::string, std::string>> renames; // (as written, underscored)
        for (const auto& [name, param] : stage.params)
            if (name.find('-') != std::string::npos && !info.param(name)) {
                std::string underscored = name;
                std::replace(underscored.begin(), underscored.end(), '-', '_');
                if (info.param(underscored) && !stage.params.count(underscored))
                    renames.emplace_back(name, std::move(underscored));
            }
        for (const auto& [name, underscored] : renames) {
            auto node = stage.params.extract(name);
            warning(node.mapped().where, "parameter '" + name + "' of plugin '" + stage.plugin +
                                             "' is now spelt '" + underscored +
                                             "' (SDK 2); rename it in the pipeline");
            node.key() = underscored;
            stage.params.insert(std::move(node));
        }
    }

    void error(const SourceLocation& where, std::string message) {
        if (out_.errors.size() < kMaxErrors)
            out_.errors.push_back({where, std::move(message), false});
        else
            ++errors_not_kept_;
    }

public:
    /// Says how many errors were counted but not kept; call once, at the end.
    void report_errors_not_kept(const std::filesystem::path& file) {
        if (errors_not_kept_ == 0) return;
        out_.errors.push_back({{file, 0, 0},
                               "... and " + std::to_string(errors_not_kept_) +
                                   " more errors (only the first " + std::to_string(kMaxErrors) +
                                   " are shown; fix these and validate again)",
                               false});
    }

private:
    void warning(const SourceLocation& where, std::string message) {
        out_.warnings.push_back({where, std::move(message), true});
    }

    const Registry& registry_;
    PipelineLoad& out_;
    std::vector<std::filesystem::path> stack_;
    /// "STAGE.PARAM" -> where: inherited stages' params that no parent sets.
    std::unordered_map<std::string, SourceLocation> overrides_of_defaults_;
    /// "KIND:ID" -> index in PipelineDefinition::stages, while loading.
    std::unordered_map<std::string, std::size_t> stage_index_;
    bool too_many_stages_ = false;
    std::size_t errors_not_kept_ = 0;
};

} // namespace

PipelineLoad load_pipeline(const std::filesystem::path& file, const Registry& registry,
                           const std::vector<Override>& overrides) {
    PipelineLoad result;
    PipelineDefinition def;
    def.file = file;
    Loader loader(registry, result);
    if (loader.load(file, nullptr, def)) {
        std::stable_sort(def.stages.begin(), def.stages.end(), [](const Stage& a, const Stage& b) {
            return kind_rank(a.kind) < kind_rank(b.kind);
        });
        loader.apply_overrides(overrides, def);
        loader.validate(def);
    }
    loader.report_errors_not_kept(file);
    if (def.name.empty()) def.name = file.stem().string();
    if (result.errors.empty()) result.pipeline = std::move(def);
    return result;
}

} // namespace bulletin::host
