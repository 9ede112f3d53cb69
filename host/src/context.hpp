// The host's implementation of bulletin::Context: one per plugin, logging through a spdlog
// logger named after the plugin, expanding output templates inside the output root.
#pragma once

#include "beneath.hpp"

#include <bulletin/plugin.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace spdlog {
class logger;
}

namespace bulletin::host {

/// Expands {output} {dir} {stem} {name} {ext} {date} {format} {series} {issue} in
/// `path_template` and checks the result stays inside `output_root`. {dir} is the input's
/// directory relative to the batch input root ("." for `bulletin run`). Throws bulletin::Error.
std::filesystem::path expand_output_path(std::string_view path_template,
                                         const std::filesystem::path& output_root,
                                         const Document& document,
                                         const std::filesystem::path& relative_dir = ".");

/// expand_output_path for many documents of one output root: the root is made absolute and
/// canonical once, and a path that is plainly below it is checked with one lstat per component
/// instead of two weakly_canonical walks. Anything unusual (a symlink, "..", a root that does not
/// exist yet) takes the full check, so what is refused is exactly what expand_output_path refuses.
/// Not thread-safe: each context has its own.
class OutputPathExpander {
public:
    explicit OutputPathExpander(std::filesystem::path output_root);
    std::filesystem::path expand(std::string_view path_template, const Document& document,
                                 const std::filesystem::path& relative_dir = ".",
                                 std::string_view shard = {}) {
        return expand(path_template, &document, relative_dir, shard);
    }
    /// `document` null: a path of the whole run, which may not use the document's fields.
    std::filesystem::path expand(std::string_view path_template, const Document* document,
                                 const std::filesystem::path& relative_dir, std::string_view shard);

private:
    std::optional<std::filesystem::path> below_root(const std::string& expanded);

    std::filesystem::path root_;
    std::string absolute_root_;  ///< what {output} expands to
    std::string canonical_root_; ///< empty until the root exists
};

/// Writes files atomically for one context: a temporary file beside the target, written, (fsynced,)
/// renamed. With a root, every write goes through a handle on the root opened once, and the
/// directories below it are opened without following symbolic links (openat2, or openat with
/// O_NOFOLLOW per component), so a link swapped into the output tree after a path was checked
/// makes the write fail instead of escaping: "cannot write P: D is a symbolic link inside the
/// output directory; refusing to follow it". The temporary is created with O_EXCL | O_NOFOLLOW
/// and renamed within the same directory handle. Temporary names carry their writer
/// (temporaries.hpp); their random part comes from a PRNG seeded once.
/// Not thread-safe: each context has its own.
class AtomicWriter;

/// A temporary being written (AtomicWriter::begin), renamed over its target by commit();
/// destroyed without commit() it is removed and the target stays as it was.
class PendingFile {
public:
    PendingFile() = default;
    PendingFile(PendingFile&&) noexcept = default;
    PendingFile& operator=(PendingFile&&) noexcept = default;
    ~PendingFile();

    void write(std::string_view bytes);
    void commit();
    const std::filesystem::path& path() const { return path_; }

private:
    friend class AtomicWriter;
    void discard();

    UniqueFd dir_, fd_;
    std::string tmp_, name_;
    std::filesystem::path path_;
    bool sync_ = true;
};

class AtomicWriter {
public:
    /// Writes anywhere: each file's directory is the caller's choice (the operator's own files),
    /// created and opened by its path; the last one is kept open.
    AtomicWriter() = default;
    /// Writes only below `root` (itself created and opened by its path, so it may be a link).
    explicit AtomicWriter(std::filesystem::path root);

    void write(const std::filesystem::path& path, std::string_view bytes, bool sync);
    /// The same written piece by piece: nothing reaches `path` before PendingFile::commit().
    PendingFile begin(const std::filesystem::path& path, bool sync);

private:
    /// Creates the temporary for `path` in directory_for(path) (then dir_fd_); returns its fd.
    int create_temporary(const std::filesystem::path& path, std::string& name, std::string& tmp);
    /// The handle on the directory `path` is to be written in, and its file name.
    int directory_for(const std::filesystem::path& path, std::string& name, bool reopen);
    int confined_directory(const std::filesystem::path& path, std::string& name);
    int free_directory(const std::filesystem::path& path, std::string& name, bool reopen);

    std::filesystem::path root_; ///< empty: writes anywhere
    UniqueFd root_fd_;
    std::string canonical_root_, absolute_root_;
    DirectoryOpener opener_;
    UniqueFd dir_fd_; ///< the directory of the last write
    std::string dir_; ///< its path as written (free writer) or below the root (confined)

    // Only makes temporary names unique among this process's writers (O_EXCL catches the rest).
    std::minstd_rand random_;
    std::string owner_; ///< empty until the first write seeds random_
};

/// Writes `bytes` to `path` atomically: a temporary file beside it, fsync, rename. With `sync`
/// false the fsync is left to the caller (a batch syncs its outputs in groups: sync_filesystem).
/// The directory is the caller's: it is created and opened by its path (AtomicWriter()).
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes,
                           bool sync = true);

