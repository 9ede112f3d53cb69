// HTML reader (gumbo): the main content of a government site page as paragraphs. Navigation,
// breadcrumbs, headers, footers, scripts and link lists are dropped; each block element
// (heading, paragraph, list item, cell) becomes one Line with ends_paragraph = true, its style
// the element name and its alignment from align= or CSS text-align (inherited from enclosing
// blocks). Pages in GB2312/GBK/GB18030 (from the BOM, <meta charset> or http-equiv, or guessed)
// are converted to UTF-8 before parsing.
#include <bulletin/layout.hpp>
#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

namespace {

using bulletin::Alignment;

struct GumboDeleter {
    void operator()(GumboOutput* output) const {
        gumbo_destroy_output(&kGumboDefaultOptions, output);
    }
};
using GumboPtr = std::unique_ptr<GumboOutput, GumboDeleter>;

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

/// True when `s` starts with `lower_prefix` (lower-case ASCII), ignoring ASCII case.
bool starts_with_nocase(std::string_view s, std::string_view lower_prefix) {
    if (s.size() < lower_prefix.size()) return false;
    for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != lower_prefix[i]) return false;
    }
    return true;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

std::string_view attribute(const GumboElement& e, const char* name) {
    const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
    return a ? std::string_view(a->value) : std::string_view();
}

// "text-align: right; color:#d90d0d" -> {text-align: right, color: #d90d0d}
std::map<std::string, std::string> css(std::string_view style) {
    std::map<std::string, std::string> out;
    while (!style.empty()) {
        auto semi = style.find(';');
        auto decl = style.substr(0, semi);
        auto colon = decl.find(':');
        if (colon != std::string_view::npos)
            out[lower(bulletin::trim_ascii(decl.substr(0, colon)))] =
                lower(bulletin::trim_ascii(decl.substr(colon + 1)));
        if (semi == std::string_view::npos) break;
        style.remove_prefix(semi + 1);
    }
    return out;
}

std::optional<Alignment> alignment_of(std::string_view value) {
    std::string v = lower(bulletin::trim_ascii(value));
    if (v == "center" || v == "middle") return Alignment::Center;
    if (v == "right" || v == "end") return Alignment::Right;
    if (v == "left" || v == "start") return Alignment::Left;
    if (v == "justify") return Alignment::Justify;
    return std::nullopt;
}

// CSS length in points; em and % relative to `font` (points).
std::optional<double> length_pt(std::string_view value, double font) {
    double v = 0;
    std::string s(bulletin::trim_ascii(value));
    std::size_t used = 0;
    try {
        v = std::stod(s, &used);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    std::string unit = lower(s.substr(used));
    if (unit == "pt") return v;
    if (unit == "px" || unit.empty()) return v * 0.75;
    if (unit == "em" || unit == "rem") return v * font;
    if (unit == "%") return v * font / 100;
    if (unit == "cm") return v * 72 / 2.54;
    if (unit == "mm") return v * 72 / 25.4;
    return std::nullopt;
}

std::optional<std::uint32_t> color_of(std::string_view value) {
    std::string v = lower(bulletin::trim_ascii(value));
    static const std::map<std::string, std::uint32_t> names{
        {"red", 0xFF0000}, {"black", 0}, {"blue", 0x0000FF}, {"green", 0x008000}};
    if (auto it = names.find(v); it != names.end()) return it->second;
    if (v.starts_with('#')) {
        std::string hex = v.substr(1);
        if (hex.size() == 3) hex = {hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]};
        if (hex.size() != 6 || hex.find_first_not_of("0123456789abcdef") != std::string::npos)
            return std::nullopt;
        return static_cast<std::uint32_t>(std::stoul(hex, nullptr, 16));
    }
    if (v.starts_with("rgb(")) {
        unsigned r = 0, g = 0, b = 0;
        if (std::sscanf(v.c_str(), "rgb(%u,%u,%u)", &r, &g, &b) == 3 ||
            std::sscanf(v.c_str(), "rgb(%u, %u, %u)", &r, &g, &b) == 3)
            return (std::min(r, 255u) << 16) | (std::min(g, 255u) << 8) | std::min(b, 255u);
    }
    return std::nullopt;
}

bool is_block(GumboTag tag) {
    switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_FORM:
        return true;
    default:
        return false;
    }
}

