// json: writes one JSON object per input in schema "bulletin/1"
// (docs/schema/bulletin-1.schema.json). Every field of the contract is present; unknown values are
// null, never missing. The serialisation itself is the SDK's (bulletin/json.hpp), which streams
// into one string instead of building a tree, and replaces invalid UTF-8 from a reader with
// U+FFFD rather than failing: the rest of the document still counts.
#include <bulletin/json.hpp>
#include <bulletin/module.hpp>

class JsonExporter final : public bulletin::Exporter {
public:
    explicit JsonExporter(const bulletin::Params& params)
        : path_template_(params.string("path")),
          indent_(static_cast<int>(params.integer("indent"))) {
        if (indent_ < -1 || indent_ > 8) throw bulletin::Error("indent must be between -1 and 8");
    }

    void write(const bulletin::Document& doc, bulletin::Context& ctx) override {
        auto path = ctx.output_path(path_template_, doc);
        std::string text;
        bulletin::json::Writer writer(text, indent_);
        bulletin::json::write_document(writer, doc);
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
