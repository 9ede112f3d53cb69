// Helpers for the tagger tests: small documents, running taggers through the real registry,
// and picking entities out of the result.
#pragma once

#include "support/plugins.hpp"

#include <bulletin/document.hpp>

#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace bulletin::testing {

/// One article with the given paragraphs; masthead publisher and date when given.
inline Document make_document(std::vector<std::string> paragraphs, std::string publisher = {},
                              std::string date = {}, std::string title = {}) {
    Document doc;
    if (!publisher.empty()) doc.masthead.publisher = publisher;
    if (!date.empty()) doc.masthead.date = date;
    Article article;
    article.title = std::move(title);
    for (auto& text : paragraphs)
        article.paragraphs.push_back({std::move(text), {}});
    doc.articles.push_back(std::move(article));
    return doc;
}

inline void run_tagger(const std::string& name, Document& doc,
                       const std::map<std::string, std::string>& params = {}) {
    auto tagger = load<Tagger>(name, params);
    TestContext ctx;
    tagger->tag(doc, ctx);
}

/// The built-in pipeline order: persons before places (a name is not a place), places before
/// organisations (a place heads an organisation).
inline void run_all_taggers(Document& doc) {
    for (const char* name : {"cn.dates", "cn.persons", "cn.places", "cn.orgs", "cn.recipients"})
        run_tagger(name, doc);
}

inline std::vector<Entity> of_type(const Document& doc, const std::string& type) {
    std::vector<Entity> out;
    for (const auto& e : doc.entities)
        if (e.type == type) out.push_back(e);
    return out;
}

inline std::vector<std::string> values(const Document& doc, const std::string& type) {
    std::vector<std::string> out;
    for (const auto& e : of_type(doc, type))
        out.push_back(e.value);
    return out;
}

inline std::optional<Entity> find_value(const Document& doc, const std::string& type,
                                        const std::string& value) {
    for (const auto& e : of_type(doc, type))
        if (e.value == value) return e;
    return std::nullopt;
}

inline std::string describe(const Entity& e) {
    std::ostringstream out;
    out << e.type << " '" << e.text << "' -> '" << e.value << "' @" << bulletin1_article(e) << ":"
        << bulletin1_paragraph(e) << "[" << e.start << "," << e.end << ")";
    for (const auto& [k, v] : e.attributes)
        out << " " << k << "=" << v;
    return out.str();
}

} // namespace bulletin::testing
