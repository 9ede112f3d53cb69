// Layout helpers for fixed-layout readers (PDF, OFD): see bulletin/layout.hpp.
#include "bulletin/layout.hpp"

#include "bulletin/plugin.hpp"
#include "bulletin/text.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>

namespace bulletin::layout {

namespace {

using bulletin::Alignment;
using bulletin::Line;
using bulletin::Page;

bool is_blank(std::string_view s) {
    return bulletin::text::trim(s).empty();
}

std::string masked(std::string_view text) {
    std::string out;
    for (char c : bulletin::text::remove_spaces(text))
        out += (c >= '0' && c <= '9') ? '#' : c;
    return out;
}

Line make_line(const std::vector<const GlyphRun*>& runs) {
    Line line;
    const GlyphRun* main = runs.front();
    double left = runs.front()->x, right = left, top = 1e9, bottom = -1e9;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const GlyphRun& r = *runs[i];
        if (i > 0) {
            const GlyphRun& prev = *runs[i - 1];
            double gap = r.x - (prev.x + prev.width);
            bool spaced = line.text.ends_with(' ') || r.text.starts_with(' ');
            if (!spaced && gap > 0.25 * std::max(r.size, prev.size)) line.text += ' ';
        }
        line.text += r.text;
        if (bulletin::text::length(r.text) > bulletin::text::length(main->text)) main = &r;
        right = std::max(right, r.x + r.width);
        top = std::min(top, r.baseline - 0.88 * r.size);
        bottom = std::max(bottom, r.baseline + 0.12 * r.size);
    }
    line.text = std::string(bulletin::text::trim(line.text));
    auto& l = line.layout;
    l.font_name = main->font;
    l.font_size = std::round(main->size * 10) / 10;
    l.bold = main->bold;
    l.color = main->color;
    l.x = left;
    l.y = top;
    l.width = right - left;
    l.height = bottom - top;
    l.has_geometry = true;
    return line;
}

// Baseline clusters, split where the gap between runs is wider than `column_gap` em (two
// blocks side by side, like "…编" and the date on a masthead line).
} // namespace

std::vector<Line> build_lines(std::vector<GlyphRun> runs, double column_gap) {
    std::erase_if(runs, [](const GlyphRun& r) { return is_blank(r.text) || r.size <= 0; });
    std::stable_sort(runs.begin(), runs.end(), [](const GlyphRun& a, const GlyphRun& b) {
        return a.baseline < b.baseline || (a.baseline == b.baseline && a.x < b.x);
    });
    std::vector<Line> lines;
    std::size_t i = 0;
    while (i < runs.size()) {
        std::vector<const GlyphRun*> cluster{&runs[i]};
        double base = runs[i].baseline, size = runs[i].size;
        std::size_t j = i + 1;
        for (; j < runs.size(); ++j) {
            double tol = 0.4 * std::min(size, runs[j].size);
            if (runs[j].baseline - base > tol) break;
            cluster.push_back(&runs[j]);
            size = std::max(size, runs[j].size);
        }
        i = j;
        std::stable_sort(cluster.begin(), cluster.end(),
                         [](const GlyphRun* a, const GlyphRun* b) { return a->x < b->x; });
        std::vector<const GlyphRun*> segment;
        for (const GlyphRun* r : cluster) {
            if (!segment.empty()) {
                const GlyphRun* prev = segment.back();
                // Fake bold: the same text drawn twice a hair apart.
                if (prev->text == r->text && std::abs(prev->x - r->x) < 0.2 * r->size) continue;
                if (r->x - (prev->x + prev->width) > column_gap * std::max(r->size, prev->size)) {
                    lines.push_back(make_line(segment));
                    segment.clear();
                }
            }
            segment.push_back(r);
        }
        if (!segment.empty()) lines.push_back(make_line(segment));
    }
    return lines;
}

bool is_page_number(std::string_view text) {
    static const std::regex pattern(
        R"(^(?:[-—–－~·•\s]|\xE2\x80\x94|\xE2\x80\x93|\xEF\xBC\x8D)*(?:第\s*)?[0-9]{1,4}(?:\s*页)?(?:\s*/\s*[0-9]{1,4}|\s*共\s*[0-9]{1,4}\s*页)?(?:[-—–－~·•\s])*$)");
    return text.size() <= 40 && std::regex_match(std::string(text), pattern);
}

