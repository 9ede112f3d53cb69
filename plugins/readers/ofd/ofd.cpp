// OFD reader (GB/T 33190): OFD.xml -> DocRoot -> Document.xml -> pages in order. Glyphs come
// from TextObject/TextCode (X, Y, DeltaX/DeltaY with the "g N v" repeat form, Boundary, CTM),
// are grouped into runs, then into lines by baseline, top-to-bottom and left-to-right.
// Element names are matched without their prefix, so documents with a missing or non-standard
// namespace read the same. Paths are tried relative to the referring file, then from the
// package root (real producers write both).
#include <bulletin/module.hpp>
#include <bulletin/text.hpp>
#include <bulletin/zip.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <regex>
#include <set>

namespace {

using bulletin::Alignment;
using bulletin::Line;
using bulletin::Page;

constexpr double kPointsPerMm = 72.0 / 25.4;

// ---- layout: runs of glyphs -> lines (the same steps as the PDF reader) ----

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

// ---- OFD specifics ----

std::string_view local_name(const char* name) {
    std::string_view n(name);
    auto colon = n.find(':');
    return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

pugi::xml_node child(pugi::xml_node node, std::string_view name) {
    for (auto c : node.children())
        if (c.type() == pugi::node_element && local_name(c.name()) == name) return c;
    return {};
}

std::vector<pugi::xml_node> children(pugi::xml_node node, std::string_view name) {
    std::vector<pugi::xml_node> out;
    for (auto c : node.children())
        if (c.type() == pugi::node_element && local_name(c.name()) == name) out.push_back(c);
    return out;
}

pugi::xml_attribute attr(pugi::xml_node node, std::string_view name) {
    for (auto a : node.attributes())
        if (local_name(a.name()) == name) return a;
    return {};
}

std::string text_of(pugi::xml_node node) {
    return std::string(bulletin::text::trim(node.child_value()));
}

std::vector<double> numbers(std::string_view s) {
    std::vector<double> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() &&
               (s[i] == ' ' || s[i] == ',' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
            ++i;
        if (i >= s.size()) break;
        double v = 0;
        auto [end, ec] = std::from_chars(s.data() + i, s.data() + s.size(), v);
        if (ec != std::errc{}) { // skip an unreadable token
            while (i < s.size() && s[i] != ' ')
                ++i;
            continue;
        }
        out.push_back(v);
        i = static_cast<std::size_t>(end - s.data());
    }
    return out;
}

// DeltaX/DeltaY: numbers, where "g N v" stands for N copies of v. At most `cap` values.
std::vector<double> deltas(std::string_view s, std::size_t cap) {
    std::vector<double> out;
    std::vector<std::string_view> tokens;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
            ++i;
        std::size_t start = i;
        while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])))
            ++i;
        if (i > start) tokens.push_back(s.substr(start, i - start));
    }
    auto value = [](std::string_view t) {
        double v = 0;
        std::from_chars(t.data(), t.data() + t.size(), v);
        return v;
    };
    for (std::size_t k = 0; k < tokens.size() && out.size() < cap; ++k) {
        if (tokens[k] == "g" && k + 2 < tokens.size()) {
            auto n = static_cast<std::size_t>(std::max(0.0, value(tokens[k + 1])));
            double v = value(tokens[k + 2]);
            for (std::size_t c = 0; c < n && out.size() < cap; ++c)
                out.push_back(v);
            k += 2;
        } else {
            out.push_back(value(tokens[k]));
        }
    }
    return out;
}

