// A third party tests its plugin as the host creates it: from its own module descriptor, with
// parameters checked against its table (bulletin/testing.hpp), and a TestContext to call it with.
#include "meeting_tagger.hpp"

#include <bulletin/testing.hpp>
#include <bulletin/text.hpp>

#include <gtest/gtest.h>

extern "C" const bulletin::ModuleInfo* bulletin_module(); // meeting_tagger.cpp's entry point

namespace {

const bulletin::PluginInfo& meeting() {
    return bulletin::testing::find_plugin(*bulletin_module(), "meeting");
}

std::unique_ptr<bulletin::Tagger>
make_tagger(const std::map<std::string, std::string, std::less<>>& params = {}) {
    return bulletin::testing::make<bulletin::Tagger>(meeting(), params);
}

// The spans find() gives, through the class itself.
std::vector<std::pair<int, int>> spans_of(const bulletin::Tagger& tagger, const char* utf8) {
    return dynamic_cast<const MeetingTagger&>(tagger).find(bulletin::text::to_u32(utf8));
}

} // namespace

TEST(MeetingTagger, FindsTheMeetingNameAfterPunctuation) {
    auto tagger = make_tagger();
    const char* utf8 = "4月12日,全省人大选举任免联络工作座谈会在娄底召开。";
    auto spans = spans_of(*tagger, utf8);
    ASSERT_EQ(spans.size(), 1u);
    auto text = bulletin::text::to_u32(utf8);
    EXPECT_EQ(bulletin::text::to_utf8(
                  text.substr(static_cast<std::size_t>(spans[0].first),
                              static_cast<std::size_t>(spans[0].second - spans[0].first))),
              "全省人大选举任免联络工作座谈会");
}

TEST(MeetingTagger, StopsAtStopCharactersAndSkipsShortMatches) {
    auto tagger = make_tagger({{"suffixes", "座谈会,培训班"}, {"stop_chars", "在的"}});
    auto spans = spans_of(*tagger, "市人大常委会在平江县举办代表培训班,在座谈会");
    ASSERT_EQ(spans.size(), 1u);  // "座谈会" alone (after 在) is shorter than min_length
    EXPECT_EQ(spans[0].first, 7); // after 在
}

TEST(MeetingTagger, TagsTitlesAndParagraphsWithOffsets) {
    auto tagger = make_tagger();
    bulletin::Document doc;
    auto& article = doc.articles.emplace_back();
    article.title = "全省人大选举任免联络工作座谈会在娄底召开";
    article.paragraphs = {{"无关", {}}, {"举办的培训班", {}}};
    bulletin::testing::TestContext ctx;
    tagger->tag(doc, ctx);
    ASSERT_EQ(doc.entities.size(), 1u);
    EXPECT_EQ(doc.entities[0].place, bulletin::EntityPlace::Title);
    EXPECT_EQ(doc.entities[0].article, 0);
    EXPECT_EQ(doc.entities[0].start, 0);
    EXPECT_EQ(doc.entities[0].end, 15);
    EXPECT_FALSE(ctx.messages.empty()); // its debug line
}

TEST(MeetingTagger, RefusesAnEmptySuffixList) {
    EXPECT_THROW(make_tagger({{"suffixes", ""}}), bulletin::Error);
}

TEST(MeetingTagger, ParametersAreCheckedAgainstItsTable) {
    EXPECT_THROW(make_tagger({{"min_length", "0"}}), std::invalid_argument);    // below its range
    EXPECT_THROW(make_tagger({{"max_length", "many"}}), std::invalid_argument); // not a number
    EXPECT_THROW(make_tagger({{"max-length", "5"}}), std::invalid_argument);    // not declared
}
