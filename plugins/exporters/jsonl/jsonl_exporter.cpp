// jsonl exporter: one JSON object per article, one per line, with the bulletin's masthead
// repeated on every line so each line stands alone (search engines, pandas.read_json(lines=True)).
#include <bulletin/json.hpp>
#include <bulletin/module.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Distinct normalized values of one entity type, in document order.
struct TypeValues {
    std::string_view type;
    std::vector<std::string_view> values;
};

// The values of the article's entities grouped by type, types in byte order (the order the
// keys had when this exporter used nlohmann::json, kept so the files did not change). The
// common types are always present so every line has the same columns.
void group_entities(const bulletin::Document& doc, int article, std::vector<TypeValues>& groups) {
    groups.clear();
    for (std::string_view type : {"date", "organization", "person", "place"})
        groups.push_back({type, {}});
    for (const auto& e : doc.entities) {
        // bulletin1_article: the masthead date and the recipients are in no article (-1).
        if (bulletin::bulletin1_article(e) != article) continue;
        auto group =
            std::lower_bound(groups.begin(), groups.end(), std::string_view(e.type),
                             [](const TypeValues& g, std::string_view t) { return g.type < t; });
        if (group == groups.end() || group->type != e.type)
            group = groups.insert(group, TypeValues{e.type, {}});
        std::string_view value = e.value.empty() ? e.text : e.value;
        if (std::find(group->values.begin(), group->values.end(), value) == group->values.end())
            group->values.push_back(value);
    }
}

class JsonlExporter final : public bulletin::Exporter {
public:
    explicit JsonlExporter(const bulletin::Params& params) : path_(params.string("path")) {}

    void write(const bulletin::Document& doc, bulletin::Context& ctx) override {
        const auto& m = doc.masthead;
        std::string out;
        std::size_t size = 0;
        for (const auto& article : doc.articles) {
            size += 512 + article.title.size();
            for (const auto& p : article.paragraphs)
                size += p.text.size() + 2;
        }
        out.reserve(size);
        // Invalid UTF-8 is replaced rather than aborting the export of a whole bulletin.
        bulletin::json::Writer w(out);
        std::string text;
        std::vector<TypeValues> groups;
        for (std::size_t i = 0; i < doc.articles.size(); ++i) {
            const auto& article = doc.articles[i];
            text.clear();
            for (const auto& p : article.paragraphs) {
                if (!text.empty()) text += '\n';
                text += p.text;
            }
            group_entities(doc, static_cast<int>(i), groups);
            // Keys in byte order, as nlohmann::json wrote them.
            w.begin_object().member("article", i).member("articles", doc.articles.size());
            w.key("byline_authors").begin_array();
            if (article.byline)
                for (const auto& author : article.byline->authors)
                    w.value(author);
            w.end_array();
            w.key("byline_department");
            if (article.byline)
                w.value(article.byline->department);
            else
                w.value(nullptr);
            w.member("date", m.date);
            w.key("entities").begin_object();
            for (const auto& group : groups) {
                w.key(group.type).begin_array();
                for (auto value : group.values)
                    w.value(value);
                w.end_array();
            }
            w.end_object();
            w.key("issue_number");
            if (m.issue)
                w.value(m.issue->number);
            else
                w.value(nullptr);
            w.key("issue_total");
            if (m.issue && m.issue->total)
                w.value(*m.issue->total);
            else
                w.value(nullptr);
            w.member("publisher", m.publisher)
                .member("schema", "bulletin/1+jsonl")
                .member("series", m.series)
                .member("source_path", doc.source.path)
                .member("source_sha256", doc.source.sha256)
                .member("text", text)
                .member("title", article.title)
                .end_object();
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
    bulletin::string_param(
        "path", "{output}/{dir}/{stem}.jsonl",
        "Output path template; one line per article (see docs/pipelines.md for the fields)."),
};

} // namespace

BULLETIN_PLUGIN(kJsonl, JsonlExporter, "jsonl", bulletin::PluginKind::Exporter,
                "One JSON line per article with the masthead repeated (pandas, search engines).",
                kParams);
BULLETIN_MODULE("jsonl", "1.0.0", "MIT", "JSON Lines exporter: one line per article.", &kJsonl)