std::uint32_t parse_color(std::string_view value) {
    std::vector<int> parts;
    std::size_t i = 0;
    while (i < value.size()) {
        while (i < value.size() && value[i] == ' ')
            ++i;
        std::size_t start = i;
        while (i < value.size() && value[i] != ' ')
            ++i;
        auto token = value.substr(start, i - start);
        if (token.empty()) break;
        int base = 10;
        if (token.starts_with('#')) token.remove_prefix(1), base = 16;
        int v = 0;
        std::from_chars(token.data(), token.data() + token.size(), v, base);
        parts.push_back(std::clamp(v, 0, 255));
    }
    auto rgb = [](int r, int g, int b) {
        return static_cast<std::uint32_t>((r << 16) | (g << 8) | b);
    };
    if (parts.size() == 1) return rgb(parts[0], parts[0], parts[0]);
    if (parts.size() == 3) return rgb(parts[0], parts[1], parts[2]);
    if (parts.size() == 4) { // CMYK
        auto k = 255 - parts[3];
        return rgb((255 - parts[0]) * k / 255, (255 - parts[1]) * k / 255,
                   (255 - parts[2]) * k / 255);
    }
    return 0;
}

struct Matrix {
    double a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;
    std::pair<double, double> apply(double x, double y) const {
        return {a * x + c * y + e, b * x + d * y + f};
    }
};

struct Font {
    std::string name;
    bool bold = false;
};

class OfdReader final : public bulletin::Reader {
public:
    explicit OfdReader(const bulletin::Params& params) {
        limits_.max_entries = static_cast<std::uint64_t>(params.integer("max_entries"));
        limits_.max_total_size = static_cast<std::uint64_t>(params.integer("max_total_mb")) << 20;
        limits_.max_entry_size = limits_.max_total_size;
        limits_.max_ratio = params.number("max_ratio");
        templates_ = params.boolean("templates");
        column_gap_ = params.number("column_gap");
        furniture_.drop_page_numbers = params.boolean("drop_page_numbers");
        furniture_.drop_running_headers = params.boolean("drop_running_headers");
        max_pages_ = params.integer("max_pages");
    }

    bool accepts(const bulletin::Input& input) const override {
        if (!bulletin::zip::looks_like_zip(input.bytes)) return false;
        try {
            bulletin::zip::Archive zip(input.bytes, limits_, input.path.string());
            return zip.contains("OFD.xml");
        } catch (const std::exception&) {
            // A damaged package still belongs to us when its name says OFD, so the user
            // hears why it failed instead of "no reader accepts this file".
            auto ext = input.path.extension().string();
            return ext == ".ofd" || ext == ".OFD";
        }
    }

    void read(const bulletin::Input& input, bulletin::Document& doc,
              bulletin::Context& ctx) override {
        State st{bulletin::zip::Archive(input.bytes, limits_, input.path.string()),
                 input.path.string(),
                 doc,
                 ctx,
                 {},
                 {},
                 {},
                 0};
        auto root_name = st.zip.find("OFD.xml");
        if (!root_name) fail(st, "no OFD.xml in the package: not an OFD file");
        auto ofd = parse(st, *root_name, true);
        auto root = ofd.document_element();
        int page_number = 0;
        auto bodies = children(root, "DocBody");
        if (bodies.empty()) fail(st, "OFD.xml has no DocBody");
        for (auto body : bodies) {
            auto ref = text_of(child(body, "DocRoot"));
            if (ref.empty()) fail(st, "OFD.xml names no DocRoot");
            auto path = locate(st, *root_name, ref);
            if (!path && !bulletin::zip::resolve_path(*root_name, bulletin::text::trim(ref)) &&
                !bulletin::zip::normalize_path(bulletin::text::trim(ref)))
                fail(st, "the document root '" + ref + "' named by OFD.xml points outside the "
                         "package (a damaged or hostile file); refusing it");
            if (!path)
                fail(st, "the document root '" + ref + "' named by OFD.xml is not in the package "
                         "(the file is incomplete or damaged; export it again)");
            read_document(st, *path, page_number);
        }
        std::size_t lines = 0;
        for (const auto& page : doc.pages)
            lines += page.lines.size();
        if (lines == 0)
            fail(st, "the OFD has no text (" + std::to_string(doc.pages.size()) +
                         " page(s) of images or graphics only: a scan?); run OCR on it first");
        doc.source.format = "ofd";
        doc.source.pages = static_cast<int>(doc.pages.size());
        if (st.hidden > 0)
            doc.diagnose(bulletin::Severity::Info, std::string(ctx.plugin_name()),
                         "skipped " + std::to_string(st.hidden) +
                             " invisible text object(s) (empty boundary)");
        finish_pages(doc, furniture_, ctx.plugin_name());
    }

private:
    struct State {
        bulletin::zip::Archive zip;
        std::string file;
        bulletin::Document& doc;
        bulletin::Context& ctx;
        std::map<std::string, Font> fonts;            // resource ID -> font
        std::map<std::string, std::string> templates; // template ID -> path
        std::vector<double> default_box;              // PhysicalBox, mm
        int hidden = 0;                               // invisible text objects skipped
    };

