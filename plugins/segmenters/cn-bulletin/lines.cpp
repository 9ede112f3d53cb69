// cn.bulletin - the lines as the segmenter sees them: each decoded once into one buffer (as
// written, folded, and folded without white space), what the rules ask of a body line worked out
// once, and the body's full line width and font size.
#include "segmentation.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace cn_bulletin {
namespace {

constexpr double kTabCells = 2.0;       ///< printed width of a tab in leading white space
constexpr double kMinIndentCells = 1.0; ///< less leading white space than this is no indent
/// The widest band of body lines: those at least this fraction of the 90th-percentile width.
constexpr double kFullBandFraction = 0.75;
/// Font sizes closer than this (points) are one size: readers round differently.
constexpr double kSameFontSize = 0.25;

} // namespace

/// The sections in document order: masthead, table of contents, body (page furniture and marks
/// left out), articles, distribution; then one diagnostic for the page furniture dropped.
void Segmentation::run() {
    collect_lines();
    std::size_t begin = parse_masthead();
    if (doc_.masthead.series) series_ = squeeze(fold(u32(*doc_.masthead.series)));
    begin = parse_toc(begin);
    const std::size_t distribution = find_distribution(begin);
    body_.reserve(distribution - std::min(begin, distribution));
    for (std::size_t k = begin; k < distribution; ++k) {
        const TextLine& l = lines_[k];
        if (is_page_header(l)) {
            dropped_.push_back(utf8(l.raw));
            continue;
        }
        if (is_marker(l.key) || is_copies(l)) continue; // kept in metadata
        shape(lines_[k]);
        body_.push_back(&l);
    }
    measure();
    segment_articles();
    parse_distribution(distribution);
    if (!dropped_.empty()) {
        std::string list;
        for (const auto& line : dropped_)
            list += (list.empty() ? "'" : ", '") + line + "'";
        doc_.diagnose(bulletin::Severity::Info, kPlugin,
                      "dropped " + std::to_string(dropped_.size()) +
                          " page-furniture line(s) (page numbers, running headers): " + list);
    }
}

void Segmentation::collect_lines() {
    // One buffer for the document, allocated once, so the lines' views stay valid.
    std::size_t bytes = 0, count = 0;
    for (const auto& page : doc_.pages) {
        count += page.lines.size();
        for (const auto& line : page.lines)
            bytes += line.text.size();
    }
    // Room for each line as written, folded and squeezed: at most one code point per byte.
    // Only what the lines use is touched: scan() packs each line's three forms.
    text_ = std::make_unique_for_overwrite<char32_t[]>(3 * bytes);
    char32_t* w = text_.get();
    lines_.reserve(count);
    for (const auto& page : doc_.pages) {
        int pos = 0, index = 0;
        for (const auto& line : page.lines) {
            ++index;
            TextLine l;
            double lead = 0;
            std::size_t used = 0;
            if (!scan(line.text, w, l, lead, used)) continue;
            w += used;
            if (match_page_number(l.key)) { // "— 3 —" from any reader
                dropped_.push_back(utf8(l.raw));
                continue;
            }
            l.indent = lead >= kMinIndentCells ? lead : 0.0;
            if (line.layout.indent > 0 && l.indent == 0) l.indent = cfg_.indent;
            l.page =
                page.number > 0 ? page.number : static_cast<int>(&page - doc_.pages.data()) + 1;
            l.line = index;
            l.page_pos = pos++;
            l.ends_paragraph = line.ends_paragraph;
            l.layout = &line.layout;
            lines_.push_back(l);
        }
    }
    const auto& formats = cfg_.paragraph_formats;
    reader_paragraphs_ =
        std::find(formats.begin(), formats.end(), doc_.source.format) != formats.end();
}

