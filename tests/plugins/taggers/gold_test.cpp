// Runs the five taggers on the GOLD structure of every sample (so the score does not depend on
// the segmenter) and scores the entities the way tools/score-bulletin does: persons.names,
// persons.positions, places (name or alias) and dates (values), each F1 over NFKC, space-free
// strings. Thresholds: every row >= 0.9, their mean >= 0.95.
#include "support/plugins.hpp"
#include "tagger_test_util.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <bulletin/text.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using bulletin::Document;
using nlohmann::json;

std::string norm(const std::string& s) {
    return bulletin::text::remove_spaces(bulletin::text::nfkc(s));
}

/// Multiset F1, as score-bulletin's f1().
double f1(const std::vector<std::string>& pred, const std::vector<std::string>& gold) {
    std::map<std::string, int> p, g;
    for (const auto& s : pred)
        ++p[s];
    for (const auto& s : gold)
        ++g[s];
    if (p.empty() && g.empty()) return 1.0;
    int tp = 0;
    for (const auto& [k, n] : p)
        if (g.count(k)) tp += std::min(n, g[k]);
    if (tp == 0) return 0.0;
    double prec = double(tp) / double(pred.size()), rec = double(tp) / double(gold.size());
    return 2 * prec * rec / (prec + rec);
}

/// The masthead date as printed in the sample's .txt form: the last token of the first line
/// that ends in 日 and has 年 and 月.
std::string masthead_date_text(const std::filesystem::path& txt) {
    std::istringstream in(bulletin::testing::read_file(txt));
    for (std::string line; std::getline(in, line);) {
        auto t = std::string(bulletin::text::trim(line));
        if (t.size() < 3 || t.substr(t.size() - 3) != "日" || t.find("年") == std::string::npos ||
            t.find("月") == std::string::npos)
            continue;
        auto space = t.find_last_of(' ');
        return space == std::string::npos ? t : t.substr(space + 1);
    }
    return {};
}

Document document_from_gold(const json& gold, const std::string& date_text) {
    Document doc;
    const auto& m = gold["masthead"];
    if (m["series"].is_string()) doc.masthead.series = m["series"].get<std::string>();
    if (m["publisher"].is_string()) doc.masthead.publisher = m["publisher"].get<std::string>();
    if (m["date"].is_string()) doc.masthead.date = m["date"].get<std::string>();
    doc.masthead.date_text = date_text;
    for (const auto& a : gold["articles"]) {
        bulletin::Article article;
        article.title = a["title"].get<std::string>();
        for (const auto& p : a["paragraphs"])
            article.paragraphs.push_back({p.get<std::string>(), {}});
        if (a["byline"].is_object()) {
            bulletin::Byline byline;
            std::vector<std::string> words;
            if (a["byline"]["department"].is_string()) {
                byline.department = a["byline"]["department"].get<std::string>();
                words.push_back(*byline.department);
            }
            for (const auto& author : a["byline"]["authors"]) {
                byline.authors.push_back(author.get<std::string>());
                words.push_back(byline.authors.back());
            }
            for (std::size_t i = 0; i < words.size(); ++i)
                byline.text += (i ? " " : "") + words[i];
            article.byline = byline;
        }
        doc.articles.push_back(std::move(article));
    }
    for (const auto& d : gold["distribution"]) {
        bulletin::DistributionBlock block;
        block.label = d["label"].get<std::string>();
        for (const auto& r : d["recipients"])
            block.recipients.push_back(r.get<std::string>());
        doc.distribution.push_back(std::move(block));
    }
    return doc;
}

/// score-bulletin's entity rows for `doc` against the gold entities.
std::map<std::string, double> score(const Document& doc, const json& ge) {
    std::map<std::string, double> rows;
    std::map<std::string, std::string> names; // name -> position (first non-empty wins)
    std::set<std::string> places, dates;
    std::map<std::string, std::string> alias;
    for (const auto& g : ge["places"]) {
        alias[norm(g["name"])] = norm(g["name"]);
        for (const auto& a : g.value("aliases", json::array()))
            alias[norm(a)] = norm(g["name"]);
    }
    for (const auto& e : doc.entities) {
        if (e.type == "person") {
            auto name = norm(e.value.empty() ? e.text : e.value);
            auto it = e.attributes.find("position");
            auto pos = it == e.attributes.end() ? std::string() : norm(it->second);
            if (!name.empty() && (!names.count(name) || (!pos.empty() && names[name].empty())))
                names[name] = pos;
        } else if (e.type == "place") {
            auto v = norm(e.value), t = norm(e.text);
            places.insert(alias.count(v) ? alias[v] : alias.count(t) ? alias[t] : v);
        } else if (e.type == "date" && !e.value.empty()) {
            dates.insert(norm(e.value));
        }
    }
    std::map<std::string, std::string> gold_names;
    for (const auto& p : ge["persons"])
        gold_names[norm(p["name"])] = p["position"].is_string() ? norm(p["position"]) : "";
    std::vector<std::string> pn, gn;
    for (const auto& [n, p] : names)
        pn.push_back(n);
    for (const auto& [n, p] : gold_names)
        gn.push_back(n);
    rows["persons.names"] = f1(pn, gn);
    int with_pos = 0, hit = 0;
    for (const auto& [n, p] : gold_names) {
        if (p.empty()) continue;
        ++with_pos;
        if (names.count(n) && names[n] == p) ++hit;
    }
    rows["persons.positions"] = with_pos ? double(hit) / with_pos : 1.0;
    std::vector<std::string> pp(places.begin(), places.end()), gp;
    for (const auto& g : ge["places"])
        gp.push_back(norm(g["name"]));
    rows["places"] = f1(pp, gp);
    std::vector<std::string> pd(dates.begin(), dates.end()), gd;
    for (const auto& d : ge["dates"])
        gd.push_back(norm(d));
    rows["dates"] = f1(pd, gd);
    return rows;
}

