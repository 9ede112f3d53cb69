// html-review exporter: one self-contained HTML page per bulletin for a person checking a
// conversion: the articles as they read, entities highlighted with a colour per type, and a side
// panel with the masthead, a legend, bylines, recipients, diagnostics and the entities that could
// not be highlighted. Inline CSS only, no scripts, every string escaped.
//
// HTML is written by hand: the page is small and fixed, and Debian has no C++ HTML writer that
// would make it shorter; escape() is the one place where text enters the page.
#include <bulletin/entities.hpp>
#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace {

using bulletin::Entity;

using Place = bulletin::EntityPlace;

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

// A colour per entity type: fixed for the common ones, from a palette for the rest.
std::string colour(const std::string& type, std::size_t index) {
    if (type == "person") return "#ffd6a5";
    if (type == "place") return "#b9fbc0";
    if (type == "date") return "#a0e7ff";
    if (type == "organization") return "#d7c6ff";
    constexpr std::array<const char*, 6> palette = {"#fdffb6", "#ffc6ff", "#ffadad",
                                                    "#caffbf", "#e2e2e2", "#f1c0e8"};
    return palette[index % palette.size()];
}

using Span = bulletin::EntitySpan;

// Entities that cannot nest go to `skipped` (the side panel lists them).
std::vector<Span> nest(std::vector<const Entity*> entities, int length,
                       std::vector<const Entity*>& skipped) {
    return bulletin::nest_entities(std::move(entities), length, skipped);
}

class Page {
public:
    explicit Page(const bulletin::Document& doc) : doc_(doc) {
        for (const auto& e : doc.entities)
            if (std::find(types_.begin(), types_.end(), e.type) == types_.end())
                types_.push_back(e.type);
    }

    std::string render() {
        std::string body;
        for (std::size_t a = 0; a < doc_.articles.size(); ++a)
            body += article(a);
        if (doc_.articles.empty()) body += "<p class=\"empty\">No articles were found.</p>\n";
        std::string panel =
            masthead() + legend() + bylines() + distribution() + diagnostics() + unmarked();
        return "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<title>" +
               escape(page_title()) + "</title>\n<style>\n" + css() +
               "</style>\n</head>\n<body>\n<header><h1>" + escape(page_title()) +
               "</h1><p class=\"source\">" + escape(doc_.source.path) +
               "</p></header>\n"
               "<div class=\"layout\">\n<main>\n" +
               body + "</main>\n<aside>\n" + panel + "</aside>\n</div>\n</body>\n</html>\n";
    }

private:
    std::string page_title() const {
        const auto& m = doc_.masthead;
        std::string title = m.series.value_or("");
        if (m.issue) title += (title.empty() ? "" : " ") + issue_text();
        if (title.empty() && m.publisher) title = *m.publisher;
        if (title.empty()) title = doc_.source.path;
        return title;
    }

    std::string issue_text() const {
        const auto& issue = *doc_.masthead.issue;
        std::string text = "第" + std::to_string(issue.number) + "期";
        if (issue.total) text += "（总第" + std::to_string(*issue.total) + "期）";
        return text;
    }

    std::string css() const {
        std::string css =
            "body{margin:0;font-family:\"Noto Serif CJK SC\",\"Source Han Serif SC\",\"SimSun\","
            "serif;color:#222;background:#fafafa}\n"
            "header{padding:1em 2em;border-bottom:3px solid #c00}\n"
            "header h1{margin:0;color:#c00;font-size:1.6em}\n"
            ".source{margin:.3em 0 0;color:#666;font-family:monospace}\n"
            ".layout{display:flex;flex-wrap:wrap;gap:2em;padding:1em 2em}\n"
            "main{flex:3 1 32em;max-width:48em;line-height:1.9}\n"
            "aside{flex:1 1 18em;font-size:.9em;line-height:1.5}\n"
            "aside section{background:#fff;border:1px solid #ddd;border-radius:4px;"
            "padding:.5em 1em;margin-bottom:1em}\n"
            "aside h2{font-size:1.1em;margin:.3em 0}\n"
            "article{background:#fff;border:1px solid #ddd;border-radius:4px;padding:.5em 1.5em;"
            "margin-bottom:1.5em}\n"
            "article h2{text-align:center;font-size:1.3em}\n"
            "article p{text-indent:2em}\n"
            "p.byline{text-align:right;text-indent:0}\n"
            "mark{border-radius:3px;padding:0 1px}\n"
            "mark mark{border-bottom:2px solid #555}\n"
            "dt{font-weight:bold}dd{overflow-wrap:anywhere}\n"
            "table{border-collapse:collapse;width:100%}\n"
            "td,th{border-top:1px solid #eee;padding:2px 4px;text-align:left;vertical-align:top}\n"
            ".expanded{color:#555}.error{color:#b00}.warning{color:#a60}.info{color:#555}\n";
        for (std::size_t i = 0; i < types_.size(); ++i)
            css += "mark.t" + std::to_string(i) + "{background:" + colour(types_[i], i) + "}\n";
        return css;
    }

