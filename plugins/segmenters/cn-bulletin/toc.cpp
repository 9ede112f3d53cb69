// cn.bulletin - the table of contents ("本期要目") before the articles.
#include "segmentation.hpp"

#include <algorithm>

namespace cn_bulletin {

/// "本期要目" and its entries. The table ends where the first article's title begins (a line
/// that starts an entry), at a reader's paragraph end, or after toc_max_lines.
std::size_t Segmentation::parse_toc(std::size_t i) {
    if (i >= lines_.size()) return i;
    bool heading = std::any_of(cfg_.toc_headings.begin(), cfg_.toc_headings.end(),
                               [&](const auto& h) { return lines_[i].key == h; });
    if (!heading) return i;
    std::size_t j = i + 1;
    bool bullets = false, found_title = false;
    std::size_t first_end = 0, entries_at_first_end = 0; // a reader's paragraph end
    for (; j < lines_.size() && static_cast<int>(j - i) <= cfg_.toc_max_lines; ++j) {
        const TextLine& l = lines_[j];
        std::u32string_view key = l.key;
        if (first_end == 0 && j > i + 1 && lines_[j - 1].ends_paragraph) {
            first_end = j;
            entries_at_first_end = toc_.size();
        }
        if (!key.empty() && cfg_.toc_bullets.has(key.front())) { // an entry
            bullets = true;
            toc_.emplace_back(key.substr(1));
            continue;
        }
        // Not a bullet: the first title, the end of the table, or more of an entry.
        if (starts_an_entry(key)) {
            found_title = true;
            break;
        }
        if (bullets && lines_[j - 1].ends_paragraph) break;
        if (bullets)
            toc_.back() += key;
        else
            toc_.emplace_back(key); // a table without bullets: one entry per line
    }
    // A table without bullets whose entries never began a title: trust the first paragraph
    // end the reader marked, if any.
    if (!bullets && !found_title && first_end > 0) {
        toc_.resize(entries_at_first_end);
        j = first_end;
    }
    if (!toc_.empty()) {
        std::string joined;
        for (const auto& entry : toc_)
            joined += (joined.empty() ? "" : "\n") + utf8(entry);
        doc_.metadata["toc"] = joined;
    }
    return j;
}

bool Segmentation::starts_an_entry(std::u32string_view key) const {
    if (key.size() < kMinTocPrefixChars) return false;
    return std::any_of(toc_.begin(), toc_.end(),
                       [&](const auto& e) { return e.compare(0, key.size(), key) == 0; });
}

} // namespace cn_bulletin