class GoldSample : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldSample, EntitiesScoreAtLeastThresholds) {
    auto dir = bulletin::testing::data_dir() / "samples";
    auto stem = GetParam();
    auto gold = json::parse(bulletin::testing::read_file(dir / (stem + ".gold.json")));
    Document doc = document_from_gold(gold, masthead_date_text(dir / (stem + ".txt")));
    ASSERT_FALSE(doc.masthead.date_text.empty());
    bulletin::testing::run_all_taggers(doc);

    auto rows = score(doc, gold["entities"]);
    double mean = 0;
    std::cout << stem << "\n";
    for (const auto& [name, v] : rows) {
        std::cout << "  " << name << " " << v << "\n";
        mean += v;
        EXPECT_GE(v, 0.9) << stem << " " << name;
    }
    mean /= double(rows.size());
    std::cout << "  entities " << mean << "\n";
    EXPECT_GE(mean, 0.95) << stem;
    if (std::getenv("BULLETIN_DUMP_ENTITIES") || ::testing::Test::HasFailure())
        for (const auto& e : doc.entities)
            std::cout << "    " << bulletin::testing::describe(e) << "\n";
}

INSTANTIATE_TEST_SUITE_P(Samples, GoldSample,
                         ::testing::Values("hunan-xuanren-2023-04-24", "yueyang-daibiao-2023-12",
                                           "chengdu-zhuanbao-2024-03", "zhejiang-dongtai-2024-07"),
                         [](const auto& param_info) {
                             std::string s = param_info.param;
                             for (auto& c : s)
                                 if (c == '-') c = '_';
                             return s;
                         });

} // namespace

namespace {

// All five taggers over a large document (the samples' paragraphs in 40 identical articles):
// every article gets exactly the entities of the first, at the same offsets, so nothing leaks
// from one article into the next or depends on how much came before. (Speed is measured by
// benchmarks/, not here.)
TEST(Taggers, ManyArticlesAreTaggedLikeOne) {
    auto dir = bulletin::testing::data_dir() / "samples";
    bulletin::Article article;
    article.title = "全省人大选举任免联络工作座谈会在娄底召开";
    for (const char* stem : {"hunan-xuanren-2023-04-24", "yueyang-daibiao-2023-12",
                             "chengdu-zhuanbao-2024-03", "zhejiang-dongtai-2024-07"}) {
        auto gold =
            json::parse(bulletin::testing::read_file(dir / (std::string(stem) + ".gold.json")));
        for (const auto& a : gold["articles"])
            for (const auto& p : a["paragraphs"])
                article.paragraphs.push_back({p.get<std::string>(), {}});
    }
    constexpr int kArticles = 40;
    bulletin::Document doc;
    doc.masthead.publisher = "湖南省人大常委会办公厅";
    doc.masthead.date = "2023-04-24";
    doc.articles.assign(kArticles, article);
    bulletin::testing::run_all_taggers(doc);

    std::vector<std::vector<std::string>> per_article(kArticles);
    for (const auto& e : doc.entities) {
        if (bulletin::bulletin1_article(e) < 0) continue; // the masthead's
        per_article.at(static_cast<std::size_t>(e.article))
            .push_back(e.type + " " + e.text + " " +
                       std::to_string(bulletin::bulletin1_paragraph(e)) + ":" +
                       std::to_string(e.start) + "-" + std::to_string(e.end));
    }
    ASSERT_GT(per_article[0].size(), 100u); // the samples' paragraphs are full of entities
    for (int a = 1; a < kArticles; ++a)
        EXPECT_EQ(per_article[static_cast<std::size_t>(a)], per_article[0]) << "article " << a;
}

} // namespace
