// sqlite exporter: one database accumulating many bulletins. Each document is written in one
// transaction that first deletes the rows of the same source path, so re-exporting replaces
// instead of duplicating and a killed run leaves the previous state. WAL mode and a busy
// timeout let several processes export into the same file. An FTS5 index with the trigram
// tokenizer finds Chinese substrings (queries need at least three characters).
#include <bulletin/module.hpp>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace {

struct CloseDatabase {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct FinalizeStatement {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Database = std::unique_ptr<sqlite3, CloseDatabase>;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    source_path TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    pages INTEGER NOT NULL,
    series TEXT,
    issue_number INTEGER,
    issue_total INTEGER,
    publisher TEXT,
    date TEXT,
    metadata TEXT NOT NULL,          -- JSON object
    exported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,       -- index in the document, from 0
    title TEXT NOT NULL,
    byline_department TEXT,
    byline_authors TEXT,             -- JSON array, NULL without a byline
    byline_text TEXT,
    UNIQUE (document_id, position)
);
CREATE TABLE IF NOT EXISTS paragraphs (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    UNIQUE (article_id, position)
);
CREATE TABLE IF NOT EXISTS entities (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    article INTEGER NOT NULL,        -- index into the document's articles; -1 = masthead
    paragraph INTEGER NOT NULL,      -- index into the article's paragraphs; -1 title, -2 byline
    start INTEGER NOT NULL,          -- code points, end exclusive
    "end" INTEGER NOT NULL,
    type TEXT NOT NULL,
    text TEXT NOT NULL,
    value TEXT NOT NULL,
    attributes TEXT NOT NULL         -- JSON object
);
CREATE INDEX IF NOT EXISTS entities_by_document ON entities(document_id);
CREATE INDEX IF NOT EXISTS entities_by_value ON entities(type, value);
CREATE TABLE IF NOT EXISTS recipients (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    block INTEGER NOT NULL,          -- index of the distribution block
    label TEXT NOT NULL,             -- 送, 报, 发, 抄送
    position INTEGER NOT NULL,
    recipient TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS recipients_by_document ON recipients(document_id);
CREATE TABLE IF NOT EXISTS diagnostics (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    severity TEXT NOT NULL,
    plugin TEXT NOT NULL,
    message TEXT NOT NULL,
    page INTEGER NOT NULL,
    line INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS diagnostics_by_document ON diagnostics(document_id);
-- Titles (paragraph = -1) and paragraphs, searchable by any substring of three or more characters.
-- rowid = paragraphs.id, or -articles.id for a title.
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(
    text, document_id UNINDEXED, article UNINDEXED, paragraph UNINDEXED, tokenize = 'trigram'
);
)sql";

class SqliteExporter final : public bulletin::Exporter {
public:
    explicit SqliteExporter(const bulletin::Params& params)
        : path_(params.string("path")), busy_timeout_(params.integer("busy_timeout_ms")) {}

    void write(const bulletin::Document& doc, bulletin::Context& ctx) override {
        auto path = ctx.output_path(path_, doc);
        sqlite3* db = open(path);
        exec(db, "BEGIN IMMEDIATE"); // take the write lock now: no upgrade deadlock later
        try {
            store(db, doc);
            exec(db, "COMMIT");
        } catch (...) {
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
        ctx.debug("stored ", doc.source.path, " in ", path.string());
    }

    // Each document is committed in write(), so nothing depends on a run-level call: an --isolate
    // worker (where end_run never runs) closes its connections when the exporter is destroyed;
    // the process that owns the outputs closes them here, at the end of the run.
    void end_run(const bulletin::Records&, bulletin::Context&) override { databases_.clear(); }

private:
    class Statement {
    public:
        Statement(sqlite3* db, const char* sql) : db_(db) {
            sqlite3_stmt* raw = nullptr;
            check(db, sqlite3_prepare_v2(db, sql, -1, &raw, nullptr));
            statement_.reset(raw);
        }
        Statement& bind(int index, std::string_view text) {
            check(db_, sqlite3_bind_text(statement_.get(), index, text.data(),
                                         static_cast<int>(text.size()), SQLITE_TRANSIENT));
            return *this;
        }
        Statement& bind(int index, const std::string& text) {
            return bind(index, std::string_view(text));
        }
        Statement& bind(int index, long long value) {
            check(db_, sqlite3_bind_int64(statement_.get(), index, value));
            return *this;
        }
        Statement& bind(int index, const std::optional<std::string>& text) {
            return text ? bind(index, std::string_view(*text)) : bind_null(index);
        }
        Statement& bind(int index, std::optional<int> value) {
            return value ? bind(index, static_cast<long long>(*value)) : bind_null(index);
        }
        Statement& bind_null(int index) {
            check(db_, sqlite3_bind_null(statement_.get(), index));
            return *this;
        }
        // Runs the statement once and makes it ready for new bindings.
        void run() {
            int rc = sqlite3_step(statement_.get());
            if (rc != SQLITE_DONE && rc != SQLITE_ROW) check(db_, rc);
            sqlite3_reset(statement_.get());
            sqlite3_clear_bindings(statement_.get());
        }

    private:
        sqlite3* db_;
        std::unique_ptr<sqlite3_stmt, FinalizeStatement> statement_;
    };

    static void check(sqlite3* db, int rc) {
        if (rc != SQLITE_OK)
            throw bulletin::Error(std::string("sqlite: ") + sqlite3_errmsg(db) +
                                  " (close other writers or raise busy_timeout_ms)");
    }
    static void exec(sqlite3* db, const char* sql) {
        check(db, sqlite3_exec(db, sql, nullptr, nullptr, nullptr));
    }

    // One connection per database file, kept while the exporter lives (or until end_run).
    sqlite3* open(const std::filesystem::path& path) {
        if (auto it = databases_.find(path); it != databases_.end()) return it->second.get();
        std::filesystem::create_directories(path.parent_path());
        sqlite3* raw = nullptr;
        int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                 nullptr);
        Database db(raw); // owns the handle even when opening failed
        if (rc != SQLITE_OK)
            throw bulletin::Error("sqlite: cannot open " + path.string() + ": " +
                                  (raw ? sqlite3_errmsg(raw) : "out of memory"));
        check(db.get(), sqlite3_busy_timeout(db.get(), static_cast<int>(busy_timeout_)));
        exec(db.get(), "PRAGMA journal_mode = WAL");
        exec(db.get(), "PRAGMA synchronous = NORMAL"); // durable at each commit in WAL mode
        exec(db.get(), "PRAGMA foreign_keys = ON");
        exec(db.get(), "BEGIN IMMEDIATE");
        try {
            exec(db.get(), kSchema);
            exec(db.get(), "COMMIT");
        } catch (...) {
            sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
        return databases_.emplace(path, std::move(db)).first->second.get();
    }

    static void store(sqlite3* db, const bulletin::Document& doc) {
        // Replace the previous export of the same input: the cascade removes its rows.
        // Index rows are found by rowid (see below), not by scanning the whole index.
        Statement(db, "DELETE FROM search WHERE rowid IN ("
                      " SELECT p.id FROM paragraphs p JOIN articles a ON a.id = p.article_id"
                      " JOIN documents d ON d.id = a.document_id WHERE d.source_path = ?1"
                      " UNION ALL SELECT -a.id FROM articles a"
                      " JOIN documents d ON d.id = a.document_id WHERE d.source_path = ?1)")
            .bind(1, doc.source.path)
            .run();
        Statement(db, "DELETE FROM documents WHERE source_path = ?").bind(1, doc.source.path).run();

        const auto& m = doc.masthead;
        auto json = [](const auto& value) {
            return nlohmann::json(value).dump(-1, ' ', false,
                                              nlohmann::json::error_handler_t::replace);
        };
        Statement(db, "INSERT INTO documents (source_path, format, sha256, pages, series, "
                      "issue_number, issue_total, publisher, date, metadata) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, doc.source.path)
            .bind(2, doc.source.format)
            .bind(3, doc.source.sha256)
            .bind(4, doc.source.pages)
            .bind(5, m.series)
            .bind(6, m.issue ? std::optional<int>(m.issue->number) : std::nullopt)
            .bind(7, m.issue ? m.issue->total : std::nullopt)
            .bind(8, m.publisher)
            .bind(9, m.date)
            .bind(10, json(doc.metadata))
            .run();
        long long document = sqlite3_last_insert_rowid(db);

        Statement article_row(db, "INSERT INTO articles (document_id, position, title, "
                                  "byline_department, byline_authors, byline_text) "
                                  "VALUES (?, ?, ?, ?, ?, ?)");
        Statement paragraph_row(db, "INSERT INTO paragraphs (article_id, position, text) "
                                    "VALUES (?, ?, ?)");
        // Index rowids: a paragraph's id, or minus its article's id for a title.
        Statement search_row(db, "INSERT INTO search (rowid, text, document_id, article, "
                                 "paragraph) VALUES (?, ?, ?, ?, ?)");
        for (std::size_t a = 0; a < doc.articles.size(); ++a) {
            const auto& article = doc.articles[a];
            auto index = static_cast<long long>(a);
            article_row.bind(1, document).bind(2, index).bind(3, article.title);
            if (article.byline) {
                article_row.bind(4, article.byline->department)
                    .bind(5, json(article.byline->authors))
                    .bind(6, article.byline->text);
            }
            article_row.run();
            long long article_id = sqlite3_last_insert_rowid(db);
            search_row.bind(1, -article_id)
                .bind(2, article.title)
                .bind(3, document)
                .bind(4, index)
                .bind(5, -1LL)
                .run();
            for (std::size_t p = 0; p < article.paragraphs.size(); ++p) {
                auto position = static_cast<long long>(p);
                paragraph_row.bind(1, article_id)
                    .bind(2, position)
                    .bind(3, article.paragraphs[p].text)
                    .run();
                search_row.bind(1, sqlite3_last_insert_rowid(db))
                    .bind(2, article.paragraphs[p].text)
                    .bind(3, document)
                    .bind(4, index)
                    .bind(5, position)
                    .run();
            }
        }

        Statement entity_row(db, "INSERT INTO entities (document_id, article, paragraph, start, "
                                 "\"end\", type, text, value, attributes) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        for (const auto& e : doc.entities)
            entity_row.bind(1, document)
                .bind(2, bulletin::bulletin1_article(e))
                .bind(3, bulletin::bulletin1_paragraph(e))
                .bind(4, e.start)
                .bind(5, e.end)
                .bind(6, e.type)
                .bind(7, e.text)
                .bind(8, e.value)
                .bind(9, json(e.attributes))
                .run();

        Statement recipient_row(db, "INSERT INTO recipients (document_id, block, label, position, "
                                    "recipient) VALUES (?, ?, ?, ?, ?)");
        for (std::size_t b = 0; b < doc.distribution.size(); ++b)
            for (std::size_t r = 0; r < doc.distribution[b].recipients.size(); ++r)
                recipient_row.bind(1, document)
                    .bind(2, static_cast<long long>(b))
                    .bind(3, doc.distribution[b].label)
                    .bind(4, static_cast<long long>(r))
                    .bind(5, doc.distribution[b].recipients[r])
                    .run();

        Statement diagnostic_row(db, "INSERT INTO diagnostics (document_id, severity, plugin, "
                                     "message, page, line) VALUES (?, ?, ?, ?, ?, ?)");
        for (const auto& d : doc.diagnostics)
            diagnostic_row.bind(1, document)
                .bind(2, severity(d.severity))
                .bind(3, d.plugin)
                .bind(4, d.message)
                .bind(5, d.page)
                .bind(6, d.line)
                .run();
    }

    static std::string_view severity(bulletin::Severity s) {
        switch (s) {
        case bulletin::Severity::Info:
            return "info";
        case bulletin::Severity::Warning:
            return "warning";
        case bulletin::Severity::Error:
            return "error";
        }
        return "warning";
    }

    std::string path_;
    long long busy_timeout_;
    std::map<std::filesystem::path, Database> databases_;
};

constexpr bulletin::ParamSpec kParams[] = {
    bulletin::string_param(
        "path", "{output}/bulletins.sqlite",
        "Database path template; usually one file for the whole run, so bulletins accumulate."),
    bulletin::int_param("busy_timeout_ms", "30000",
                        "How long to wait for another process's write transaction before failing.")
        .range(0, 3600000),
};

} // namespace

BULLETIN_PLUGIN(kSqlite, SqliteExporter, "sqlite", bulletin::PluginKind::Exporter,
                "One SQLite database for many bulletins, with a trigram FTS5 index; "
                "re-exporting an input replaces its rows.",
                kParams);
BULLETIN_MODULE("sqlite", "1.0.0", "MIT", "SQLite exporter with full-text search.", &kSqlite)
