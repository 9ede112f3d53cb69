// tei exporter: TEI P5 XML for archives and digital humanists. The header carries the masthead
// (title, publisher, date, series and issue); each article is a <div> with <head>, <p> and
// <byline>; entities become inline persName / placeName / orgName / date / name elements; the
// distribution block is a <list> in <back>. tei-bulletin.rng describes exactly this subset.
#include <bulletin/entities.hpp>
#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

using bulletin::Entity;
using Place = bulletin::EntityPlace;

using Span = bulletin::EntitySpan;

// XML 1.0 cannot hold most C0 controls (not even as &#1;), nor U+FFFE/U+FFFF: replace them.
std::u32string xml_safe(std::string_view utf8) {
    auto text = bulletin::text::to_u32(utf8);
    for (auto& c : text)
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF)
            c = 0xFFFD;
    return text;
}

std::string safe(std::string_view utf8) {
    return bulletin::text::to_utf8(xml_safe(utf8));
}

// Nested spans for inline marks; entities that cannot nest are counted in `skipped`.
std::vector<Span> nest(std::vector<const Entity*> entities, int length, int& skipped) {
    std::vector<const Entity*> left_out;
    auto spans = bulletin::nest_entities(std::move(entities), length, left_out);
    skipped += static_cast<int>(left_out.size());
    return spans;
}

bool is_w3c_date(const std::string& value) {
    static const std::regex pattern(R"(\d{4}(-\d{2}(-\d{2})?)?)");
    return std::regex_match(value, pattern);
}

// An XML token for @type: no white space.
std::string token(std::string value) {
    std::replace_if(
        value.begin(), value.end(), [](char c) { return c == ' ' || c == '\t'; }, '_');
    return value.empty() ? "other" : safe(value);
}

pugi::xml_node entity_element(pugi::xml_node parent, const Entity& e) {
    const auto& type = e.type;
    pugi::xml_node node;
    if (type == "person")
        node = parent.append_child("persName");
    else if (type == "place")
        node = parent.append_child("placeName");
    else if (type == "organization")
        node = parent.append_child("orgName");
    else if (type == "date")
        node = parent.append_child("date");
    else {
        node = parent.append_child("name");
        node.append_attribute("type") = token(type).c_str();
    }
    if (type == "date") {
        auto slash = e.value.find('/');
        if (slash != std::string::npos && is_w3c_date(e.value.substr(0, slash)) &&
            is_w3c_date(e.value.substr(slash + 1))) {
            node.append_attribute("from") = e.value.substr(0, slash).c_str();
            node.append_attribute("to") = e.value.substr(slash + 1).c_str();
        } else if (is_w3c_date(e.value)) {
            node.append_attribute("when") = e.value.c_str();
        }
        return node;
    }
    if (!e.value.empty()) node.append_attribute("key") = safe(e.value).c_str();
    if (auto code = e.attributes.find("code"); code != e.attributes.end() && !code->second.empty())
        node.append_attribute("ref") = ("gb2260:" + safe(code->second)).c_str();
    if (auto position = e.attributes.find("position");
        type == "person" && position != e.attributes.end())
        node.append_attribute("role") = token(position->second).c_str();
    return node;
}

// Always appends a text node, even an empty one: pugixml's indenting puts line breaks around an
// element that follows another element or starts or ends its parent, which would add white space
// to mixed content; a text node on each side of every element stops it.
void append_text(pugi::xml_node parent, const std::u32string& text, int from, int to) {
    auto piece = std::u32string_view(text).substr(static_cast<std::size_t>(from),
                                                  static_cast<std::size_t>(std::max(0, to - from)));
    parent.append_child(pugi::node_pcdata).set_value(bulletin::text::to_utf8(piece).c_str());
}

void append_spans(pugi::xml_node parent, const std::u32string& text, int from, int to,
                  const std::vector<Span>& spans) {
    int cursor = from;
    for (const auto& span : spans) {
        append_text(parent, text, cursor, span.entity->start);
        append_spans(entity_element(parent, *span.entity), text, span.entity->start,
                     span.entity->end, span.children);
        cursor = span.entity->end;
    }
    append_text(parent, text, cursor, to);
}

class TeiExporter final : public bulletin::Exporter {
public:
    explicit TeiExporter(const bulletin::Params& params)
        : path_(params.string("path")), indent_(params.boolean("indent")) {}

