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

/// `bytes` (a zip) with every `from` renamed to `to`, in the local headers and the central
/// directory alike: libzip will not write two entries of one name.
std::string renamed(std::string bytes, const std::string& from, const std::string& to) {
    for (auto at = bytes.find(from); at != std::string::npos; at = bytes.find(from, at + 1))
        bytes.replace(at, to.size(), to);
    return bytes;
}

std::string error_of(const std::string& bytes, const std::string& name) {
    try {
        zip::Archive archive(bytes, {}, name);
    } catch (const bulletin::Error& e) {
        return e.what();
    }
    return "";
}

TEST(Zip, RefusesTwoEntriesOfOneName) {
    auto bytes = renamed(make_zip({{"word/document.xml", "<a/>"}, {"word/documenX.xml", "<b/>"}}),
                         "word/documenX.xml", "word/document.xml");
    EXPECT_EQ(error_of(bytes, "dup.docx"),
              "dup.docx: zip entry 'word/document.xml' appears more than once in the package "
              "(entries 1 and 2): a damaged or tampered file; refusing the container");
}

TEST(Zip, RefusesNamesThatOnlyLookDifferent) {
    // find() ignores ASCII case and normalises paths, so each pair names one entry.
    for (auto [a, b] : std::vector<std::pair<std::string, std::string>>{
             {"Word/Document.xml", "word/document.xml"},
             {"Doc_0/./Pages/Content.xml", "Doc_0/Pages/Content.xml"},
             {"Doc_0\\Content.xml", "Doc_0/Content.xml"}}) {
        auto message = error_of(make_zip({{a, "<a/>"}, {b, "<b/>"}}), "twins.ofd");
        EXPECT_NE(message.find("twins.ofd: zip entr"), std::string::npos) << a << " " << b;
        EXPECT_NE(message.find("refusing the container"), std::string::npos) << message;
    }
    // Names that differ beyond ASCII case are different names (lookups are exact there).
    zip::Archive ok(make_zip({{"文档/甲.xml", "1"}, {"文档/乙.xml", "2"}}), {}, "ok.ofd");
    EXPECT_EQ(ok.names().size(), 2u);
}

TEST(Zip, EveryReadCountsTowardTheTotal) {
    // A small package whose pages all read one entry: the entry fits, the reads together do not.
    auto bytes = make_zip({{"page.xml", std::string(4000, 'x')}}, false);
    zip::Limits limits;
    limits.max_total_size = 10000;
    zip::Archive archive(bytes, limits, "many-reads.ofd");
    archive.read("page.xml");
    archive.read("page.xml");
    EXPECT_EQ(archive.inflated(), 8000u);
    try {
        archive.read("page.xml");
        FAIL() << "a third read passed the total";
    } catch (const bulletin::Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "many-reads.ofd: reading zip entry 'page.xml' takes the bytes inflated from "
                  "this package past 10000 bytes in all (the reader's max_total_mb limit; every "
                  "read counts, so parts that many pages refer to count many times: a zip "
                  "bomb?)");
    }
}

TEST(Zip, PrepareXmlKeepsTheTextAfterANul) {
    std::string xml = "<a>前&#0;后&#x000;尾<b c=\"&#00;\"/><![CDATA[&#0;]]><!-- &#0; -->&#10;</a>";
    auto fixes = zip::prepare_xml(xml);
    EXPECT_EQ(xml, "<a>前后尾<b c=\"\"/><![CDATA[&#0;]]><!-- &#0; -->&#10;</a>");
    EXPECT_EQ(fixes.nul_references, 3u);
    EXPECT_EQ(fixes.describe(), "3 NUL character reference(s) (&#0;) removed");

    const char bytes[] = "<a>前\0后</a>";
    std::string raw(bytes, sizeof bytes - 1);
    EXPECT_EQ(zip::prepare_xml(raw).nul_bytes, 1u);
    EXPECT_EQ(raw, "<a>前后</a>");

    std::string clean = "<a>正文</a>";
    EXPECT_EQ(zip::prepare_xml(clean).describe(), "");
    EXPECT_EQ(clean, "<a>正文</a>");
}

TEST(Zip, PrepareXmlCountsOrRecoversBadBytes) {
    // UTF-8 with a stray byte: the byte becomes U+FFFD and is counted.
    std::string damaged = "<a>中文中文中文中文中文\xFF</a>";
    auto fixes = zip::prepare_xml(damaged);
    EXPECT_EQ(fixes.invalid_sequences, 1u);
    EXPECT_EQ(damaged, "<a>中文中文中文中文中文\xEF\xBF\xBD</a>");
    EXPECT_EQ(fixes.describe(), "1 invalid byte sequence(s) replaced by U+FFFD");

    // GB18030 bytes in a part that does not say so: read as GB18030, and said so.
    std::string gb = "<a>\xD6\xD0\xCE\xC4\xB2\xE2\xCA\xD4</a>";
    fixes = zip::prepare_xml(gb);
    EXPECT_EQ(gb, "<a>中文测试</a>");
    EXPECT_EQ(fixes.recovered_from, "GB18030");
    EXPECT_EQ(fixes.describe(), "not valid UTF-8 as it claims; read as GB18030");

    // Declared GB2312: converted without a complaint, the declaration says UTF-8 now.
    std::string declared = "<?xml version=\"1.0\" encoding=\"GB2312\"?><a>\xD6\xD0\xCE\xC4</a>";
    EXPECT_EQ(zip::prepare_xml(declared).describe(), "");
    EXPECT_EQ(declared, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>中文</a>");

    // UTF-16 with a BOM becomes UTF-8, NUL references included.
    std::u16string wide = u"\uFEFF<a>中&#0;文</a>";
    std::string utf16(reinterpret_cast<const char*>(wide.data()), wide.size() * 2);
    fixes = zip::prepare_xml(utf16);
    EXPECT_EQ(utf16, "<a>中文</a>");
    EXPECT_EQ(fixes.nul_references, 1u);
}

TEST(Zip, RefusesGarbage) {
    EXPECT_FALSE(zip::looks_like_zip("%PDF-1.4"));
    EXPECT_THROW(zip::Archive(std::string_view("PK\x03\x04garbage", 11), {}, "g.zip"),
                 bulletin::Error);
}

} // namespace
