// cn.recipients: one entity per recipient; elided prefixes expanded.
#include "tagger_test_util.hpp"

#include <gtest/gtest.h>

namespace {

using bulletin::testing::of_type;
using bulletin::testing::run_tagger;

bulletin::Document with_block(std::vector<std::string> recipients) {
    bulletin::Document doc;
    doc.distribution.push_back({"送", std::move(recipients)});
    run_tagger("cn.recipients", doc);
    return doc;
}

TEST(Recipients, SharedPrefixIsExpanded) {
    auto doc = with_block({"全国人大常委会办公厅联络局", "研究室", "新闻局", "《中国人大》杂志社"});
    auto r = of_type(doc, "recipient");
    ASSERT_EQ(r.size(), 4u);
    EXPECT_EQ(r[0].value, "全国人大常委会办公厅联络局");
    EXPECT_EQ(r[0].attributes.count("expanded"), 0u);
    EXPECT_EQ(r[1].text, "研究室");
    EXPECT_EQ(r[1].attributes.at("expanded"), "全国人大常委会办公厅研究室");
    EXPECT_EQ(r[2].attributes.at("expanded"), "全国人大常委会办公厅新闻局");
    EXPECT_EQ(r[3].attributes.count("expanded"), 0u);
    // Place Recipient: article is the block, index the recipient in it; schema bulletin/1 still
    // writes article -1, paragraph -3 (and the block and index attributes).
    EXPECT_EQ(r[1].place, bulletin::EntityPlace::Recipient);
    EXPECT_EQ(r[1].article, 0);
    EXPECT_EQ(r[1].index, 1);
    EXPECT_EQ(bulletin::bulletin1_article(r[1]), -1);
    EXPECT_EQ(bulletin::bulletin1_paragraph(r[1]), -3);
    EXPECT_EQ(r[1].attributes.at("block"), "0");
    EXPECT_EQ(r[1].attributes.at("index"), "1");
    EXPECT_EQ(r[1].start, 0);
    EXPECT_EQ(r[1].end, 3);
    EXPECT_EQ(r[1].attributes.at("label"), "送");
    EXPECT_EQ(r[1].attributes.at("block"), "0");
    EXPECT_EQ(r[1].attributes.at("index"), "1");
}

TEST(Recipients, PrefixStopsAtTheOrganisation) {
    auto doc = with_block({"省人大常委会各办事机构", "工作机构", "市人大常委会各副主任", "秘书长"});
    auto r = of_type(doc, "recipient");
    ASSERT_EQ(r.size(), 4u);
    EXPECT_EQ(r[1].value, "省人大常委会工作机构");
    EXPECT_EQ(r[3].value, "市人大常委会秘书长");
}

TEST(Recipients, FullNamesStayAsWritten) {
    auto doc = with_block({"省委办公厅", "省委组织部", "各设区市人大常委会"});
    for (const auto& e : of_type(doc, "recipient")) {
        EXPECT_EQ(e.value, e.text);
        EXPECT_EQ(e.attributes.count("expanded"), 0u);
    }
}

} // namespace

TEST(Recipients, MaxElidedLengthHasARange) {
    auto tagger = bulletin::testing::load<bulletin::Tagger>("cn.recipients");
    using bulletin::testing::make_params;
    EXPECT_NO_THROW(make_params(*tagger.info, {{"max_elided_length", "12"}}));
    EXPECT_THROW(make_params(*tagger.info, {{"max_elided_length", "-1"}}), std::invalid_argument);
}
