// jsonl exporter: one JSON object per article, one per line, with the bulletin's masthead
// repeated on every line so each line stands alone (search engines, pandas.read_json(lines=True)).
#include <bulletin/module.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

namespace {

using nlohmann::json;

json optional(const std::optional<std::string>& value) {
    return value ? json(*value) : json(nullptr);
}

// Values of the article's entities grouped by type, in document order, without repeats. The
// common types are always present so every line has the same columns.
json entity_values(const bulletin::Document& doc, int article) {
    json by_type = {{"person", json::array()},
                    {"place", json::array()},
                    {"date", json::array()},
                    {"organization", json::array()}};
    for (const auto& e : doc.entities) {
        if (e.article != article) continue;
        auto& values = by_type[e.type];
        if (values.is_null()) values = json::array();
        const auto& value = e.value.empty() ? e.text : e.value;
        if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
    }
    return by_type;
}

class JsonlExporter final : public bulletin::Exporter {
public:
    explicit JsonlExporter(const bulletin::Params& params) : path_(params.string("path")) {}

    void write(const bulletin::Document& doc, bulletin::Context& ctx) override {
        const auto& m = doc.masthead;
        std::string out;
        for (std::size_t i = 0; i < doc.articles.size(); ++i) {
            const auto& article = doc.articles[i];
            std::string text;
            for (const auto& p : article.paragraphs)
                text += (text.empty() ? "" : "\n") + p;
            json line = {
                {"schema", "bulletin/1+jsonl"},
                {"source_path", doc.source.path},
                {"source_sha256", doc.source.sha256},
                {"series", optional(m.series)},
                {"issue_number", m.issue ? json(m.issue->number) : json(nullptr)},
                {"issue_total", m.issue && m.issue->total ? json(*m.issue->total) : json(nullptr)},
                {"publisher", optional(m.publisher)},
                {"date", optional(m.date)},
                {"article", i},
                {"articles", doc.articles.size()},
                {"title", article.title},
                {"text", text},
                {"byline_department",
                 article.byline ? optional(article.byline->department) : json(nullptr)},
                {"byline_authors", article.byline ? json(article.byline->authors) : json::array()},
                {"entities", entity_values(doc, static_cast<int>(i))},
            };
            // Invalid UTF-8 is replaced rather than aborting the export of a whole bulletin.
            out += line.dump(-1, ' ', false, json::error_handler_t::replace);
            out += '\n';
        }
        auto path = ctx.output_path(path_, doc);
        ctx.write_file(path, out);
        ctx.debug("wrote ", doc.articles.size(), " lines to ", path.string());
    }

private:
    std::string path_;
};

constexpr bulletin::ParamSpec kParams[] = {
    {"path", bulletin::ParamType::String, "{output}/{dir}/{stem}.jsonl", false,
     "Output path template; one line per article (see docs/pipelines.md for the fields)."},
};

} // namespace

BULLETIN_PLUGIN(kJsonl, JsonlExporter, "jsonl", bulletin::PluginKind::Exporter,
                "One JSON line per article with the masthead repeated (pandas, search engines).",
                kParams);
BULLETIN_MODULE("jsonl", "1.0.0", "MIT", "JSON Lines exporter: one line per article.", &kJsonl)
