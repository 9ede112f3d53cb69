// Output files: path templates expanded and confined to the output root, atomic writes that
// never follow a link swapped into the output tree, and the claims that keep two inputs from
// writing one output.
#pragma once

#include "beneath.hpp"

#include <bulletin/document.hpp>

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>

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

} // namespace bulletin::host
