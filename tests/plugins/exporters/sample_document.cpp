#include "sample_document.hpp"

#include "support/plugins.hpp"

#include <bulletin/text.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace bulletin::testing {
namespace {

std::optional<std::string> optional_string(const nlohmann::json& value) {
    if (value.is_null()) return std::nullopt;
    return value.get<std::string>();
}

// Adds an entity for every occurrence of `needle` in `haystack` (code point offsets).
void find_all(Document& doc, const std::string& haystack, EntityPlace place, int article, int index,
              const std::string& type, const std::string& needle, const std::string& value,
              const std::map<std::string, std::string>& attributes) {
    auto text = bulletin::text::to_u32(haystack);
    auto pattern = bulletin::text::to_u32(needle);
    for (auto pos = text.find(pattern); pos != std::u32string::npos;
         pos = text.find(pattern, pos + 1)) {
        doc.entities.push_back({type, needle, value, attributes, place, article, index,
                                static_cast<int>(pos), static_cast<int>(pos + pattern.size())});
    }
}

void tag_everywhere(Document& doc, const std::string& type, const std::string& needle,
                    const std::string& value, const std::map<std::string, std::string>& attrs) {
    for (std::size_t a = 0; a < doc.articles.size(); ++a) {
        const auto& article = doc.articles[a];
        int ai = static_cast<int>(a);
        find_all(doc, article.title, EntityPlace::Title, ai, 0, type, needle, value, attrs);
        for (std::size_t p = 0; p < article.paragraphs.size(); ++p)
            find_all(doc, article.paragraphs[p].text, EntityPlace::Paragraph, ai,
                     static_cast<int>(p), type, needle, value, attrs);
        if (article.byline)
            find_all(doc, article.byline->text, EntityPlace::Byline, ai, 0, type, needle, value,
                     attrs);
    }
}

} // namespace

std::filesystem::path exporter_data(const std::string& name) {
    return source_dir() / "tests" / "plugins" / "exporters" / "data" / name;
}

Document make_sample_document(const std::string& stem) {
    auto gold = nlohmann::json::parse(read_file(data_dir() / "samples" / (stem + ".gold.json")));
    Document doc;
    doc.source = {"tests/data/samples/" + stem + ".txt", "text", std::string(64, 'a'), 2};

    const auto& m = gold.at("masthead");
    doc.masthead.series = optional_string(m.at("series"));
    doc.masthead.publisher = optional_string(m.at("publisher"));
    doc.masthead.date = optional_string(m.at("date"));
    if (!m.at("issue").is_null()) {
        IssueNumber issue;
        issue.number = m.at("issue").at("number").get<int>();
        if (!m.at("issue").at("total").is_null())
            issue.total = m.at("issue").at("total").get<int>();
        doc.masthead.issue = issue;
    }

    for (const auto& a : gold.at("articles")) {
        Article article;
        article.title = a.at("title").get<std::string>();
        for (const auto& text : a.at("paragraphs"))
            article.paragraphs.push_back({text.get<std::string>(), {}});
        if (!a.at("byline").is_null()) {
            Byline byline;
            byline.department = optional_string(a.at("byline").at("department"));
            byline.authors = a.at("byline").at("authors").get<std::vector<std::string>>();
            byline.text = byline.department.value_or("");
            for (const auto& author : byline.authors)
                byline.text += (byline.text.empty() ? "" : " ") + author;
            article.byline = byline;
        }
        doc.articles.push_back(std::move(article));
    }
    for (const auto& d : gold.at("distribution"))
        doc.distribution.push_back(
            {d.at("label").get<std::string>(), d.at("recipients").get<std::vector<std::string>>()});

    // The masthead date as an entity, as the date tagger will write it.
    if (doc.masthead.date) {
        const auto& iso = *doc.masthead.date;
        doc.masthead.date_text = iso.substr(0, 4) + "年" +
                                 std::to_string(std::stoi(iso.substr(5, 2))) + "月" +
                                 std::to_string(std::stoi(iso.substr(8, 2))) + "日";
        doc.entities.push_back({"date",
                                doc.masthead.date_text,
                                iso,
                                {},
                                EntityPlace::MastheadDate,
                                0,
                                0,
                                0,
                                static_cast<int>(bulletin::text::length(doc.masthead.date_text))});
    }

    const std::map<std::string, std::string> codes = {{"湖南省", "430000"}, {"娄底市", "431300"},
                                                      {"娄星区", "431302"}, {"平江县", "430626"},
                                                      {"汨罗市", "430681"}, {"华容县", "430623"}};
    const auto& entities = gold.at("entities");
    for (const auto& person : entities.at("persons")) {
        std::map<std::string, std::string> attrs;
        if (!person.at("position").is_null())
            attrs["position"] = person.at("position").get<std::string>();
        auto name = person.at("name").get<std::string>();
        tag_everywhere(doc, "person", name, name, attrs);
    }
    for (const auto& place : entities.at("places")) {
        auto name = place.at("name").get<std::string>();
        std::map<std::string, std::string> attrs;
        if (auto it = codes.find(name); it != codes.end()) attrs["code"] = it->second;
        tag_everywhere(doc, "place", name, name, attrs);
        for (const auto& alias : place.at("aliases"))
            tag_everywhere(doc, "place", alias.get<std::string>(), name, attrs);
    }
    // Recipients as cn.recipients tags them: place Recipient, article = block, index = recipient,
    // and the block and index attributes.
    for (std::size_t b = 0; b < doc.distribution.size(); ++b) {
        const auto& block = doc.distribution[b];
        for (std::size_t r = 0; r < block.recipients.size(); ++r) {
            const auto& name = block.recipients[r];
            auto value = name == "研究室" ? "全国人大常委会办公厅研究室" : name;
            doc.entities.push_back({"recipient",
                                    name,
                                    value,
                                    {{"block", std::to_string(b)},
                                     {"index", std::to_string(r)},
                                     {"label", block.label}},
                                    EntityPlace::Recipient,
                                    static_cast<int>(b),
                                    static_cast<int>(r),
                                    0,
                                    static_cast<int>(bulletin::text::length(name))});
        }
    }
    // A day date in the first paragraph ("4月12日" in the Hunan sample).
    if (doc.masthead.date && !doc.articles.empty() && !doc.articles[0].paragraphs.empty()) {
        find_all(doc, doc.articles[0].paragraphs[0].text, EntityPlace::Paragraph, 0, 0, "date",
                 "4月12日", doc.masthead.date->substr(0, 4) + "-04-12", {});
    }
    doc.metadata["encoding"] = "UTF-8";
    doc.diagnose(Severity::Info, "test", "built by make_sample_document", 1, 1);
    return doc;
}