// Drops page numbers and running headers, computes alignment from the text block, marks the
// first line of each page. Says in a diagnostic what it dropped.
void finish_pages(bulletin::Document& doc, const Furniture& opt, std::string_view plugin) {
    std::vector<std::string> dropped;
    // Texts of every line, to recognise a header that repeats the series name or another page.
    std::map<std::string, std::set<int>> seen;
    for (const auto& page : doc.pages)
        for (const auto& line : page.lines)
            seen[masked(line.text)].insert(page.number);
    auto repeats = [&](std::string_view text, int page) {
        std::size_t start = 0;
        while (start <= text.size()) {
            auto end = text.find(' ', start);
            auto piece = masked(text.substr(start, end - start));
            auto it = piece.empty() ? seen.end() : seen.find(piece);
            if (it != seen.end() && (it->second.size() > 1 || !it->second.count(page))) return true;
            if (end == std::string_view::npos) break;
            start = end + 1;
        }
        return false;
    };
    for (auto& page : doc.pages) {
        double h = page.height > 0 ? page.height : 842;
        std::vector<Line> kept;
        for (std::size_t i = 0; i < page.lines.size(); ++i) {
            const Line& line = page.lines[i];
            const auto& l = line.layout;
            bool edge = l.y > h * 0.88 || l.y + l.height < h * 0.1;
            bool drop = opt.drop_page_numbers && edge && is_page_number(line.text);
            // A running header: short, at the top of page 2+, set apart from the text below,
            // and repeating text found on another page (often the series name on page 1).
            if (!drop && opt.drop_running_headers && page.number >= 2 &&
                i + 1 < page.lines.size() && l.y + l.height < h * opt.header_band &&
                bulletin::text::length(line.text) <= 30) {
                const auto& next = page.lines[i + 1].layout;
                drop = next.y - (l.y + l.height) > l.height && repeats(line.text, page.number);
            }
            if (drop)
                dropped.push_back(line.text);
            else
                kept.push_back(line);
        }
        page.lines = std::move(kept);
    }
    // Text block: the most common left and right edges (2 pt bins) of wide lines, so an
    // outlier (a watermark, a stamp) does not move it.
    std::map<long, int> lefts, rights;
    double widest = 0;
    for (const auto& page : doc.pages)
        widest = std::max(widest, page.width);
    for (const auto& page : doc.pages)
        for (const auto& line : page.lines)
            if (line.layout.width > widest * 0.5) {
                ++lefts[std::lround(line.layout.x / 2)];
                ++rights[std::lround((line.layout.x + line.layout.width) / 2)];
            }
    auto mode = [](const std::map<long, int>& bins, double fallback) {
        if (bins.empty()) return fallback;
        auto best = std::max_element(bins.begin(), bins.end(),
                                     [](auto& a, auto& b) { return a.second < b.second; });
        return 2.0 * static_cast<double>(best->first);
    };
    double left = mode(lefts, 0), right = mode(rights, widest);
    if (left >= right) left = 0, right = widest;
    // Body size: the most common font size. Large type (titles) may fill most of the width.
    std::map<long, int> sizes;
    for (const auto& page : doc.pages)
        for (const auto& line : page.lines)
            ++sizes[std::lround(line.layout.font_size * 2)];
    double body = mode(sizes, 0) / 4; // bins are half points; mode() doubles the bin
    for (auto& page : doc.pages) {
        for (auto& line : page.lines) {
            auto& l = line.layout;
            double em = std::max(l.font_size, 1.0);
            double gap_left = l.x - left, gap_right = right - (l.x + l.width);
            double margin = (l.font_size > body * 1.2 ? 0.5 : 2.5) * em;
            if (std::abs(gap_left - gap_right) < std::max(em, 6.0) && gap_left > margin)
                l.alignment = Alignment::Center;
            else if (std::abs(gap_right) < em && gap_left > (right - left) / 3)
                l.alignment = Alignment::Right;
            else
                l.alignment = Alignment::Left;
        }
        if (!page.lines.empty()) page.lines.front().starts_page = true;
    }
    if (!dropped.empty()) {
        std::string list;
        for (std::size_t i = 0; i < dropped.size() && i < 8; ++i)
            list += (i ? ", '" : "'") + dropped[i] + "'";
        if (dropped.size() > 8) list += ", ...";
        doc.diagnose(bulletin::Severity::Info, std::string(plugin),
                     "dropped " + std::to_string(dropped.size()) +
                         " page-furniture line(s) (page numbers, running headers): " + list);
    }
}

TextBudget::TextBudget(std::string file, std::string_view reader, long long max_chars,
                       long long max_lines)
    : file_(std::move(file)), reader_(reader),
      max_chars_(max_chars > 0 ? static_cast<std::size_t>(max_chars) : 0),
      max_lines_(max_lines > 0 ? static_cast<std::size_t>(max_lines) : 0) {}

namespace {
[[noreturn]] void over_budget(const std::string& file, const std::string& reader, std::size_t limit,
                              const char* what, const char* param) {
    throw Error(file + ": the document has more than " + std::to_string(limit) + " " + what +
                " of text (the " + reader + " reader's " + param + " limit; a bulletin has far " +
                "fewer: raise it with --set " + reader + "." + param +
                "=N if this really is one document)");
}
} // namespace

void TextBudget::add_chars(std::size_t n) {
    chars_ += n;
    if (max_chars_ && chars_ > max_chars_)
        over_budget(file_, reader_, max_chars_, "characters", "max_chars");
}

void TextBudget::add_lines(std::size_t n) {
    lines_ += n;
    if (max_lines_ && lines_ > max_lines_)
        over_budget(file_, reader_, max_lines_, "lines", "max_lines");
}

} // namespace bulletin::layout
