// cn.bulletin - the distribution block ("送：…", "抄送：…") after the articles.
#include "segmentation.hpp"

#include <algorithm>

namespace cn_bulletin {
namespace {

/// A distribution line's text after its label, and its printed width.
struct Piece {
    std::u32string_view text;
    double width;
};

/// A label ("抄送") and the lines of recipients after it.
struct Block {
    std::u32string_view label;
    std::vector<Piece> pieces;
};

/// Marks, in a block's joined text, a line break that separates two recipients (a control
/// character no recipient contains).
constexpr char32_t kLineBreak = U'\x1F';

/// Joins a block's lines and splits it into recipients. A line break separates two recipients
/// unless the line was full (within distribution_width_tolerance of the widest distribution
/// line: it wrapped inside a name) or a bracket is still open.
std::vector<std::string> split_recipients(const std::vector<Piece>& pieces, double widest,
                                          const Config& cfg) {
    std::u32string joined;
    int depth = 0;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        std::u32string_view t = pieces[i].text;
        for (char32_t raw : t) {
            int b = bracket(fold(raw));
            if (b > 0) ++depth;
            if (b < 0 && depth > 0) --depth;
        }
        joined += t;
        if (i + 1 == pieces.size()) break;
        bool wrapped = depth > 0 || cfg.separators.has(fold(t.back())) ||
                       pieces[i].width >= widest - cfg.distribution_tolerance;
        if (!wrapped) joined.push_back(kLineBreak);
    }
    std::vector<std::string> out;
    std::size_t start = 0; // of the current recipient in joined
    depth = 0;
    auto flush = [&](std::size_t end) {
        auto item = trim_view(std::u32string_view(joined).substr(start, end - start));
        while (!item.empty() && contains(kRecipientTrailers, item.back()))
            item.remove_suffix(1);
        if (!item.empty()) out.push_back(utf8(item));
        start = end + 1;
    };
    for (std::size_t i = 0; i < joined.size(); ++i) {
        char32_t c = joined[i], f = fold(c);
        int b = bracket(f);
        if (b > 0) ++depth;
        if (b < 0 && depth > 0) --depth;
        bool wide_space =
            c == U'\x3000' || (c == U' ' && i + 1 < joined.size() && joined[i + 1] == U' ');
        if (c == kLineBreak || (depth == 0 && (cfg.separators.has(f) || wide_space))) flush(i);
    }
    flush(joined.size());
    return out;
}

} // namespace

std::size_t Segmentation::find_distribution(std::size_t from) const {
    for (std::size_t k = from; k < lines_.size(); ++k)
        if (match_label(lines_[k].folded, cfg_.labels)) return k;
    return lines_.size();
}

void Segmentation::parse_distribution(std::size_t from) {
    std::vector<Block> blocks;
    double widest = 0;
    for (std::size_t k = from; k < lines_.size(); ++k) {
        const TextLine& l = lines_[k];
        if (is_page_header(l)) {
            dropped_.push_back(utf8(l.raw));
            continue;
        }
        if (is_marker(l.key)) continue;
        if (is_copies(l)) {
            doc_.metadata["copies"] = utf8(l.raw);
            continue;
        }
        if (auto g = match_label(l.folded, cfg_.labels)) {
            std::u32string_view rest = l.raw.substr(g->rest);
            blocks.push_back({l.raw.substr(0, g->label), {}});
            if (!rest.empty()) blocks.back().pieces.push_back({rest, cells(rest)});
        } else if (match_printed(l.key)) {
            doc_.metadata["printed"] = utf8(l.raw);
            continue;
        } else if (!blocks.empty()) {
            blocks.back().pieces.push_back({l.raw, l.width});
        } else {
            diagnose(l, "line after the articles that is not part of the distribution");
            continue;
        }
        if (!blocks.back().pieces.empty())
            widest = std::max(widest, blocks.back().pieces.back().width);
    }
    for (const auto& block : blocks) {
        bulletin::DistributionBlock out;
        out.label = utf8(block.label);
        out.recipients = split_recipients(block.pieces, widest, cfg_);
        doc_.distribution.push_back(std::move(out));
    }
}

} // namespace cn_bulletin