    [[noreturn]] static void fail(const State& st, const std::string& message) {
        throw bulletin::Error(st.file + ": " + message);
    }

    static pugi::xml_document parse(State& st, const std::string& path, bool required) {
        pugi::xml_document xml;
        std::string bytes = st.zip.read(path);
        auto result = xml.load_buffer(bytes.data(), bytes.size(),
                                      pugi::parse_default | pugi::parse_ws_pcdata_single);
        if (!result) {
            std::string message = path + " is not well-formed XML (" + result.description() +
                                  " at byte " + std::to_string(result.offset) + ")";
            if (required) fail(st, message);
            st.doc.diagnose(bulletin::Severity::Warning, std::string(st.ctx.plugin_name()),
                            message);
        }
        return xml;
    }

    // Relative to the referring file, then from the package root; absolute refs from the root.
    static std::optional<std::string> locate(const State& st, std::string_view base,
                                             std::string_view ref) {
        std::string r(bulletin::text::trim(ref));
        for (auto candidate :
             {bulletin::zip::resolve_path(base, r), bulletin::zip::normalize_path(r)})
            if (candidate)
                if (auto found = st.zip.find(*candidate)) return found;
        return std::nullopt;
    }

    void load_resources(State& st, const std::string& base, pugi::xml_node holder) {
        for (auto kind : {"PublicRes", "DocumentRes", "PageRes"})
            for (auto ref : children(holder, kind)) {
                auto path = locate(st, base, text_of(ref));
                if (!path) {
                    st.doc.diagnose(bulletin::Severity::Warning, std::string(st.ctx.plugin_name()),
                                    "resource file '" + text_of(ref) +
                                        "' is missing; fonts unknown");
                    continue;
                }
                auto xml = parse(st, *path, false);
                for (auto fonts : children(xml.document_element(), "Fonts"))
                    for (auto font : children(fonts, "Font")) {
                        Font f;
                        f.name = attr(font, "FontName").as_string();
                        if (f.name.empty()) f.name = attr(font, "FamilyName").as_string();
                        f.bold = attr(font, "Bold").as_bool();
                        st.fonts[attr(font, "ID").as_string()] = f;
                    }
            }
    }

    void read_document(State& st, const std::string& path, int& page_number) {
        if (!st.zip.contains(path))
            fail(st, "the document '" + path + "' named by OFD.xml is missing");
        auto xml = parse(st, path, true);
        auto document = xml.document_element();
        auto common = child(document, "CommonData");
        st.default_box = numbers(child(child(common, "PageArea"), "PhysicalBox").child_value());
        load_resources(st, path, common);
        for (auto tpl : children(common, "TemplatePage"))
            st.templates[attr(tpl, "ID").as_string()] = attr(tpl, "BaseLoc").as_string();
        auto pages = children(child(document, "Pages"), "Page");
        if (pages.empty())
            st.doc.diagnose(bulletin::Severity::Warning, std::string(st.ctx.plugin_name()),
                            path + " lists no pages");
        if (max_pages_ > 0 && static_cast<long long>(page_number + pages.size()) > max_pages_)
            fail(st, "the package has more than " + std::to_string(max_pages_) +
                         " pages (the ofd reader's max_pages parameter; raise it with --set "
                         "ofd.max_pages=N if this really is one bulletin)");
        for (auto page : pages) {
            if (st.ctx.cancelled()) fail(st, "cancelled");
            Page out;
            out.number = ++page_number;
            read_page(st, path, attr(page, "BaseLoc").as_string(), out);
            st.doc.pages.push_back(std::move(out));
        }
    }

