// PDF reader (poppler-cpp): text boxes with font name and size, grouped into lines by
// baseline and put in reading order (top-to-bottom, left-to-right; a wide gap splits a baseline
// into two lines, as pdftotext does). Page numbers ("— 1 —") and running headers on pages 2+
// are dropped and reported. poppler-cpp does not expose text colour, so colour stays 0.
#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <poppler-document.h>
#include <poppler-page.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>

namespace {

using bulletin::Alignment;
using bulletin::Line;
using bulletin::Page;

// ---- layout: runs of glyphs -> lines (the same steps as the OFD reader) ----

struct Run {
    std::string text;
    double x = 0, baseline = 0, width = 0, size = 0; // points, page top-left origin
    std::string font;
    bool bold = false;
    std::uint32_t color = 0;
};

bool is_blank(std::string_view s) {
    return bulletin::text::trim(s).empty();
}

std::string masked(std::string_view text) {
    std::string out;
    for (char c : bulletin::text::remove_spaces(text))
        out += (c >= '0' && c <= '9') ? '#' : c;
    return out;
}

Line make_line(const std::vector<const Run*>& runs) {
    Line line;
    const Run* main = runs.front();
    double left = runs.front()->x, right = left, top = 1e9, bottom = -1e9;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const Run& r = *runs[i];
        if (i > 0) {
            const Run& prev = *runs[i - 1];
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
std::vector<Line> build_lines(std::vector<Run> runs, double column_gap) {
    std::erase_if(runs, [](const Run& r) { return is_blank(r.text) || r.size <= 0; });
    std::stable_sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) {
        return a.baseline < b.baseline || (a.baseline == b.baseline && a.x < b.x);
    });
    std::vector<Line> lines;
    std::size_t i = 0;
    while (i < runs.size()) {
        std::vector<const Run*> cluster{&runs[i]};
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
                         [](const Run* a, const Run* b) { return a->x < b->x; });
        std::vector<const Run*> segment;
        for (const Run* r : cluster) {
            if (!segment.empty()) {
                const Run* prev = segment.back();
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

struct Furniture {
    bool drop_page_numbers = true;
    bool drop_running_headers = true;
    double header_band = 0.12; // fraction of the page height
};

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

// ---- PDF specifics ----

// "AAAAAA+UMingCN-0" -> "UMingCN-0": the subset tag says nothing about the face.
std::string font_family(std::string name) {
    if (name.size() > 7 && name[6] == '+' &&
        std::all_of(name.begin(), name.begin() + 6, [](char c) { return c >= 'A' && c <= 'Z'; }))
        name.erase(0, 7);
    return name;
}

bool bold_name(std::string_view name) {
    for (auto word : {"Bold", "bold", "Heavy", "Black", "Semibold", "Demi"})
        if (name.find(word) != std::string_view::npos) return true;
    return false;
}

class PdfReader final : public bulletin::Reader {
public:
    explicit PdfReader(const bulletin::Params& params)
        : password_(params.string("password")), column_gap_(params.number("column_gap")) {
        furniture_.drop_page_numbers = params.boolean("drop_page_numbers");
        furniture_.drop_running_headers = params.boolean("drop_running_headers");
        max_pages_ = params.integer("max_pages");
    }

    bool accepts(const bulletin::Input& input) const override {
        // The header may follow some junk, but must come within the first KiB.
        return input.bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos;
    }

    void read(const bulletin::Input& input, bulletin::Document& doc,
              bulletin::Context& ctx) override {
        const std::string file = input.path.string();
        if (input.bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
            throw bulletin::Error(file + ": too large for the PDF reader (over 2 GiB)");
        std::unique_ptr<poppler::document> pdf(poppler::document::load_from_raw_data(
            input.bytes.data(), static_cast<int>(input.bytes.size()), password_, password_));
        if (!pdf) throw bulletin::Error(file + ": not a readable PDF (damaged or truncated)");
        if (pdf->is_locked())
            throw bulletin::Error(file + ": the PDF is encrypted and needs a password" +
                                  (password_.empty() ? "; set the reader's 'password' parameter"
                                                     : "; the given password does not open it"));
        int count = pdf->pages();
        if (count <= 0) throw bulletin::Error(file + ": the PDF has no pages");
        if (max_pages_ > 0 && count > max_pages_)
            throw bulletin::Error(file + ": the PDF has " + std::to_string(count) +
                                  " pages, more than the limit of " + std::to_string(max_pages_) +
                                  " (the pdf reader's max_pages parameter; raise it with --set "
                                  "pdf.max_pages=N if this really is one bulletin)");
        std::size_t boxes = 0;
        for (int i = 0; i < count; ++i) {
            if (ctx.cancelled()) throw bulletin::Error(file + ": cancelled");
            Page out;
            out.number = i + 1;
            std::unique_ptr<poppler::page> page(pdf->create_page(i));
            if (!page) {
                doc.diagnose(bulletin::Severity::Warning, std::string(ctx.plugin_name()),
                             "page " + std::to_string(i + 1) + " cannot be read; left empty",
                             i + 1);
                doc.pages.push_back(std::move(out));
                continue;
            }
            auto rect = page->page_rect(poppler::media_box);
            out.width = rect.width();
            out.height = rect.height();
            std::vector<Run> runs;
            for (auto& box : page->text_list(poppler::page::text_list_include_font)) {
                auto utf8 = box.text().to_utf8();
                Run run;
                run.text.assign(utf8.begin(), utf8.end());
                auto b = box.bbox();
                run.size = box.get_font_size() > 0 ? box.get_font_size() : b.height();
                run.x = b.x();
                run.width = b.width();
                run.baseline = b.y() + 0.88 * b.height();
                run.font = font_family(box.get_font_name());
                run.bold = bold_name(run.font);
                runs.push_back(std::move(run));
            }
            boxes += runs.size();
            out.lines = build_lines(std::move(runs), column_gap_);
            doc.pages.push_back(std::move(out));
        }
        if (boxes == 0)
            throw bulletin::Error(file + ": the PDF has no text layer (a scanned image?); "
                                         "run OCR on it first");
        doc.source.format = "pdf";
        doc.source.pages = count;
        finish_pages(doc, furniture_, ctx.plugin_name());
    }

private:
    std::string password_;
    double column_gap_ = 3;
    Furniture furniture_;
    long long max_pages_ = 0;
};

} // namespace

constexpr bulletin::ParamSpec kPdfParams[] = {
    {"max_pages", bulletin::ParamType::Int, "1000", false,
     "Refuse PDFs with more pages than this (0: no limit); a bulletin has a few dozen at most."},
    {"password", bulletin::ParamType::String, "", false,
     "Password for encrypted PDFs (tried as owner and user password)."},
    {"column_gap", bulletin::ParamType::Double, "3", false,
     "A horizontal gap wider than this many font sizes splits a baseline into two lines."},
    {"drop_page_numbers", bulletin::ParamType::Bool, "true", false,
     "Drop page numbers such as '— 1 —' at the top or bottom of a page."},
    {"drop_running_headers", bulletin::ParamType::Bool, "true", false,
     "Drop lines at the top of pages 2+ that repeat text found on another page."},
};
BULLETIN_PLUGIN(kPdf, PdfReader, "pdf", bulletin::PluginKind::Reader,
                "Reads PDF text with font names, sizes and positions, in reading order.",
                kPdfParams);
BULLETIN_MODULE("pdf", "1.0.0", "GPL-2.0-or-later", "PDF reader (poppler-cpp).", &kPdf)