/// One pass over a line's UTF-8: decodes it to `out` (room for 3 × its bytes) as written,
/// folded and without white space (raw, folded and key), trims it, and measures its width and
/// its leading white space (an ideographic space is a cell, an ASCII space half, a tab two).
/// The three forms end up packed at `out`, `used` code points in all. False for a blank line.
bool Segmentation::scan(std::string_view bytes, char32_t* out, TextLine& l, double& lead,
                        std::size_t& used) {
    const std::size_t size = bytes.size();
    const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
    const auto n = static_cast<int32_t>(size);
    bool exact = true;
    int32_t i = 0, begin = 0;
    Decoded d{};
    while (i < n) { // leading white space
        d = next_code_point(p, i, n);
        exact = exact && d.valid;
        begin = i;
        i = d.next;
        if (!is_space(d.c)) break;
        lead += d.c == U'\t' ? kTabCells : d.c < 0x80 ? 0.5 : 1.0;
    }
    if (i == 0 || is_space(d.c)) return false; // blank
    char32_t *const raw = out, *const folded = out + size, *const key = out + 2 * size;
    std::size_t j = 0, k = 0, end = 0;
    double width = 0;
    for (char32_t c = d.c;;) {
        if (c > 0x3000 && c < 0xFF01) { // CJK: itself folded, no space, one cell
            raw[j] = folded[j] = key[k++] = c;
            end = ++j;
            width += 1.0;
        } else {
            const char32_t f = fold(c);
            raw[j] = c;
            folded[j++] = f;
            width += cells(c);
            if (!is_space(c)) {
                key[k++] = f;
                end = j;
            }
        }
        if (i >= n) break;
        d = next_code_point(p, i, n);
        exact = exact && d.valid;
        c = d.c;
        i = d.next;
    }
    // Trailing white space is trimmed. Widths are multiples of half a cell, so subtracting
    // is exact: the same width as summing cells(raw). A valid line's bytes end before the
    // UTF-8 of that white space.
    std::size_t tail_bytes = 0;
    for (std::size_t t = end; t < j; ++t) {
        width -= cells(raw[t]);
        tail_bytes += raw[t] < 0x80 ? 1 : raw[t] < 0x800 ? 2 : 3; // white space is BMP
    }
    l.width = width;
    // Packed: folded right after raw, key after folded.
    std::memmove(raw + end, folded, end * sizeof(char32_t));
    std::memmove(raw + 2 * end, key, k * sizeof(char32_t));
    l.raw = std::u32string_view(raw, end);
    l.folded = std::u32string_view(raw + end, end);
    l.key = std::u32string_view(raw + 2 * end, k);
    used = 2 * end + k;
    if (exact) {
        // Valid UTF-8 round-trips through UTF-32: the line's own bytes are the output.
        const auto b = static_cast<std::size_t>(begin);
        l.utf8 = bytes.substr(b, size - tail_bytes - b);
        l.exact = true;
    }
    return true;
}

/// What the rules ask of a body line, once.
void Segmentation::shape(TextLine& l) {
    std::u32string_view s = l.folded;
    while (!s.empty() && cfg_.closers.has(s.back()))
        s.remove_suffix(1);
    l.terminal = !s.empty() && cfg_.terminal.has(s.back());
    l.subheading =
        cfg_.subheading ? subheading_.looking_at(l.folded) : match_default_subheading(l.folded);
    l.forbidden = std::any_of(l.folded.begin(), l.folded.end(),
                              [&](char32_t c) { return cfg_.title_forbidden.has(c); });
    if (auto b = trailing_byline(l.raw)) {
        l.byline_end = true;
        l.whole_byline = b->first == 0;
    }
}

bulletin::Location Segmentation::location(const TextLine& l) {
    bulletin::Location at;
    at.page = l.page;
    if (l.layout && l.layout->has_geometry) {
        at.x = l.layout->x;
        at.y = l.layout->y;
        at.width = l.layout->width;
        at.height = l.layout->height;
        at.has_box = true;
    }
    return at;
}

void Segmentation::diagnose(const TextLine& l, const std::string& message,
                            bulletin::Severity severity) {
    doc_.diagnose(severity, kPlugin, message + ": \"" + utf8(l.raw) + "\"", l.page, l.line);
}

/// The body's full line width: the median of the widest band of lines (most lines of a
/// hard-wrapped text are full), or the line_width parameter.
void Segmentation::measure() {
    std::vector<double> widths;
    for (const TextLine* l : body_)
        widths.push_back(l->width + l->indent);
    if (cfg_.line_width > 0) {
        width_ = cfg_.line_width;
    } else if (!widths.empty()) {
        std::sort(widths.begin(), widths.end());
        double p90 = widths[std::min(widths.size() - 1, widths.size() * 9 / 10)];
        std::vector<double> band;
        for (double w : widths)
            if (w >= kFullBandFraction * p90) band.push_back(w);
        width_ = band[band.size() / 2];
    }
    // The body font: the size that carries the most characters.
    std::vector<std::pair<double, double>> sizes; // size, characters
    for (const TextLine* l : body_) {
        double size = l->layout ? l->layout->font_size : 0;
        if (size <= 0) continue;
        auto it = std::find_if(sizes.begin(), sizes.end(), [&](const auto& s) {
            return std::abs(s.first - size) < kSameFontSize;
        });
        if (it == sizes.end())
            sizes.emplace_back(size, static_cast<double>(l->key.size()));
        else
            it->second += static_cast<double>(l->key.size());
    }
    auto best = std::max_element(sizes.begin(), sizes.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    if (best != sizes.end()) body_font_ = best->first;
}

} // namespace cn_bulletin
