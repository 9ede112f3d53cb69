// DOCX reader (libzip + pugixml): each non-empty paragraph of the main document part becomes one
// Line with ends_paragraph = true, carrying its style id (w:pStyle), alignment (w:jc),
// first-line indent, and the font, size, bold and colour of its longest run. Properties resolve
// in Word's order: document defaults, the paragraph style chain (w:basedOn), the run's character
// style, then direct formatting. Headers, footers and footnotes are other parts and are not read.
#include <bulletin/layout.hpp>
#include <bulletin/module.hpp>
#include <bulletin/text.hpp>
#include <bulletin/zip.hpp>

#include <pugixml.hpp>

#include <charconv>
#include <cmath>
#include <map>
#include <optional>

namespace {

using bulletin::Alignment;

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

// w:val and friends: attributes are matched without their prefix too.
pugi::xml_attribute attr(pugi::xml_node node, std::string_view name) {
    for (auto a : node.attributes())
        if (local_name(a.name()) == name) return a;
    return {};
}

// On/off properties: <w:b/> is on, <w:b w:val="0|false|off"/> is off.
std::optional<bool> toggle(pugi::xml_node props, std::string_view name) {
    auto node = child(props, name);
    if (!node) return std::nullopt;
    std::string_view v = attr(node, "val").as_string("true");
    return !(v == "0" || v == "false" || v == "off" || v == "none");
}

struct RunProps {
    std::optional<std::string> font;
    std::optional<double> size; // points
    std::optional<bool> bold;
    std::optional<std::uint32_t> color;

    void apply(pugi::xml_node rpr) {
        if (!rpr) return;
        if (auto fonts = child(rpr, "rFonts")) {
            // Chinese text is set in the East Asian font; fall back to the others.
            for (auto key : {"eastAsia", "ascii", "hAnsi"})
                if (auto a = attr(fonts, key); a && *a.value()) {
                    font = a.value();
                    break;
                }
        }
        if (auto sz = child(rpr, "sz")) size = attr(sz, "val").as_double() / 2;
        if (auto b = toggle(rpr, "b")) bold = b;
        if (auto c = child(rpr, "color")) {
            std::string_view v = attr(c, "val").as_string();
            if (v.size() == 6 && v != "auto")
                if (std::uint32_t rgb = 0;
                    std::from_chars(v.data(), v.data() + v.size(), rgb, 16).ptr == v.data() + 6)
                    color = rgb;
        }
    }
};

struct ParaProps {
    std::optional<Alignment> alignment;
    std::optional<double> first_line;       // points
    std::optional<double> first_line_chars; // in characters
    void apply(pugi::xml_node ppr) {
        if (!ppr) return;
        if (auto jc = child(ppr, "jc")) {
            std::string_view v = attr(jc, "val").as_string();
            if (v == "center")
                alignment = Alignment::Center;
            else if (v == "right" || v == "end")
                alignment = Alignment::Right;
            else if (v == "both" || v == "distribute" || v == "thaiDistribute")
                alignment = Alignment::Justify;
            else
                alignment = Alignment::Left;
        }
        if (auto ind = child(ppr, "ind")) {
            if (auto a = attr(ind, "firstLineChars"))
                first_line_chars = a.as_double() / 100;
            else if (auto f = attr(ind, "firstLine"))
                first_line = f.as_double() / 20;
            if (auto h = attr(ind, "hanging")) first_line = -h.as_double() / 20;
        }
    }
};

// Deeper nesting than this is hostile input, not a document (keeps the stack safe).
constexpr int kMaxDepth = 200;

struct Style {
    std::string based_on;
    pugi::xml_node ppr, rpr;
};

class DocxReader final : public bulletin::Reader {
public:
    explicit DocxReader(const bulletin::Params& params) {
        limits_.max_entries = static_cast<std::uint64_t>(params.integer("max_entries"));
        limits_.max_total_size = static_cast<std::uint64_t>(params.integer("max_total_mb")) << 20;
        limits_.max_entry_size = limits_.max_total_size;
        limits_.max_ratio = params.number("max_ratio");
        max_chars_ = params.integer("max_chars");
        max_lines_ = params.integer("max_lines");
    }

