// The sqlite exporter's database, read with the sqlite3 command-line shell.
#include "sample_document.hpp"
#include "support/plugins.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace {

using namespace bulletin::testing;

std::string query(const std::filesystem::path& db, const std::string& sql) {
    auto result = run_command("sqlite3 -batch '" + db.string() + "' \"" + sql + "\"");
    EXPECT_EQ(result.exit_code, 0) << sql << "\n" << result.output;
    return result.output;
}

bool have_cli() {
    return run_command("sqlite3 -version").exit_code == 0;
}

void export_one(const bulletin::Document& doc, TestContext& ctx) {
    auto exporter = load<bulletin::Exporter>("sqlite");
    exporter->write(doc, ctx);
    exporter->end_run(TestRecords{}, ctx);
}

TEST(Sqlite, ReExportReplacesAndFullTextFindsChinese) {
    if (!have_cli()) GTEST_SKIP() << "the sqlite3 command-line shell is not installed";
    TempDir dir;
    TestContext ctx(dir.path());
    auto hunan = make_sample_document();
    auto yueyang = make_sample_document("yueyang-daibiao-2023-12");
    export_one(hunan, ctx);
    export_one(yueyang, ctx);
    export_one(hunan, ctx); // a second run over the same input
    auto db = dir.path() / "bulletins.sqlite";

    EXPECT_EQ(query(db, "SELECT count(*) FROM documents"), "2\n");
    EXPECT_EQ(query(db, "SELECT count(*) FROM articles a JOIN documents d ON d.id = a.document_id "
                        "WHERE d.source_path = '" +
                            hunan.source.path + "'"),
              "2\n");
    std::size_t paragraphs = 0;
    for (const auto& a : hunan.articles)
        paragraphs += a.paragraphs.size();
    EXPECT_EQ(query(db, "SELECT count(*) FROM paragraphs p JOIN articles a ON a.id = p.article_id "
                        "JOIN documents d ON d.id = a.document_id WHERE d.source_path = '" +
                            hunan.source.path + "'"),
              std::to_string(paragraphs) + "\n");
    EXPECT_EQ(query(db, "SELECT count(*) FROM search"),
              std::to_string(paragraphs + 2 + 5 + 2) +
                  "\n"); // hunan + yueyang (2 titles, 5 paragraphs)
    EXPECT_EQ(query(db, "SELECT count(*) FROM entities e JOIN documents d ON d.id = e.document_id "
                        "WHERE d.source_path = '" +
                            hunan.source.path + "'"),
              std::to_string(hunan.entities.size()) + "\n");
    EXPECT_EQ(query(db, "SELECT count(*) FROM recipients"), "24\n"); // 18 + 6
    EXPECT_EQ(query(db, "PRAGMA journal_mode"), "wal\n");
    EXPECT_EQ(query(db, "PRAGMA foreign_key_check"), "");

    // The acceptance query: a Chinese substring through the trigram index.
    auto found = query(db, "SELECT DISTINCT d.source_path, s.article, s.paragraph FROM search s "
                           "JOIN documents d ON d.id = s.document_id "
                           "WHERE search MATCH '代表联络站' ORDER BY 1, 2, 3");
    EXPECT_NE(found.find(hunan.source.path + "|0|4\n"), std::string::npos) << found;
    EXPECT_NE(found.find(hunan.source.path + "|1|3\n"), std::string::npos) << found;
    auto title = query(db, "SELECT s.text FROM search s WHERE search MATCH '座谈会精神' "
                           "AND s.paragraph = -1");
    EXPECT_EQ(title, "各地迅速学习贯彻全省人大选举任免联络工作座谈会精神\n");
}