// Default sizes (points) of the UA style sheet with a 12 pt body.
double heading_size(GumboTag tag) {
    switch (tag) {
    case GUMBO_TAG_H1:
        return 24;
    case GUMBO_TAG_H2:
        return 18;
    case GUMBO_TAG_H3:
        return 14;
    case GUMBO_TAG_H4:
        return 12;
    case GUMBO_TAG_H5:
        return 10;
    case GUMBO_TAG_H6:
        return 8;
    default:
        return 0;
    }
}

// Class and id words that mark site chrome rather than the bulletin.
bool chrome_words(const GumboElement& e) {
    static const std::set<std::string> strong{
        "nav",    "navbar",   "navigation", "menu",   "breadcrumb", "breadcrumbs", "crumb",
        "crumbs", "position", "location",   "footer", "copyright",  "sidebar",     "share",
        "topbar", "dqwz",     "search",     "login",  "friendlink", "links"};
    for (auto key : {"class", "id"}) {
        std::string v = lower(attribute(e, key));
        std::string word;
        for (std::size_t i = 0; i <= v.size(); ++i) {
            char c = i < v.size() ? v[i] : ' ';
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                word += c;
            } else {
                if (strong.count(word)) return true;
                word.clear();
            }
        }
    }
    return false;
}

// Deeper nesting than this is hostile input, not a page (keeps the stack safe).
constexpr int kMaxDepth = 400;
constexpr std::size_t kMaxParseDepth = 2000;

/// An upper estimate of how deep elements nest: start tags minus end tags, scanning the text
/// once. Void elements, self-closing tags, comments and declarations do not count, nor do
/// elements whose end tag may be left out (p, li, td ...), which sloppy pages never close.
std::size_t nesting_estimate(std::string_view html) {
    static constexpr std::string_view kVoid[] = {
        "area",   "base",  "br",  "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p",   "li",    "td", "th",  "tr",    "dt",   "dd",   "option"};
    std::size_t depth = 0, deepest = 0;
    std::size_t close = 0; // the first '>' at or after the current tag name (found once: linear)
    for (std::size_t i = html.find('<'); i != std::string_view::npos; i = html.find('<', i + 1)) {
        if (i + 1 >= html.size()) break;
        char c = html[i + 1];
        if (c == '/') {
            if (depth > 0) --depth;
            continue;
        }
        if (!std::isalpha(static_cast<unsigned char>(c))) continue; // <!--, <!doctype, <?xml
        std::size_t end = i + 1;
        while (end < html.size() && std::isalnum(static_cast<unsigned char>(html[end])))
            ++end;
        std::string name(html.substr(i + 1, end - i - 1));
        for (auto& ch : name)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (close < end) close = html.find('>', end);
        if (close == std::string_view::npos) break; // no complete tag left
        bool self_closing = close > 0 && html[close - 1] == '/';
        if (self_closing || std::find(std::begin(kVoid), std::end(kVoid), name) != std::end(kVoid))
            continue;
        deepest = std::max(deepest, ++depth);
    }
    return deepest;
}

// Sites align bylines with a class instead of a style: class="right", "text-right", ...
std::optional<Alignment> class_alignment(const GumboElement& e) {
    std::string v = " " + lower(attribute(e, "class")) + " ";
    for (auto word : {" right ", " text-right ", " alignright ", " txt-right ", " tr "})
        if (v.find(word) != std::string::npos) return Alignment::Right;
    for (auto word : {" center ", " text-center ", " aligncenter ", " txt-center ", " tc "})
        if (v.find(word) != std::string::npos) return Alignment::Center;
    return std::nullopt;
}

struct Weight {
    std::size_t text = 0; // non-space code points
    std::size_t link = 0; // of which inside <a>
};

class HtmlReader final : public bulletin::Reader {
public:
    explicit HtmlReader(const bulletin::Params& params)
        : charset_(params.string("charset")),
          min_chars_(static_cast<std::size_t>(params.integer("min_chars"))),
          max_chars_(params.integer("max_chars")), max_lines_(params.integer("max_lines")) {}

    bool accepts(const bulletin::Input& input) const override {
        // Tags are ASCII in UTF-8 and the GB encodings alike; skip a BOM and leading space.
        // Compared in place, ignoring ASCII case: every input is sniffed, so no lower-cased copy.
        std::string_view head = input.bytes.substr(0, 2048);
        if (head.starts_with("\xef\xbb\xbf")) head.remove_prefix(3);
        auto start = head.find_first_not_of(" \t\r\n");
        if (start == std::string_view::npos) return false;
        std::string_view h = head.substr(start);
        if (starts_with_nocase(h, "<!doctype html") || starts_with_nocase(h, "<html")) return true;
        // Comments or an XML declaration before the root element.
        if (!h.starts_with("<!--") && !starts_with_nocase(h, "<?xml")) return false;
        for (auto at = h.find('<'); at != std::string_view::npos; at = h.find('<', at + 1))
            if (starts_with_nocase(h.substr(at), "<html")) return true;
        return false;
    }