    bool accepts(const bulletin::Input& input) const override {
        if (!bulletin::zip::looks_like_zip(input.bytes)) return false;
        try {
            bulletin::zip::Archive zip(input.bytes, limits_, input.path.string());
            return zip.contains("word/document.xml");
        } catch (const std::exception&) {
            // A damaged .docx is still ours, so the user hears why it failed.
            auto ext = input.path.extension().string();
            return ext == ".docx" || ext == ".DOCX";
        }
    }

    void read(const bulletin::Input& input, bulletin::Document& doc,
              bulletin::Context& ctx) override {
        file_ = input.path.string();
        bulletin::zip::Archive zip(input.bytes, limits_, file_);
        budget_.emplace(file_, ctx.plugin_name(), max_chars_, max_lines_);
        paragraphs_ = 0;
        auto main = main_part(zip);
        pugi::xml_document xml;
        load(zip, main, xml, true, doc, ctx);
        styles_xml_.reset();
        if (zip.contains("word/styles.xml"))
            load(zip, "word/styles.xml", styles_xml_, false, doc, ctx);
        read_styles(styles_xml_);

        auto body = child(xml.document_element(), "body");
        if (!body) fail("word/document.xml has no body");
        doc.pages.clear();
        doc.pages.emplace_back();
        doc.pages.back().number = 1;
        if (auto sect = child(body, "sectPr"))
            if (auto size = child(sect, "pgSz")) {
                doc.pages.back().width = attr(size, "w").as_double() / 20;
                doc.pages.back().height = attr(size, "h").as_double() / 20;
            }
        blocks(body, doc, ctx);
        std::erase_if(doc.pages, [](const bulletin::Page& p) { return p.lines.empty(); });
        for (std::size_t i = 0; i < doc.pages.size(); ++i) {
            doc.pages[i].number = static_cast<int>(i) + 1;
            doc.pages[i].lines.front().starts_page = true;
        }
        if (doc.pages.empty()) fail("the document body has no text");
        doc.source.format = "docx";
        doc.source.pages = static_cast<int>(doc.pages.size());
    }

private:
    [[noreturn]] void fail(const std::string& message) const {
        throw bulletin::Error(file_ + ": " + message);
    }

    // The main part from the package relationships; word/document.xml by convention.
    std::string main_part(bulletin::zip::Archive& zip) const {
        if (zip.contains("_rels/.rels")) {
            pugi::xml_document rels;
            std::string bytes = zip.read("_rels/.rels");
            if (rels.load_buffer(bytes.data(), bytes.size()))
                for (auto rel : rels.document_element().children()) {
                    std::string_view type = attr(rel, "Type").as_string();
                    if (type.ends_with("/officeDocument"))
                        if (auto path =
                                bulletin::zip::normalize_path(attr(rel, "Target").as_string()))
                            if (zip.contains(*path)) return *path;
                }
        }
        if (!zip.contains("word/document.xml"))
            fail("no word/document.xml in the package: not a DOCX file");
        return "word/document.xml";
    }

    void load(bulletin::zip::Archive& zip, const std::string& path, pugi::xml_document& xml,
              bool required, bulletin::Document& doc, bulletin::Context& ctx) const {
        std::string bytes = zip.read(path);
        auto fixes = bulletin::zip::prepare_xml(bytes);
        if (auto what = fixes.describe(); !what.empty())
            doc.diagnose(bulletin::Severity::Warning, std::string(ctx.plugin_name()),
                         path + ": " + what);
        auto result = xml.load_buffer(bytes.data(), bytes.size(),
                                      pugi::parse_default | pugi::parse_ws_pcdata);
        if (!result && required)
            fail(path + " is not well-formed XML (" + result.description() + ")");
    }

