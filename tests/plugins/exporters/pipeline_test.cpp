// End to end: the shipped pipeline with every exporter enabled, run by the real `bulletin`
// program over the text samples, and each output checked by the tool that consumes it.
#include "support/plugins.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

namespace {

using namespace bulletin::testing;

std::string quote(const std::filesystem::path& path) {
    return "'" + path.string() + "'";
}

CommandResult run_pipeline(const std::filesystem::path& out) {
    std::string command = quote(bulletin_binary()) + " -q run " +
                          quote(source_dir() / "pipelines/cn-bulletin.xml") + " -o " + quote(out);
    for (const char* stem : {"hunan-xuanren-2023-04-24", "yueyang-daibiao-2023-12",
                             "chengdu-zhuanbao-2024-03", "zhejiang-dongtai-2024-07"})
        command += " " + quote(data_dir() / "samples" / (std::string(stem) + ".txt"));
    // After the inputs: --set takes every following word until the next option.
    for (const char* exporter : {"jsonl", "csv", "tei", "sqlite", "markdown", "html-review"})
        command += std::string(" --set ") + exporter + ".enabled=true";
    return run_command(command);
}

std::vector<std::filesystem::path> files(const std::filesystem::path& dir,
                                         const std::string& suffix) {
    std::vector<std::filesystem::path> found;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        auto name = entry.path().filename().string();
        if (name.size() > suffix.size() && name.ends_with(suffix)) found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end());
    return found;
}

std::string joined(const std::vector<std::filesystem::path>& paths) {
    std::string out;
    for (const auto& p : paths)
        out += " " + quote(p);
    return out;
}

TEST(ExportersPipeline, SamplesPassEveryConsumer) {
    if (!std::filesystem::exists(source_dir() / "pipelines/cn-bulletin.xml"))
        GTEST_SKIP() << "pipelines/cn-bulletin.xml is not there yet";
    TempDir dir;
    auto out = dir.path() / "out";
    auto first = run_pipeline(out);
    ASSERT_EQ(first.exit_code, 0) << first.output;

    auto json = files(out, ".json");
    ASSERT_EQ(json.size(), 4u);
    auto schema = run_command("/usr/bin/python3 " +
                              quote(source_dir() / "docs/schema/validate.py") + joined(json));
    EXPECT_EQ(schema.exit_code, 0) << schema.output;

    auto tei = files(out, ".tei.xml");
    ASSERT_EQ(tei.size(), 4u);
    auto xmllint =
        run_command("xmllint --noout --relaxng " +
                    quote(source_dir() / "plugins/exporters/tei/tei-bulletin.rng") + joined(tei));
    EXPECT_EQ(xmllint.exit_code, 0) << xmllint.output;

    auto csv = files(out, ".csv");
    ASSERT_EQ(csv.size(), 16u);
    // Every CSV row has the header's width; every JSONL line is one JSON object.
    auto python = run_command(
        "/usr/bin/python3 -c \"import csv,json,sys\n"
        "for p in sys.argv[1:]:\n"
        "    if p.endswith('.csv'):\n"
        "        rows=list(csv.reader(open(p,newline='',encoding='utf-8-sig'),strict=True))\n"
        "        assert len({len(r) for r in rows})==1, p\n"
        "    else:\n"
        "        assert all(isinstance(json.loads(l),dict) for l in open(p,encoding='utf-8')), p\n"
        "print('ok')\"" +
        joined(csv) + joined(files(out, ".jsonl")));
    EXPECT_EQ(python.exit_code, 0) << python.output;

    // Running again over the same inputs keeps one copy of each in the database.
    auto second = run_pipeline(out);
    ASSERT_EQ(second.exit_code, 0) << second.output;
    auto db = quote(out / "bulletins.sqlite");
    EXPECT_EQ(run_command("sqlite3 " + db + " 'SELECT count(*) FROM documents'").output, "4\n");
    auto found = run_command("sqlite3 " + db +
                             " \"SELECT DISTINCT d.source_path FROM search s JOIN documents d ON "
                             "d.id = s.document_id WHERE search MATCH '代表联络站'\"");
    EXPECT_NE(found.output.find("hunan-xuanren-2023-04-24.txt"), std::string::npos) << found.output;

    auto html = files(out, ".review.html");
    auto md = files(out, ".md");
    EXPECT_EQ(html.size(), 4u);
    EXPECT_EQ(md.size(), 4u);
}

} // namespace

namespace {

// Two `bulletin` processes exporting into one database at the same time: WAL and the busy
// timeout make the second wait instead of failing with "database is locked".
TEST(ExportersPipeline, TwoProcessesShareTheDatabase) {
    if (!std::filesystem::exists(source_dir() / "pipelines/cn-bulletin.xml"))
        GTEST_SKIP() << "pipelines/cn-bulletin.xml is not there yet";
    TempDir dir;
    auto out = dir.path() / "out";
    auto command = [&](const char* stem, const char* tag) {
        return quote(bulletin_binary()) + " -q run " +
               quote(source_dir() / "pipelines/cn-bulletin.xml") + " -o " + quote(out) + " " +
               quote(data_dir() / "samples" / (std::string(stem) + "." + tag)) +
               " --set sqlite.enabled=true";
    };
    std::string both;
    int n = 0;
    for (const char* stem : {"hunan-xuanren-2023-04-24", "yueyang-daibiao-2023-12",
                             "chengdu-zhuanbao-2024-03", "zhejiang-dongtai-2024-07"})
        for (const char* tag : {"txt", "plain.txt"}) {
            both += command(stem, tag) + " & p" + std::to_string(n) + "=$!; ";
            ++n;
        }
    for (int i = 0; i < n; ++i)
        both += (i ? " && wait $p" : "wait $p") + std::to_string(i);
    auto result = run_command("sh -c '" + std::regex_replace(both, std::regex("'"), "'\\''") + "'");
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(run_command("sqlite3 " + quote(out / "bulletins.sqlite") +
                          " 'SELECT count(*) FROM documents'")
                  .output,
              "8\n");
}

} // namespace
