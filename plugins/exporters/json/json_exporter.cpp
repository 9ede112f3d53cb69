// json: writes one JSON object per input in schema "bulletin/1"
// (docs/schema/bulletin-1.schema.json). Every field of the contract is present; unknown values are
// null, never missing.
#include <bulletin/module.hpp>

#include <nlohmann/json.hpp>

namespace {

using nlohmann::ordered_json;

ordered_json optional_string(const std::optional<std::string>& value) {
    return value ? ordered_json(*value) : ordered_json(nullptr);
}

const char* severity_name(bulletin::Severity severity) {
    switch (severity) {
    case bulletin::Severity::Info:
        return "info";
    case bulletin::Severity::Warning:
        return "warning";
    case bulletin::Severity::Error:
        return "error";
    }
    return "warning";
}

ordered_json masthead_json(const bulletin::Masthead& m) {
    ordered_json issue = nullptr;
    if (m.issue) {
        issue = {{"number", m.issue->number},
                 {"total", m.issue->total ? ordered_json(*m.issue->total) : ordered_json(nullptr)}};
        if (m.issue->year) issue["year"] = *m.issue->year;
        if (m.issue->supplement) issue["supplement"] = true;
    }
    return {{"series", optional_string(m.series)},
            {"issue", issue},
            {"publisher", optional_string(m.publisher)},
            {"date", optional_string(m.date)},
            {"date_text", m.date_text}};
}

ordered_json article_json(const bulletin::Article& a) {
    ordered_json byline = nullptr;
    if (a.byline)
        byline = {{"department", optional_string(a.byline->department)},
                  {"authors", a.byline->authors},
                  {"text", a.byline->text}};
    return {{"title", a.title}, {"paragraphs", a.paragraphs}, {"byline", byline}};
}

ordered_json entity_json(const bulletin::Entity& e) {
    ordered_json attributes = ordered_json::object();
    for (const auto& [key, value] : e.attributes)
        attributes[key] = value;
    return {{"type", e.type},           {"text", e.text},       {"value", e.value},
            {"attributes", attributes}, {"article", e.article}, {"paragraph", e.paragraph},
            {"start", e.start},         {"end", e.end}};
}

/// Serialises a document as schema bulletin/1.
ordered_json to_bulletin_json(const bulletin::Document& doc) {
    ordered_json out;
    out["schema"] = "bulletin/1";
    out["source"] = {{"path", doc.source.path},
                     {"format", doc.source.format},
                     {"sha256", doc.source.sha256},
                     {"pages", doc.source.pages}};
    out["masthead"] = masthead_json(doc.masthead);
    out["articles"] = ordered_json::array();
    for (const auto& a : doc.articles)
        out["articles"].push_back(article_json(a));
    out["distribution"] = ordered_json::array();
    for (const auto& d : doc.distribution)
        out["distribution"].push_back({{"label", d.label}, {"recipients", d.recipients}});
    out["entities"] = ordered_json::array();
    for (const auto& e : doc.entities)
        out["entities"].push_back(entity_json(e));
    out["diagnostics"] = ordered_json::array();
    for (const auto& d : doc.diagnostics)
        out["diagnostics"].push_back({{"severity", severity_name(d.severity)},
                                      {"plugin", d.plugin},
                                      {"message", d.message},
                                      {"page", d.page},
                                      {"line", d.line}});
    out["metadata"] = ordered_json::object();
    for (const auto& [key, value] : doc.metadata)
        out["metadata"][key] = value;
    return out;
}

} // namespace

class JsonExporter final : public bulletin::Exporter {
public:
    explicit JsonExporter(const bulletin::Params& params)
        : path_template_(params.string("path")),
          indent_(static_cast<int>(params.integer("indent"))) {
        if (indent_ < -1 || indent_ > 8) throw bulletin::Error("indent must be between -1 and 8");
    }

    void write(const bulletin::Document& doc, bulletin::Context& ctx) override {
        auto path = ctx.output_path(path_template_, doc);
        // Invalid UTF-8 from a reader is replaced, not fatal: the rest of the document still
        // counts.
        auto text =
            to_bulletin_json(doc).dump(indent_, ' ', false, ordered_json::error_handler_t::replace);
        text += '\n';
        ctx.write_file(path, text);
        ctx.debug("wrote ", path.string());
    }

private:
    std::string path_template_;
    int indent_;
};

constexpr bulletin::ParamSpec kJsonParams[] = {
    {"path", bulletin::ParamType::String, "{output}/{dir}/{stem}.json", false,
     "Output path template: {output} is the output directory, {dir} the input's directory under "
     "a batch input root ('.' for `bulletin run`), {stem} the input file name without its last "
     "extension (docs/pipelines.md lists every field)."},
    {"indent", bulletin::ParamType::Int, "2", false,
     "Spaces of indentation; -1 writes one line per document."},
};

BULLETIN_PLUGIN_FLAGS(kJson, JsonExporter, "json", bulletin::PluginKind::Exporter,
                      "Writes each document as JSON in schema bulletin/1.", kJsonParams,
                      bulletin::kThreadSafe);
BULLETIN_MODULE("json", "1.0.0", "MIT", "JSON exporter (schema bulletin/1)", &kJson)
