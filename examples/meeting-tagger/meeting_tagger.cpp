#include "meeting_tagger.hpp"

#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <algorithm>

MeetingTagger::MeetingTagger(const bulletin::Params& params)
    : stops_(bulletin::text::to_u32(params.string("stop_chars"))),
      min_length_(static_cast<std::size_t>(params.integer("min_length"))),
      max_length_(static_cast<std::size_t>(params.integer("max_length"))) {
    for (const auto& suffix : params.list("suffixes"))
        suffixes_.push_back(bulletin::text::to_u32(suffix));
    if (suffixes_.empty())
        throw bulletin::Error("meeting: 'suffixes' must name at least one suffix");
}

std::vector<std::pair<int, int>> MeetingTagger::find(std::u32string_view text) const {
    std::vector<std::pair<int, int>> spans;
    for (std::size_t end = 1; end <= text.size(); ++end) {
        for (const auto& suffix : suffixes_) {
            if (end < suffix.size() ||
                text.compare(end - suffix.size(), suffix.size(), suffix) != 0)
                continue;
            // A name is the run of Han characters before the suffix, up to a stop character
            // ("在", "的") or punctuation.
            std::size_t start = end - suffix.size();
            while (start > 0 && end - start < max_length_ &&
                   bulletin::text::is_han(text[start - 1]) &&
                   stops_.find(text[start - 1]) == std::u32string::npos)
                --start;
            bool overlaps = !spans.empty() && static_cast<std::size_t>(spans.back().second) > start;
            if (end - start >= min_length_ && !overlaps)
                spans.emplace_back(static_cast<int>(start), static_cast<int>(end));
            break;
        }
    }
    return spans;
}

void MeetingTagger::tag(bulletin::Document& doc, bulletin::Context& ctx) {
    std::size_t before = doc.entities.size();
    auto tag_text = [&](const std::string& utf8, bulletin::EntityPlace place, int article,
                        int index) {
        auto text = bulletin::text::to_u32(utf8);
        for (auto [start, end] : find(text)) {
            bulletin::Entity e;
            e.type = "meeting";
            e.text = bulletin::text::to_utf8(text.substr(static_cast<std::size_t>(start),
                                                         static_cast<std::size_t>(end - start)));
            e.value = e.text;
            e.place = place;
            e.article = article;
            e.index = index;
            e.start = start;
            e.end = end;
            doc.entities.push_back(std::move(e));
        }
    };
    for (std::size_t a = 0; a < doc.articles.size(); ++a) {
        const auto& article = doc.articles[a];
        tag_text(article.title, bulletin::EntityPlace::Title, static_cast<int>(a), 0);
        for (std::size_t p = 0; p < article.paragraphs.size(); ++p)
            tag_text(article.paragraphs[p].text, bulletin::EntityPlace::Paragraph,
                     static_cast<int>(a), static_cast<int>(p));
    }
    ctx.debug("tagged ", doc.entities.size() - before, " meetings");
}

// Identity and parameters: read by `bulletin plugins meeting` and checked by `bulletin validate`.
constexpr bulletin::ParamSpec kMeetingParams[] = {
    bulletin::list_param("suffixes", "座谈会,培训班,推进会,联席会,研讨会,工作会议,常委会会议",
                         "Words that end a meeting name, comma-separated."),
    bulletin::string_param(
        "stop_chars", "在的了和与及后前召开由对从",
        "Characters that cannot be part of a meeting name; the name starts after them."),
    bulletin::int_param("min_length", "5",
                        "Shorter matches (just the suffix and a word) are not names.")
        .range(1, 100),
    bulletin::int_param("max_length", "30", "Longest meeting name, in characters.").range(1, 100),
};

BULLETIN_PLUGIN(kMeeting, MeetingTagger, "meeting", bulletin::PluginKind::Tagger,
                "Tags meeting names such as 全省人大选举任免联络工作座谈会.", kMeetingParams);
BULLETIN_MODULE("meeting", "1.0.0", "MIT", "Example third-party tagger for meeting names.",
                &kMeeting)
