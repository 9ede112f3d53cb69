// A third party tests its plugin class directly: construct it with Params, call it.
#include "meeting_tagger.hpp"

#include <bulletin/text.hpp>

#include <gtest/gtest.h>

namespace {

bulletin::Params params(std::map<std::string, std::string, std::less<>> values = {}) {
    std::map<std::string, std::string, std::less<>> all = {{"suffixes", "座谈会,培训班"},
                                                           {"stop_chars", "在的"},
                                                           {"min_length", "5"},
                                                           {"max_length", "30"}};
    for (auto& [k, v] : values)
        all[k] = v;
    return bulletin::Params(all);
}

class NullContext final : public bulletin::Context {
public:
    std::string_view plugin_name() const override { return "meeting"; }
    bool log_enabled(bulletin::LogLevel) const override { return false; }
    void log(bulletin::LogLevel, std::string_view) override {}
    bool cancelled() const override { return false; }
    std::filesystem::path output_path(std::string_view, const bulletin::Document&) const override {
        return {};
    }
    void write_file(const std::filesystem::path&, std::string_view) override {}
};

} // namespace

TEST(MeetingTagger, FindsTheMeetingNameAfterPunctuation) {
    MeetingTagger tagger(params());
    auto text = bulletin::text::to_u32("4月12日,全省人大选举任免联络工作座谈会在娄底召开。");
    auto spans = tagger.find(text);
    ASSERT_EQ(spans.size(), 1u);
    EXPECT_EQ(bulletin::text::to_utf8(
                  text.substr(static_cast<std::size_t>(spans[0].first),
                              static_cast<std::size_t>(spans[0].second - spans[0].first))),
              "全省人大选举任免联络工作座谈会");
}

TEST(MeetingTagger, StopsAtStopCharactersAndSkipsShortMatches) {
    MeetingTagger tagger(params());
    auto text = bulletin::text::to_u32("市人大常委会在平江县举办代表培训班,在座谈会");
    auto spans = tagger.find(text);
    ASSERT_EQ(spans.size(), 1u);  // "座谈会" alone (after 在) is shorter than min_length
    EXPECT_EQ(spans[0].first, 7); // after 在
}

TEST(MeetingTagger, TagsTitlesAndParagraphsWithOffsets) {
    MeetingTagger tagger(params());
    bulletin::Document doc;
    doc.articles.push_back(
        {"全省人大选举任免联络工作座谈会在娄底召开", {"无关", "举办的培训班"}, std::nullopt});
    NullContext ctx;
    tagger.tag(doc, ctx);
    ASSERT_EQ(doc.entities.size(), 1u);
    EXPECT_EQ(doc.entities[0].paragraph, bulletin::Entity::kTitle);
    EXPECT_EQ(doc.entities[0].start, 0);
    EXPECT_EQ(doc.entities[0].end, 15);
}

TEST(MeetingTagger, RefusesAnEmptySuffixList) {
    EXPECT_THROW(MeetingTagger(params({{"suffixes", ""}})), bulletin::Error);
}
