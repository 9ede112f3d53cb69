// json: writes one JSON object per input in schema "bulletin/1"
// (docs/schema/bulletin-1.schema.json). Every field of the contract is present; unknown values are
// null, never missing. The serialisation itself is the SDK's (bulletin/json.hpp), which streams
// into the output file (Context::open_file) instead of building a tree or a string, so a large
// document never exists whole in memory, and replaces invalid UTF-8 from a reader with U+FFFD
// rather than failing: the rest of the document still counts.
#include <bulletin/json.hpp>
#include <bulletin/module.hpp>

class JsonExporter final : public bulletin::Exporter {
public:
    explicit JsonExporter(const bulletin::Params& params)
        : path_template_(params.string("path")),
          indent_(static_cast<int>(params.integer("indent"))) {}

    void write(const bulletin::Document& doc, bulletin::Context& ctx) override {
        auto path = ctx.output_path(path_template_, doc);
        // Nothing reaches `path` until commit(): an exception on the way leaves no file.
        auto file = ctx.open_file(path);
        bulletin::json::Writer writer(*file, indent_);
        bulletin::json::write_document(writer, doc);
        file->write("\n");
        file->commit();
        ctx.debug("wrote ", path.string());
    }

private:
    std::string path_template_;
    int indent_;
};

constexpr bulletin::ParamSpec kJsonParams[] = {
    bulletin::string_param(
        "path", "{output}/{dir}/{stem}.json",
        "Output path template: {output} is the output directory, {dir} the input's directory "
        "under a batch input root ('.' for `bulletin run`), {stem} the input file name without "
        "its last extension (docs/pipelines.md lists every field)."),
    bulletin::int_param("indent", "2", "Spaces of indentation; -1 writes one line per document.")
        .range(-1, 8),
};

BULLETIN_PLUGIN(kJson, JsonExporter, "json", bulletin::PluginKind::Exporter,
                "Writes each document as JSON in schema bulletin/1.", kJsonParams);
BULLETIN_MODULE("json", "1.0.0", "MIT", "JSON exporter (schema bulletin/1)", &kJson)
