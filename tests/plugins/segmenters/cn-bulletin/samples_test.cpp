// Every text form of every sample through the text reader and cn.bulletin, compared with its
// gold structure the way tools/score-bulletin compares it: text after NFKC with white space
// removed; masthead fields, article count, titles, paragraphs, bylines and recipients.
#include "support/plugins.hpp"

#include <bulletin/text.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

std::string norm(const std::string& s) {
    return bulletin::text::remove_spaces(bulletin::text::nfkc(s));
}

std::string norm(const json& v) {
    return v.is_string() ? norm(v.get<std::string>()) : std::string{};
}

/// Multiset equality, with the differences spelled out.
void expect_same(const char* what, std::vector<std::string> got, std::vector<std::string> want) {
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    if (got == want) return;
    std::vector<std::string> missing, extra;
    std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                        std::back_inserter(missing));
    std::set_difference(got.begin(), got.end(), want.begin(), want.end(),
                        std::back_inserter(extra));
    std::ostringstream out;
    out << what << " differ\n";
    for (const auto& m : missing)
        out << "  missing: " << m << "\n";
    for (const auto& e : extra)
        out << "  extra:   " << e << "\n";
    ADD_FAILURE() << out.str();
}

std::string byline_key(const std::optional<bulletin::Byline>& b) {
    std::string key = (b && b->department ? norm(*b->department) : "") + "|";
    if (b)
        for (std::size_t i = 0; i < b->authors.size(); ++i)
            key += (i ? "," : "") + norm(b->authors[i]);
    return key;
}

std::string byline_key(const json& b) {
    std::string key = (b.is_object() ? norm(b.value("department", json())) : "") + "|";
    if (b.is_object() && b.contains("authors"))
        for (std::size_t i = 0; i < b["authors"].size(); ++i)
            key += (i ? "," : "") + norm(b["authors"][i]);
    return key;
}

std::string describe(const bulletin::Document& doc) {
    std::ostringstream out;
    const auto& m = doc.masthead;
    out << "masthead: series=" << m.series.value_or("-")
        << " publisher=" << m.publisher.value_or("-") << " date=" << m.date.value_or("-");
    if (m.issue) out << " issue=" << m.issue->number << "/" << m.issue->total.value_or(-1);
    out << "\n";
    for (const auto& a : doc.articles) {
        out << "# " << a.title << "\n";
        for (const auto& p : a.paragraphs)
            out << "  - " << p.text << "\n";
        if (a.byline) out << "  by " << byline_key(a.byline) << " [" << a.byline->text << "]\n";
    }
    for (const auto& d : doc.distribution) {
        out << d.label << ":";
        for (const auto& r : d.recipients)
            out << " [" << r << "]";
        out << "\n";
    }
    for (const auto& diag : doc.diagnostics)
        out << "diagnostic " << diag.page << ":" << diag.line << " " << diag.message << "\n";
    return out.str();
}

class CnBulletinSample : public ::testing::TestWithParam<std::string> {};