    void read(const bulletin::Input& input, bulletin::Document& doc,
              bulletin::Context& ctx) override {
        const std::string file = input.path.string();
        std::string html = to_utf8(input.bytes, doc, ctx);
        // gumbo's tree construction is quadratic in the nesting depth (20 000 nested <div>s take
        // seconds, 200 000 hours): refuse such pages before parsing.
        if (nesting_estimate(html) > kMaxParseDepth)
            throw bulletin::Error(file + ": HTML elements nest more than " +
                                  std::to_string(kMaxParseDepth) +
                                  " deep; this is not a normal web page (damaged or hostile): "
                                  "check the file, or save the page again from a browser");
        GumboPtr output(gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size()));
        if (!output) throw bulletin::Error(file + ": the HTML parser gave up on this page");
        const GumboNode* body = find(output->root, GUMBO_TAG_BODY);
        if (!body) body = output->root;
        info_.clear();
        analyse(body, false, 0);
        const GumboNode* main = main_content(body);
        Lines lines;
        Block top;
        walk(main, top, lines);
        lines.flush(top);
        bulletin::layout::TextBudget budget(file, ctx.plugin_name(), max_chars_, max_lines_);
        budget.add_lines(lines.out.size());
        std::size_t chars = 0;
        for (const auto& line : lines.out) {
            budget.add_chars(bulletin::text::length(line.text));
            chars += bulletin::text::remove_spaces(line.text).size();
        }
        if (lines.out.empty() || chars < min_chars_)
            throw bulletin::Error(file + ": no main content found in the HTML page (after dropping "
                                         "navigation, headers and footers)");
        doc.pages.clear();
        doc.pages.emplace_back();
        doc.pages.back().number = 1;
        doc.pages.back().lines = std::move(lines.out);
        doc.pages.back().lines.front().starts_page = true;
        doc.source.format = "html";
        doc.source.pages = 1;
    }

