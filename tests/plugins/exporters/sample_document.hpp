// Documents for exporter tests, built by hand: the segmenter and taggers are developed
// separately, so these tests must not depend on them.
#pragma once

#include <bulletin/document.hpp>

#include <filesystem>
#include <string>

namespace bulletin::testing {

/// A Document from tests/data/samples/<stem>.gold.json (masthead, articles, distribution), with
/// entities found by searching the gold's person and place names (and aliases) in titles,
/// paragraphs and bylines, a few dates, the masthead date, place codes for some Hunan divisions
/// and one diagnostic. Nested place mentions ("娄星区杉山镇" around "娄星区") are included.
Document make_sample_document(const std::string& stem = "hunan-xuanren-2023-04-24");

/// A small document full of characters that need escaping (<>&"', commas, quotes, a newline,
/// a control character, "]]>", Markdown and HTML syntax), an article without a byline or
/// paragraphs, entities that cross each other and entities with out-of-range offsets.
Document make_tricky_document();

/// Path of a file in tests/plugins/exporters/data.
std::filesystem::path exporter_data(const std::string& name);

} // namespace bulletin::testing
