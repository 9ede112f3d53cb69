// cn.dates: every written form of the brief, the issue-date year rules, and the non-dates.
#include "tagger_test_util.hpp"

#include <gtest/gtest.h>

namespace {

using bulletin::testing::make_document;
using bulletin::testing::run_tagger;
using bulletin::testing::values;

std::vector<std::string> dates_in(const std::string& paragraph,
                                  const std::string& issue = "2023-04-24") {
    auto doc = make_document({paragraph}, {}, issue);
    run_tagger("cn.dates", doc);
    std::vector<std::string> out; // the paragraph's dates, not the masthead's
    for (const auto& e : doc.entities)
        if (e.place != bulletin::EntityPlace::MastheadDate) out.push_back(e.value);
    return out;
}

using V = std::vector<std::string>;

TEST(Dates, FullArabicDate) {
    EXPECT_EQ(dates_in("2023年4月24日,召开会议"), V{"2023-04-24"});
}

TEST(Dates, ChineseNumeralsWithEveryZero) {
    EXPECT_EQ(dates_in("二〇二三年四月二十四日"), V{"2023-04-24"});
    EXPECT_EQ(dates_in("二○二三年六月十五日"), V{"2023-06-15"});
    EXPECT_EQ(dates_in("二零二三年十二月三十一日"), V{"2023-12-31"});
}

TEST(Dates, FullWidthDigits) {
    EXPECT_EQ(dates_in("２０２３年４月２４日"), V{"2023-04-24"});
}

TEST(Dates, NumericForms) {
    EXPECT_EQ(dates_in("于2023-04-24发布"), V{"2023-04-24"});
    EXPECT_EQ(dates_in("于2023.4.5发布"), V{"2023-04-05"});
}

TEST(Dates, YearFromIssueDate) {
    EXPECT_EQ(dates_in("4月12日,全省座谈会召开"), V{"2023-04-12"});
    // After the issue date: the previous year (a January issue mentioning 12月28日).
    EXPECT_EQ(dates_in("12月28日,会议召开", "2024-01-10"), V{"2023-12-28"});
    EXPECT_EQ(dates_in("截至5月31日已办结", "2023-06-15"), V{"2023-05-31"});
}

TEST(Dates, WithoutIssueDateTheYearIsLeftOut) {
    auto doc = make_document({"4月12日召开"});
    run_tagger("cn.dates", doc);
    EXPECT_EQ(values(doc, "date"), V{"--04-12"});
}

TEST(Dates, MonthPrecision) {
    EXPECT_EQ(dates_in("力争于2024年10月底前提请审议"), V{"2024-10"});
    EXPECT_EQ(dates_in("11月下旬召开", "2023-12-01"), V{"2023-11"});
    EXPECT_EQ(dates_in("11月下旬召开", "2024-03-08"), V{"2023-11"});
}

TEST(Dates, YearPrecision) {
    EXPECT_EQ(dates_in("举办2023年度市人大代表培训班"), V{"2023"});
    EXPECT_EQ(dates_in("部署2023年工作安排"), V{"2023"});
}

TEST(Dates, Ranges) {
    EXPECT_EQ(dates_in("6月8日至9日,举办培训班", "2023-06-15"), V{"2023-06-08/2023-06-09"});
    EXPECT_EQ(dates_in("4月下旬至5月上旬,开展回头看", "2024-05-20"), V{"2024-04/2024-05"});
    EXPECT_EQ(dates_in("5月14日至16日,执法检查", "2024-05-20"), V{"2024-05-14/2024-05-16"});
    EXPECT_EQ(dates_in("6月8—9日举办", "2023-06-15"), V{"2023-06-08/2023-06-09"});
    EXPECT_EQ(dates_in("2022年12月28日至2023年1月3日"), V{"2022-12-28/2023-01-03"});
    EXPECT_EQ(dates_in("2023年6月8-9日"), V{"2023-06-08/2023-06-09"});
}

TEST(Dates, NotDates) {
    EXPECT_TRUE(dates_in("十四届全国人大一次会议").empty());
    EXPECT_TRUE(dates_in("14个市州人大常委会").empty());
    EXPECT_TRUE(dates_in("涟钢1580热连轧项目").empty());
    EXPECT_TRUE(dates_in("今年主要工作安排,近日召开").empty());
    EXPECT_TRUE(dates_in("过去一年,96件建议").empty());
    EXPECT_TRUE(dates_in("县十八届人大二次会议").empty());
}

TEST(Dates, OffsetsAreCodePoints) {
    auto doc = make_document({"会上,4月12日召开"}, {}, "2023-04-24");
    run_tagger("cn.dates", doc, {{"masthead", "false"}});
    ASSERT_EQ(doc.entities.size(), 1u);
    EXPECT_EQ(doc.entities[0].start, 3);
    EXPECT_EQ(doc.entities[0].end, 8);
    EXPECT_EQ(doc.entities[0].text, "4月12日");
    EXPECT_EQ(doc.entities[0].place, bulletin::EntityPlace::Paragraph);
    EXPECT_EQ(doc.entities[0].index, 0);
}

TEST(Dates, MastheadDate) {
    bulletin::Document doc;
    doc.masthead.date = "2023-06-15";
    doc.masthead.date_text = "二〇二三年六月十五日";
    run_tagger("cn.dates", doc);
    ASSERT_EQ(doc.entities.size(), 1u);
    const auto& e = doc.entities[0];
    EXPECT_EQ(e.place, bulletin::EntityPlace::MastheadDate);
    EXPECT_EQ(bulletin::bulletin1_article(e), -1); // what schema bulletin/1 writes
    EXPECT_EQ(bulletin::bulletin1_paragraph(e), -1);
    EXPECT_EQ(e.value, "2023-06-15");
    EXPECT_EQ(e.start, 0);
    EXPECT_EQ(e.end, 10);
}

TEST(Dates, TitlesAndBylinesAreTagged) {
    auto doc = make_document({}, {}, "2023-04-24", "4月12日座谈会");
    bulletin::Byline byline;
    byline.text = "2023年4月20日 办公室";
    doc.articles[0].byline = byline;
    run_tagger("cn.dates", doc, {{"masthead", "false"}});
    ASSERT_EQ(doc.entities.size(), 2u);
    EXPECT_EQ(doc.entities[0].place, bulletin::EntityPlace::Title);
    EXPECT_EQ(doc.entities[1].place, bulletin::EntityPlace::Byline);
    EXPECT_EQ(doc.entities[1].value, "2023-04-20");
}

} // namespace