TEST(Sqlite, ReExportRemovesOldIndexEntries) {
    if (!have_cli()) GTEST_SKIP() << "the sqlite3 command-line shell is not installed";
    TempDir dir;
    TestContext ctx(dir.path());
    auto doc = make_sample_document();
    export_one(doc, ctx);
    doc.articles[0].title = "一个改过的标题";
    doc.articles[1].paragraphs.pop_back();
    export_one(doc, ctx);
    auto db = dir.path() / "bulletins.sqlite";
    EXPECT_EQ(
        query(
            db,
            "SELECT count(*) FROM search WHERE search MATCH '座谈会在娄底召开' AND paragraph = -1"),
        "0\n");
    EXPECT_EQ(query(db, "SELECT article, paragraph FROM search WHERE search MATCH '改过的标题'"),
              "0|-1\n");
    EXPECT_EQ(query(db, "SELECT count(*) FROM search"), "11\n"); // 2 titles + 6 + 3 paragraphs
    EXPECT_EQ(query(db, "INSERT INTO search(search) VALUES('integrity-check')"), "");
}

TEST(Sqlite, TwoWritersShareOneDatabase) {
    if (!have_cli()) GTEST_SKIP() << "the sqlite3 command-line shell is not installed";
    TempDir dir;
    // Separate exporter instances have separate connections: to SQLite's locking they are two
    // processes. Each waits for the other's transaction thanks to the busy timeout.
    auto writer = [&](int id) {
        TestContext ctx(dir.path());
        auto exporter = load<bulletin::Exporter>("sqlite");
        auto doc = make_sample_document();
        for (int i = 0; i < 15; ++i) {
            doc.source.path = "writer" + std::to_string(id) + "/" + std::to_string(i) + ".txt";
            exporter->write(doc, ctx);
        }
        exporter->end_run(TestRecords{}, ctx);
    };
    std::thread first(writer, 1), second(writer, 2);
    first.join();
    second.join();
    EXPECT_EQ(query(dir.path() / "bulletins.sqlite", "SELECT count(*) FROM documents"), "30\n");
}

TEST(Sqlite, TrickyDocumentAndCustomPath) {
    if (!have_cli()) GTEST_SKIP() << "the sqlite3 command-line shell is not installed";
    TempDir dir;
    TestContext ctx(dir.path());
    auto exporter = load<bulletin::Exporter>("sqlite", {{"path", "{output}/db/{series}.db"}});
    auto doc = make_tricky_document();
    exporter->write(doc, ctx);
    exporter->end_run(TestRecords{}, ctx);
    std::vector<std::filesystem::path> files(std::filesystem::directory_iterator(dir.path() / "db"),
                                             {});
    ASSERT_FALSE(files.empty());
    auto db = dir.path() / "db" / "测试简报 <b>&amp;<_b>.db";
    EXPECT_EQ(query(db, "SELECT title FROM articles ORDER BY position"),
              doc.articles[0].title + "\nEmpty article\n");
    EXPECT_EQ(query(db, "SELECT issue_number, issue_total FROM documents"), "3|45\n");
}

// An --isolate worker calls write() and never end_run: each document must be in the database,
// committed, as soon as write() returns, and the exporter's destruction closes the file.
TEST(Sqlite, EachDocumentIsCommittedWithoutEndRun) {
    if (!have_cli()) GTEST_SKIP() << "the sqlite3 command-line shell is not installed";
    TempDir dir;
    TestContext ctx(dir.path());
    auto db = dir.path() / "bulletins.sqlite";
    auto doc = make_sample_document();
    {
        auto exporter = load<bulletin::Exporter>("sqlite");
        exporter->write(doc, ctx);
        // Another process (the sqlite3 shell) sees it while the exporter is still open.
        EXPECT_EQ(query(db, "SELECT count(*) FROM documents"), "1\n");
        doc.source.path = "second.txt";
        exporter->write(doc, ctx);
        EXPECT_EQ(query(db, "SELECT count(*) FROM documents"), "2\n");
    } // destroyed without end_run, as in a worker
    EXPECT_EQ(query(db, "PRAGMA integrity_check"), "ok\n");
    EXPECT_EQ(query(db, "SELECT source_path FROM documents ORDER BY source_path"),
              "second.txt\ntests/data/samples/hunan-xuanren-2023-04-24.txt\n");
}

} // namespace