private:
    // Inherited formatting of the enclosing block.
    struct Block {
        std::string style;
        Alignment alignment = Alignment::Unknown;
        double font_size = 12;
        double indent = 0;
        bool bold = false;
        std::uint32_t color = 0;
    };

    struct Lines {
        std::u32string buffer; // '\n' marks collapsed white space that held a line break
        std::vector<bulletin::Line> out;
        Block inline_style; // formatting of the first text in the buffer
        bool has_style = false;

        void add(std::string_view text, const Block& style) {
            if (!has_style && !bulletin::text::trim(text).empty()) {
                inline_style = style;
                has_style = true;
            }
            for (char32_t c : bulletin::text::to_u32(text)) {
                bool space = c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == U'\f';
                if (!space) {
                    buffer += c == U'\u00A0' ? U' ' : c;
                } else if (!buffer.empty() && (buffer.back() == U' ' || buffer.back() == U'\n')) {
                    if (c == U'\n') buffer.back() = U'\n';
                } else {
                    buffer += c == U'\n' ? U'\n' : U' ';
                }
            }
        }

        void flush(const Block& block) {
            std::u32string text;
            for (std::size_t i = 0; i < buffer.size(); ++i) {
                if (buffer[i] != U'\n') {
                    text += buffer[i];
                    continue;
                }
                // A source line break between CJK characters is not a space (CSS Text 3).
                bool cjk = !text.empty() && i + 1 < buffer.size() &&
                           bulletin::text::is_cjk(text.back()) &&
                           bulletin::text::is_cjk(buffer[i + 1]);
                if (!cjk) text += U' ';
            }
            buffer.clear();
            std::string utf8(bulletin::text::trim(bulletin::text::to_utf8(text)));
            Block style = has_style ? inline_style : block;
            has_style = false;
            if (utf8.empty()) return;
            bulletin::Line line;
            line.text = std::move(utf8);
            line.ends_paragraph = true;
            auto& l = line.layout;
            l.style = block.style;
            l.alignment = block.alignment == Alignment::Unknown ? Alignment::Left : block.alignment;
            l.font_size = style.font_size;
            l.bold = style.bold;
            l.color = style.color;
            l.indent = block.indent;
            out.push_back(std::move(line));
        }
    };

    std::string to_utf8(std::string_view bytes, bulletin::Document& doc,
                        bulletin::Context& ctx) const {
        std::string charset = charset_;
        std::string source = "the html reader's charset parameter";
        if (bytes.starts_with("\xef\xbb\xbf")) {
            bytes.remove_prefix(3);
            charset = "UTF-8", source = "its byte order mark";
        } else if (bytes.starts_with("\xff\xfe") || bytes.starts_with("\xfe\xff")) {
            charset = "UTF-16", source = "its byte order mark";
        }
        if (charset.empty()) { // <meta charset="gb2312"> or http-equiv "...; charset=gbk"
            std::string head = lower(bytes.substr(0, 4096));
            auto at = head.find("charset=");
            if (at != std::string::npos) {
                at += 8;
                while (at < head.size() && (head[at] == '"' || head[at] == '\'' || head[at] == ' '))
                    ++at;
                auto end = head.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_:.", at);
                charset = head.substr(at, end - at);
                source = "its <meta> charset";
            }
        }
        if (charset.empty() && bulletin::text::first_invalid_utf8(bytes)) {
            auto guess = bulletin::text::detect_charset(bytes);
            charset = guess ? guess->name : "GB18030";
            source = "a guess from its bytes";
        }
        std::string name = lower(charset);
        // GB2312 and GBK pages often use characters beyond them; GB18030 is their superset.
        if (name == "gb2312" || name == "gbk" || name == "x-gbk" || name == "gb_2312-80" ||
            name == "cp936" || name == "euc-cn")
            name = "gb18030";
        // A page's own declaration can lie (a site re-encoded its pages and kept the old
        // <meta>); a charset set by the user is taken as given.
        bool trust = !charset_.empty();
        auto warn = [&](const std::string& message) {
            doc.diagnose(bulletin::Severity::Warning, std::string(ctx.plugin_name()), message);
        };
        if (name.empty() || name == "utf-8" || name == "utf8") {
            doc.metadata["encoding"] = "UTF-8";
            auto bad = bulletin::text::first_invalid_utf8(bytes);
            if (!bad) return std::string(bytes);
            if (!trust)
                if (auto gb = bulletin::text::gb18030_instead_of_utf8(bytes)) {
                    doc.metadata["encoding"] = "GB18030";
                    warn("the page says it is UTF-8 (" + source +
                         ") but is not valid UTF-8 (the first invalid byte at offset " +
                         std::to_string(*bad) +
                         "); it decodes as GB18030 without an error, so it was read as GB18030 "
                         "(set the html reader's charset parameter if that is wrong)");
                    return *gb;
                }
            std::size_t replaced = 0;
            std::string repaired = bulletin::text::repair_utf8(bytes, &replaced);
            warn("invalid UTF-8 byte sequence at offset " + std::to_string(*bad) + " (" +
                 std::to_string(replaced) +
                 " in all, each replaced by U+FFFD); if the page is in another encoding, set "
                 "the html reader's charset parameter");
            return repaired;
        }
        if (name == "gb18030" && !trust && !bulletin::text::first_invalid_utf8(bytes) &&
            bulletin::text::utf8_damage(bytes).multibyte >= 4) {
            // GB18030 text is almost never valid UTF-8, while UTF-8 Chinese always is: the page
            // was re-encoded to UTF-8 and kept its old declaration.
            doc.metadata["encoding"] = "UTF-8";
            warn("the page says it is " + charset + " (" + source +
                 ") but is valid UTF-8, so it was read as UTF-8 (set the html reader's charset "
                 "parameter if that is wrong)");
            return std::string(bytes);
        }
        try {
            std::optional<std::size_t> bad;
            std::string out = bulletin::text::decode(bytes, name.c_str(), &bad);
            doc.metadata["encoding"] = upper(name);
            if (bad) {
                std::size_t replaced = 0;
                for (auto at = out.find("\xEF\xBF\xBD"); at != std::string::npos;
                     at = out.find("\xEF\xBF\xBD", at + 3))
                    ++replaced;
                warn("invalid " + upper(name) + " byte sequence at offset " + std::to_string(*bad) +
                     " (" + std::to_string(replaced) +
                     " in all, each replaced by U+FFFD); if the page is in another encoding, "
                     "set the html reader's charset parameter");
            }
            return out;
        } catch (const std::invalid_argument&) {
            warn("unknown charset '" + charset + "'; read as UTF-8");
            std::size_t replaced = 0;
            std::string repaired = bulletin::text::repair_utf8(bytes, &replaced);
            if (replaced)
                warn(std::to_string(replaced) +
                     " invalid UTF-8 byte sequence(s) replaced by U+FFFD; set the html reader's "
                     "charset parameter to the page's encoding");
            return repaired;
        }
    }

    static const GumboNode* find(const GumboNode* node, GumboTag tag, int depth = 0) {
        if (node->type != GUMBO_NODE_ELEMENT || depth > kMaxDepth) return nullptr;
        if (node->v.element.tag == tag) return node;
        const auto& kids = node->v.element.children;
        for (unsigned i = 0; i < kids.length; ++i)
            if (auto found = find(static_cast<const GumboNode*>(kids.data[i]), tag, depth + 1))
                return found;
        return nullptr;
    }

    // One pass over the tree: text weights, and which elements are site chrome.
    struct Info {
        Weight all;              // every character below, and how many sit in links
        std::size_t content = 0; // characters outside chrome
        bool chrome = false;
        std::string lead; // the first characters of its text
    };

    Info analyse(const GumboNode* node, bool in_link, int depth) {
        Info info;
        if (node->type == GUMBO_NODE_TEXT) {
            std::string_view text = node->v.text.text;
            info.all.text = bulletin::text::length(bulletin::text::remove_spaces(text));
            info.all.link = in_link ? info.all.text : 0;
            info.content = info.all.text;
            info.lead = std::string(bulletin::text::trim(text).substr(0, 40));
            return info;
        }
        if (node->type != GUMBO_NODE_ELEMENT || depth > kMaxDepth) return info;
        const GumboElement& e = node->v.element;
        bool link = in_link || e.tag == GUMBO_TAG_A;
        for (unsigned i = 0; i < e.children.length; ++i) {
            auto k = analyse(static_cast<const GumboNode*>(e.children.data[i]), link, depth + 1);
            info.all.text += k.all.text;
            info.all.link += k.all.link;
            info.content += k.content;
            if (info.lead.size() < 40) info.lead += k.lead;
        }
        info.chrome = chrome(node, info);
        if (info.chrome) info.content = 0;
        info_[node] = {info.all, info.content, info.chrome, {}};
        return info;
    }

    // Site chrome: by tag, by class/id words, by its "当前位置" lead, or by being mostly links.
    static bool chrome(const GumboNode* node, const Info& info) {
        const GumboElement& e = node->v.element;
        switch (e.tag) {
        case GUMBO_TAG_SCRIPT:
        case GUMBO_TAG_STYLE:
        case GUMBO_TAG_NOSCRIPT:
        case GUMBO_TAG_NAV:
        case GUMBO_TAG_ASIDE:
        case GUMBO_TAG_FOOTER:
        case GUMBO_TAG_FORM:
        case GUMBO_TAG_IFRAME:
        case GUMBO_TAG_SELECT:
        case GUMBO_TAG_BUTTON:
        case GUMBO_TAG_INPUT:
        case GUMBO_TAG_TEMPLATE:
        case GUMBO_TAG_HEAD:
        case GUMBO_TAG_TITLE:
        case GUMBO_TAG_SVG:
        case GUMBO_TAG_TEXTAREA:
        case GUMBO_TAG_OBJECT:
        case GUMBO_TAG_EMBED:
            return true;
        default:
            break;
        }
        if (chrome_words(e)) return true;
        if (e.tag == GUMBO_TAG_HEADER && !inside_article(node)) return true; // the site's banner
        for (auto lead : {"当前位置", "您的位置", "您现在的位置"})
            if (info.lead.starts_with(lead)) return true;
        if (e.tag == GUMBO_TAG_A) return false;
        return info.all.text > 0 && info.all.link * 2 > info.all.text; // a menu, a link list
    }

    static bool inside_article(const GumboNode* node) {
        for (const GumboNode* p = node->parent; p && p->type == GUMBO_NODE_ELEMENT; p = p->parent) {
            auto tag = p->v.element.tag;
            if (tag == GUMBO_TAG_ARTICLE || tag == GUMBO_TAG_MAIN || tag == GUMBO_TAG_SECTION)
                return true;
        }
        return false;
    }

    const Info* info(const GumboNode* node) const {
        auto it = info_.find(node);
        return it == info_.end() ? nullptr : &it->second;
    }

    // <main> when the page has one; else the body, stepping into wrappers that hold nearly all
    // of its text (a page with a masthead, articles and a distribution block keeps them all).
    const GumboNode* main_content(const GumboNode* body) const {
        if (auto m = find(body, GUMBO_TAG_MAIN)) return m;
        const GumboNode* node = body;
        for (;;) {
            const Info* here = info(node);
            std::size_t total = here ? here->content : 0;
            const GumboNode* best = nullptr;
            std::size_t best_weight = 0;
            const auto& kids = node->v.element.children;
            for (unsigned i = 0; i < kids.length; ++i) {
                const Info* k = info(static_cast<const GumboNode*>(kids.data[i]));
                if (k && k->content > best_weight)
                    best = static_cast<const GumboNode*>(kids.data[i]), best_weight = k->content;
            }
            if (!best || total == 0 || best_weight * 100 < total * 97) return node;
            node = best;
        }
    }

    void walk(const GumboNode* node, const Block& block, Lines& lines, int depth = 0) const {
        if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
            node->type == GUMBO_NODE_CDATA) {
            lines.add(node->v.text.text, block);
            return;
        }
        if (node->type != GUMBO_NODE_ELEMENT) return;
        const GumboElement& e = node->v.element;
        const Info* about = info(node);
        if (!about || about->chrome || depth > kMaxDepth) return;
        if (e.tag == GUMBO_TAG_BR) {
            lines.flush(block);
            return;
        }
        Block style = block;
        auto decl = css(attribute(e, "style"));
        bool blockish = is_block(e.tag);
        if (double h = heading_size(e.tag); h > 0) {
            style.font_size = h;
            style.bold = true;
        }
        if (e.tag == GUMBO_TAG_B || e.tag == GUMBO_TAG_STRONG || e.tag == GUMBO_TAG_TH)
            style.bold = true;
        if (e.tag == GUMBO_TAG_CENTER) style.alignment = Alignment::Center;
        if (auto a = alignment_of(attribute(e, "align")); a && blockish) style.alignment = *a;
        if (auto a = class_alignment(e)) style.alignment = *a;
        if (auto it = decl.find("text-align"); it != decl.end())
            if (auto a = alignment_of(it->second)) style.alignment = *a;
        if (auto it = decl.find("font-size"); it != decl.end())
            if (auto v = length_pt(it->second, block.font_size)) style.font_size = *v;
        if (auto it = decl.find("font-weight"); it != decl.end())
            style.bold = it->second == "bold" || it->second == "bolder" ||
                         std::atoi(it->second.c_str()) >= 600;
        if (auto it = decl.find("color"); it != decl.end())
            if (auto c = color_of(it->second)) style.color = *c;
        if (auto c = color_of(attribute(e, "color"))) style.color = *c;
        if (blockish) {
            lines.flush(block);
            style.style = gumbo_normalized_tagname(e.tag);
            style.indent = 0;
            if (auto it = decl.find("text-indent"); it != decl.end())
                style.indent = length_pt(it->second, style.font_size).value_or(0);
        }
        const auto& kids = e.children;
        for (unsigned i = 0; i < kids.length; ++i)
            walk(static_cast<const GumboNode*>(kids.data[i]), style, lines, depth + 1);
        if (blockish) lines.flush(style);
    }

    std::string charset_;
    std::size_t min_chars_ = 1;
    long long max_chars_ = 0, max_lines_ = 0;
    std::unordered_map<const GumboNode*, Info> info_; // of the page being read
};

} // namespace

constexpr bulletin::ParamSpec kHtmlParams[] = {
    bulletin::string_param(
        "charset", "",
        "Charset of the pages (e.g. GB18030); empty: from the BOM or <meta>, else guessed."),
    bulletin::int_param("min_chars", "10",
                        "Fewer characters of main content than this is an error (an empty or "
                        "chrome-only page).")
        .range(0, 1000000),
    bulletin::layout::max_chars_param(
        "Refuse pages whose main content has more characters than this."),
    bulletin::layout::max_lines_param(
        "Refuse pages whose main content has more paragraphs than this."),
};
BULLETIN_READER(kHtml, HtmlReader, "html",
                "Reads the main content of a government web page as paragraphs.", kHtmlParams,
                "html htm", 0u);
BULLETIN_MODULE("html", "1.0.0", "MIT", "HTML reader (gumbo).", &kHtml)