/// Makes every file written so far on the filesystem holding `dir` durable (syncfs(2)).
/// Returns false when that is not possible; the caller then falls back to fsync per file.
bool sync_filesystem(const std::filesystem::path& dir);

/// Which input each output file was written for, so that a second input whose template expands
/// to the same path ("a.pdf" and "a.txt" -> "a.json") fails instead of silently replacing the
/// first one's output. This base class remembers one run in memory (`bulletin run`); a batch
/// keeps the claims in its state, across runs and worker processes (claims.hpp). Thread-safe.
class OutputClaims {
public:
    virtual ~OutputClaims() = default;
    /// Records that `output` belongs to `input`, before it is written; throws bulletin::Error
    /// when it belongs to another input.
    virtual void claim(const std::filesystem::path& output, const std::filesystem::path& input);
    /// Called once `size` bytes with digest `sha256` (hex) were written to `output` for `input`.
    virtual void written(const std::filesystem::path& /*output*/,
                         const std::filesystem::path& /*input*/, std::int64_t /*size*/,
                         const std::string& /*sha256*/) {}

private:
    std::mutex mutex_;
    /// Keys and values are paths as compared by std::filesystem::path (repeated '/' folded).
    std::unordered_map<std::string, std::string> owners_;
};

/// What the runner is converting now. The runner owns it and sets it once per document; its
/// contexts read it.
struct DocumentScope {
    std::filesystem::path input;
    std::filesystem::path relative_dir = "."; ///< what {dir} expands to
};

class RunContext : public Context {
public:
    /// `scope` (may be null: {dir} is ".") must outlive the context. `shard` is what {shard}
    /// expands to.
    RunContext(std::string plugin_name, std::filesystem::path output_root,
               const std::atomic<bool>* cancel_flag, const DocumentScope* scope = nullptr,
               std::string shard = {});

    std::string_view plugin_name() const override { return name_; }
    bool log_enabled(LogLevel level) const override;
    void log(LogLevel level, std::string_view message) override;
    bool cancelled() const override { return cancel_flag_ && cancel_flag_->load(); }
    std::filesystem::path output_path(std::string_view path_template,
                                      const Document& document) const override;
    std::filesystem::path run_output_path(std::string_view path_template) const override;
    void write_file(const std::filesystem::path& path, std::string_view bytes) override;
    std::unique_ptr<OutputFile> open_file(const std::filesystem::path& path) override;
    void add_record(std::string_view record) override { records_.emplace_back(record); }

    /// The records added since the last call.
    std::vector<std::string> take_records() { return std::exchange(records_, {}); }
    const std::filesystem::path& output_root() const { return output_root_; }
    /// False: written files are not fsynced one by one (RunOptions::sync_outputs).
    void set_sync_outputs(bool sync) { sync_outputs_ = sync; }

protected:
    const DocumentScope* scope() const { return scope_; }
    /// Called when a file written through this context is in place.
    virtual void file_written(const std::filesystem::path& /*path*/, std::int64_t /*size*/,
                              const std::string& /*sha256*/) {}
    /// Called before a file is written through this context.
    virtual void file_starts(const std::filesystem::path& /*path*/) {}
    /// Whether file_written needs the digest (hashing costs ~0.7 ns a byte).
    virtual bool wants_digest() const { return false; }

private:
    friend class ContextFile;
    std::string name_;
    std::filesystem::path output_root_;
    const std::atomic<bool>* cancel_flag_;
    const DocumentScope* scope_;
    std::shared_ptr<spdlog::logger> logger_;
    std::string shard_;
    bool sync_outputs_ = true;
    mutable OutputPathExpander paths_; // a cache: output_path is const in the SDK's interface
    AtomicWriter writer_;              // confined to output_root_
    std::vector<std::string> records_;
};

/// A RunContext that remembers the files written through it (for reports and the CLI) and
/// claims them for the scope's input.
class RecordingContext final : public RunContext {
public:
    /// `scope` must outlive the context.
    RecordingContext(std::string plugin_name, std::filesystem::path output_root,
                     const std::atomic<bool>* cancel_flag, std::shared_ptr<OutputClaims> claims,
                     const DocumentScope& scope, std::string shard = {})
        : RunContext(std::move(plugin_name), std::move(output_root), cancel_flag, &scope,
                     std::move(shard)),
          claims_(std::move(claims)) {}
    std::vector<std::filesystem::path> written;

private:
    void file_starts(const std::filesystem::path& path) override {
        if (claims_) claims_->claim(path, scope()->input);
    }
    void file_written(const std::filesystem::path& path, std::int64_t size,
                      const std::string& sha256) override {
        if (claims_) claims_->written(path, scope()->input, size, sha256);
        written.push_back(path);
    }
    bool wants_digest() const override { return claims_ != nullptr; }

    std::shared_ptr<OutputClaims> claims_;
};

} // namespace bulletin::host
