// cn.bulletin - bylines: "（撰稿：黄伟 梁静）", "（市人大常委会代表工委供稿）".
#include "segmentation.hpp"

#include <algorithm>

namespace cn_bulletin {
namespace {

// A person's name in a byline: "林晓", "欧阳明", or a transliteration "让·雅克·卢梭".
constexpr std::size_t kMinNameChars = 2;
constexpr std::size_t kMaxHanNameChars = 4;
constexpr std::size_t kMaxDottedNameChars = 12;
// A byline that is one organisation name is a department when longer than a person's name can
// be; before the authors' names ("选举任免处 谢峥嵘") a shorter one is taken (three characters).
constexpr std::size_t kMinLoneDepartmentChars = kMaxHanNameChars + 1;
constexpr std::size_t kMinLeadingDepartmentChars = 3;
// What is left of a "…供稿" byline without its ending.
constexpr std::size_t kMinDepartmentChars = 2;

/// A person's name: two to four Han characters, or a transliterated name with "·".
bool name_like(std::u32string_view s) {
    const bool dotted = s.find(U'·') != npos;
    if (s.size() < kMinNameChars || s.size() > (dotted ? kMaxDottedNameChars : kMaxHanNameChars))
        return false;
    return std::all_of(s.begin(), s.end(),
                       [](char32_t c) { return bulletin::text::is_han(c) || c == U'·'; });
}

/// The bracketed group at the end of `s`: [open, close] positions, or nullopt.
std::optional<std::pair<std::size_t, std::size_t>> last_bracket(std::u32string_view s) {
    if (s.empty() || fold(s.back()) != U')') return std::nullopt;
    int depth = 0;
    for (std::size_t i = s.size(); i-- > 0;) {
        char32_t c = fold(s[i]);
        if (c == U')') ++depth;
        if (c == U'(' && --depth == 0) return std::make_pair(i, s.size() - 1);
    }
    return std::nullopt;
}

} // namespace

/// "选举任免处 谢峥嵘", "市人大常委会代表工委供稿", "撰稿：黄伟 梁静", "记者：林晓".
std::optional<bulletin::Byline> Segmentation::parse_byline(std::u32string_view inner_raw) const {
    std::u32string inner = trim(inner_raw), folded = fold(inner);
    std::u32string key = squeeze(folded);
    if (key.empty() || key.size() > cfg_.byline_max_chars) return std::nullopt;
    if (std::any_of(folded.begin(), folded.end(),
                    [](char32_t c) { return contains(kBylineForbidden, c); }))
        return std::nullopt;
    bulletin::Byline b;
    b.text = utf8(inner);
    auto names = [&](std::u32string_view s) {
        std::vector<std::string> out;
        std::u32string cur;
        for (char32_t c : s) {
            if (bulletin::text::is_space(c) || contains(kNameSeparators, c)) {
                if (!cur.empty()) out.push_back(utf8(cur));
                cur.clear();
            } else {
                cur.push_back(c);
            }
        }
        if (!cur.empty()) out.push_back(utf8(cur));
        return out;
    };
    if (auto colon = folded.find(U':'); colon != npos) {
        std::u32string before = trim(std::u32string_view(inner).substr(0, colon));
        std::u32string after = trim(std::u32string_view(inner).substr(colon + 1));
        auto head = fields(before);
        if (head.empty() || after.empty()) return std::nullopt;
        std::u32string label = squeeze(fold(head.back()));
        std::u32string dept;
        for (std::size_t f = 0; f + 1 < head.size(); ++f)
            dept += head[f];
        if (!dept.empty()) b.department = utf8(dept);
        if (std::find(cfg_.author_labels.begin(), cfg_.author_labels.end(), label) !=
            cfg_.author_labels.end()) {
            b.authors = names(after);
            return b;
        }
        if (std::find(cfg_.department_labels.begin(), cfg_.department_labels.end(), label) !=
            cfg_.department_labels.end()) {
            b.department = utf8(squeeze(after));
            return b;
        }
        return std::nullopt;
    }
    if (auto suffix = ends_with_any(key, cfg_.department_suffixes)) {
        std::u32string dept = squeeze(inner);
        dept.resize(dept.size() - suffix->size());
        if (dept.size() < kMinDepartmentChars) return std::nullopt;
        b.department = utf8(dept);
        return b;
    }
    auto parts = fields(inner);
    if (parts.size() == 1) {
        if (org_like(parts[0]) && parts[0].size() >= kMinLoneDepartmentChars) {
            b.department = utf8(parts[0]);
            return b;
        }
        if (name_like(parts[0]) && !org_like(parts[0])) {
            b.authors.push_back(utf8(parts[0]));
            return b;
        }
        return std::nullopt;
    }
    std::size_t first_author = 0;
    if (org_like(parts[0]) && parts[0].size() >= kMinLeadingDepartmentChars) {
        b.department = utf8(parts[0]);
        first_author = 1;
    }
    for (std::size_t f = first_author; f < parts.size(); ++f) {
        if (!name_like(parts[f])) return std::nullopt;
        b.authors.push_back(utf8(parts[f]));
    }
    return b;
}

/// A byline closing `s`: on its own, or glued after the end of a sentence. Returns where
/// its opening bracket is, and the byline.
std::optional<std::pair<std::size_t, bulletin::Byline>>
Segmentation::trailing_byline(std::u32string_view s) const {
    auto b = last_bracket(s);
    if (!b) return std::nullopt;
    std::u32string_view before = trim_view(s.substr(0, b->first));
    if (!before.empty()) {
        // The text before it ends a sentence (closing punctuation after the end ignored).
        std::size_t end = before.size();
        while (end > 0 && cfg_.closers.has(fold(before[end - 1])))
            --end;
        if (end == 0 || !cfg_.terminal.has(fold(before[end - 1]))) return std::nullopt;
    }
    auto byline = parse_byline(s.substr(b->first + 1, b->second - b->first - 1));
    if (!byline) return std::nullopt;
    return std::make_pair(b->first, std::move(*byline));
}

} // namespace cn_bulletin