    void write(const bulletin::Document& doc, bulletin::Context& ctx) override {
        pugi::xml_document xml;
        auto decl = xml.append_child(pugi::node_declaration);
        decl.append_attribute("version") = "1.0";
        decl.append_attribute("encoding") = "UTF-8";
        auto tei = xml.append_child("TEI");
        tei.append_attribute("xmlns") = "http://www.tei-c.org/ns/1.0";
        tei.append_attribute("xml:lang") = "zh";
        header(tei.append_child("teiHeader"), doc);

        auto text = tei.append_child("text");
        auto body = text.append_child("body");
        int skipped = 0;
        for (std::size_t a = 0; a < doc.articles.size(); ++a) {
            const auto& article = doc.articles[a];
            auto div = body.append_child("div");
            div.append_attribute("type") = "article";
            div.append_attribute("n") = static_cast<unsigned>(a + 1);
            int ai = static_cast<int>(a);
            inline_text(div.append_child("head"), doc, article.title, Place::Title, ai, 0, skipped);
            for (std::size_t p = 0; p < article.paragraphs.size(); ++p)
                inline_text(div.append_child("p"), doc, article.paragraphs[p].text,
                            Place::Paragraph, ai, static_cast<int>(p), skipped);
            if (article.byline)
                byline(div.append_child("byline"), doc, ai, *article.byline, skipped);
        }
        if (doc.articles.empty()) body.append_child("p"); // <body> must not be empty

        if (!doc.distribution.empty()) {
            auto div = text.append_child("back").append_child("div");
            div.append_attribute("type") = "distribution";
            for (std::size_t b = 0; b < doc.distribution.size(); ++b) {
                const auto& block = doc.distribution[b];
                auto list = div.append_child("list");
                list.append_attribute("type") = "distribution";
                list.append_child("head").text() = safe(block.label).c_str();
                for (std::size_t r = 0; r < block.recipients.size(); ++r) {
                    auto item = list.append_child("item");
                    const Entity* e = recipient_entity(doc, b, r);
                    if (!e) {
                        item.text() = safe(block.recipients[r]).c_str();
                        continue;
                    }
                    // The tagger's normalized name, e.g. an elided prefix written out.
                    auto name = item.append_child("name");
                    name.append_attribute("type") = "recipient";
                    name.append_attribute("key") = safe(e->value).c_str();
                    name.text() = safe(block.recipients[r]).c_str();
                }
            }
        }
        if (skipped > 0)
            ctx.warn(skipped, " entities of ", doc.source.path,
                     " overlap another one or lie outside their text; written without markup");

        std::ostringstream out;
        xml.save(out, "  ", indent_ ? pugi::format_indent : pugi::format_raw, pugi::encoding_utf8);
        ctx.write_file(ctx.output_path(path_, doc), out.str());
    }

private:
    static void header(pugi::xml_node header, const bulletin::Document& doc) {
        const auto& m = doc.masthead;
        auto file_desc = header.append_child("fileDesc");

        std::string title = m.series.value_or("");
        if (m.issue) title += (title.empty() ? "" : " ") + issue_text(*m.issue);
        if (title.empty() && !doc.articles.empty()) title = doc.articles.front().title;
        if (title.empty()) title = doc.source.path;
        file_desc.append_child("titleStmt").append_child("title").text() = safe(title).c_str();

        auto publication = file_desc.append_child("publicationStmt");
        // TEI wants an agency (publisher) before date and idno; without one, a prose note.
        if (m.publisher) {
            publication.append_child("publisher").text() = safe(*m.publisher).c_str();
            if (m.date) {
                auto date = publication.append_child("date");
                date.append_attribute("when") = m.date->c_str();
                date.text() = safe(m.date_text.empty() ? *m.date : m.date_text).c_str();
            }
            if (m.issue) issue_idno(publication, *m.issue);
        } else {
            publication.append_child("p").text() = "Publisher not identified in the source.";
        }

        if (m.series || m.issue) {
            auto series = file_desc.append_child("seriesStmt");
            auto series_title = series.append_child("title");
            series_title.append_attribute("level") = "s";
            series_title.text() = safe(m.series.value_or("")).c_str();
            if (m.issue) {
                auto scope = series.append_child("biblScope");
                scope.append_attribute("unit") = "issue";
                scope.append_attribute("n") = m.issue->number;
                scope.text() = ("第" + std::to_string(m.issue->number) + "期").c_str();
                if (m.issue->total) {
                    auto total = series.append_child("biblScope");
                    total.append_attribute("unit") = "total";
                    total.append_attribute("n") = *m.issue->total;
                    total.text() = ("总第" + std::to_string(*m.issue->total) + "期").c_str();
                }
            }
        }

        if (!doc.diagnostics.empty()) {
            auto notes = file_desc.append_child("notesStmt");
            for (const auto& d : doc.diagnostics) {
                auto note = notes.append_child("note");
                note.append_attribute("type") = "diagnostic";
                note.append_attribute("subtype") = severity(d.severity);
                if (d.page > 0)
                    note.append_attribute("n") =
                        (std::to_string(d.page) + ":" + std::to_string(d.line)).c_str();
                note.text() = safe("[" + d.plugin + "] " + d.message).c_str();
            }
        }

        auto bibl = file_desc.append_child("sourceDesc").append_child("bibl");
        auto idno = [&](const char* type, const std::string& value) {
            if (value.empty()) return;
            auto node = bibl.append_child("idno");
            node.append_attribute("type") = type;
            node.text() = safe(value).c_str();
        };
        idno("path", doc.source.path);
        idno("format", doc.source.format);
        idno("sha256", doc.source.sha256);
        if (doc.source.pages > 0) {
            auto measure = bibl.append_child("extent").append_child("measure");
            measure.append_attribute("unit") = "pages";
            measure.append_attribute("quantity") = doc.source.pages;
            measure.text() = (std::to_string(doc.source.pages) + " pages").c_str();
        }
    }