    std::string mark_open(const Entity& e) const {
        auto index = std::find(types_.begin(), types_.end(), e.type) - types_.begin();
        std::string title = e.type + ": " + e.value;
        for (const auto& [key, value] : e.attributes)
            title += "\n" + key + ": " + value;
        return "<mark class=\"t" + std::to_string(index) + "\" title=\"" + escape(title) + "\">";
    }

    // The text with its entities as <mark> elements, nested where entities nest.
    std::string marked(const std::string& utf8, Place place, int article, int index) {
        auto text = bulletin::text::to_u32(utf8);
        std::vector<const Entity*> here;
        for (const auto& e : doc_.entities)
            if (e.place == place && e.article == article && e.index == index) here.push_back(&e);
        int length = static_cast<int>(text.size());
        auto spans = nest(std::move(here), length, skipped_);
        return spans_html(text, 0, length, spans);
    }

    std::string spans_html(const std::u32string& text, int from, int to,
                           const std::vector<Span>& spans) const {
        auto piece = [&](int a, int b) {
            return escape(bulletin::text::to_utf8(std::u32string_view(text).substr(
                static_cast<std::size_t>(a), static_cast<std::size_t>(b - a))));
        };
        std::string out;
        int cursor = from;
        for (const auto& span : spans) {
            out += piece(cursor, span.entity->start) + mark_open(*span.entity) +
                   spans_html(text, span.entity->start, span.entity->end, span.children) +
                   "</mark>";
            cursor = span.entity->end;
        }
        return out + piece(cursor, to);
    }

    std::string article(std::size_t a) {
        const auto& article = doc_.articles[a];
        int ai = static_cast<int>(a);
        std::string out = "<article id=\"article-" + std::to_string(a + 1) + "\">\n<h2>" +
                          marked(article.title, Place::Title, ai, 0) + "</h2>\n";
        for (std::size_t p = 0; p < article.paragraphs.size(); ++p)
            out += "<p>" +
                   marked(article.paragraphs[p].text, Place::Paragraph, ai, static_cast<int>(p)) +
                   "</p>\n";
        if (article.byline)
            out += "<p class=\"byline\">（" + marked(article.byline->text, Place::Byline, ai, 0) +
                   "）</p>\n";
        return out + "</article>\n";
    }

    static std::string row(const char* name, const std::string& value) {
        return "<dt>" + std::string(name) + "</dt><dd>" + escape(value) + "</dd>\n";
    }

    std::string masthead() const {
        const auto& m = doc_.masthead;
        const std::string none = "—";
        std::string out = "<section id=\"masthead\"><h2>报头 Masthead</h2><dl>\n";
        out += row("Series", m.series.value_or(none));
        out += row("Issue", m.issue ? issue_text() : none);
        out += row("Publisher", m.publisher.value_or(none));
        out += row("Date",
                   m.date.value_or(none) + (m.date_text.empty() ? "" : "（" + m.date_text + "）"));
        out += row("Source", doc_.source.path + " · " + doc_.source.format + " · " +
                                 std::to_string(doc_.source.pages) + " pages");
        if (!doc_.source.sha256.empty()) out += row("SHA-256", doc_.source.sha256);
        for (const auto& [key, value] : doc_.metadata)
            out += "<dt>" + escape(key) + "</dt><dd>" + escape(value) + "</dd>\n";
        return out + "</dl></section>\n";
    }

    std::string legend() const {
        std::string out = "<section id=\"legend\"><h2>Entities</h2><ul>\n";
        for (std::size_t i = 0; i < types_.size(); ++i) {
            auto count = std::count_if(doc_.entities.begin(), doc_.entities.end(),
                                       [&](const Entity& e) { return e.type == types_[i]; });
            out += "<li><mark class=\"t" + std::to_string(i) + "\">" + escape(types_[i]) +
                   "</mark> " + std::to_string(count) + "</li>\n";
        }
        if (types_.empty()) out += "<li>none</li>\n";
        return out + "</ul></section>\n";
    }

    std::string bylines() const {
        std::string out = "<section id=\"bylines\"><h2>Bylines</h2><ol>\n";
        for (const auto& article : doc_.articles) {
            if (!article.byline) {
                out += "<li>—</li>\n";
                continue;
            }
            const auto& b = *article.byline;
            std::string authors;
            for (const auto& author : b.authors)
                authors += (authors.empty() ? "" : "、") + author;
            out += "<li>" + escape(b.department.value_or("—")) + " / " +
                   escape(authors.empty() ? "—" : authors) + "</li>\n";
        }
        return out + "</ol></section>\n";
    }