    void read_page(State& st, const std::string& doc_path, const std::string& ref, Page& out) {
        auto path = locate(st, doc_path, ref);
        if (!path) {
            st.doc.diagnose(bulletin::Severity::Warning, std::string(st.ctx.plugin_name()),
                            "page content '" + ref + "' is missing; the page is left empty",
                            out.number);
            return;
        }
        auto xml = parse(st, *path, false);
        auto page = xml.document_element();
        auto box = numbers(child(child(page, "Area"), "PhysicalBox").child_value());
        if (box.size() < 4) box = st.default_box;
        if (box.size() >= 4) {
            out.width = box[2] * kPointsPerMm;
            out.height = box[3] * kPointsPerMm;
        }
        load_resources(st, *path, page);
        std::vector<Run> runs;
        // Template pages carry the furniture (frames, letterheads, labels): off by default.
        if (templates_)
            for (auto tpl : children(page, "Template")) {
                auto it = st.templates.find(attr(tpl, "TemplateID").as_string());
                if (it == st.templates.end()) continue;
                if (auto tpath = locate(st, doc_path, it->second)) {
                    auto txml = parse(st, *tpath, false);
                    collect(st, child(txml.document_element(), "Content"), runs);
                }
            }
        collect(st, child(page, "Content"), runs);
        out.lines = build_lines(std::move(runs), column_gap_);
    }

    // Walks layers and nested page blocks in drawing order.
    void collect(State& st, pugi::xml_node node, std::vector<Run>& runs, int depth = 0) {
        // Deeper nesting than this is hostile input, not a page (keeps the stack safe).
        if (depth > 200) fail(st, "page blocks nest too deeply");
        for (auto c : node.children()) {
            if (c.type() != pugi::node_element) continue;
            auto name = local_name(c.name());
            if (name == "TextObject")
                text_object(st, c, runs);
            else if (name == "Layer" || name == "PageBlock" || name == "CompositeObject")
                collect(st, c, runs, depth + 1);
        }
    }