    void read_styles(const pugi::xml_document& xml) {
        styles_.clear();
        defaults_ = {};
        auto root = xml.document_element();
        if (auto defaults = child(root, "docDefaults")) {
            defaults_.rpr = child(child(defaults, "rPrDefault"), "rPr");
            defaults_.ppr = child(child(defaults, "pPrDefault"), "pPr");
        }
        for (auto s : root.children()) {
            if (local_name(s.name()) != "style") continue;
            std::string_view type = attr(s, "type").as_string();
            std::string id = attr(s, "styleId").as_string();
            Style style{attr(child(s, "basedOn"), "val").as_string(), child(s, "pPr"),
                        child(s, "rPr")};
            if (type == "paragraph" || type == "character")
                styles_[std::string(type) + ":" + id] = style;
            if (type == "paragraph" && attr(s, "default").as_bool()) default_para_ = id;
        }
    }

    // Applies a style and what it is based on, base first; guards against loops.
    template <class F>
    void chain(const std::string& kind, std::string id, F&& each, int depth = 0) {
        auto it = styles_.find(kind + ":" + id);
        if (it == styles_.end() || depth > 16) return;
        if (!it->second.based_on.empty()) chain(kind, it->second.based_on, each, depth + 1);
        each(it->second);
    }

    // Paragraphs in body order; tables, content controls and tracked insertions are walked.
    void blocks(pugi::xml_node node, bulletin::Document& doc, bulletin::Context& ctx,
                int depth = 0) {
        if (depth > kMaxDepth) fail("tables or content controls nest too deeply");
        for (auto c : node.children()) {
            auto name = local_name(c.name());
            if (name == "p") {
                // One part holds every paragraph: look for a stop request now and then.
                if (paragraphs_++ % 4096 == 0 && ctx.cancelled()) fail("cancelled");
                paragraph(c, doc);
            } else if (name == "tbl" || name == "tr" || name == "tc" || name == "sdt" ||
                       name == "sdtContent" || name == "ins" || name == "customXml")
                blocks(c, doc, ctx, depth + 1);
        }
    }

    struct Piece {
        std::string text;
        RunProps props;
    };

    // Collects the text of runs under `node` (hyperlinks, smart tags and fields included,
    // deletions left out). Tabs become "\t"; a hard page break starts a new page.
    void runs(pugi::xml_node node, const RunProps& para_runs, std::vector<Piece>& out,
              bool& page_break, int depth = 0) {
        if (depth > kMaxDepth) fail("runs nest too deeply");
        for (auto c : node.children()) {
            auto name = local_name(c.name());
            if (name == "r") {
                RunProps props = para_runs;
                auto rpr = child(c, "rPr");
                if (auto rs = child(rpr, "rStyle"))
                    chain("character", attr(rs, "val").as_string(),
                          [&](const Style& s) { props.apply(s.rpr); });
                props.apply(rpr);
                Piece piece{"", props};
                for (auto t : c.children()) {
                    auto tn = local_name(t.name());
                    if (tn == "t")
                        piece.text += t.child_value();
                    else if (tn == "tab" || tn == "ptab")
                        piece.text += '\t';
                    else if (tn == "noBreakHyphen")
                        piece.text += '-';
                    else if (tn == "br" || tn == "cr") {
                        std::string_view type = attr(t, "type").as_string();
                        if (type == "page")
                            page_break = true;
                        else
                            piece.text += '\n';
                    }
                }
                out.push_back(std::move(piece));
            } else if (name == "hyperlink" || name == "smartTag" || name == "fldSimple" ||
                       name == "ins" || name == "sdt" || name == "sdtContent" ||
                       name == "customXml") {
                runs(c, para_runs, out, page_break, depth + 1);
            }
        }
    }

