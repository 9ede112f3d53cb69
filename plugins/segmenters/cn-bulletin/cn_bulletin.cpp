// cn.bulletin - segments the lines of a Chinese government bulletin (简报) into its masthead,
// articles and distribution block. This file is the plugin: its parameters, Segmenter::score and
// Segmenter::segment; segmentation.hpp says where each part of the segmentation lives.
//
// The text rules work on what every reader gives: lines and their printed widths. Layout (font
// size, alignment, Line::ends_paragraph), when a reader has it, settles what the text leaves open.
// Every threshold is a parameter (table at the bottom), so a series laid out differently is a
// pipeline override. Lines that fit nowhere become diagnostics, never silent losses.
//
// Matching works on a "folded" copy of each line: full-width ASCII forms map to ASCII one code
// point for one, so "（" and "(" match alike and an offset in the folded text is an offset in the
// text as written, which is what the output keeps.
//
// Speed: each line is decoded once into one per-document UTF-32 buffer (as written, folded, and
// folded without white space), and what the rules ask of a line again and again (sentence end,
// sub-heading, byline, forbidden title characters) is worked out once per line. The fixed
// patterns are hand matchers (matchers.hpp says why); only a user-supplied subheading_pattern
// still runs through ICU.
#include "segmentation.hpp"

#include <bulletin/module.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace {

using bulletin::Document;
namespace cnb = cn_bulletin;

// ---------------------------------------------------------------------------------------------
// How much a read document looks like a bulletin (Segmenter::score)

/// The folded text of the first `count` non-blank lines of the document (from the end when
/// `from_end`).
std::vector<std::u32string> edge_lines(const Document& doc, std::size_t count, bool from_end) {
    std::vector<std::u32string> out;
    auto take = [&](const bulletin::Line& line) {
        std::u32string folded = cnb::fold(cnb::trim(cnb::u32(line.text)));
        if (!folded.empty()) out.push_back(std::move(folded));
        return out.size() < count;
    };
    if (from_end) {
        for (auto page = doc.pages.rbegin(); page != doc.pages.rend(); ++page)
            for (auto line = page->lines.rbegin(); line != page->lines.rend(); ++line)
                if (!take(*line)) return out;
    } else {
        for (const auto& page : doc.pages)
            for (const auto& line : page.lines)
                if (!take(line)) return out;
    }
    return out;
}

/// Cheap: looks only at the masthead's lines and the last lines, with the masthead's own field
/// rules: an issue line (第N期) counts most, then a compiling body ("…编"), a series name, a date,
/// and a distribution block (送：, 报：) at the end.
double bulletin_score(const cnb::Config& cfg, const Document& doc) {
    constexpr std::size_t kTailLines = 12; // a distribution block wraps over a few lines
    // What each sign adds to the score (they sum to 1).
    constexpr double kIssueWeight = 0.35, kPublisherWeight = 0.2, kSeriesWeight = 0.15,
                     kDateWeight = 0.1, kDistributionWeight = 0.2;
    bool issue = false, publisher = false, series = false, date = false, distribution = false;
    auto field = [&](std::u32string_view key) {
        if (cnb::parse_issue(key)) {
            issue = true;
        } else if (cnb::iso_date(key)) {
            date = true;
        } else if (cnb::is_publisher(cfg, key)) {
            publisher = true;
        } else if (key.size() <= cfg.series_max_chars &&
                   cnb::ends_with_any(key, cfg.series_suffixes)) {
            series = true;
        }
        return true;
    };
    const auto top = edge_lines(doc, static_cast<std::size_t>(cfg.masthead_max_lines), false);
    for (const auto& folded : top) {
        field(cnb::squeeze(folded));    // the whole line ("信 息 简 报" spaced out)
        cnb::each_field(folded, field); // or one field of it ("…委员会编 2023年4月24日")
    }
    for (const auto& folded : edge_lines(doc, kTailLines, true))
        if (cnb::match_label(folded, cfg.labels)) distribution = true;
    return kIssueWeight * issue + kPublisherWeight * publisher + kSeriesWeight * series +
           kDateWeight * date + kDistributionWeight * distribution;
}

