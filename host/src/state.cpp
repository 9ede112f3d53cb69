#include "state.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bulletin::host {

namespace {

struct StatementCloser {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementCloser>;

/// What failed, on which file, the system's reason, and what to do about it.
StateError state_error(sqlite3* db, const std::filesystem::path& file, const std::string& what) {
    int code = db ? sqlite3_extended_errcode(db) & 0xff : SQLITE_NOMEM;
    int sys = db ? sqlite3_system_errno(db) : 0;
    std::string message = what + " " + file.string() + ": " + (db ? sqlite3_errmsg(db) : "");
    if (code == SQLITE_FULL && sys == 0) sys = ENOSPC; // how SQLite reports ENOSPC
    if (sys != 0)
        message += " (" + std::string(std::strerror(sys)) + ", errno " + std::to_string(sys) + ")";
    const bool full = code == SQLITE_FULL || sys == ENOSPC || sys == EDQUOT || sys == EFBIG;
    const bool unwritable = code == SQLITE_READONLY || code == SQLITE_PERM ||
                            code == SQLITE_CANTOPEN || sys == EROFS || sys == EACCES ||
                            sys == EPERM;
    if (full)
        message += ": the disk holding the state is full or a file size limit was reached; free "
                   "space there (or move the state with --state) and run again";
    else if (unwritable)
        message += ": the state is not writable by this user; fix the permissions of its "
                   "directory or choose another --state";
    else if (code == SQLITE_IOERR)
        message += ": the disk reported an I/O error; check it (dmesg) before running again";
    else if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
        message += ": this is not a bulletin state database, or it is damaged; move it away (the "
                   "next run then converts everything again) or choose another --state";
    else if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        message += ": another program keeps the state database locked; stop it and run again";
    else if (code == SQLITE_ERROR)
        message += " (is it a bulletin state database?)";
    return StateError(message, full || unwritable || code == SQLITE_IOERR);
}

Statement prepare(sqlite3* db, const std::filesystem::path& file, const char* sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK)
        throw state_error(db, file, "cannot read the state database");
    return Statement(raw);
}

void exec(sqlite3* db, const std::filesystem::path& file, const char* sql, const char* what) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        throw state_error(db, file, what);
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

void bind_text(sqlite3_stmt* s, int i, const std::string& text) {
    sqlite3_bind_text(s, i, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

sqlite3* open_database(const std::filesystem::path& file, int flags) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
    if (rc != SQLITE_OK) {
        StateError error = state_error(raw, file, "cannot open the state database");
        sqlite3_close(raw);
        throw error;
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 30000);
    return raw;
}

} // namespace

void StateStore::Closer::operator()(sqlite3* db) const {
    sqlite3_close(db);
}
void StateStore::StatementCloser::operator()(sqlite3_stmt* s) const {
    sqlite3_finalize(s);
}

StateStore::StateStore(const std::filesystem::path& file) : file_(file) {
    db_.reset(open_database(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
    // WAL + synchronous=NORMAL: a crash loses at most the last commit, never corrupts.
    exec(db_.get(), file_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
         "cannot open the state database");
    migrate();
    find_statement_.reset(prepare(db_.get(), file_,
                                  "SELECT input_sha256, size, mtime_ns, pipeline_hash, status, "
                                  "outputs, error, seconds, attempts, finished_at, crashes "
                                  "FROM inputs WHERE path = ?")
                              .release());
    save_statement_.reset(prepare(db_.get(), file_,
                                  "INSERT OR REPLACE INTO inputs(path, input_sha256, size, "
                                  "mtime_ns, pipeline_hash, status, outputs, error, seconds, "
                                  "attempts, finished_at, crashes) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)")
                              .release());
    save_output_statement_.reset(
        prepare(db_.get(), file_,
                "INSERT OR REPLACE INTO outputs(path, input, size, sha256) VALUES(?,?,?,?)")
            .release());
    release_statement_.reset(
        prepare(db_.get(), file_, "DELETE FROM outputs WHERE path = ?").release());
    clear_records_.reset(
        prepare(db_.get(), file_, "DELETE FROM records WHERE input = ?").release());
    save_record_.reset(
        prepare(db_.get(), file_, "INSERT INTO records(stage, input, seq, record) VALUES(?,?,?,?)")
            .release());
}

StateStore::~StateStore() = default;

int StateStore::schema_version() const {
    auto s = prepare(db_.get(), file_, "PRAGMA user_version");
    return sqlite3_step(s.get()) == SQLITE_ROW ? sqlite3_column_int(s.get(), 0) : 0;
}

/// Brings the file to kSchemaVersion. Version 0 is the schema before versions were kept (and
/// an empty file): only the `inputs` table; version 1 has no `records` (SDK 1).
void StateStore::migrate() {
    int version = schema_version();
    if (version == kSchemaVersion) return;
    if (version > kSchemaVersion)
        throw StateError("state database " + file_.string() + " has schema version " +
                             std::to_string(version) + ", newer than this bulletin's (" +
                             std::to_string(kSchemaVersion) +
                             "); run a newer bulletin or choose another --state",
                         false);
    exec(db_.get(), file_, "BEGIN IMMEDIATE", "cannot migrate the state database");
    try {
        if (version < 1) migrate_to_1();
        exec(db_.get(), file_, R"(CREATE TABLE IF NOT EXISTS records(
                stage TEXT NOT NULL,
                input TEXT NOT NULL,
                seq INTEGER NOT NULL,
                record BLOB NOT NULL,
                PRIMARY KEY (stage, input, seq)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS records_by_input ON records(input);
            PRAGMA user_version = 2;)",
             "cannot migrate the state database");
        exec(db_.get(), file_, "COMMIT", "cannot migrate the state database");
    } catch (...) {
        sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

void StateStore::migrate_to_1() {
    {
        exec(db_.get(), file_, R"(CREATE TABLE IF NOT EXISTS inputs(
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
            finished_at TEXT NOT NULL);
            ALTER TABLE inputs ADD COLUMN crashes INTEGER NOT NULL DEFAULT 0;
            -- Version 0 counted every conversion; now attempts count failures of one content.
            UPDATE inputs SET attempts = 1 WHERE status = 'failed' AND attempts > 1;
            CREATE TABLE outputs(
                path TEXT PRIMARY KEY,
                input TEXT NOT NULL,
                size INTEGER NOT NULL DEFAULT -1,
                sha256 TEXT NOT NULL DEFAULT '');)",
             "cannot migrate the state database");
    }
}

std::optional<InputRecord> StateStore::find(const std::string& path) const {
    ResetOnExit s{find_statement_.get()};
    bind_text(s.get(), 1, path);
    int rc = sqlite3_step(s.get());
    if (rc == SQLITE_DONE) return std::nullopt;
    if (rc != SQLITE_ROW) fail("cannot read the state database");
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
    r.crashes = sqlite3_column_int(s.get(), 10);
    return r;
}

std::vector<OutputRecord> StateStore::outputs() const {
    auto s = prepare(db_.get(), file_, "SELECT path, input, size, sha256 FROM outputs");
    std::vector<OutputRecord> rows;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
        rows.push_back({column_text(s.get(), 0), column_text(s.get(), 1),
                        sqlite3_column_int64(s.get(), 2), column_text(s.get(), 3)});
    if (rc != SQLITE_DONE) fail("cannot read the state database");
    return rows;
}

std::vector<std::string> StateStore::paths() const {
    auto s = prepare(db_.get(), file_, "SELECT path FROM inputs");
    std::vector<std::string> paths;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
        paths.push_back(column_text(s.get(), 0));
    if (rc != SQLITE_DONE) fail("cannot read the state database");
    return paths;
}

void StateStore::fail(const std::string& what) const {
    throw state_error(db_.get(), file_, what);
}

void StateStore::save(const InputRecord& r) {
    ResetOnExit s{save_statement_.get()};
    // A path that is not UTF-8 is stored mangled (that input is redone next run), rather than
    // failing the save of its whole group.
    std::string outputs =
        nlohmann::json(r.outputs).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    bind_text(s.get(), 1, r.path);
    bind_text(s.get(), 2, r.input_sha256);
    sqlite3_bind_int64(s.get(), 3, r.size);
    sqlite3_bind_int64(s.get(), 4, r.mtime_ns);
    bind_text(s.get(), 5, r.pipeline_hash);
    bind_text(s.get(), 6, r.status);
    bind_text(s.get(), 7, outputs);
    bind_text(s.get(), 8, r.error);
    sqlite3_bind_double(s.get(), 9, r.seconds);
    sqlite3_bind_int(s.get(), 10, r.attempts);
    bind_text(s.get(), 11, r.finished_at);
    sqlite3_bind_int(s.get(), 12, r.crashes);
    if (sqlite3_step(s.get()) != SQLITE_DONE) fail("cannot record the state in");
    if (!r.records) return;
    {
        ResetOnExit clear{clear_records_.get()};
        bind_text(clear.get(), 1, r.path);
        if (sqlite3_step(clear.get()) != SQLITE_DONE) fail("cannot record the state in");
    }
    int seq = 0;
    for (const auto& [stage, record] : *r.records) {
        ResetOnExit save{save_record_.get()};
        bind_text(save.get(), 1, stage);
        bind_text(save.get(), 2, r.path);
        sqlite3_bind_int(save.get(), 3, seq++);
        sqlite3_bind_blob64(save.get(), 4, record.data(), record.size(), SQLITE_TRANSIENT);
        if (sqlite3_step(save.get()) != SQLITE_DONE) fail("cannot record the state in");
    }
}

void StateStore::for_each_record(
    const std::string& stage,
    const std::function<void(std::string_view, std::string_view)>& visit) const {
    auto s = prepare(db_.get(), file_,
                     "SELECT input, record FROM records WHERE stage = ? ORDER BY input, seq");
    bind_text(s.get(), 1, stage);
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
        std::string input = column_text(s.get(), 0);
        const void* data = sqlite3_column_blob(s.get(), 1);
        auto size = static_cast<std::size_t>(sqlite3_column_bytes(s.get(), 1));
        visit(input, std::string_view(static_cast<const char*>(data), data ? size : 0));
    }
    if (rc != SQLITE_DONE) fail("cannot read the state database");
}

void StateStore::save(const OutputRecord& r) {
    ResetOnExit s{save_output_statement_.get()};
    bind_text(s.get(), 1, r.path);
    bind_text(s.get(), 2, r.input);
    sqlite3_bind_int64(s.get(), 3, r.size);
    bind_text(s.get(), 4, r.sha256);
    if (sqlite3_step(s.get()) != SQLITE_DONE) fail("cannot record the state in");
}

void StateStore::commit(const std::vector<InputRecord>& records,
                        const std::vector<OutputRecord>& outputs,
                        const std::vector<std::string>& released) {
    if (records.empty() && outputs.empty() && released.empty()) return;
    exec(db_.get(), file_, "BEGIN IMMEDIATE", "cannot record the state in");
    try {
        for (const auto& path : released) { // before the saves: a path may be claimed anew
            ResetOnExit s{release_statement_.get()};
            bind_text(s.get(), 1, path);
            if (sqlite3_step(s.get()) != SQLITE_DONE) fail("cannot record the state in");
        }
        for (const auto& r : records)
            save(r);
        for (const auto& o : outputs)
            save(o);
        exec(db_.get(), file_, "COMMIT", "cannot record the state in");
    } catch (...) {
        sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

std::int64_t StateStore::count() const {
    auto s = prepare(db_.get(), file_, "SELECT COUNT(*) FROM inputs");
    return sqlite3_step(s.get()) == SQLITE_ROW ? sqlite3_column_int64(s.get(), 0) : 0;
}

void SharedOutputTable::Closer::operator()(sqlite3* db) const {
    sqlite3_close(db);
}
void SharedOutputTable::StatementCloser::operator()(sqlite3_stmt* s) const {
    sqlite3_finalize(s);
}

SharedOutputTable::SharedOutputTable(const std::filesystem::path& file) : file_(file) {
    db_.reset(open_database(file, SQLITE_OPEN_READWRITE));
    // Per connection: without it every claim would fsync the WAL.
    exec(db_.get(), file_, "PRAGMA synchronous=NORMAL", "cannot open the state database");
    insert_.reset(
        prepare(db_.get(), file_, "INSERT OR IGNORE INTO outputs(path, input) VALUES(?, ?)")
            .release());
    owner_.reset(prepare(db_.get(), file_, "SELECT input FROM outputs WHERE path = ?").release());
    update_.reset(prepare(db_.get(), file_,
                          "UPDATE outputs SET size = ?, sha256 = ? WHERE path = ? AND input = ?")
                      .release());
}

SharedOutputTable::~SharedOutputTable() = default;

std::string SharedOutputTable::claim(const std::string& path, const std::string& input) {
    {
        ResetOnExit s{insert_.get()};
        bind_text(s.get(), 1, path);
        bind_text(s.get(), 2, input);
        if (sqlite3_step(s.get()) != SQLITE_DONE)
            throw state_error(db_.get(), file_, "cannot record an output claim in");
    }
    ResetOnExit s{owner_.get()};
    bind_text(s.get(), 1, path);
    if (sqlite3_step(s.get()) != SQLITE_ROW)
        throw state_error(db_.get(), file_, "cannot read an output claim from");
    return column_text(s.get(), 0);
}

void SharedOutputTable::written(const std::string& path, const std::string& input,
                                std::int64_t size, const std::string& sha256) {
    ResetOnExit s{update_.get()};
    sqlite3_bind_int64(s.get(), 1, size);
    bind_text(s.get(), 2, sha256);
    bind_text(s.get(), 3, path);
    bind_text(s.get(), 4, input);
    if (sqlite3_step(s.get()) != SQLITE_DONE)
        throw state_error(db_.get(), file_, "cannot record an output in");
}

FileLock::FileLock(const std::filesystem::path& file) {
    // O_NOFOLLOW: a link planted at the lock's name must not make us create files elsewhere.
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd_ < 0 && errno == ELOOP)
        throw std::runtime_error("lock file " + file.string() +
                                 " is a symbolic link; refusing to follow it (remove it)");
    if (fd_ < 0) {
        int err = errno;
        throw std::runtime_error("cannot create the lock file " + file.string() + ": " +
                                 std::strerror(err) +
                                 (err == EACCES || err == EPERM || err == EROFS
                                      ? " (its directory is not writable by this user: fix its "
                                        "permissions or choose another --state)"
                                      : ""));
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK)
            throw LockHeld("another bulletin batch is running on this state (" + file.string() +
                           " is locked); wait for it to finish or use another --state");
        throw std::runtime_error("cannot lock " + file.string() + ": " + std::strerror(err));
    }
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_); // closing releases the flock
}

} // namespace bulletin::host
