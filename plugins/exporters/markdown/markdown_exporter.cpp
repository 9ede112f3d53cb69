// markdown exporter: the bulletin as a person reads it, in CommonMark. Entities are highlighted
// with inline HTML <mark> elements coloured by type (rendered by pandoc, VS Code, Typora and
// most Markdown viewers; sites that strip styles still show <mark>), followed by a review
// section with the masthead, legend, bylines, recipients and diagnostics.
//
// Written by hand: there is no Markdown writer library in Debian, and the output is a handful
// of fixed constructs; escape() is the one place where text enters the page.
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

// Escapes text for CommonMark with inline HTML: HTML specials as entities, inline Markdown
// punctuation with a backslash, and block markers (-, +, =, "1.") at the start of a line.
// A line break inside the text becomes a hard line break so it cannot start a new block.
std::string escape(std::string_view text, bool at_line_start = true) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\r') continue;
        if (c == '\n') {
            out += "\\\n";
            at_line_start = true;
            continue;
        }
        if (at_line_start) {
            auto digits = text.find_first_not_of("0123456789", i);
            if (c == '-' || c == '+' || c == '=')
                out += '\\';
            else if (digits != i && digits != std::string_view::npos &&
                     (text[digits] == '.' || text[digits] == ')')) {
                out.append(text.substr(i, digits - i)).append("\\");
                i = digits;
                c = text[i];
            }
            if (c != ' ' && c != '\t') at_line_start = false;
        }
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
        case '\\':
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
        case '!':
        case '|':
        case '~':
        case '#':
            out += '\\';
            out += c;
            break;
        default:
            out += c;
        }
    }
    return out;
}