TEST_P(CnBulletinSample, StructureEqualsGold) {
    const std::string input = GetParam();
    const std::string stem = input.substr(0, input.find('.'));
    auto dir = bulletin::testing::data_dir() / "samples";
    std::string bytes = bulletin::testing::read_file(dir / input);
    json gold = json::parse(bulletin::testing::read_file(dir / (stem + ".gold.json")));

    auto reader = bulletin::testing::load<bulletin::Reader>("text");
    auto segmenter = bulletin::testing::load<bulletin::Segmenter>("cn.bulletin");
    bulletin::Input in{dir / input, bytes};
    ASSERT_TRUE(reader->accepts(in));
    bulletin::Document doc;
    bulletin::testing::TestContext ctx;
    reader->read(in, doc, ctx);
    segmenter->segment(doc, ctx);
    SCOPED_TRACE(describe(doc));

    const auto& m = doc.masthead;
    const json& gm = gold["masthead"];
    if (!gm["publisher"].is_null()) {
        EXPECT_EQ(norm(m.publisher.value_or("")), norm(gm["publisher"]));
    }
    if (!gm["date"].is_null()) {
        EXPECT_EQ(m.date.value_or(""), gm["date"].get<std::string>());
    }
    if (!gm["series"].is_null()) {
        EXPECT_EQ(norm(m.series.value_or("")), norm(gm["series"]));
    }
    if (gm["issue"].is_object()) {
        ASSERT_TRUE(m.issue.has_value());
        EXPECT_EQ(m.issue->number, gm["issue"]["number"].get<int>());
        if (!gm["issue"]["total"].is_null()) {
            EXPECT_EQ(m.issue->total.value_or(-1), gm["issue"]["total"].get<int>());
        }
    }

    EXPECT_EQ(doc.articles.size(), gold["articles"].size());
    std::vector<std::string> titles, want_titles, paras, want_paras, bylines, want_bylines;
    for (const auto& a : doc.articles) {
        titles.push_back(norm(a.title));
        for (const auto& p : a.paragraphs)
            paras.push_back(norm(p.text));
        bylines.push_back(byline_key(a.byline));
    }
    for (const auto& a : gold["articles"]) {
        want_titles.push_back(norm(a["title"]));
        for (const auto& p : a["paragraphs"])
            want_paras.push_back(norm(p));
        want_bylines.push_back(byline_key(a["byline"]));
    }
    expect_same("titles", titles, want_titles);
    expect_same("paragraphs", paras, want_paras);
    expect_same("bylines", bylines, want_bylines);

    std::vector<std::string> recipients, want_recipients;
    for (const auto& d : doc.distribution)
        for (const auto& r : d.recipients)
            recipients.push_back(norm(d.label) + ":" + norm(r));
    for (const auto& d : gold["distribution"])
        for (const auto& r : d["recipients"])
            want_recipients.push_back(norm(d["label"]) + ":" + norm(r));
    expect_same("recipients", recipients, want_recipients);

    // Nothing the segmenter could not place in the samples (dropped page furniture is only info).
    for (const auto& diag : doc.diagnostics)
        if (diag.plugin == "cn.bulletin") {
            EXPECT_EQ(diag.severity, bulletin::Severity::Info) << diag.message;
        }
}

// Every prefix of every sample (a masthead alone, a cut article, a cut distribution) segments
// without throwing, and what is kept stays within the lines given.
TEST(CnBulletinRobustness, TruncatedSamplesAndEmptyDocuments) {
    auto segmenter = bulletin::testing::load<bulletin::Segmenter>("cn.bulletin");
    bulletin::testing::TestContext ctx;
    bulletin::Document empty;
    EXPECT_NO_THROW(segmenter->segment(empty, ctx));
    EXPECT_TRUE(empty.articles.empty());
    auto reader = bulletin::testing::load<bulletin::Reader>("text");
    auto dir = bulletin::testing::data_dir() / "samples";
    for (const char* name :
         {"hunan-xuanren-2023-04-24.txt", "zhejiang-dongtai-2024-07.plain.txt"}) {
        std::string bytes = bulletin::testing::read_file(dir / name);
        bulletin::Document full;
        reader->read(bulletin::Input{dir / name, bytes}, full, ctx);
        std::vector<bulletin::Line> all;
        for (const auto& page : full.pages)
            all.insert(all.end(), page.lines.begin(), page.lines.end());
        for (std::size_t n = 0; n <= all.size(); ++n) {
            bulletin::Document doc;
            doc.source.format = "text";
            doc.pages.push_back({1, 0, 0,
                                 std::vector<bulletin::Line>(
                                     all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n))});
            EXPECT_NO_THROW(segmenter->segment(doc, ctx)) << name << " cut at " << n;
        }
    }
}

std::vector<std::string> inputs() {
    std::vector<std::string> out;
    for (const char* stem : {"hunan-xuanren-2023-04-24", "yueyang-daibiao-2023-12",
                             "chengdu-zhuanbao-2024-03", "zhejiang-dongtai-2024-07"})
        for (const char* form : {".txt", ".plain.txt", ".gb18030.txt"})
            out.push_back(std::string(stem) + form);
    return out;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
    std::string name = info.param;
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(TextSamples, CnBulletinSample, ::testing::ValuesIn(inputs()), test_name);

} // namespace
