// cn.bulletin - the segmenter's parameters, read once per plugin instance, and the matcher for a
// user-supplied subheading_pattern.
#pragma once

#include "text_helpers.hpp"

#include <bulletin/module.hpp>

#include <unicode/regex.h>
#include <unicode/unistr.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cn_bulletin {

/// The parameter table (cn_bulletin.cpp) as the rules use it: lists decoded, folded and sorted
/// longest first, character sets ready to test.
struct Config {
    int masthead_max_lines = 0;
    std::size_t series_max_chars = 0;
    std::size_t publisher_max_chars = 0;
    std::vector<std::u32string> series_suffixes, publisher_suffixes, marker_words, toc_headings,
        org_suffixes, author_labels, department_labels, department_suffixes, labels;
    std::u32string marker_chars; ///< sorted: every character a marking line may contain
    int toc_max_lines = 0;
    CharSet toc_bullets;
    int title_max_lines = 0;
    std::size_t title_max_chars = 0, title_min_chars = 0;
    bool titles_without_byline = true;
    CharSet title_forbidden;
    double title_font_ratio = 0;
    bool centered_is_title = true;
    double line_width = 0, indent = 0, width_tolerance = 0, open_tolerance = 0,
           continuation_tolerance = 0;
    bool terminal_ends_paragraph = true;
    CharSet terminal, closers;
    std::size_t byline_max_chars = 0;
    double distribution_tolerance = 0;
    CharSet separators;
    int header_max_lines = 0;
    std::vector<std::string> paragraph_formats;
    /// subheading_pattern when it is not the default (which matchers.hpp matches by hand).
    std::shared_ptr<const icu::RegexPattern> subheading;

    /// Reads the parameters; throws bulletin::Error for a subheading_pattern ICU refuses.
    explicit Config(const bulletin::Params& params);
};

/// A user-supplied subheading_pattern, matched with ICU on the folded line. One per document (a
/// RegexMatcher is not shareable between threads), reset per line.
class PrefixMatcher {
public:
    explicit PrefixMatcher(const icu::RegexPattern* pattern);
    /// ICU lookingAt: a match at the start of `s`.
    bool looking_at(std::u32string_view s);

private:
    std::unique_ptr<icu::RegexMatcher> matcher_;
    icu::UnicodeString input_; ///< the matcher refers to it
};

} // namespace cn_bulletin
