// csv exporter: articles, paragraphs, entities and recipients as four RFC 4180 tables, one file
// each, for spreadsheets and data-frame tools. Quoting is written by hand: it is four lines of
// code, and no Debian C++ CSV library is worth a dependency for it.
#include <bulletin/module.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace {

// One CSV table being built in memory; rows end in CRLF as RFC 4180 says.
class Table {
public:
    Table(bool bom, std::initializer_list<std::string_view> header) {
        if (bom) out_ = "\xEF\xBB\xBF"; // lets Excel detect UTF-8 and show Chinese correctly
        row(header);
    }

    template <class Fields> void row(const Fields& fields) {
        bool first = true;
        for (const auto& field : fields) {
            if (!first) out_ += ',';
            first = false;
            append(field);
        }
        out_ += "\r\n";
    }
    void row(std::initializer_list<std::string_view> fields) { row<>(fields); }

    const std::string& bytes() const { return out_; }

private:
    // Quote only when needed (separator, quote, line break); a quote doubles inside quotes.
    void append(std::string_view field) {
        if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
            out_ += field;
            return;
        }
        out_ += '"';
        for (char c : field) {
            if (c == '"') out_ += '"';
            out_ += c;
        }
        out_ += '"';
    }
    std::string out_;
};

// Spreadsheets run a cell that starts with = + - @ (or a tab or CR before one) as a formula
// (CSV injection, OWASP). A bulletin's text is untrusted, so such a cell gets a leading
// apostrophe, which Excel, LibreOffice and Google Sheets hide and treat as "this is text".
std::string guard_formula(std::string_view text) {
    if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos)
        return "'" + std::string(text);
    return std::string(text);
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

class CsvExporter final : public bulletin::Exporter {
public:
    explicit CsvExporter(const bulletin::Params& params)
        : path_(params.string("path")), tables_(params.list("tables")), bom_(params.boolean("bom")),
          separator_(params.string("list_separator")),
          guard_formulas_(params.boolean("formula_guard")) {
        if (path_.find("{table}") == std::string::npos)
            throw bulletin::Error("csv: parameter 'path' (\"" + path_ +
                                  "\") must contain {table}, or all tables would go to one file");
        for (const auto& table : tables_)
            if (table != "articles" && table != "paragraphs" && table != "entities" &&
                table != "recipients")
                throw bulletin::Error("csv: unknown table '" + table +
                                      "' in 'tables'; known: articles, paragraphs, entities, "
                                      "recipients");
    }

    void write(const bulletin::Document& doc, bulletin::Context& ctx) override {
        const auto source = text(doc.source.path);
        const auto& m = doc.masthead;
        auto issue = m.issue ? std::to_string(m.issue->number) : std::string();
        auto total = m.issue && m.issue->total ? std::to_string(*m.issue->total) : std::string();

        Table articles(bom_,
                       {"source_path", "series", "issue_number", "issue_total", "publisher", "date",
                        "article", "title", "byline_department", "byline_authors", "paragraphs"});
        Table paragraphs(bom_, {"source_path", "article", "paragraph", "text"});
        for (std::size_t a = 0; a < doc.articles.size(); ++a) {
            const auto& article = doc.articles[a];
            auto index = std::to_string(a);
            std::string department, authors;
            if (article.byline) {
                department = article.byline->department.value_or("");
                authors = join(article.byline->authors, separator_);
            }
            articles.row({source, text(m.series.value_or("")), issue, total,
                          text(m.publisher.value_or("")), text(m.date.value_or("")), index,
                          text(article.title), text(department), text(authors),
                          std::to_string(article.paragraphs.size())});
            for (std::size_t p = 0; p < article.paragraphs.size(); ++p)
                paragraphs.row(
                    {source, index, std::to_string(p), text(article.paragraphs[p].text)});
        }

        Table entities(bom_, {"source_path", "article", "paragraph", "start", "end", "type", "text",
                              "value", "attributes"});
        for (const auto& e : doc.entities) {
            // Attributes vary by type, so they go in one JSON object column.
            auto attributes = nlohmann::json(e.attributes)
                                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            // The article and paragraph numbers of schema bulletin/1 (-1 masthead, -2 byline...).
            entities.row({source, std::to_string(bulletin::bulletin1_article(e)),
                          std::to_string(bulletin::bulletin1_paragraph(e)), std::to_string(e.start),
                          std::to_string(e.end), text(e.type), text(e.text), text(e.value),
                          attributes});
        }

        Table recipients(bom_, {"source_path", "block", "label", "position", "recipient"});
        for (std::size_t b = 0; b < doc.distribution.size(); ++b) {
            const auto& block = doc.distribution[b];
            for (std::size_t r = 0; r < block.recipients.size(); ++r)
                recipients.row({source, std::to_string(b), text(block.label), std::to_string(r),
                                text(block.recipients[r])});
        }

        save(ctx, doc, "articles", articles);
        save(ctx, doc, "paragraphs", paragraphs);
        save(ctx, doc, "entities", entities);
        save(ctx, doc, "recipients", recipients);
    }

private:
    // A cell of document text (numbers and the attributes object are ours and never guarded).
    std::string text(std::string_view value) const {
        return guard_formulas_ ? guard_formula(value) : std::string(value);
    }

    void save(bulletin::Context& ctx, const bulletin::Document& doc, const std::string& name,
              const Table& table) const {
        if (std::find(tables_.begin(), tables_.end(), name) == tables_.end()) return;
        // {table} is ours; the host expands the rest and keeps the result inside the output root.
        auto path_template = path_;
        for (auto pos = path_template.find("{table}"); pos != std::string::npos;
             pos = path_template.find("{table}", pos + name.size()))
            path_template.replace(pos, 7, name);
        auto path = ctx.output_path(path_template, doc);
        ctx.write_file(path, table.bytes());
        ctx.debug("wrote ", path.string());
    }

    std::string path_;
    std::vector<std::string> tables_;
    bool bom_;
    std::string separator_;
    bool guard_formulas_;
};

constexpr bulletin::ParamSpec kParams[] = {
    bulletin::string_param(
        "path", "{output}/{dir}/{stem}.{table}.csv",
        "Output path template; {table} becomes articles, paragraphs, entities or recipients."),
    bulletin::list_param("tables", "articles,paragraphs,entities,recipients",
                         "Which tables to write (any of articles, paragraphs, entities, "
                         "recipients)."),
    bulletin::bool_param(
        "bom", "false",
        "Start each file with a UTF-8 byte order mark so Excel shows Chinese text correctly."),
    bulletin::string_param("list_separator", ";",
                           "Separator between byline authors in the articles table."),
    bulletin::bool_param(
        "formula_guard", "true",
        "Prefix a text cell starting with = + - @ (or tab/CR) with an apostrophe, so a "
        "spreadsheet shows it as text instead of running it as a formula (CSV injection)."),
};

} // namespace

BULLETIN_PLUGIN(kCsv, CsvExporter, "csv", bulletin::PluginKind::Exporter,
                "Articles, paragraphs, entities and recipients as RFC 4180 CSV tables.", kParams);
BULLETIN_MODULE("csv", "1.0.0", "MIT", "CSV exporter: one table per file, RFC 4180.", &kCsv)
