// docs/schema/bulletin-1.schema.json, checked with a real validator (Debian python3-jsonschema).
#include "sample_document.hpp"
#include "support/plugins.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>

namespace {

using bulletin::testing::run_command;
using nlohmann::json;

std::string validator() {
    return "/usr/bin/python3 " +
           (bulletin::testing::source_dir() / "docs/schema/validate.py").string();
}

bool have_jsonschema() {
    return run_command("/usr/bin/python3 -c 'import jsonschema'").exit_code == 0;
}

TEST(Schema, SampleDocumentIsValid) {
    if (!have_jsonschema()) GTEST_SKIP() << "python3-jsonschema is not installed";
    auto sample = bulletin::testing::exporter_data("bulletin-sample.json");
    auto result = run_command(validator() + " '" + sample.string() + "'");
    EXPECT_EQ(result.exit_code, 0) << result.output;
}

TEST(Schema, BrokenDocumentsAreRejected) {
    if (!have_jsonschema()) GTEST_SKIP() << "python3-jsonschema is not installed";
    auto sample = json::parse(
        bulletin::testing::read_file(bulletin::testing::exporter_data("bulletin-sample.json")));
    const std::map<std::string, std::function<void(json&)>> breakages = {
        {"missing metadata", [](json& d) { d.erase("metadata"); }},
        {"wrong schema", [](json& d) { d["schema"] = "bulletin/2"; }},
        {"issue number as string", [](json& d) { d["masthead"]["issue"]["number"] = "12"; }},
        {"date not ISO", [](json& d) { d["masthead"]["date"] = "2023-6-15"; }},
        {"unknown severity", [](json& d) { d["diagnostics"][0]["severity"] = "fatal"; }},
        {"extra key", [](json& d) { d["articles"][0]["subtitle"] = "x"; }},
        {"byline without authors", [](json& d) { d["articles"][0]["byline"].erase("authors"); }},
        {"entity without offsets", [](json& d) { d["entities"][0].erase("start"); }},
        {"unknown paragraph constant", [](json& d) { d["entities"][0]["paragraph"] = -4; }},
        {"attribute not a string", [](json& d) { d["entities"][0]["attributes"]["n"] = 1; }},
        {"paragraph with a line break",
         [](json& d) { d["articles"][0]["paragraphs"][0] = "a\nb"; }},
    };
    bulletin::testing::TempDir dir;
    for (const auto& [name, breakage] : breakages) {
        auto broken = sample;
        breakage(broken);
        auto path = dir.path() / "broken.json";
        std::ofstream(path) << broken.dump(1);
        auto result = run_command(validator() + " '" + path.string() + "'");
        EXPECT_EQ(result.exit_code, 1) << name << ": " << result.output;
    }
}

} // namespace
