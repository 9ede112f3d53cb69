#include "state.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace bulletin::host {

namespace {

struct StatementCloser {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementCloser>;

Statement prepare(sqlite3* db, const char* sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK)
        throw std::runtime_error(std::string("state database: ") + sqlite3_errmsg(db));
    return Statement(raw);
}

void exec(sqlite3* db, const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw std::runtime_error("state database: " + message);
    }
}

/// Resets a cached statement when a call is done with it (ends its read, drops its bindings).
struct ResetOnExit {
    explicit ResetOnExit(sqlite3_stmt* s) : statement(s) {}
    ResetOnExit(const ResetOnExit&) = delete;
    ResetOnExit& operator=(const ResetOnExit&) = delete;
    ~ResetOnExit() {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
    }
    sqlite3_stmt* get() const { return statement; }
    sqlite3_stmt* statement;
};

std::string column_text(sqlite3_stmt* s, int i) {
    auto* text = sqlite3_column_text(s, i);
    return text ? reinterpret_cast<const char*>(text) : "";
}

} // namespace

void StateStore::Closer::operator()(sqlite3* db) const {
    sqlite3_close(db);
}
void StateStore::StatementCloser::operator()(sqlite3_stmt* s) const {
    sqlite3_finalize(s);
}

StateStore::StateStore(const std::filesystem::path& file) : file_(file) {
    sqlite3* raw = nullptr;
    int rc =
        sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK)
        throw std::runtime_error("cannot open state database " + file.string() + ": " +
                                 (raw ? sqlite3_errmsg(raw) : "out of memory"));
    sqlite3_busy_timeout(db_.get(), 10000);
    try {
        // WAL + synchronous=NORMAL: a crash loses at most the last commit, never corrupts.
        exec(db_.get(), "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        exec(db_.get(), R"(CREATE TABLE IF NOT EXISTS inputs(
            path TEXT PRIMARY KEY,
            input_sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            pipeline_hash TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('done','failed')),
            outputs TEXT NOT NULL,
            error TEXT NOT NULL,
            seconds REAL NOT NULL,
            attempts INTEGER NOT NULL,
            finished_at TEXT NOT NULL))");
        find_statement_.reset(
            prepare(db_.get(),
                    "SELECT input_sha256, size, mtime_ns, pipeline_hash, status, outputs, error, "
                    "seconds, attempts, finished_at FROM inputs WHERE path = ?")
                .release());
        save_statement_.reset(
            prepare(db_.get(),
                    "INSERT OR REPLACE INTO inputs(path, input_sha256, size, mtime_ns, "
                    "pipeline_hash, status, outputs, error, seconds, attempts, finished_at) "
                    "VALUES(?,?,?,?,?,?,?,?,?,?,?)")
                .release());
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(file.string() + ": " + e.what() +
                                 " (is it a bulletin state database?)");
    }
}

StateStore::~StateStore() = default;

std::optional<InputRecord> StateStore::find(const std::string& path) const {
    ResetOnExit s{find_statement_.get()};
    sqlite3_bind_text(s.get(), 1, path.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return std::nullopt;
    InputRecord r;
    r.path = path;
    r.input_sha256 = column_text(s.get(), 0);
    r.size = sqlite3_column_int64(s.get(), 1);
    r.mtime_ns = sqlite3_column_int64(s.get(), 2);
    r.pipeline_hash = column_text(s.get(), 3);
    r.status = column_text(s.get(), 4);
    auto outputs = nlohmann::json::parse(column_text(s.get(), 5), nullptr, false);
    if (outputs.is_array())
        for (const auto& o : outputs)
            if (o.is_string()) r.outputs.push_back(o.get<std::string>());
    r.error = column_text(s.get(), 6);
    r.seconds = sqlite3_column_double(s.get(), 7);
    r.attempts = sqlite3_column_int(s.get(), 8);
    r.finished_at = column_text(s.get(), 9);
    return r;
}

void StateStore::save(const InputRecord& r) {
    ResetOnExit s{save_statement_.get()};
    // A path that is not UTF-8 is stored mangled (that input is redone next run), rather than
    // failing the save of its whole group.
    std::string outputs =
        nlohmann::json(r.outputs).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    sqlite3_bind_text(s.get(), 1, r.path.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s.get(), 2, r.input_sha256.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s.get(), 3, r.size);
    sqlite3_bind_int64(s.get(), 4, r.mtime_ns);
    sqlite3_bind_text(s.get(), 5, r.pipeline_hash.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s.get(), 6, r.status.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s.get(), 7, outputs.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s.get(), 8, r.error.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(s.get(), 9, r.seconds);
    sqlite3_bind_int(s.get(), 10, r.attempts);
    sqlite3_bind_text(s.get(), 11, r.finished_at.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s.get()) != SQLITE_DONE)
        throw std::runtime_error("cannot update state database " + file_.string() + ": " +
                                 sqlite3_errmsg(db_.get()));
}

void StateStore::save_all(const std::vector<InputRecord>& records) {
    if (records.empty()) return;
    exec(db_.get(), "BEGIN IMMEDIATE");
    try {
        for (const auto& r : records)
            save(r);
        exec(db_.get(), "COMMIT");
    } catch (...) {
        sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

std::int64_t StateStore::count() const {
    auto s = prepare(db_.get(), "SELECT COUNT(*) FROM inputs");
    return sqlite3_step(s.get()) == SQLITE_ROW ? sqlite3_column_int64(s.get(), 0) : 0;
}

FileLock::FileLock(const std::filesystem::path& file) {
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw std::runtime_error("cannot open lock file " + file.string() + ": " +
                                 std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK)
            throw std::runtime_error("another bulletin batch is running on this state (" +
                                     file.string() +
                                     " is locked); wait for it to finish or use another --state");
        throw std::runtime_error("cannot lock " + file.string() + ": " + std::strerror(err));
    }
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_); // closing releases the flock
}

} // namespace bulletin::host
