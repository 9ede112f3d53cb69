// cn.orgs: organisation spans and expanded abbreviations.
#include "tagger_test_util.hpp"

#include <gtest/gtest.h>

namespace {

using bulletin::testing::make_document;
using bulletin::testing::of_type;
using bulletin::testing::run_tagger;

std::vector<bulletin::Entity> orgs_in(const std::string& paragraph) {
    auto doc = make_document({paragraph}, "湖南省人大常委会办公厅");
    run_tagger("cn.places", doc);
    run_tagger("cn.orgs", doc);
    return of_type(doc, "organization");
}

TEST(Orgs, AbbreviationIsExpanded) {
    auto orgs = orgs_in("通报了省人大常委会联工委今年主要工作安排");
    ASSERT_EQ(orgs.size(), 1u);
    EXPECT_EQ(orgs[0].text, "省人大常委会联工委");
    EXPECT_EQ(orgs[0].attributes.at("expanded"), "省人大常委会选举任免联络工作委员会");
    EXPECT_EQ(orgs[0].start, 3);
}

TEST(Orgs, LoneAbbreviation) {
    auto orgs = orgs_in("省人大常委会委员、联工委主任程水泉主持会议");
    ASSERT_EQ(orgs.size(), 2u);
    EXPECT_EQ(orgs[1].text, "联工委");
    EXPECT_EQ(orgs[1].value, "选举任免联络工作委员会");
}

TEST(Orgs, OtherAbbreviations) {
    auto orgs = orgs_in("(省人大常委会代表工委 吴晓东)");
    ASSERT_EQ(orgs.size(), 1u);
    EXPECT_EQ(orgs[0].attributes.at("expanded"), "省人大常委会代表工作委员会");
}

TEST(Orgs, PlaceHeadsAnOrganisation) {
    auto orgs = orgs_in("5月14日至16日,湖州市人大常委会执法检查组深入安吉县");
    ASSERT_EQ(orgs.size(), 1u);
    EXPECT_EQ(orgs[0].text, "湖州市人大常委会执法检查组");
    EXPECT_TRUE(orgs[0].attributes.empty());
}

TEST(Orgs, CourtsProcuratoratesBureaus) {
    auto orgs = orgs_in("省高级人民法院、省人民检察院和市住房城乡建设局");
    ASSERT_EQ(orgs.size(), 3u);
    EXPECT_EQ(orgs[0].text, "省高级人民法院");
    EXPECT_EQ(orgs[1].text, "省人民检察院");
    EXPECT_EQ(orgs[2].text, "市住房城乡建设局");
}

TEST(Orgs, ListedCommitteeWithoutHead) {
    auto orgs = orgs_in("市人大常委会法制工作委员会、城乡建设环境保护委员会有关负责同志");
    ASSERT_EQ(orgs.size(), 2u);
    EXPECT_EQ(orgs[0].text, "市人大常委会法制工作委员会");
    EXPECT_EQ(orgs[1].text, "城乡建设环境保护委员会");
}

TEST(Orgs, WordsEndingLikeSuffixesAreNotOrganisations) {
    EXPECT_TRUE(orgs_in("服务中心大局,听取各部门意见").empty());
}

} // namespace
