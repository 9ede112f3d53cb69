// Batch state in SQLite: per input its content hash, the pipeline fingerprint, status, outputs,
// error and timings. A re-run consults it to skip unchanged work.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
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
    int attempts = 0;
    std::string finished_at; ///< ISO 8601 UTC
};

class StateStore {
public:
    /// Opens (creating if needed) the state database. Throws std::runtime_error with the path.
    explicit StateStore(const std::filesystem::path& file);
    ~StateStore();
    StateStore(const StateStore&) = delete;
    StateStore& operator=(const StateStore&) = delete;

    std::optional<InputRecord> find(const std::string& path) const;
    /// Inserts or replaces the record; committed before it returns.
    void save(const InputRecord& record);
    /// Inserts or replaces the records in one transaction (all or none).
    void save_all(const std::vector<InputRecord>& records);
    std::int64_t count() const;

private:
    struct Closer {
        void operator()(sqlite3* db) const;
    };
    struct StatementCloser {
        void operator()(sqlite3_stmt* statement) const;
    };
    std::unique_ptr<sqlite3, Closer> db_;
    // Prepared once: preparing per call was most of an unchanged re-run (docs/performance.md).
    // Declared after db_, so they are finalized before it closes.
    std::unique_ptr<sqlite3_stmt, StatementCloser> find_statement_;
    std::unique_ptr<sqlite3_stmt, StatementCloser> save_statement_;
    std::filesystem::path file_;
};

/// An exclusive advisory lock (flock) on a file, held for the object's lifetime.
class FileLock {
public:
    /// Throws std::runtime_error naming the file when another process holds it.
    explicit FileLock(const std::filesystem::path& file);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int fd_ = -1;
};

} // namespace bulletin::host
