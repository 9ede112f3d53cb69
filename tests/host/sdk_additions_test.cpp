// SDK 2 pieces a plugin uses directly: its data directory, JSON reading with positions, and the
// bulletin/1 writer's new optional fields.
#include "registry.hpp"
#include "support/plugins.hpp"

#include <bulletin/json.hpp>
#include <bulletin/json_read.hpp>

#include <gtest/gtest.h>

#include <filesystem>

namespace {

namespace fs = std::filesystem;
using bulletin::host::Registry;

bulletin::Document titled(const std::string& title) {
    bulletin::Document doc;
    bulletin::Article article;
    article.title = title;
    doc.articles.push_back(std::move(article));
    return doc;
}

TEST(DataDir, APluginFindsTheFilesItsBuildInstalledBesideIt) {
    Registry registry;
    registry.add_directory(fs::path(TEST_MODULES_DIR) / "data");
    ASSERT_TRUE(registry.errors().empty()) << registry.errors().front().message;
    auto tagger = registry.create<bulletin::Tagger>("data.words");
    auto doc = titled("市人大常委会选举工作会议");
    bulletin::testing::TestContext context;
    tagger->tag(doc, context);
    ASSERT_EQ(doc.entities.size(), 1u);
    EXPECT_EQ(doc.entities[0].text, "选举"); // the first line of data/test_data/words.txt
}

TEST(DataDir, AModuleCopiedWithoutItsDataSaysWhereItLooked) {
    bulletin::testing::TempDir dir;
    fs::permissions(dir.path(), fs::perms::owner_all, fs::perm_options::replace);
    fs::copy_file(fs::path(TEST_MODULES_DIR) / "data" / "test_data.so",
                  dir.path() / "test_data.so");
    Registry registry;
    registry.add_directory(dir.path());
    ASSERT_TRUE(registry.errors().empty()) << registry.errors().front().message;
    try {
        registry.create<bulletin::Tagger>("data.words");
        FAIL() << "created without its data";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("no words.txt in the data directory ''"),
                  std::string::npos)
            << e.what();
    }
}

TEST(JsonRead, ABadFileIsNamedWithLineAndColumn) {
    EXPECT_EQ(bulletin::json::parse("{\"a\": [1, 2]}", "ok.json")["a"][1], 2);
    try {
        bulletin::json::parse("{\n  \"a\": [1,\n  2,,\n]}", "gazetteer.json");
        FAIL() << "parsed";
    } catch (const bulletin::Error& e) {
        std::string what = e.what();
        EXPECT_EQ(what.rfind("gazetteer.json:3:5: not valid JSON: ", 0), 0u) << what;
    }
}

TEST(JsonWriter, OfficialDocumentFieldsAndTablesAppearOnlyWhenSet) {
    auto doc = titled("关于做好选举工作的通知");
    std::string plain;
    bulletin::json::Writer w(plain, -1);
    bulletin::json::write_document(w, doc);
    for (const char* field : {"document_number", "signers", "tables", "urgency"})
        EXPECT_EQ(plain.find(field), std::string::npos) << field;

    doc.masthead.document_number = "路卫发〔2011〕76号";
    doc.masthead.signers = {"张三", "李四"};
    doc.masthead.urgency = "特急";
    doc.articles[0].paragraphs.push_back({"第一段。", {}});
    doc.articles[0].tables.push_back({{{"姓名", "职务"}, {"王明", "主任"}}, 1, {}});
    bulletin::Entity e;
    e.type = "person";
    e.place = bulletin::EntityPlace::Title;
    doc.entities.push_back(e);
    std::string out;
    bulletin::json::Writer full(out, -1);
    bulletin::json::write_document(full, doc);
    auto json = nlohmann::json::parse(out);
    EXPECT_EQ(json["masthead"]["document_number"], "路卫发〔2011〕76号");
    EXPECT_EQ(json["masthead"]["signers"], nlohmann::json({"张三", "李四"}));
    EXPECT_EQ(json["masthead"]["urgency"], "特急");
    EXPECT_EQ(json["articles"][0]["paragraphs"], nlohmann::json({"第一段。"}));
    EXPECT_EQ(json["articles"][0]["tables"][0]["before_paragraph"], 1);
    EXPECT_EQ(json["articles"][0]["tables"][0]["rows"][1][0], "王明");
    EXPECT_EQ(json["entities"][0]["article"], 0); // a title keeps bulletin/1's numbers
    EXPECT_EQ(json["entities"][0]["paragraph"], -1);
}

} // namespace