    std::string distribution() const {
        std::string out = "<section id=\"distribution\"><h2>报尾 Distribution</h2><dl>\n";
        for (std::size_t b = 0; b < doc_.distribution.size(); ++b) {
            const auto& block = doc_.distribution[b];
            out += "<dt>" + escape(block.label) + "</dt><dd><ul>\n";
            for (std::size_t r = 0; r < block.recipients.size(); ++r) {
                out += "<li>" + escape(block.recipients[r]);
                // A tagger's expansion of an elided name ("研究室" -> "…办公厅研究室").
                auto e = recipient_entity(b, r);
                if (e && !e->value.empty() && e->value != block.recipients[r])
                    out += " <span class=\"expanded\">→ " + escape(e->value) + "</span>";
                out += "</li>\n";
            }
            out += "</ul></dd>\n";
        }
        if (doc_.distribution.empty()) out += "<dd>none</dd>\n";
        return out + "</dl></section>\n";
    }

    // cn.recipients tags each recipient: place Recipient, article = block, index = recipient.
    static bool is_recipient(const Entity& e) { return e.place == Place::Recipient; }
    const Entity* recipient_entity(std::size_t block, std::size_t index) const {
        for (const auto& e : doc_.entities) {
            if (!is_recipient(e)) continue;
            if (e.article == static_cast<int>(block) && e.index == static_cast<int>(index))
                return &e;
        }
        return nullptr;
    }

    std::string diagnostics() const {
        std::string out = "<section id=\"diagnostics\"><h2>Diagnostics</h2>\n";
        if (doc_.diagnostics.empty()) return out + "<p>none</p></section>\n";
        out +=
            "<table><tr><th>severity</th><th>plugin</th><th>page:line</th><th>message</th></tr>\n";
        for (const auto& d : doc_.diagnostics) {
            const char* severity = d.severity == bulletin::Severity::Error     ? "error"
                                   : d.severity == bulletin::Severity::Warning ? "warning"
                                                                               : "info";
            out += "<tr class=\"" + std::string(severity) + "\"><td>" + severity + "</td><td>" +
                   escape(d.plugin) + "</td><td>" + std::to_string(d.page) + ":" +
                   std::to_string(d.line) + "</td><td>" + escape(d.message) + "</td></tr>\n";
        }
        return out + "</table></section>\n";
    }

    // Entities the page could not highlight, so a reviewer still sees every one.
    std::string unmarked() const {
        std::string out;
        for (const auto& e : doc_.entities) {
            bool listed = std::find(skipped_.begin(), skipped_.end(), &e) != skipped_.end();
            // Where schema bulletin/1 says it is: article -1 is the masthead.
            const int article = bulletin::bulletin1_article(e);
            bool placed = article >= 0 && article < static_cast<int>(doc_.articles.size());
            if ((listed || !placed) && !is_recipient(e))
                out += "<tr><td>" + escape(e.type) + "</td><td>" + escape(e.text) + "</td><td>" +
                       escape(e.value) + "</td><td>" + std::to_string(article) + "/" +
                       std::to_string(bulletin::bulletin1_paragraph(e)) + " " +
                       std::to_string(e.start) + "–" + std::to_string(e.end) + "</td></tr>\n";
        }
        if (out.empty()) return {};
        return "<section id=\"unmarked\"><h2>Not highlighted</h2>"
               "<p>Masthead entities, and entities that overlap another one or lie outside "
               "their text. Recipients are shown under "
               "Distribution.</p><table><tr><th>type</th><th>text</th><th>value</th>"
               "<th>where</th></tr>\n" +
               out + "</table></section>\n";
    }

    const bulletin::Document& doc_;
    std::vector<std::string> types_;     // entity types in order of first appearance
    std::vector<const Entity*> skipped_; // filled while the articles are rendered
};

class HtmlReviewExporter final : public bulletin::Exporter {
public:
    explicit HtmlReviewExporter(const bulletin::Params& params) : path_(params.string("path")) {}

    void write(const bulletin::Document& doc, bulletin::Context& ctx) override {
        Page page(doc);
        ctx.write_file(ctx.output_path(path_, doc), page.render());
    }

private:
    std::string path_;
};

constexpr bulletin::ParamSpec kParams[] = {
    bulletin::string_param("path", "{output}/{dir}/{stem}.review.html", "Output path template."),
};

} // namespace

BULLETIN_PLUGIN(kHtmlReview, HtmlReviewExporter, "html-review", bulletin::PluginKind::Exporter,
                "A self-contained HTML page for reviewing a conversion: entities highlighted, "
                "masthead, bylines, recipients and diagnostics beside the text.",
                kParams);
BULLETIN_MODULE("html-review", "1.0.0", "MIT", "HTML review page exporter.", &kHtmlReview)