class CnBulletin final : public bulletin::Segmenter {
public:
    explicit CnBulletin(const bulletin::Params& params) : config_(params) {}

    double score(const Document& doc) const override { return bulletin_score(config_, doc); }

    void segment(Document& doc, bulletin::Context& ctx) override {
        doc.masthead = {};
        doc.articles.clear();
        doc.distribution.clear();
        cnb::Segmentation(config_, doc).run();
        ctx.debug(doc.articles.size(), " articles, ", doc.distribution.size(),
                  " distribution blocks");
    }

private:
    cnb::Config config_;
};

constexpr bulletin::ParamSpec kParams[] = {
    // Masthead
    bulletin::int_param(
        "masthead_max_lines", "10",
        "How many lines from the top may belong to the masthead (series, issue, publisher, date, "
        "confidentiality marks). The masthead ends at its date line or at the first other line.")
        .range(0, 100)
        .tunable(4, 16, 2),
    bulletin::int_param(
        "series_max_chars", "14",
        "Longest series name (\"人大代表工作简报\" is 8), letter spacing not counted.")
        .range(1, 100),
    bulletin::list_param("series_suffixes",
                         "简报,动态,专报,快报,通讯,信息,要情,参阅,摘报,通报,周报,月报,情况,工作",
                         "Endings that make a short line at the top the series name even when no "
                         "issue line follows."),
    bulletin::list_param("publisher_suffixes", "编印,编,主办",
                         "Endings that mark the compiling body (\"…委员会编\"); they are not kept "
                         "in the publisher."),
    bulletin::int_param("publisher_max_chars", "40", "Longest publisher name.").range(1, 200),
    bulletin::list_param(
        "organization_suffixes",
        "委员会,人大常委会,常委会,办公厅,办公室,工委,研究室,政府,法院,检察院,中心,"
        "处,委,会,厅,局,室,办,组,部,院,站,科,所,队,社",
        "Endings of organisation names: a masthead line with one after the series is the publisher "
        "(no \"编\"); a byline part with one is a department."),
    bulletin::list_param(
        "marker_words",
        "内部资料,注意保存,内部刊物,内部参阅,妥善保存,内部文件,秘密,机密,绝密,阅后收回",
        "Confidentiality and handling marks (\"内部资料  注意保存\"): not content, kept in "
        "metadata[\"marking\"]."),
    bulletin::list_param("toc_headings", "本期要目,本期目录,目录,要目,本期导读,本期导航",
                         "Headings of a table of contents before the articles."),
    bulletin::string_param("toc_bullets", "◆◇●○■□▲△★☆·•-*",
                           "Characters that start a table-of-contents entry."),
    bulletin::int_param("toc_max_lines", "30", "Longest table of contents, in lines.")
        .range(0, 1000),
    // Titles
    bulletin::int_param("title_max_lines", "4",
                        "Most lines a title (with its \"——\" subtitle) may wrap over.")
        .range(1, 20)
        .tunable(1, 6, 1),
    bulletin::int_param("title_max_chars", "40", "Longest title line, in characters.")
        .range(1, 200)
        .tunable(20, 60, 5),
    bulletin::int_param(
        "title_min_chars", "8",
        "Shortest title that may start an article right after a paragraph (no byline between): "
        "shorter unpunctuated lines there are sub-headings.")
        .range(0, 100)
        .tunable(4, 16, 2),
    bulletin::bool_param(
        "titles_without_byline", "true",
        "Allow a new article to start after a paragraph that ended a sentence, without a byline "
        "in between.")
        .tunable(),
    bulletin::string_param(
        "title_forbidden", "，,。；;",
        "Characters a title line never contains (a line with one is body text)."),
    bulletin::double_param(
        "title_font_ratio", "1.15",
        "With font sizes from the reader: a line this many times the body font size is a title.")
        .range(1, 10)
        .tunable(1.05, 1.5, 0.05),
    bulletin::bool_param(
        "centered_is_title", "true",
        "With alignment from the reader: a centred line (not a byline or sub-heading) is a title.")
        .tunable(),
    // Paragraphs
    bulletin::double_param(
        "line_width", "0",
        "Full line width of the body in CJK cells; 0 measures it (median of the widest lines).")
        .range(0, 500),
    bulletin::double_param(
        "paragraph_indent", "2",
        "First-line indent in cells (GB/T 9704: two characters). Text extraction loses it, so a "
        "paragraph's first line is this much narrower when full.")
        .range(0, 20)
        .tunable(0, 4, 1),
    bulletin::double_param(
        "width_tolerance", "1.5",
        "Cells a line ending a sentence (。！？) may fall short of the full width and still be a "
        "wrapped line rather than a paragraph's last line.")
        .range(0, 50)
        .tunable(0.5, 4, 0.5),
    bulletin::double_param(
        "open_line_tolerance", "3",
        "Same for a line ending mid-sentence: line-breaking rules (no comma at a line start) can "
        "push a character or two to the next line.")
        .range(0, 50)
        .tunable(1, 6, 0.5),
    bulletin::double_param(
        "continuation_tolerance", "0.5",
        "After a full line ending a sentence, the next line continues the paragraph only when it "
        "is "
        "this close to the full width (a new paragraph's first line is an indent narrower).")
        .range(0, 50)
        .tunable(0, 2, 0.25),
    bulletin::bool_param(
        "terminal_ends_paragraph", "true",
        "After a full line ending a sentence, a short next line starts a new paragraph.")
        .tunable(),
    bulletin::string_param("terminal_punctuation", "。！？!?…", "Characters that end a sentence."),
    bulletin::string_param("closing_punctuation", "”’」』）)》】",
                           "Characters that may follow the sentence end (\"转变。”\")."),
    bulletin::string_param(
        "subheading_pattern", cnb::kSubheadingPattern,
        "ICU regular expression matching the start of a numbered sub-heading (\"一、主要做法\", "
        "\"（一）\", \"1.\"): such a line starts a paragraph of the article, never a new article. "
        "Matched against the line with full-width forms folded to ASCII."),
    bulletin::list_param(
        "reader_paragraph_formats", "docx,html",
        "Source formats whose readers mark every paragraph end (Line::ends_paragraph): there an "
        "unmarked line always continues its paragraph."),
    // Bylines
    bulletin::int_param("byline_max_chars", "30", "Longest byline inside its brackets.")
        .range(1, 200)
        .tunable(15, 60, 5),
    bulletin::list_param("author_labels",
                         "撰稿,撰稿人,记者,作者,通讯员,执笔,整理,文,摄影,编辑,责任编辑",
                         "Labels before authors' names in a byline (\"（撰稿：黄伟 梁静）\")."),
    bulletin::list_param("department_labels", "供稿,来源,供稿单位,信息来源",
                         "Labels before a department in a byline (\"（来源：…）\")."),
    bulletin::list_param(
        "department_suffixes", "供稿",
        "Endings of a department-only byline (\"（市人大常委会代表工委供稿）\"); not kept."),
    // Page furniture and distribution
    bulletin::int_param(
        "header_max_lines", "3",
        "Lines at the top of a later page that may be a running header (series name and/or issue).")
        .range(0, 20)
        .tunable(0, 5, 1),
    bulletin::list_param("distribution_labels", "抄送,抄报,分送,报送,印送,报,送,发",
                         "Labels that start a distribution block (\"送：\")."),
    bulletin::double_param(
        "distribution_width_tolerance", "1.5",
        "A distribution line within this many cells of the widest one wrapped inside a recipient's "
        "name (\"…各工作\" / \"机构\"); a shorter line ends its last recipient.")
        .range(0, 50)
        .tunable(0.5, 4, 0.5),
    bulletin::string_param("recipient_separators", "、，,；;",
                           "Characters between recipients (never inside brackets)."),
};

} // namespace

BULLETIN_PLUGIN(kCnBulletinPlugin, CnBulletin, "cn.bulletin", bulletin::PluginKind::Segmenter,
                "Chinese government bulletins (简报): masthead, articles with titles, reflowed "
                "paragraphs and bylines, and the distribution block, from lines of text (with "
                "layout when the reader has it).",
                kParams);
BULLETIN_MODULE("cn-bulletin", "1.0.0", "MIT", "Segmenter for Chinese government bulletins.",
                &kCnBulletinPlugin)
