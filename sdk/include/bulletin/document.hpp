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

/// Where something sits on the page it came from, when the reader knows.
struct Location {
    int page = 0;                               ///< 1-based; 0 when unknown
    double x = 0, y = 0, width = 0, height = 0; ///< points from the page's top-left corner
    bool has_box = false;                       ///< x/y/width/height are meaningful
};

/// The masthead of a bulletin (简报报头) or the 版头 of an official document (公文, GB/T 9704).
struct Masthead {
    std::optional<std::string> series; ///< "人大代表工作简报", or the 发文机关标志 of a 公文
    std::optional<IssueNumber> issue;
    std::optional<std::string> publisher; ///< without the trailing 编
    std::optional<std::string> date;      ///< ISO "YYYY-MM-DD"
    std::string date_text;                ///< the date as written, for the masthead date entity
    std::optional<std::string> document_number; ///< 发文字号 "路卫发〔2011〕76号"
    std::optional<std::string> issuer_mark;     ///< 发文机关标志 "XX市人民政府文件"
    std::vector<std::string> signers;           ///< 签发人
    std::optional<std::string> urgency;         ///< 紧急程度 "特急", "加急"
    std::optional<std::string> classification;  ///< 密级和保密期限 "秘密★1年"
    std::optional<std::string> copy_number;     ///< 份号 "000001"
};

struct Byline {
    std::optional<std::string> department;
    std::vector<std::string> authors;
    std::string text; ///< as written, without brackets: "选举任免处 谢峥嵘"
};

struct Paragraph {
    std::string text;  ///< reflowed: no line breaks, punctuation as the source has it
    Location location; ///< of its first line
};

/// A table in an article: rows of cells, placed before the paragraph `before_paragraph` (the
/// number of paragraphs when it ends the article).
struct Table {
    std::vector<std::vector<std::string>> rows;
    int before_paragraph = 0;
    Location location;
};

struct Article {
    std::string title;
    Location title_location;
    std::vector<Paragraph> paragraphs;
    std::optional<Byline> byline;
    std::vector<Table> tables;
};

struct DistributionBlock {
    std::string label; ///< "送", "报", "发", "抄送"
    std::vector<std::string> recipients;
};

/// The text an entity was found in.
enum class EntityPlace : std::uint8_t {
    Paragraph,    ///< articles[article].paragraphs[index].text
    Title,        ///< articles[article].title
    Byline,       ///< articles[article].byline->text
    MastheadDate, ///< masthead.date_text
    Recipient,    ///< distribution[article].recipients[index]
};

struct Entity {
    std::string type;  ///< "person", "place", "date", "organization", ...
    std::string text;  ///< as written
    std::string value; ///< normalized (name, canonical place, ISO date)
    std::map<std::string, std::string> attributes; ///< position, code, expanded, ...
    EntityPlace place = EntityPlace::Paragraph;
    int article = 0;        ///< the article, or for Recipient the distribution block
    int index = 0;          ///< the paragraph, or for Recipient the recipient in its block
    int start = 0, end = 0; ///< code points in that text, end exclusive
};

/// The "article" and "paragraph" numbers schema bulletin/1 writes for an entity: the masthead is
/// article -1, a title paragraph -1, a byline -2, a recipient -3 (its block and index are then
/// the entity's "block" and "index" attributes).
constexpr int bulletin1_article(const Entity& e) {
    return e.place == EntityPlace::MastheadDate || e.place == EntityPlace::Recipient ? -1
                                                                                     : e.article;
}
constexpr int bulletin1_paragraph(const Entity& e) {
    switch (e.place) {
    case EntityPlace::Paragraph:
        return e.index;
    case EntityPlace::Title:
    case EntityPlace::MastheadDate:
        return -1;
    case EntityPlace::Byline:
        return -2;
    case EntityPlace::Recipient:
        return -3;
    }
    return e.index;
}

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
