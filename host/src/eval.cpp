#include "eval.hpp"

#include "batch.hpp"
#include "pipeline.hpp"
#include "runner.hpp"

#include <bulletin/text.hpp>

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

namespace bulletin::host {

namespace fs = std::filesystem;

std::string score_normalize(std::string_view text) {
    return text::remove_spaces(text::nfkc(text));
}

double DocumentScore::structure() const {
    double sum = 0;
    int n = 0;
    for (const auto& r : rows)
        if (r.structure) sum += r.value, ++n;
    return n ? sum / n : 0.0;
}

double DocumentScore::entities() const {
    double sum = 0;
    int n = 0;
    for (const auto& r : rows)
        if (!r.structure) sum += r.value, ++n;
    return n ? sum / n : 1.0;
}

namespace {

using Json = nlohmann::json;

/// Multiset F1, as score-bulletin computes it.
double f1(const std::vector<std::string>& predicted, const std::vector<std::string>& gold) {
    if (predicted.empty() && gold.empty()) return 1.0;
    std::map<std::string, int> p, g;
    for (const auto& x : predicted)
        ++p[x];
    for (const auto& x : gold)
        ++g[x];
    int tp = 0;
    for (const auto& [k, n] : p)
        if (auto it = g.find(k); it != g.end()) tp += std::min(n, it->second);
    if (tp == 0) return 0.0;
    double precision = static_cast<double>(tp) / static_cast<double>(predicted.size());
    double recall = static_cast<double>(tp) / static_cast<double>(gold.size());
    return 2 * precision * recall / (precision + recall);
}

std::string shorten(const std::string& s, std::size_t max_chars = 40) {
    auto u = text::to_u32(s);
    if (u.size() <= max_chars) return s;
    return text::to_utf8(u.substr(0, max_chars)) + "…";
}

/// "missing: a, b; unexpected: c" for two multisets.
std::string set_difference(const std::vector<std::string>& predicted,
                           const std::vector<std::string>& gold) {
    std::multiset<std::string> p(predicted.begin(), predicted.end()), g(gold.begin(), gold.end());
    std::vector<std::string> missing, extra;
    std::set_difference(g.begin(), g.end(), p.begin(), p.end(), std::back_inserter(missing));
    std::set_difference(p.begin(), p.end(), g.begin(), g.end(), std::back_inserter(extra));
    auto list = [](const std::vector<std::string>& items) {
        std::string out;
        for (std::size_t i = 0; i < items.size() && i < 5; ++i)
            out += (i ? ", " : "") + std::string("'") + shorten(items[i]) + "'";
        if (items.size() > 5) out += ", … (" + std::to_string(items.size()) + " in all)";
        return out;
    };
    std::string out;
    if (!missing.empty()) out += "missing " + list(missing);
    if (!extra.empty()) out += std::string(out.empty() ? "" : "; ") + "unexpected " + list(extra);
    return out;
}

std::string json_string(const Json& j, const char* key) {
    if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return {};
    return j[key].get<std::string>();
}

bool has_value(const Json& j, const char* key) {
    return j.is_object() && j.contains(key) && !j[key].is_null();
}

void add(std::vector<ScoreRow>& rows, std::string name, double value, bool structure,
         std::string difference = {}) {
    rows.push_back({std::move(name), value, structure, value < 1.0 ? std::move(difference) : ""});
}

std::string first_paragraph_difference(const Document& doc, const Json& gold_articles) {
    std::size_t a = 0;
    for (const auto& ga : gold_articles) {
        const auto& gp = ga.value("paragraphs", Json::array());
        for (std::size_t p = 0; p < gp.size(); ++p) {
            std::string expected = gp[p].get<std::string>();
            std::string got = a < doc.articles.size() && p < doc.articles[a].paragraphs.size()
                                  ? doc.articles[a].paragraphs[p].text
                                  : std::string();
            if (score_normalize(expected) != score_normalize(got))
                return "article " + std::to_string(a + 1) + " paragraph " + std::to_string(p + 1) +
                       ": expected '" + shorten(expected, 60) + "', got " +
                       (got.empty() ? std::string("nothing") : "'" + shorten(got, 60) + "'");
        }
        ++a;
    }
    return "paragraphs differ";
}

} // namespace

std::vector<ScoreRow> score_document(const Document& doc, const Json& gold) {
    std::vector<ScoreRow> rows;
    const Json gm = gold.value("masthead", Json::object());
    const Masthead& m = doc.masthead;
    auto masthead_row = [&](const char* key, const std::optional<std::string>& got) {
        if (!has_value(gm, key)) return;
        std::string expected = gm[key].get<std::string>();
        bool same = got && score_normalize(*got) == score_normalize(expected);
        add(rows, std::string("masthead.") + key, same ? 1.0 : 0.0, true,
            "expected '" + expected + "', got " + (got ? "'" + *got + "'" : std::string("null")));
    };
    masthead_row("publisher", m.publisher);
    masthead_row("date", m.date);
    masthead_row("series", m.series);
    if (has_value(gm, "issue") && gm["issue"].is_object()) {
        for (const char* key : {"number", "total"}) {
            if (!has_value(gm["issue"], key)) continue;
            int expected = gm["issue"][key].get<int>();
            std::optional<int> got;
            if (m.issue)
                got = std::string(key) == "number" ? std::optional<int>(m.issue->number)
                                                   : m.issue->total;
            add(rows, std::string("masthead.issue.") + key, got == expected ? 1.0 : 0.0, true,
                "expected " + std::to_string(expected) + ", got " +
                    (got ? std::to_string(*got) : std::string("null")));
        }
    }

    const Json ga = gold.value("articles", Json::array());
    add(rows, "articles.count", doc.articles.size() == ga.size() ? 1.0 : 0.0, true,
        "expected " + std::to_string(ga.size()) + " articles, got " +
            std::to_string(doc.articles.size()));
    std::vector<std::string> pt, gt, pp, gp, pb, gb, pr, gr;
    for (const auto& a : doc.articles) {
        pt.push_back(score_normalize(a.title));
        for (const auto& p : a.paragraphs)
            pp.push_back(score_normalize(p.text));
        std::string b = a.byline ? score_normalize(a.byline->department.value_or("")) : "";
        b += "|";
        if (a.byline)
            for (std::size_t i = 0; i < a.byline->authors.size(); ++i)
                b += (i ? "," : "") + score_normalize(a.byline->authors[i]);
        pb.push_back(b);
    }
    for (const auto& a : ga) {
        gt.push_back(score_normalize(json_string(a, "title")));
        for (const auto& p : a.value("paragraphs", Json::array()))
            gp.push_back(score_normalize(p.get<std::string>()));
        std::string b;
        const Json byline = a.value("byline", Json());
        if (byline.is_object()) {
            b = has_value(byline, "department")
                    ? score_normalize(byline["department"].get<std::string>())
                    : "";
            b += "|";
            const Json authors = byline.value("authors", Json::array());
            for (std::size_t i = 0; i < authors.size(); ++i)
                b += (i ? "," : "") + score_normalize(authors[i].get<std::string>());
        } else {
            b = "|";
        }
        gb.push_back(b);
    }
    add(rows, "articles.titles", f1(pt, gt), true, set_difference(pt, gt));
    add(rows, "articles.paragraphs", f1(pp, gp), true, first_paragraph_difference(doc, ga));
    add(rows, "articles.bylines", f1(pb, gb), true, set_difference(pb, gb));
    for (const auto& d : doc.distribution)
        for (const auto& r : d.recipients)
            pr.push_back(score_normalize(d.label) + ":" + score_normalize(r));
    for (const auto& d : gold.value("distribution", Json::array()))
        for (const auto& r : d.value("recipients", Json::array()))
            gr.push_back(score_normalize(json_string(d, "label")) + ":" +
                         score_normalize(r.get<std::string>()));
    add(rows, "distribution.recipients", f1(pr, gr), true, set_difference(pr, gr));

    const Json ge = gold.value("entities", Json::object());
    if (ge.is_object() && ge.contains("persons")) {
        std::map<std::string, std::string> names; // name -> position ("" when none)
        std::vector<std::string> order;
        for (const auto& e : doc.entities) {
            if (e.type != "person") continue;
            std::string name = score_normalize(e.value.empty() ? e.text : e.value);
            auto pos_it = e.attributes.find("position");
            std::string pos = pos_it == e.attributes.end() ? "" : score_normalize(pos_it->second);
            if (name.empty()) continue;
            auto it = names.find(name);
            if (it == names.end())
                names[name] = pos, order.push_back(name);
            else if (!pos.empty() && it->second.empty())
                it->second = pos;
        }
        std::map<std::string, std::string> gold_names;
        std::vector<std::string> gold_order;
        for (const auto& p : ge["persons"]) {
            std::string name = score_normalize(json_string(p, "name"));
            gold_names[name] =
                has_value(p, "position") ? score_normalize(p["position"].get<std::string>()) : "";
            gold_order.push_back(name);
        }
        std::vector<std::string> pn(order), gn;
        for (const auto& [n, _] : gold_names)
            gn.push_back(n);
        add(rows, "persons.names", f1(pn, gn), false, set_difference(pn, gn));
        int with_position = 0, hit = 0;
        std::string wrong;
        for (const auto& [n, pos] : gold_names) {
            if (pos.empty()) continue;
            ++with_position;
            auto it = names.find(n);
            if (it != names.end() && it->second == pos)
                ++hit;
            else if (wrong.size() < 300)
                wrong +=
                    (wrong.empty() ? "" : "; ") + n + ": expected '" + pos + "', got " +
                    (it == names.end() ? std::string("no such person") : "'" + it->second + "'");
        }
        add(rows, "persons.positions",
            with_position ? static_cast<double>(hit) / with_position : 1.0, false, wrong);
    }
    if (ge.is_object() && ge.contains("places")) {
        std::map<std::string, std::string> alias;
        std::vector<std::string> gold_places;
        for (const auto& g : ge["places"]) {
            std::string name = score_normalize(json_string(g, "name"));
            alias[name] = name;
            for (const auto& a : g.value("aliases", Json::array()))
                alias[score_normalize(a.get<std::string>())] = name;
            gold_places.push_back(name);
        }
        std::set<std::string> predicted;
        for (const auto& e : doc.entities) {
            if (e.type != "place") continue;
            std::string keys[2] = {score_normalize(e.value), score_normalize(e.text)};
            std::string chosen = !keys[0].empty() ? keys[0] : keys[1];
            for (const auto& k : keys)
                if (auto it = alias.find(k); it != alias.end()) {
                    chosen = it->second;
                    break;
                }
            predicted.insert(chosen);
        }
        std::vector<std::string> pv(predicted.begin(), predicted.end());
        add(rows, "places", f1(pv, gold_places), false, set_difference(pv, gold_places));
    }
    if (ge.is_object() && ge.contains("dates")) {
        std::set<std::string> predicted;
        for (const auto& e : doc.entities)
            if (e.type == "date" && !e.value.empty()) predicted.insert(score_normalize(e.value));
        std::vector<std::string> pv(predicted.begin(), predicted.end()), gv;
        for (const auto& d : ge["dates"])
            gv.push_back(score_normalize(d.get<std::string>()));
        add(rows, "dates", f1(pv, gv), false, set_difference(pv, gv));
    }
    return rows;
}

fs::path find_gold(const fs::path& input, const fs::path& gold_dir) {
    std::string name = input.filename().string();
    std::error_code ec;
    for (auto dot = name.rfind('.'); dot != std::string::npos && dot > 0; dot = name.rfind('.')) {
        name.resize(dot);
        auto file = name + ".gold.json";
        if (!gold_dir.empty() && fs::exists(gold_dir / file, ec)) return gold_dir / file;
        if (fs::exists(input.parent_path() / file, ec)) return input.parent_path() / file;
    }
    return {};
}

namespace {

std::vector<fs::path> expand_inputs(const std::vector<fs::path>& inputs) {
    std::vector<fs::path> files;
    for (const auto& input : inputs) {
        std::error_code ec;
        if (fs::is_directory(input, ec)) {
            std::vector<fs::path> found;
            for (const auto& e : fs::directory_iterator(input, ec)) {
                auto name = e.path().filename().string();
                if (e.is_regular_file() && !name.ends_with(".gold.json") && !name.starts_with("."))
                    found.push_back(e.path());
            }
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else {
            files.push_back(input);
        }
    }
    return files;
}

void print_table(const std::vector<DocumentScore>& scores,
                 const std::map<std::string, double>& overall, double structure, double entities) {
    for (const auto& s : scores) {
        std::cout << s.input.string();
        if (!s.error.empty()) {
            std::cout << "\n  failed: " << s.error << "\n";
            continue;
        }
        std::cout << std::fixed << std::setprecision(3) << "\n  structure " << s.structure()
                  << "  entities " << s.entities() << "\n";
        for (const auto& r : s.rows) {
            std::cout << "  " << (r.value < 1.0 ? "✗ " : "  ") << std::left << std::setw(26)
                      << r.name << " " << r.value;
            if (!r.difference.empty()) std::cout << "  " << r.difference;
            std::cout << "\n";
        }
    }
    std::cout << "\noverall (" << scores.size() << " documents)\n";
    for (const auto& [name, value] : overall)
        std::cout << "  " << std::left << std::setw(26) << name << " " << std::fixed
                  << std::setprecision(3) << value << "\n";
    std::cout << "structure " << std::fixed << std::setprecision(3) << structure << " entities "
              << entities << "\n";
}

} // namespace

int run_eval(const Registry& registry, const EvalOptions& options) {
    std::vector<Override> overrides;
    for (const auto& set : options.sets) {
        auto o = parse_override(set);
        if (!o) {
            std::cerr << "bulletin: --set '" << set << "': expected STAGE.PARAM=VALUE\n";
            return kExitConfigError;
        }
        overrides.push_back(*o);
    }
    auto load = load_pipeline(options.pipeline_file, registry, overrides);
    for (const auto& e : load.errors)
        std::cerr << e.str() << "\n";
    for (const auto& w : load.warnings)
        if (w.message.find("no exporter") == std::string::npos) std::cerr << w.str() << "\n";
    if (!load.ok()) return kExitConfigError;
    // Evaluation has no side effects: the pipeline's exporters are not run.
    PipelineDefinition pipeline = *load.pipeline;
    for (auto& stage : pipeline.stages)
        if (stage.kind == PluginKind::Exporter) stage.enabled = false;

    std::unique_ptr<PipelineRunner> runner;
    try {
        runner = std::make_unique<PipelineRunner>(pipeline, registry, RunOptions{});
    } catch (const std::exception& e) {
        std::cerr << "bulletin: " << e.what() << "\n";
        return kExitConfigError;
    }

    std::vector<DocumentScore> scores;
    for (const auto& input : expand_inputs(options.inputs)) {
        auto gold_file = find_gold(input, options.gold_dir);
        if (gold_file.empty()) {
            if (!options.json)
                std::cerr << "bulletin: " << input.string() << ": no gold file; skipped\n";
            continue;
        }
        DocumentScore score;
        score.input = input;
        score.gold = gold_file;
        std::ifstream in(gold_file);
        auto gold = Json::parse(in, nullptr, false);
        if (gold.is_discarded() || !gold.is_object()) {
            std::cerr << "bulletin: " << gold_file.string() << ": not a JSON object\n";
            return kExitConfigError;
        }
        auto outcome = runner->process(input);
        Document empty;
        if (!outcome.ok) score.error = outcome.error;
        score.rows = score_document(outcome.ok ? outcome.document : empty, gold);
        scores.push_back(std::move(score));
    }
    if (scores.empty()) {
        std::cerr << "bulletin: no input has a gold file (NAME.gold.json beside it or in --gold)\n";
        return kExitConfigError;
    }

    std::map<std::string, double> overall;
    std::map<std::string, int> counts;
    double structure = 0, entities = 0;
    for (const auto& s : scores) {
        for (const auto& r : s.rows)
            overall[r.name] += r.value, ++counts[r.name];
        structure += s.structure();
        entities += s.entities();
    }
    for (auto& [name, value] : overall)
        value /= counts[name];
    structure /= static_cast<double>(scores.size());
    entities /= static_cast<double>(scores.size());
    bool met = structure >= options.min_structure && entities >= options.min_entities;

    if (options.json) {
        nlohmann::ordered_json out;
        out["documents"] = nlohmann::ordered_json::array();
        for (const auto& s : scores) {
            nlohmann::ordered_json d = {{"input", s.input.string()}, {"gold", s.gold.string()}};
            if (!s.error.empty()) d["error"] = s.error;
            d["structure"] = s.structure();
            d["entities"] = s.entities();
            d["rows"] = nlohmann::ordered_json::object();
            d["differences"] = nlohmann::ordered_json::object();
            for (const auto& r : s.rows) {
                d["rows"][r.name] = r.value;
                if (!r.difference.empty()) d["differences"][r.name] = r.difference;
            }
            out["documents"].push_back(d);
        }
        out["overall"] = {
            {"documents", scores.size()}, {"structure", structure}, {"entities", entities}};
        for (const auto& [name, value] : overall)
            out["overall"]["rows"][name] = value;
        out["thresholds"] = {{"min_structure", options.min_structure},
                             {"min_entities", options.min_entities},
                             {"met", met}};
        std::cout << out.dump(2) << "\n";
    } else {
        print_table(scores, overall, structure, entities);
    }
    return met ? kExitOk : kExitSomeFailed;
}

} // namespace bulletin::host
