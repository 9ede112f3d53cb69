// cn.persons: positions before names, lists, 总书记 after the name, bylines, name contexts.
#include "tagger_test_util.hpp"

#include <gtest/gtest.h>

namespace {

using bulletin::testing::find_value;
using bulletin::testing::make_document;
using bulletin::testing::run_tagger;
using bulletin::testing::values;

bulletin::Document persons_in(const std::string& paragraph) {
    auto doc = make_document({paragraph});
    run_tagger("cn.persons", doc);
    return doc;
}

std::string position_of(const bulletin::Document& doc, const std::string& name) {
    auto e = find_value(doc, "person", name);
    if (!e) return "<missing>";
    auto it = e->attributes.find("position");
    return it == e->attributes.end() ? "" : it->second;
}

TEST(Persons, PositionWithTwoTitles) {
    auto doc = persons_in("召开。省人大常委会党组副书记、副主任张剑飞出席会议并强调");
    EXPECT_EQ(position_of(doc, "张剑飞"), "省人大常委会党组副书记、副主任");
    auto e = find_value(doc, "person", "张剑飞");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->text, "张剑飞");
    EXPECT_EQ(e->start, 18);
    EXPECT_EQ(e->end, 21);
}

TEST(Persons, PositionStartsAtAnOrganisationHead) {
    EXPECT_EQ(
        position_of(persons_in("实地考察了在娄全国人大代表欧云飞和省人大代表李学元"), "欧云飞"),
        "全国人大代表");
    EXPECT_EQ(position_of(persons_in("3月5日,市人大常委会副主任李明远带队"), "李明远"),
              "市人大常委会副主任");
    EXPECT_EQ(position_of(persons_in("精神、省委书记沈晓明在省人大常委会"), "沈晓明"), "省委书记");
    EXPECT_EQ(
        position_of(persons_in("主持会议,娄底市人大常委会党组书记、主任戴德清,各市州"), "戴德清"),
        "娄底市人大常委会党组书记、主任");
    EXPECT_EQ(position_of(persons_in("培训期间,省人大常委会代表工作委员会副主任王立新作了专题辅导"),
                          "王立新"),
              "省人大常委会代表工作委员会副主任");
    EXPECT_EQ(position_of(persons_in("市人大法制委员会主任委员周红梅,市人大"), "周红梅"),
              "市人大法制委员会主任委员");
}

TEST(Persons, TwoCharacterNameBeforeAFollowWord) {
    auto doc = persons_in("以及省人大常委会党组书记、副主任乌兰有关讲话精神");
    EXPECT_EQ(values(doc, "person"), std::vector<std::string>{"乌兰"});
    EXPECT_EQ(position_of(doc, "乌兰"), "省人大常委会党组书记、副主任");
}

TEST(Persons, ListSharesThePosition) {
    auto doc = persons_in("考察了省人大代表李学元、杨柳等所在生产生活单位");
    EXPECT_EQ(position_of(doc, "李学元"), "省人大代表");
    EXPECT_EQ(position_of(doc, "杨柳"), "省人大代表");
}

TEST(Persons, WillowIsNotAName) {
    EXPECT_TRUE(values(persons_in("河边杨柳依依,杨柳成荫"), "person").empty());
}

TEST(Persons, TitleAfterTheName) {
    auto doc = persons_in("深入贯彻落实党中央的决策部署和习近平总书记对人大工作的重要指示精神");
    EXPECT_EQ(position_of(doc, "习近平"), "总书记");
    EXPECT_EQ(values(doc, "person"), std::vector<std::string>{"习近平"});
}

TEST(Persons, LaterMentionsOfAFoundName) {
    auto doc = make_document({"市人大常委会党组成员、副主任刘建国出席开班式并讲话。",
                              "刘建国指出,加强代表履职能力建设"});
    run_tagger("cn.persons", doc);
    ASSERT_EQ(values(doc, "person").size(), 2u);
    EXPECT_EQ(doc.entities[1].index, 1);
    EXPECT_TRUE(doc.entities[1].attributes.empty());
}

TEST(Persons, BylineAuthorsHaveNoPosition) {
    auto doc = make_document({"正文"});
    bulletin::Byline byline;
    byline.department = "选举任免处";
    byline.authors = {"谢峥嵘"};
    byline.text = "选举任免处 谢峥嵘";
    doc.articles[0].byline = byline;
    run_tagger("cn.persons", doc);
    auto e = find_value(doc, "person", "谢峥嵘");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->place, bulletin::EntityPlace::Byline);
    EXPECT_EQ(e->start, 6);
    EXPECT_EQ(e->end, 9);
    EXPECT_TRUE(e->attributes.empty());
}

TEST(Persons, TitlesFollowedByWordsAreNotNames) {
    auto doc = persons_in("组织代表对办理情况开展满意度测评,代表提出的建议,主任会议审议");
    EXPECT_TRUE(values(doc, "person").empty());
}

} // namespace

namespace {

TEST(Persons, MorePositionShapes) {
    EXPECT_EQ(position_of(persons_in("会上,国务院总理李强指出"), "李强"), "国务院总理");
    EXPECT_EQ(position_of(persons_in("。市委常委、组织部部长王大明出席"), "王大明"),
              "市委常委、组织部部长");
    EXPECT_EQ(position_of(persons_in("。湘西州人大常委会副主任向明出席"), "向明"),
              "湘西州人大常委会副主任");
    EXPECT_EQ(position_of(persons_in("。副市长张有为出席"), "张有为"), "副市长");
    auto doc = persons_in("。副市长张三、李四、欧阳明等参加");
    EXPECT_EQ(values(doc, "person"), (std::vector<std::string>{"张三", "李四", "欧阳明"}));
}

} // namespace
