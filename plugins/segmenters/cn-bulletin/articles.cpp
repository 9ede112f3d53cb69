// cn.bulletin - titles and paragraphs: where an article starts and where a paragraph ends.
#include "segmentation.hpp"

#include <algorithm>

namespace cn_bulletin {
namespace {

/// "——副标题" (or "--" where a dash was folded or typed).
bool subtitle(const TextLine& l) {
    return l.folded.starts_with(U"—") || l.folded.starts_with(U"--");
}

} // namespace

/// Reaches the width a line of its kind has when the text wrapped after it.
bool Segmentation::full(const TextLine& l, bool first) const {
    double expected = width_ - (l.indent > 0 ? l.indent : first ? cfg_.indent : 0);
    return l.width >= expected - (terminal(l) ? cfg_.width_tolerance : cfg_.open_tolerance);
}
bool Segmentation::continuation_full(const TextLine& l) const {
    return l.indent == 0 && l.width >= width_ - cfg_.continuation_tolerance;
}
bool Segmentation::first_full(const TextLine& l) const {
    return l.width >= width_ - cfg_.indent - cfg_.open_tolerance;
}

/// A title by its layout: a larger font than the body, or centred.
bool Segmentation::layout_title(const TextLine& l) const {
    if (!l.layout || terminal(l) || subheading(l) || whole_byline(l)) return false;
    double size = l.layout->font_size;
    if (size > 0 && body_font_ > 0 && size >= body_font_ * cfg_.title_font_ratio) return true;
    return cfg_.centered_is_title && l.layout->alignment == bulletin::Alignment::Center &&
           (size <= 0 || body_font_ <= 0 || size >= body_font_);
}

bool Segmentation::title_ish(const TextLine& l) const {
    if (terminal(l) || subheading(l) || whole_byline(l)) return false;
    if (l.key.size() > cfg_.title_max_chars) return false;
    if (width_ > 0 && l.width > width_ + cfg_.width_tolerance) return false;
    return !l.forbidden;
}

/// A paragraph's first line: full for a first line and followed by a full continuation.
bool Segmentation::body_start(std::size_t k) const {
    return k + 1 < body_.size() && first_full(*body_[k]) && continuation_full(*body_[k + 1]) &&
           !body_[k]->ends_paragraph;
}

/// Something that always begins a new paragraph (or leaves the paragraph for a byline).
bool Segmentation::starts_block(const TextLine& l) const {
    return l.indent > 0 || subheading(l) || whole_byline(l) || layout_title(l);
}

bool Segmentation::ends_paragraph(std::size_t k, bool first) const {
    const TextLine& l = *body_[k];
    if (l.ends_paragraph || k + 1 >= body_.size()) return true;
    if (reader_paragraphs_) return false; // the reader marks every paragraph end
    const TextLine& next = *body_[k + 1];
    if (starts_block(next) || l.byline_end) return true;
    if (!full(l, first)) return true;
    if (!terminal(l)) return false;
    // A full line ending a sentence: the next line's width tells whether it continues.
    if (continuation_full(next)) return false;
    if (first_full(next)) return true;
    return cfg_.terminal_ends_paragraph;
}

/// Number of lines of the title starting at body_[k], or 0 when no title starts there.
std::size_t Segmentation::title_lines(std::size_t k, bool expect_title, bool after_sentence) const {
    const std::size_t n = body_.size();
    const auto max_lines = static_cast<std::size_t>(cfg_.title_max_lines);
    // The table of contents names the titles: take lines while they spell one out.
    if (!toc_.empty()) {
        std::u32string spelled;
        for (std::size_t j = k; j < n && j - k < max_lines; ++j) {
            spelled += body_[j]->key;
            if (!starts_an_entry(spelled) && spelled.size() >= kMinTocPrefixChars) break;
            if (std::find(toc_.begin(), toc_.end(), spelled) != toc_.end()) return j - k + 1;
        }
    }
    const TextLine& first = *body_[k];
    bool strong = layout_title(first);
    if (!strong && !title_ish(first)) return 0;
    if (!expect_title && !strong) {
        // Within an article a title needs evidence: with fonts known, a larger font; in
        // plain text, a finished sentence before it.
        if (!cfg_.titles_without_byline || !after_sentence || body_font_ > 0) return 0;
    }
    std::size_t j = k;
    while (j < n && j - k < max_lines) {
        const TextLine& l = *body_[j];
        if (j > k) {
            bool joined_subtitle = subtitle(l) && title_ish(l);
            if (body_[j - 1]->ends_paragraph && !joined_subtitle) break;
            if (!(strong ? layout_title(l) || joined_subtitle : title_ish(l))) break;
        }
        if (!strong && body_start(j)) break;
        ++j;
    }
    if (j == k || j >= n) return 0; // a title has text after it
    if (!expect_title && !strong) {
        // ...and a title's length, and a full paragraph line after it.
        std::size_t chars = 0;
        for (std::size_t t = k; t < j; ++t)
            chars += body_[t]->key.size();
        if (chars < cfg_.title_min_chars || !first_full(*body_[j])) return 0;
    }
    return j - k;
}

void Segmentation::start_article(std::string title, bulletin::Location location) {
    auto& article = doc_.articles.emplace_back();
    article.title = std::move(title);
    article.title_location = location;
}

void Segmentation::set_byline(bulletin::Byline byline, const TextLine& where) {
    if (doc_.articles.empty()) {
        diagnose(where, "byline before any article");
        return;
    }
    auto& article = doc_.articles.back();
    if (article.byline) diagnose(where, "second byline for one article; the last one is kept");
    article.byline = std::move(byline);
    expect_title_ = true;
}

/// Ends a paragraph: a whole-bracket byline, a byline glued to its end, or a paragraph.
void Segmentation::finish_paragraph(Joined& text, const TextLine& first_line) {
    if (text.u32.empty()) return;
    if (auto b = trailing_byline(text.u32)) {
        std::u32string_view before = trim_view(std::u32string_view(text.u32).substr(0, b->first));
        if (!before.empty()) add_paragraph(utf8(before), first_line);
        set_byline(std::move(b->second), first_line);
        return;
    }
    add_paragraph(text.take_utf8(), first_line);
}

void Segmentation::add_paragraph(std::string text, const TextLine& first_line) {
    if (doc_.articles.empty() || expect_title_) {
        diagnose(first_line, "text without a title; kept as an untitled article");
        start_article({}, {});
        expect_title_ = false;
    }
    doc_.articles.back().paragraphs.push_back({std::move(text), location(first_line)});
}

void Segmentation::segment_articles() {
    expect_title_ = true;
    bool after_sentence = true; // the previous paragraph ended a sentence (or none yet)
    Joined para;
    const TextLine* para_first = nullptr;
    bool first_line = true;
    for (std::size_t k = 0; k < body_.size(); ++k) {
        const TextLine& l = *body_[k];
        if (!para_first) {
            if (std::size_t t = title_lines(k, expect_title_, after_sentence)) {
                Joined title;
                for (std::size_t j = k; j < k + t; ++j)
                    title.append(*body_[j]);
                start_article(title.take_utf8(), location(l));
                expect_title_ = false;
                after_sentence = false;
                k += t - 1;
                continue;
            }
            para_first = &l;
            first_line = true;
        }
        para.append(l);
        if (ends_paragraph(k, first_line)) {
            after_sentence = terminal(l);
            finish_paragraph(para, *para_first);
            para.clear();
            para_first = nullptr;
        }
        first_line = false;
    }
    for (const auto& article : doc_.articles)
        if (article.paragraphs.empty())
            doc_.diagnose(bulletin::Severity::Warning, kPlugin,
                          "article without paragraphs: \"" + article.title + "\"");
}

} // namespace cn_bulletin
