// The SDK's safe zip reader (bulletin/zip.hpp) that the DOCX and OFD readers use.
#include "support.hpp"

#include <bulletin/plugin.hpp>
#include <bulletin/zip.hpp>

#include <gtest/gtest.h>

namespace {

using namespace bulletin::testing;
namespace zip = bulletin::zip;

TEST(Zip, NormalisesPathsInsideThePackage) {
    EXPECT_EQ(zip::normalize_path("Doc_0/./Pages//Page_0/Content.xml"),
              "Doc_0/Pages/Page_0/Content.xml");
    EXPECT_EQ(zip::normalize_path("/Doc_0/Document.xml"), "Doc_0/Document.xml");
    EXPECT_EQ(zip::normalize_path("Doc_0\\Res\\a.png"), "Doc_0/Res/a.png");
    EXPECT_EQ(zip::normalize_path("Doc_0/Pages/../Res/a.png"), "Doc_0/Res/a.png");
    EXPECT_FALSE(zip::normalize_path("../etc/passwd"));
    EXPECT_FALSE(zip::normalize_path("Doc_0/../../x"));
}

TEST(Zip, ResolvesReferencesAgainstTheReferringFile) {
    EXPECT_EQ(zip::resolve_path("Doc_0/Document.xml", "Pages/Page_0/Content.xml"),
              "Doc_0/Pages/Page_0/Content.xml");
    EXPECT_EQ(zip::resolve_path("Doc_0/Document.xml", "/Doc_0/Pages/Page_0/Content.xml"),
              "Doc_0/Pages/Page_0/Content.xml");
    EXPECT_EQ(zip::resolve_path("OFD.xml", "Doc_0/Document.xml"), "Doc_0/Document.xml");
    EXPECT_FALSE(zip::resolve_path("OFD.xml", "../x.xml"));
}

TEST(Zip, ReadsEntriesAndFindsThemIgnoringCase) {
    auto bytes = make_zip({{"word/document.xml", "<doc/>"}, {"dir/", ""}});
    EXPECT_TRUE(zip::looks_like_zip(bytes));
    zip::Archive archive(bytes, {}, "t.zip");
    EXPECT_EQ(archive.names(), std::vector<std::string>{"word/document.xml"});
    EXPECT_EQ(archive.find("Word/Document.XML"), "word/document.xml");
    EXPECT_EQ(archive.read("/word/document.xml"), "<doc/>");
    EXPECT_THROW(archive.read("word/missing.xml"), bulletin::Error);
}

TEST(Zip, RefusesABomb) {
    auto bytes = make_zip({{"big.xml", std::string(32u << 20, '\0')}});
    ASSERT_LT(bytes.size(), 200000u); // 32 MiB of zeros deflate to a few KiB
    try {
        zip::Archive archive(bytes, {}, "bomb.zip");
        FAIL() << "a zip bomb was opened";
    } catch (const bulletin::Error& e) {
        EXPECT_NE(std::string(e.what()).find("bomb.zip"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("compression ratio"), std::string::npos) << e.what();
    }
}

TEST(Zip, RefusesTooManyEntriesAndTooMuchData) {
    std::vector<std::pair<std::string, std::string>> entries;
    for (int i = 0; i < 20; ++i)
        entries.emplace_back("f" + std::to_string(i), "x");
    auto many = make_zip(entries);
    zip::Limits few;
    few.max_entries = 10;
    EXPECT_THROW(zip::Archive(many, few, "many.zip"), bulletin::Error);

    zip::Limits small;
    small.max_total_size = 1000;
    auto big = make_zip({{"a", std::string(600, 'a')}, {"b", std::string(600, 'b')}}, false);
    EXPECT_THROW(zip::Archive(big, small, "big.zip"), bulletin::Error);
}

TEST(Zip, RefusesEntriesThatLeaveThePackage) {
    for (std::string name : {"../evil.xml", "a/../../evil.xml", "/etc/evil.xml"}) {
        auto bytes = make_zip({{"OFD.xml", "<x/>"}, {name, "x"}});
        try {
            zip::Archive archive(bytes, {}, "evil.zip");
            FAIL() << "accepted entry " << name;
        } catch (const bulletin::Error& e) {
            EXPECT_NE(std::string(e.what()).find("evil.zip"), std::string::npos);
        }
    }
}

TEST(Zip, RefusesGarbage) {
    EXPECT_FALSE(zip::looks_like_zip("%PDF-1.4"));
    EXPECT_THROW(zip::Archive(std::string_view("PK\x03\x04garbage", 11), {}, "g.zip"),
                 bulletin::Error);
}

} // namespace