    // cn.recipients tags each recipient: place Recipient, article = block, index = recipient.
    static const Entity* recipient_entity(const bulletin::Document& doc, std::size_t block,
                                          std::size_t index) {
        for (const auto& e : doc.entities) {
            if (e.place != Place::Recipient) continue;
            if (e.article == static_cast<int>(block) && e.index == static_cast<int>(index))
                return &e;
        }
        return nullptr;
    }

    static std::string issue_text(const bulletin::IssueNumber& issue) {
        std::string text = "第" + std::to_string(issue.number) + "期";
        if (issue.total) text += "（总第" + std::to_string(*issue.total) + "期）";
        return text;
    }

    static void issue_idno(pugi::xml_node parent, const bulletin::IssueNumber& issue) {
        auto idno = parent.append_child("idno");
        idno.append_attribute("type") = "issue";
        idno.text() = std::to_string(issue.number).c_str();
    }

    static const char* severity(bulletin::Severity s) {
        switch (s) {
        case bulletin::Severity::Info:
            return "info";
        case bulletin::Severity::Warning:
            return "warning";
        case bulletin::Severity::Error:
            return "error";
        }
        return "warning";
    }

    static void inline_text(pugi::xml_node parent, const bulletin::Document& doc,
                            const std::string& utf8, Place place, int article, int index,
                            int& skipped) {
        auto text = xml_safe(utf8);
        std::vector<const Entity*> here;
        for (const auto& e : doc.entities)
            if (e.place == place && e.article == article && e.index == index) here.push_back(&e);
        int length = static_cast<int>(text.size());
        append_spans(parent, text, 0, length, nest(std::move(here), length, skipped));
    }

    // Structured when the segmenter split it: <orgName> department, <persName> authors.
    static void byline(pugi::xml_node node, const bulletin::Document& doc, int article,
                       const bulletin::Byline& byline, int& skipped) {
        if (!byline.department && byline.authors.empty()) {
            inline_text(node, doc, byline.text, Place::Byline, article, 0, skipped);
            return;
        }
        node.append_child(pugi::node_pcdata); // no indentation inside (see append_text)
        bool first = true;
        if (byline.department) {
            node.append_child("orgName").text() = safe(*byline.department).c_str();
            first = false;
        }
        for (const auto& author : byline.authors) {
            if (!first) node.append_child(pugi::node_pcdata).set_value(" ");
            first = false;
            auto person = node.append_child("persName");
            person.append_attribute("key") = safe(author).c_str();
            person.text() = safe(author).c_str();
        }
        node.append_child(pugi::node_pcdata);
    }

    std::string path_;
    bool indent_;
};

constexpr bulletin::ParamSpec kParams[] = {
    bulletin::string_param("path", "{output}/{dir}/{stem}.tei.xml", "Output path template."),
    bulletin::bool_param(
        "indent", "true",
        "Indent the element structure; text inside head, p and byline is never re-indented."),
};

} // namespace

BULLETIN_PLUGIN(kTei, TeiExporter, "tei", bulletin::PluginKind::Exporter,
                "TEI P5 XML: header from the masthead, a div per article, inline entities.",
                kParams);
BULLETIN_MODULE("tei", "1.0.0", "MIT", "TEI P5 XML exporter (schema: tei-bulletin.rng).", &kTei)