    void text_object(State& st, pugi::xml_node obj, std::vector<Run>& runs) {
        auto boundary = numbers(attr(obj, "Boundary").as_string());
        // Producers hide machine-readable codes in text objects with an empty boundary.
        if (boundary.size() >= 4 && (boundary[2] == 0 || boundary[3] == 0)) {
            ++st.hidden;
            return;
        }
        double ox = boundary.size() >= 2 ? boundary[0] : 0,
               oy = boundary.size() >= 2 ? boundary[1] : 0;
        Matrix m;
        auto ctm = numbers(attr(obj, "CTM").as_string());
        if (ctm.size() == 6) m = {ctm[0], ctm[1], ctm[2], ctm[3], ctm[4], ctm[5]};
        double scale = std::hypot(m.c, m.d); // how the CTM stretches the glyph height
        if (scale <= 0) scale = 1;
        double size = attr(obj, "Size").as_double(attr(obj, "FontSize").as_double(0));
        const Font* font = nullptr;
        if (auto it = st.fonts.find(attr(obj, "Font").as_string()); it != st.fonts.end())
            font = &it->second;
        Run proto;
        proto.size = size * scale * kPointsPerMm;
        proto.font = font ? font->name : "";
        proto.bold = attr(obj, "Weight").as_int(400) >= 600 || (font && font->bold) ||
                     proto.font.find("Bold") != std::string::npos;
        if (auto fill = child(obj, "FillColor"))
            proto.color = parse_color(attr(fill, "Value").as_string());

        double x = 0, y = 0;
        for (auto code : children(obj, "TextCode")) {
            auto glyphs = bulletin::text::to_u32(code.child_value());
            if (auto ax = attr(code, "X")) x = ax.as_double();
            if (auto ay = attr(code, "Y")) y = ay.as_double();
            auto dx = deltas(attr(code, "DeltaX").as_string(), glyphs.size());
            auto dy = deltas(attr(code, "DeltaY").as_string(), glyphs.size());
            Run run = proto;
            std::u32string text;
            double run_x = x, run_y = y;
            auto flush = [&](double end_x) {
                if (text.empty()) return;
                auto [px, py] = m.apply(run_x, run_y);
                auto [ex, ey] = m.apply(end_x, run_y);
                run.text = bulletin::text::to_utf8(text);
                run.x = (ox + std::min(px, ex)) * kPointsPerMm;
                run.baseline = (oy + py) * kPointsPerMm;
                run.width = std::hypot(ex - px, ey - py) * kPointsPerMm;
                runs.push_back(run);
                text.clear();
            };
            for (std::size_t g = 0; g < glyphs.size(); ++g) {
                text += glyphs[g];
                double advance = g < dx.size() ? dx[g] : (glyphs[g] < 0x2E80 ? size / 2 : size);
                double rise = g < dy.size() ? dy[g] : 0;
                double next_x = x + advance, next_y = y + rise;
                // A jump back, a new baseline or a wide gap starts a new run.
                bool vertical = advance == 0 && rise > 0; // vertical writing stays one run
                if (!vertical && (rise != 0 || advance < 0 || advance > 3 * std::max(size, 0.1))) {
                    double glyph_end = x + (glyphs[g] < 0x2E80 ? size / 2 : size);
                    flush(glyph_end);
                    run_x = next_x;
                    run_y = next_y;
                }
                x = next_x;
                y = next_y;
            }
            flush(x);
        }
    }

    bulletin::zip::Limits limits_;
    bool templates_ = false;
    double column_gap_ = 3;
    Furniture furniture_;
    long long max_pages_ = 0;
};

} // namespace

constexpr bulletin::ParamSpec kOfdParams[] = {
    {"max_pages", bulletin::ParamType::Int, "1000", false,
     "Refuse packages with more pages than this (0: no limit)."},
    {"max_entries", bulletin::ParamType::Int, "10000", false,
     "Refuse packages with more zip entries than this."},
    {"max_total_mb", bulletin::ParamType::Int, "256", false,
     "Refuse packages that inflate to more than this many MiB."},
    {"max_ratio", bulletin::ParamType::Double, "100", false,
     "Refuse entries above 1 MiB compressed more than this ratio (zip bombs)."},
    {"templates", bulletin::ParamType::Bool, "false", false,
     "Also read the text of template pages (page furniture: letterheads, form labels)."},
    {"column_gap", bulletin::ParamType::Double, "3", false,
     "A horizontal gap wider than this many font sizes splits a baseline into two lines."},
    {"drop_page_numbers", bulletin::ParamType::Bool, "true", false,
     "Drop page numbers such as '— 1 —' at the top or bottom of a page."},
    {"drop_running_headers", bulletin::ParamType::Bool, "true", false,
     "Drop lines at the top of pages 2+ that repeat text found on another page."},
};
BULLETIN_PLUGIN(kOfd, OfdReader, "ofd", bulletin::PluginKind::Reader,
                "Reads OFD (GB/T 33190) packages: text with fonts, sizes and positions, in "
                "reading order.",
                kOfdParams);
BULLETIN_MODULE("ofd", "1.0.0", "MIT", "OFD reader (libzip + pugixml).", &kOfd)
