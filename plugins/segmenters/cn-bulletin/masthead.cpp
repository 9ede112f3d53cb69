// cn.bulletin - the masthead (series, issue, publisher, date, confidentiality marks) and the
// running headers that repeat it at the top of later pages.
#include "segmentation.hpp"

#include <algorithm>
#include <cstdio>

namespace cn_bulletin {
namespace {

/// What a field of a masthead line with several fields is ("人大工作动态 第7期").
enum class FieldRole {
    Classified, ///< a field classify() recognises (issue, date, ...)
    Series,     ///< the unnamed first field: the series name
    Publisher,  ///< an unnamed organisation: the publisher
};

} // namespace

std::optional<int> number(std::u32string_view s) {
    constexpr int kLargest = 1000000; // past any issue number, year or day
    if (s.empty()) return std::nullopt;
    auto v = bulletin::text::parse_number(s);
    if (!v || *v < 0 || *v > kLargest) return std::nullopt;
    return static_cast<int>(*v);
}

std::optional<std::string> iso_date(std::u32string_view key) {
    auto date = match_date(key);
    if (!date) return std::nullopt;
    auto year = number(date->year), month = number(date->month), day = number(date->day);
    if (!year || !month || !day || *month < 1 || *month > 12 || *day < 1 || *day > 31 ||
        *year < kMinYear || *year > kMaxYear)
        return std::nullopt;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", *year, *month, *day);
    return std::string(buf);
}

std::optional<bulletin::IssueNumber> parse_issue(std::u32string_view key) {
    auto match = match_issue(key);
    if (!match) return std::nullopt;
    bulletin::IssueNumber issue;
    auto n = number(match->number);
    if (!n) return std::nullopt;
    issue.number = *n;
    if (auto total = number(match->total)) issue.total = *total;
    if (auto year = number(match->year)) issue.year = *year;
    issue.supplement = !match->supplement.empty();
    return issue;
}

bool Segmentation::is_marker(std::u32string_view key) const {
    if (key.empty()) return false;
    // Removing words only removes characters: a character in no marker word and not in the
    // allowed punctuation stays, so the line is no marking (most lines stop at the first).
    for (char32_t c : key)
        if (!std::binary_search(cfg_.marker_chars.begin(), cfg_.marker_chars.end(), c))
            return false;
    std::u32string rest(key);
    bool removed = false;
    for (const auto& word : cfg_.marker_words) {
        for (std::size_t at; !word.empty() && (at = rest.find(word)) != npos;) {
            rest.erase(at, word.size());
            removed = true;
        }
    }
    for (char32_t c : rest)
        if (!contains(kMarkingPunctuation, c)) return false;
    return removed;
}

MastheadField Segmentation::classify(std::u32string_view key) const {
    if (key.empty()) return MastheadField::None;
    if (iso_date(key)) return MastheadField::Date;
    if (parse_issue(key)) return MastheadField::Issue;
    if (is_marker(key)) return MastheadField::Marker;
    for (const auto& heading : cfg_.toc_headings)
        if (key == heading) return MastheadField::Toc;
    if (is_publisher(cfg_, key)) return MastheadField::Publisher;
    return MastheadField::None;
}

bool Segmentation::org_like(std::u32string_view key) const {
    constexpr std::size_t kMinOrganizationChars = 2; // "处" alone is no organisation
    return key.size() >= kMinOrganizationChars && ends_with_any(key, cfg_.org_suffixes) != nullptr;
}

/// Records one masthead field; `raw` is the field as written.
void Segmentation::apply(MastheadField kind, std::u32string_view raw) {
    auto& masthead = doc_.masthead;
    std::u32string key = squeeze(fold(raw));
    switch (kind) {
    case MastheadField::Date:
        masthead.date = iso_date(key);
        masthead.date_text = utf8(trim(raw));
        break;
    case MastheadField::Issue:
        masthead.issue = parse_issue(key);
        break;
    case MastheadField::Publisher: {
        std::u32string name = squeeze(raw);
        name.resize(name.size() - ends_with_any(key, cfg_.publisher_suffixes)->size());
        masthead.publisher = utf8(name);
        break;
    }
    case MastheadField::Marker: {
        auto& marking = doc_.metadata["marking"];
        marking += (marking.empty() ? "" : " ") + utf8(trim(raw));
        break;
    }
    case MastheadField::None:
    case MastheadField::Toc:
        break;
    }
}

/// Masthead: series, issue, publisher, date and confidentiality marks, from the top down to
/// the date (or the first line that is none of these). Returns the index after it.
std::size_t Segmentation::parse_masthead() {
    auto& masthead = doc_.masthead;
    std::size_t i = 0;
    auto next_kind = [&](std::size_t at) {
        return at + 1 < lines_.size() ? classify(lines_[at + 1].key) : MastheadField::None;
    };
    for (; i < lines_.size() && static_cast<int>(i) < cfg_.masthead_max_lines; ++i) {
        const TextLine& l = lines_[i];
        MastheadField kind = classify(l.key);
        if (kind == MastheadField::Toc) break;
        if (kind != MastheadField::None) {
            apply(kind, l.raw);
            if (kind == MastheadField::Date) return i + 1;
            continue;
        }
        // Several fields on one line: "湖南省…委员会编 2023年4月24日", "人大工作动态 第7期".
        // Unnamed fields: the series when it comes first, else an organisation as publisher.
        auto parts = fields(l.raw);
        if (parts.size() >= 2) {
            std::vector<MastheadField> kinds;
            std::vector<FieldRole> roles;
            bool series_free = !masthead.series, publisher_free = !masthead.publisher, known = true;
            for (std::size_t f = 0; f < parts.size() && known; ++f) {
                std::u32string key = squeeze(fold(parts[f]));
                kinds.push_back(classify(key));
                if (kinds[f] != MastheadField::None && kinds[f] != MastheadField::Toc) {
                    roles.push_back(FieldRole::Classified);
                } else if (f == 0 && series_free && key.size() <= cfg_.series_max_chars &&
                           !org_like(key)) {
                    roles.push_back(FieldRole::Series);
                    series_free = false;
                } else if (publisher_free && org_like(key) &&
                           key.size() <= cfg_.publisher_max_chars) {
                    roles.push_back(FieldRole::Publisher);
                    publisher_free = false;
                } else {
                    known = false;
                }
            }
            if (known) {
                bool dated = false;
                for (std::size_t f = 0; f < parts.size(); ++f) {
                    if (roles[f] == FieldRole::Series) masthead.series = utf8(squeeze(parts[f]));
                    if (roles[f] == FieldRole::Publisher)
                        masthead.publisher = utf8(squeeze(parts[f]));
                    if (roles[f] == FieldRole::Classified) apply(kinds[f], parts[f]);
                    dated = dated || kinds[f] == MastheadField::Date;
                }
                if (dated) return i + 1;
                continue;
            }
        }
        // The series name: before the issue, short, usually ending "简报", "动态", "专报"…
        // Letter spacing ("信 息 简 报") is dropped.
        if (!masthead.series && !masthead.issue && !masthead.publisher &&
            l.key.size() <= cfg_.series_max_chars &&
            (ends_with_any(l.key, cfg_.series_suffixes) || next_kind(i) == MastheadField::Issue)) {
            masthead.series = utf8(squeeze(l.raw));
            continue;
        }
        // A publisher without "编": after the series or issue, an organisation or just before
        // the date.
        if (!masthead.publisher && (masthead.series || masthead.issue) &&
            l.key.size() <= cfg_.publisher_max_chars &&
            (org_like(l.key) || next_kind(i) == MastheadField::Date)) {
            masthead.publisher = utf8(squeeze(l.raw));
            continue;
        }
        break;
    }
    return i;
}

/// A running header at the top of a later page: the series name, the issue, or both.
bool Segmentation::is_page_header(const TextLine& l) const {
    if (!series_.empty() && l.key == series_) return true;
    if (l.page <= 1 || l.page_pos >= cfg_.header_max_lines) return false;
    if (parse_issue(l.key)) return true;
    std::size_t parts = 0;
    bool all = each_field(l.folded, [&](std::u32string_view key) {
        ++parts;
        return (!series_.empty() && key == series_) || parse_issue(key) || iso_date(key);
    });
    return all && parts >= 2;
}

} // namespace cn_bulletin
