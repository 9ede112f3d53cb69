// Batch state in SQLite: per input its content hash, the pipeline fingerprint, status, outputs,
// error and timings; per output the input that owns it, its size and hash. A re-run consults it
// to skip unchanged work, refuse a second input that maps to an owned output, and notice
// damaged outputs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace bulletin::host {

struct InputRecord {
    std::string path; ///< relative to the batch input root
    std::string input_sha256;
    std::int64_t size = 0;
    std::int64_t mtime_ns = 0; ///< with size, lets a re-run skip hashing unchanged files
    std::string pipeline_hash; ///< pipeline stages, parameters and plugin versions
    std::string status;        ///< "done" or "failed"
    std::vector<std::string> outputs;
    std::string error;
    double seconds = 0;
    /// Conversions tried on this content with this pipeline (a changed input starts again at 1).
    int attempts = 0;
    /// Times this content crashed the batch process (in-process conversion).
    int crashes = 0;
    std::string finished_at; ///< ISO 8601 UTC
    /// The exporters' records (stage, record) for end_run: replace the input's records when
    /// set (a conversion that succeeded), leave them as they are when not.
    std::optional<std::vector<std::pair<std::string, std::string>>> records;
};

/// One output file: who owns it (the claim) and what was written (checked when skipping).
struct OutputRecord {
    std::string path;       ///< relative to the output root (absolute when outside it)
    std::string input;      ///< the owning input, relative to the input root
    std::int64_t size = -1; ///< -1: claimed, not yet recorded as written
    std::string sha256;
};

/// A failure to read or write the state, with what to do about it. `write_failure` is true when
/// the disk is full, read-only or failing (the run cannot record its work), false when the file
/// is not a usable state database.
class StateError : public std::runtime_error {
public:
    StateError(const std::string& message, bool write_failure)
        : std::runtime_error(message), write_failure_(write_failure) {}
    bool write_failure() const { return write_failure_; }

private:
    bool write_failure_;
};

class StateStore {
public:
    /// The schema this build writes (PRAGMA user_version); older files are migrated on open.
    static constexpr int kSchemaVersion = 2;

    /// Opens (creating and migrating if needed) the state database. Throws StateError.
    explicit StateStore(const std::filesystem::path& file);
    ~StateStore();
    StateStore(const StateStore&) = delete;
    StateStore& operator=(const StateStore&) = delete;

    std::optional<InputRecord> find(const std::string& path) const;
    /// Every output record (the claims), for a run to load once.
    std::vector<OutputRecord> outputs() const;
    /// Every input that has a record.
    std::vector<std::string> paths() const;
    std::int64_t count() const;
    int schema_version() const;

    /// In one transaction (all or none): inserts or replaces `records` and `outputs`, and
    /// removes the output records whose paths are in `released`. Throws StateError.
    void commit(const std::vector<InputRecord>& records, const std::vector<OutputRecord>& outputs,
                const std::vector<std::string>& released = {});

    /// Every record of exporter stage `stage`, ordered by input path, then as added.
    void for_each_record(
        const std::string& stage,
        const std::function<void(std::string_view input, std::string_view record)>& visit) const;

    const std::filesystem::path& file() const { return file_; }

private:
    struct Closer {
        void operator()(sqlite3* db) const;
    };
    struct StatementCloser {
        void operator()(sqlite3_stmt* statement) const;
    };
    void migrate();
    void migrate_to_1();
    void save(const InputRecord& record);
    void save(const OutputRecord& record);
    [[noreturn]] void fail(const std::string& what) const;

    std::filesystem::path file_;
    std::unique_ptr<sqlite3, Closer> db_;
    // Prepared once: preparing per call was most of an unchanged re-run (docs/performance.md).
    // Declared after db_, so they are finalized before it closes.
    std::unique_ptr<sqlite3_stmt, StatementCloser> find_statement_;
    std::unique_ptr<sqlite3_stmt, StatementCloser> save_statement_;
    std::unique_ptr<sqlite3_stmt, StatementCloser> save_output_statement_;
    std::unique_ptr<sqlite3_stmt, StatementCloser> release_statement_;
    std::unique_ptr<sqlite3_stmt, StatementCloser> clear_records_;
    std::unique_ptr<sqlite3_stmt, StatementCloser> save_record_;
};

/// Claims outputs directly in a state database: used by `bulletin _worker` processes, which
/// share the batch's state file with the batch process and each other (SQLite WAL serializes
/// the writers). Every call commits at once, so a claim is visible to the other workers before
/// the output is written.
class SharedOutputTable {
public:
    /// Opens an existing state database (the batch process created and migrated it).
    explicit SharedOutputTable(const std::filesystem::path& file);
    ~SharedOutputTable();
    SharedOutputTable(const SharedOutputTable&) = delete;
    SharedOutputTable& operator=(const SharedOutputTable&) = delete;

    /// Claims `path` for `input` unless it is owned already; returns the owner. Throws StateError.
    std::string claim(const std::string& path, const std::string& input);
    /// Records what was written to an output `input` owns. Throws StateError.
    void written(const std::string& path, const std::string& input, std::int64_t size,
                 const std::string& sha256);

private:
    struct Closer {
        void operator()(sqlite3* db) const;
    };
    struct StatementCloser {
        void operator()(sqlite3_stmt* statement) const;
    };
    std::filesystem::path file_;
    std::unique_ptr<sqlite3, Closer> db_;
    std::unique_ptr<sqlite3_stmt, StatementCloser> insert_;
    std::unique_ptr<sqlite3_stmt, StatementCloser> owner_;
    std::unique_ptr<sqlite3_stmt, StatementCloser> update_;
};

/// Thrown by FileLock when another process holds the lock.
class LockHeld : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// An exclusive advisory lock (flock) on a file, held for the object's lifetime.
class FileLock {
public:
    /// Throws LockHeld when another process holds it, std::runtime_error naming the file and
    /// what to do when it cannot be created or locked.
    explicit FileLock(const std::filesystem::path& file);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int fd_ = -1;
};

} // namespace bulletin::host