Document make_tricky_document() {
    Document doc;
    doc.source = {"in/tricky <&> \"doc\".txt", "text", "", 1};
    doc.masthead.series = "测试简报 <b>&amp;</b>";
    doc.masthead.issue = IssueNumber{3, 45, std::nullopt, false};
    doc.masthead.publisher = "A & B \"委员会\"";
    doc.masthead.date = "2024-01-31";

    Article first;
    first.title = "标题 <script>alert(1)</script> & \"quotes\", commas";
    // 张三 [0,2), 北京市 [3,6), 李四 [7,9); "三在北京市见" [1,7) crosses 张三.
    first.paragraphs.push_back(
        {"张三在北京市见李四, \"引号\" and a\nnewline ]]> *bold* _x_ # h |t|", {}});
    first.paragraphs.push_back({std::string("control\x01"
                                            "char\ttab <p>"),
                                {}});
    first.byline = Byline{"办公室 <x>", {"王五", "赵六"}, "办公室 <x> 王五 赵六"};
    doc.articles.push_back(std::move(first));
    Article empty;
    empty.title = "Empty article";
    doc.articles.push_back(std::move(empty));

    doc.distribution.push_back({"送", {"甲单位, 乙", "丙 \"丁\""}});
    doc.distribution.push_back({"抄送", {}});

    doc.entities = {
        {"person", "张三", "张三", {{"position", "主任"}}, EntityPlace::Paragraph, 0, 0, 0, 2},
        {"place", "北京市", "北京市", {{"code", "110000"}}, EntityPlace::Paragraph, 0, 0, 3, 6},
        {"person", "李四", "李四", {}, EntityPlace::Paragraph, 0, 0, 7, 9},
        {"organization", "三在北京市见", "x", {}, EntityPlace::Paragraph, 0, 0, 1, 7}, // crosses
                                                                                       // 张三
        {"place", "京", "北京", {}, EntityPlace::Paragraph, 0, 0, 4, 5}, // nested inside 北京市
        {"date", "alert", "2024-01", {}, EntityPlace::Title, 0, 0, 11, 16},
        {"person", "王五", "王五", {}, EntityPlace::Byline, 0, 0, 8, 10},
        {"person", "bogus", "x", {}, EntityPlace::Paragraph, 0, 0, 50, 99}, // beyond the paragraph
        {"person", "bogus", "x", {}, EntityPlace::Paragraph, 7, 0, 0, 1},   // no such article
        {"date", "2024年1月31日", "2024-01-31", {}, EntityPlace::MastheadDate, 0, 0, 0, 10},
    };
    doc.masthead.date_text = "2024年1月31日";
    doc.metadata["note"] = "a, \"b\"\nc";
    doc.diagnose(Severity::Warning, "cn.segmenter", "line <7> not placed: \"共印\" & more", 1, 7);
    doc.diagnose(Severity::Error, "reader", "bad byte", 0, 0);
    return doc;
}

} // namespace bulletin::testing
