// OFD reader (GB/T 33190): OFD.xml -> DocRoot -> Document.xml -> pages in order. Glyphs come
// from TextObject/TextCode (X, Y, DeltaX/DeltaY with the "g N v" repeat form, Boundary, CTM),
// are grouped into runs, then into lines by baseline, top-to-bottom and left-to-right.
// Element names are matched without their prefix, so documents with a missing or non-standard
// namespace read the same. Paths are tried relative to the referring file, then from the
// package root (real producers write both).
#include <bulletin/layout.hpp>
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

// Runs of glyphs -> lines, page furniture, alignment: bulletin/layout.hpp (shared with PDF).
using Run = bulletin::layout::GlyphRun;
using bulletin::layout::build_lines;
using bulletin::layout::finish_pages;
using bulletin::layout::Furniture;
using bulletin::layout::is_page_number;

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
        max_chars_ = params.integer("max_chars");
        max_lines_ = params.integer("max_lines");
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
        State st(bulletin::zip::Archive(input.bytes, limits_, input.path.string()),
                 input.path.string(), doc, ctx,
                 bulletin::layout::TextBudget(input.path.string(), ctx.plugin_name(), max_chars_,
                                              max_lines_));
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
                fail(st, "the document root '" + ref +
                             "' named by OFD.xml points outside the "
                             "package (a damaged or hostile file); refusing it");
            if (!path)
                fail(st, "the document root '" + ref +
                             "' named by OFD.xml is not in the package "
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
        if (st.shared_pages > 0)
            doc.diagnose(bulletin::Severity::Warning, std::string(ctx.plugin_name()),
                         std::to_string(st.shared_pages) +
                             " page(s) draw the content part of an earlier page (first: page " +
                             std::to_string(st.first_shared_page) + " draws " +
                             st.first_shared_content +
                             "); each was read again, and counts toward the reader's limits");
        finish_pages(doc, furniture_, ctx.plugin_name());
    }

private:
    struct State {
        State(bulletin::zip::Archive archive, std::string name, bulletin::Document& document,
              bulletin::Context& context, bulletin::layout::TextBudget limits)
            : zip(std::move(archive)), file(std::move(name)), doc(document), ctx(context),
              budget(std::move(limits)) {}
        bulletin::zip::Archive zip;
        std::string file;
        bulletin::Document& doc;
        bulletin::Context& ctx;
        bulletin::layout::TextBudget budget;          // max_chars, max_lines
        std::map<std::string, Font> fonts;            // resource ID -> font
        std::map<std::string, std::string> templates; // template ID -> path
        std::vector<double> default_box;              // PhysicalBox, mm
        int hidden = 0;                               // invisible text objects skipped
        std::set<std::string> contents;               // page content parts read so far
        int shared_pages = 0; // pages whose content part an earlier page drew too
        int first_shared_page = 0;
        std::string first_shared_content;
        std::set<std::string> repaired; // parts whose XML prepare_xml() changed (reported once)
    };

    [[noreturn]] static void fail(const State& st, const std::string& message) {
        throw bulletin::Error(st.file + ": " + message);
    }

    static pugi::xml_document parse(State& st, const std::string& path, bool required) {
        pugi::xml_document xml;
        std::string bytes = st.zip.read(path);
        auto fixes = bulletin::zip::prepare_xml(bytes);
        if (auto what = fixes.describe(); !what.empty() && st.repaired.insert(path).second)
            st.doc.diagnose(bulletin::Severity::Warning, std::string(st.ctx.plugin_name()),
                            path + ": " + what);
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
        if (static_cast<long long>(page_number + pages.size()) > max_pages_)
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
        if (!st.contents.insert(*path).second && st.shared_pages++ == 0) {
            st.first_shared_page = out.number;
            st.first_shared_content = *path;
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
        st.budget.add_lines(out.lines.size());
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
            st.budget.add_chars(glyphs.size());
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
    long long max_chars_ = 0;
    long long max_lines_ = 0;
};

} // namespace

constexpr bulletin::ParamSpec kOfdParams[] = {
    bulletin::int_param("max_pages", "1000", "Refuse packages with more pages than this.")
        .range(1, 100000),
    bulletin::layout::max_chars_param(
        "Refuse packages whose pages hold more characters of text than this in all."),
    bulletin::layout::max_lines_param(
        "Refuse packages whose pages make more lines than this in all."),
    bulletin::zip::max_entries_param(),
    bulletin::zip::max_total_mb_param("Refuse packages that inflate to more than this many MiB, "
                                      "counting every read of a part (pages that share a part "
                                      "count it each time)."),
    bulletin::zip::max_ratio_param(),
    bulletin::bool_param("templates", "false",
                         "Also read the text of template pages (page furniture: letterheads, form "
                         "labels)."),
    bulletin::layout::column_gap_param(),
    bulletin::layout::drop_page_numbers_param(),
    bulletin::layout::drop_running_headers_param(),
};
BULLETIN_READER(kOfd, OfdReader, "ofd",
                "Reads OFD (GB/T 33190) packages: text with fonts, sizes and positions, in "
                "reading order.",
                kOfdParams, "ofd", 0u);
BULLETIN_MODULE("ofd", "1.0.0", "MIT", "OFD reader (libzip + pugixml).", &kOfd)