// For attribute values of inline HTML, where backslashes are literal.
std::string attribute(std::string_view text) {
    std::string out;
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
        case '\n':
            out += "&#10;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

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

// Nested spans for inline marks; entities that cannot nest are counted in `skipped`.
std::vector<Span> nest(std::vector<const Entity*> entities, int length, int& skipped) {
    std::vector<const Entity*> left_out;
    auto spans = bulletin::nest_entities(std::move(entities), length, left_out);
    skipped += static_cast<int>(left_out.size());
    return spans;
}

class Writer {
public:
    Writer(const bulletin::Document& doc, bool highlight) : doc_(doc), highlight_(highlight) {
        for (const auto& e : doc.entities)
            if (std::find(types_.begin(), types_.end(), e.type) == types_.end())
                types_.push_back(e.type);
    }

    std::string render() {
        const auto& m = doc_.masthead;
        std::string out = "# " + escape(title(), false) + "\n\n";
        std::string line;
        if (m.publisher) line += escape(*m.publisher) + "编";
        if (m.date) line += (line.empty() ? "" : " · ") + escape(*m.date);
        if (!line.empty()) out += line + "\n\n";
        if (highlight_ && !types_.empty()) out += legend() + "\n\n";

        for (std::size_t a = 0; a < doc_.articles.size(); ++a) {
            const auto& article = doc_.articles[a];
            int ai = static_cast<int>(a);
            out += "## " + marked(article.title, Place::Title, ai, 0, false) + "\n\n";
            for (std::size_t p = 0; p < article.paragraphs.size(); ++p)
                out += marked(article.paragraphs[p].text, Place::Paragraph, ai, static_cast<int>(p),
                              true) +
                       "\n\n";
            if (article.byline)
                out += "（" + marked(article.byline->text, Place::Byline, ai, 0, false) + "）\n\n";
        }
        return out + review();
    }

    int skipped() const { return skipped_; }

private:
    std::string issue_text() const {
        const auto& issue = *doc_.masthead.issue;
        std::string text = "第" + std::to_string(issue.number) + "期";
        if (issue.total) text += "（总第" + std::to_string(*issue.total) + "期）";
        return text;
    }

    std::string title() const {
        const auto& m = doc_.masthead;
        std::string text = m.series.value_or("");
        if (m.issue) text += (text.empty() ? "" : " ") + issue_text();
        if (text.empty()) text = doc_.source.path;
        return text;
    }

    std::string mark(const Entity& e, const std::string& inner) const {
        auto index = static_cast<std::size_t>(std::find(types_.begin(), types_.end(), e.type) -
                                              types_.begin());
        return "<mark style=\"background:" + colour(e.type, index) + "\" title=\"" +
               attribute(e.type + ": " + e.value) + "\">" + inner + "</mark>";
    }

    std::string legend() const {
        std::string out = "Entities:";
        for (std::size_t i = 0; i < types_.size(); ++i)
            out += " <mark style=\"background:" + colour(types_[i], i) + "\">" +
                   escape(types_[i], false) + "</mark>";
        return out;
    }

    std::string marked(const std::string& utf8, Place place, int article, int index,
                       bool line_start) {
        if (!highlight_) return escape(utf8, line_start);
        auto text = bulletin::text::to_u32(utf8);
        std::vector<const Entity*> here;
        for (const auto& e : doc_.entities)
            if (e.place == place && e.article == article && e.index == index) here.push_back(&e);
        int length = static_cast<int>(text.size());
        auto spans = nest(std::move(here), length, skipped_);
        return spans_md(text, 0, length, spans, line_start);
    }

    std::string spans_md(const std::u32string& text, int from, int to,
                         const std::vector<Span>& spans, bool line_start) const {
        auto piece = [&](int a, int b, bool start) {
            return escape(bulletin::text::to_utf8(std::u32string_view(text).substr(
                              static_cast<std::size_t>(a), static_cast<std::size_t>(b - a))),
                          start);
        };
        std::string out;
        int cursor = from;
        for (const auto& span : spans) {
            out += piece(cursor, span.entity->start, line_start && cursor == 0);
            out += mark(*span.entity,
                        spans_md(text, span.entity->start, span.entity->end, span.children, false));
            cursor = span.entity->end;
        }
        return out + piece(cursor, to, line_start && cursor == 0);
    }

    // The normalized name cn.recipients gave a recipient (place Recipient, article = block,
    // index = recipient), or "".
    std::string recipient_value(std::size_t block, std::size_t index) const {
        for (const auto& e : doc_.entities) {
            if (e.place != Place::Recipient) continue;
            if (e.article == static_cast<int>(block) && e.index == static_cast<int>(index))
                return e.value;
        }
        return {};
    }

    std::string review() const {
        const auto& m = doc_.masthead;
        const std::string none = "—";
        std::string out = "---\n\n## Review\n\n### 报头 Masthead\n\n";
        out += "- Series: " + escape(m.series.value_or(none), false) + "\n";
        out += "- Issue: " + (m.issue ? escape(issue_text(), false) : none) + "\n";
        out += "- Publisher: " + escape(m.publisher.value_or(none), false) + "\n";
        out += "- Date: " + escape(m.date.value_or(none), false) + "\n";
        out += "- Source: " + escape(doc_.source.path, false) + " (" +
               escape(doc_.source.format, false) + ", " + std::to_string(doc_.source.pages) +
               " pages)\n";
        for (const auto& [key, value] : doc_.metadata)
            out += "- " + escape(key, false) + ": " + escape(value, false) + "\n";

        out += "\n### Bylines\n\n";
        for (std::size_t a = 0; a < doc_.articles.size(); ++a) {
            const auto& byline = doc_.articles[a].byline;
            std::string authors;
            if (byline)
                for (const auto& author : byline->authors)
                    authors += (authors.empty() ? "" : "、") + author;
            out += std::to_string(a + 1) + ". " +
                   (byline ? escape(byline->department.value_or(none), false) + " / " +
                                 escape(authors.empty() ? none : authors, false)
                           : none) +
                   "\n";
        }
        if (doc_.articles.empty()) out += "none\n";

        out += "\n### 报尾 Distribution\n\n";
        for (std::size_t b = 0; b < doc_.distribution.size(); ++b) {
            const auto& block = doc_.distribution[b];
            out += "- **" + escape(block.label, false) + "**\n";
            for (std::size_t r = 0; r < block.recipients.size(); ++r) {
                out += "  - " + escape(block.recipients[r], false);
                auto value = recipient_value(b, r);
                if (!value.empty() && value != block.recipients[r])
                    out += " → " + escape(value, false);
                out += "\n";
            }
        }
        if (doc_.distribution.empty()) out += "none\n";

        out += "\n### Diagnostics\n\n";
        for (const auto& d : doc_.diagnostics) {
            const char* severity = d.severity == bulletin::Severity::Error     ? "error"
                                   : d.severity == bulletin::Severity::Warning ? "warning"
                                                                               : "info";
            out += "- " + std::string(severity) + " (" + escape(d.plugin, false) + ", " +
                   std::to_string(d.page) + ":" + std::to_string(d.line) +
                   "): " + escape(d.message, false) + "\n";
        }
        if (doc_.diagnostics.empty()) out += "none\n";
        return out;
    }

    const bulletin::Document& doc_;
    bool highlight_;
    std::vector<std::string> types_;
    int skipped_ = 0;
};

class MarkdownExporter final : public bulletin::Exporter {
public:
    explicit MarkdownExporter(const bulletin::Params& params)
        : path_(params.string("path")), highlight_(params.boolean("highlight")) {}

    void write(const bulletin::Document& doc, bulletin::Context& ctx) override {
        Writer writer(doc, highlight_);
        auto text = writer.render();
        if (writer.skipped() > 0)
            ctx.debug(writer.skipped(), " entities of ", doc.source.path,
                      " overlap another one or lie outside their text; not highlighted");
        ctx.write_file(ctx.output_path(path_, doc), text);
    }

private:
    std::string path_;
    bool highlight_;
};

constexpr bulletin::ParamSpec kParams[] = {
    bulletin::string_param("path", "{output}/{dir}/{stem}.md", "Output path template."),
    bulletin::bool_param(
        "highlight", "true",
        "Highlight entities with inline HTML <mark> elements; off writes plain CommonMark."),
};

} // namespace

BULLETIN_PLUGIN(kMarkdown, MarkdownExporter, "markdown", bulletin::PluginKind::Exporter,
                "The bulletin as Markdown with entities highlighted and a review section.",
                kParams);
BULLETIN_MODULE("markdown", "1.0.0", "MIT", "Markdown exporter.", &kMarkdown)
