// bulletin/document.hpp - the document model every plugin reads and writes.
//
// A reader fills `pages` (lines of text, with layout when the format has it). A segmenter turns
// the lines into `masthead`, `articles` and `distribution`. Taggers append `entities`. Exporters
// serialise the whole thing (schema "bulletin/1", see docs/schema/bulletin-1.schema.json).
//
// All strings are UTF-8. Offsets (`Entity::start`/`end`) count Unicode code points.
// Changing the layout of any type here changes the ABI: bump bulletin::kAbiVersion.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bulletin {

/// Horizontal alignment of a line when the format says (DOCX, HTML) or it can be measured (PDF,
/// OFD).
enum class Alignment : std::uint8_t { Unknown, Left, Center, Right, Justify };

/// Layout of one line. Readers of plain text leave every field at its default ("unknown").
struct LineLayout {
    std::string font_name; ///< e.g. "FZXiaoBiaoSong-B05", "KaiTi"; empty when unknown
    double font_size = 0;  ///< points; 0 when unknown
    bool bold = false;
    std::uint32_t color = 0; ///< 0xRRGGBB; 0 (black) when unknown
    double x = 0, y = 0;     ///< top-left corner in points from the page's top-left corner
    double width = 0, height = 0;
    double indent = 0; ///< first-line indent in points (DOCX/HTML), 0 when unknown
    Alignment alignment = Alignment::Unknown;
    std::string style;         ///< the format's paragraph style or element name ("Heading1", "h1")
    bool has_geometry = false; ///< x/y/width/height are meaningful
};

/// One line of text as the reader found it.
struct Line {
    std::string text;
    LineLayout layout;
    bool starts_page = false; ///< first line of a page (plain text marks this with a leading space)
    /// The reader knows this line ends a paragraph (DOCX and HTML paragraphs). Readers of
    /// hard-wrapped text (plain text, PDF, OFD) leave it false and the segmenter reflows.
    bool ends_paragraph = false;
};

struct Page {
    int number = 0;               ///< 1-based
    double width = 0, height = 0; ///< points; 0 when unknown
    std::vector<Line> lines;
};

struct IssueNumber {
    int number = 0;           ///< 第N期
    std::optional<int> total; ///< 总第M期
    std::optional<int> year;  ///< "2023年第5期"
    bool supplement = false;  ///< 增刊
};

struct Masthead {
    std::optional<std::string> series; ///< "人大代表工作简报"
    std::optional<IssueNumber> issue;
    std::optional<std::string> publisher; ///< without the trailing 编
    std::optional<std::string> date;      ///< ISO "YYYY-MM-DD"
    std::string date_text;                ///< the date as written, for the masthead date entity
};

struct Byline {
    std::optional<std::string> department;
    std::vector<std::string> authors;
    std::string text; ///< as written, without brackets: "选举任免处 谢峥嵘"
};

struct Article {
    std::string title;
    std::vector<std::string>
        paragraphs; ///< reflowed: no line breaks, punctuation as the source has it
    std::optional<Byline> byline;
};

struct DistributionBlock {
    std::string label; ///< "送", "报", "发", "抄送"
    std::vector<std::string> recipients;
};

/// Where an entity sits. `article` indexes `Document::articles`; `paragraph` indexes its
/// paragraphs, or is one of the constants below.
struct Entity {
    static constexpr int kTitle = -1;  ///< paragraph: the article's title
    static constexpr int kByline = -2; ///< paragraph: the article's Byline::text
    static constexpr int kMasthead =
        -1; ///< article: the masthead; paragraph kTitle = Masthead::date_text
    /// paragraph, with article kMasthead: a distribution recipient (attributes "block" and
    /// "index" say which); offsets count in the recipient string.
    static constexpr int kDistribution = -3;

    std::string type;  ///< "person", "place", "date", "organization", ...
    std::string text;  ///< as written
    std::string value; ///< normalized (name, canonical place, ISO date)
    std::map<std::string, std::string> attributes; ///< position, code, expanded, ...
    int article = 0;
    int paragraph = 0;
    int start = 0, end = 0; ///< code points, end exclusive
};

enum class Severity : std::uint8_t { Info, Warning, Error };

/// Something a plugin wants a person to know about this document (a line it could not place,
/// an invalid byte sequence). Never silently drop content: say it here.
struct Diagnostic {
    Severity severity = Severity::Warning;
    std::string plugin; ///< who said it
    std::string message;
    int page = 0; ///< 1-based; 0 when not tied to a page
    int line = 0; ///< 1-based within the page; 0 when not tied to a line
};

struct SourceInfo {
    std::string path;   ///< as given on the command line
    std::string format; ///< set by the reader: "text", "pdf", "ofd", ...
    std::string sha256; ///< of the input bytes, set by the host
    int pages = 0;
};

struct Document {
    SourceInfo source;
    std::vector<Page> pages;
    Masthead masthead;
    std::vector<Article> articles;
    std::vector<DistributionBlock> distribution;
    std::vector<Entity> entities;
    std::map<std::string, std::string> metadata; ///< free-form, e.g. "encoding" -> "GB18030"
    std::vector<Diagnostic> diagnostics;

    void diagnose(Severity severity, std::string plugin, std::string message, int page = 0,
                  int line = 0) {
        diagnostics.push_back({severity, std::move(plugin), std::move(message), page, line});
    }
};

} // namespace bulletin