    void paragraph(pugi::xml_node p, bulletin::Document& doc) {
        auto ppr = child(p, "pPr");
        std::string style_id = attr(child(ppr, "pStyle"), "val").as_string();
        if (style_id.empty()) style_id = default_para_;
        RunProps rprops;
        ParaProps pprops;
        rprops.apply(defaults_.rpr);
        pprops.apply(defaults_.ppr);
        chain("paragraph", style_id, [&](const Style& s) {
            rprops.apply(s.rpr);
            pprops.apply(s.ppr);
        });
        pprops.apply(ppr);

        std::vector<Piece> pieces;
        bool page_break = child(ppr, "pageBreakBefore") && toggle(ppr, "pageBreakBefore").value();
        if (page_break && !doc.pages.back().lines.empty()) {
            doc.pages.emplace_back();
            doc.pages.back().width = doc.pages.front().width;
            doc.pages.back().height = doc.pages.front().height;
        }
        page_break = false;
        runs(p, rprops, pieces, page_break);

        std::string text;
        const Piece* main = nullptr;
        for (const auto& piece : pieces) {
            text += piece.text;
            if (!main || bulletin::text::length(piece.text) > bulletin::text::length(main->text))
                main = &piece;
        }
        text = tidy(text);
        if (!text.empty()) {
            bulletin::Line line;
            line.text = std::move(text);
            line.ends_paragraph = true;
            auto& l = line.layout;
            l.style = style_id;
            l.alignment = pprops.alignment.value_or(Alignment::Left);
            if (main) {
                l.font_name = main->props.font.value_or("");
                l.font_size = main->props.size.value_or(0);
                l.bold = main->props.bold.value_or(false);
                l.color = main->props.color.value_or(0);
            }
            if (pprops.first_line_chars)
                l.indent = *pprops.first_line_chars * (l.font_size > 0 ? l.font_size : 10.5);
            else
                l.indent = pprops.first_line.value_or(0);
            budget_->add_chars(bulletin::text::length(line.text));
            budget_->add_lines(1);
            doc.pages.back().lines.push_back(std::move(line));
        }
        if (page_break) {
            doc.pages.emplace_back();
            doc.pages.back().width = doc.pages.front().width;
            doc.pages.back().height = doc.pages.front().height;
        }
    }

    // Runs of tabs become one "\t"; a line break inside a paragraph joins the parts (with a
    // space only between non-CJK characters); leading and trailing white space goes.
    static std::string tidy(const std::string& raw) {
        auto in = bulletin::text::to_u32(raw);
        std::u32string out;
        for (std::size_t i = 0; i < in.size(); ++i) {
            char32_t c = in[i];
            if (c == U'\t') {
                if (out.empty() || out.back() != U'\t') out += U'\t';
            } else if (c == U'\n') {
                char32_t before = out.empty() ? U' ' : out.back();
                char32_t after = i + 1 < in.size() ? in[i + 1] : U' ';
                if (!bulletin::text::is_cjk(before) && !bulletin::text::is_cjk(after) &&
                    !bulletin::text::is_space(before))
                    out += U' ';
            } else {
                out += c;
            }
        }
        return std::string(bulletin::text::trim(bulletin::text::to_utf8(out)));
    }

    bulletin::zip::Limits limits_;
    long long max_chars_ = 0, max_lines_ = 0;
    std::string file_;
    std::optional<bulletin::layout::TextBudget> budget_; // of the document being read
    std::size_t paragraphs_ = 0;
    pugi::xml_document styles_xml_; // styles_ points into it
    std::map<std::string, Style> styles_;
    Style defaults_;
    std::string default_para_;
};

} // namespace

constexpr bulletin::ParamSpec kDocxParams[] = {
    bulletin::layout::max_chars_param("Refuse documents with more characters of text than this."),
    bulletin::layout::max_lines_param("Refuse documents with more paragraphs than this."),
    bulletin::zip::max_entries_param(),
    bulletin::zip::max_total_mb_param(
        "Refuse packages that inflate to more than this many MiB, counting every read of a part."),
    bulletin::zip::max_ratio_param(),
};
BULLETIN_READER(kDocx, DocxReader, "docx",
                "Reads DOCX paragraphs with style, alignment, indent, fonts and sizes.",
                kDocxParams, "docx", 0u);
BULLETIN_MODULE("docx", "1.0.0", "MIT", "DOCX reader (libzip + pugixml).", &kDocx)
