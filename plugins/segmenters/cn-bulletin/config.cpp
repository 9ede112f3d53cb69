// cn.bulletin - reading the parameters once (Config) and matching a user's subheading_pattern.
#include "config.hpp"

#include "characters.hpp"

#include <algorithm>

namespace cn_bulletin {
namespace {

/// A list parameter as keys (folded, without white space).
std::vector<std::u32string> u32_list(const std::vector<std::string>& items) {
    std::vector<std::u32string> out;
    for (const auto& item : items)
        out.push_back(squeeze(fold(u32(item))));
    // Longest first, so "抄送" is tried before "送".
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.size() > b.size(); });
    return out;
}

std::shared_ptr<const icu::RegexPattern> compile(const std::string& pattern) {
    UErrorCode status = U_ZERO_ERROR;
    UParseError where{};
    std::shared_ptr<const icu::RegexPattern> out(
        icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(pattern), 0, where, status));
    if (U_FAILURE(status))
        throw bulletin::Error("cn.bulletin: bad regular expression (offset " +
                              std::to_string(where.offset) + "): " + pattern);
    return out;
}

} // namespace

Config::Config(const bulletin::Params& p)
    : masthead_max_lines(static_cast<int>(p.integer("masthead_max_lines"))),
      series_max_chars(static_cast<std::size_t>(p.integer("series_max_chars"))),
      publisher_max_chars(static_cast<std::size_t>(p.integer("publisher_max_chars"))),
      series_suffixes(u32_list(p.list("series_suffixes"))),
      publisher_suffixes(u32_list(p.list("publisher_suffixes"))),
      marker_words(u32_list(p.list("marker_words"))),
      toc_headings(u32_list(p.list("toc_headings"))),
      org_suffixes(u32_list(p.list("organization_suffixes"))),
      author_labels(u32_list(p.list("author_labels"))),
      department_labels(u32_list(p.list("department_labels"))),
      department_suffixes(u32_list(p.list("department_suffixes"))),
      labels(u32_list(p.list("distribution_labels"))),
      toc_max_lines(static_cast<int>(p.integer("toc_max_lines"))),
      toc_bullets(u32(p.string("toc_bullets"))),
      title_max_lines(static_cast<int>(p.integer("title_max_lines"))),
      title_max_chars(static_cast<std::size_t>(p.integer("title_max_chars"))),
      title_min_chars(static_cast<std::size_t>(p.integer("title_min_chars"))),
      titles_without_byline(p.boolean("titles_without_byline")),
      title_forbidden(fold(u32(p.string("title_forbidden")))),
      title_font_ratio(p.number("title_font_ratio")),
      centered_is_title(p.boolean("centered_is_title")), line_width(p.number("line_width")),
      indent(p.number("paragraph_indent")), width_tolerance(p.number("width_tolerance")),
      open_tolerance(p.number("open_line_tolerance")),
      continuation_tolerance(p.number("continuation_tolerance")),
      terminal_ends_paragraph(p.boolean("terminal_ends_paragraph")),
      terminal(fold(u32(p.string("terminal_punctuation")))),
      closers(fold(u32(p.string("closing_punctuation")))),
      byline_max_chars(static_cast<std::size_t>(p.integer("byline_max_chars"))),
      distribution_tolerance(p.number("distribution_width_tolerance")),
      separators(fold(u32(p.string("recipient_separators")))),
      header_max_lines(static_cast<int>(p.integer("header_max_lines"))),
      paragraph_formats(p.list("reader_paragraph_formats")) {
    const std::string pattern = p.string("subheading_pattern");
    if (pattern != kSubheadingPattern) subheading = compile(pattern);
    marker_chars = kMarkingPunctuation;
    for (const auto& word : marker_words)
        marker_chars += word;
    std::sort(marker_chars.begin(), marker_chars.end());
}

PrefixMatcher::PrefixMatcher(const icu::RegexPattern* pattern) {
    if (!pattern) return;
    UErrorCode status = U_ZERO_ERROR;
    matcher_.reset(pattern->matcher(status));
    if (U_FAILURE(status)) matcher_.reset();
}

bool PrefixMatcher::looking_at(std::u32string_view s) {
    if (!matcher_) return false;
    UErrorCode status = U_ZERO_ERROR;
    input_ = icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(s.data()),
                                           static_cast<int32_t>(s.size()));
    matcher_->reset(input_);
    bool found = matcher_->lookingAt(status);
    return found && U_SUCCESS(status);
}

} // namespace cn_bulletin
