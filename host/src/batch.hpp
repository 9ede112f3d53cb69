// `bulletin batch`: converts a tree of inputs incrementally, with state, a lock, optional
// isolation of plugins in worker processes, progress, a JSON report and meaningful exit codes.
#pragma once

#include "pipeline.hpp"
#include "registry.hpp"

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bulletin::host {

class OutputClaims;

/// Exit codes shared by `run`, `batch` and `eval` (docs/operations.md).
enum ExitCode : int {
    kExitOk = 0,
    kExitSomeFailed = 1,
    kExitConfigError = 2,
    kExitInterrupted = 3,
    kExitLockHeld = 4,     ///< another batch run holds the state's lock
    kExitStateFailure = 5, ///< the state or the report could not be written (or read)
};

struct Shard {
    int index = 1; ///< 1-based
    int count = 1;
};
/// What {shard} expands to in output paths: "" for one shard, "-K-of-N" otherwise.
std::string shard_suffix(const Shard& shard);
/// Parses "K/N" with 1 <= K <= N.
std::optional<Shard> parse_shard(std::string_view text);
/// True when `relative_path` belongs to `shard`: a stable FNV-1a hash of the path without its
/// extension, so that every format of one document (a.txt, a.pdf) lands in the same shard.
bool in_shard(std::string_view relative_path, const Shard& shard);

struct BatchOptions {
    std::filesystem::path pipeline_file;
    std::vector<std::string> sets; ///< STAGE.PARAM=VALUE overrides
    std::filesystem::path input_root;
    std::filesystem::path output_root;
    std::filesystem::path state_file;  ///< default: OUTPUT/.bulletin/state.sqlite
    std::filesystem::path report_file; ///< default: OUTPUT/.bulletin/report.json
    int jobs = 1;
    bool isolate = false;
    double timeout_seconds = 300; ///< per document, enforced with --isolate (required for it)
    Shard shard;
    /// Inputs to consider (empty: every file); nullopt: the extensions the pipeline's readers
    /// declare (BULLETIN_READER).
    std::optional<std::vector<std::string>> extensions;
    /// Follow symbolic links that leave the input root, and links to directories
    /// (--follow-symlinks).
    bool follow_symlinks = false;
    std::vector<std::string> plugin_dirs; ///< passed on to worker processes
    std::uintmax_t max_input_bytes = 512ull * 1024 * 1024;
    /// Failed conversions of one content before it is given up (0: never).
    int max_attempts = 3;
    bool retry_failed = false; ///< also convert given-up inputs
    bool verify = false;       ///< check outputs' SHA-256, not only their size, before skipping
    bool progress_bar = false; ///< draw a progress bar on stderr instead of progress log lines
    std::vector<std::string> worker_log_args; ///< logging options passed on to worker processes
    const std::atomic<bool>* cancel = nullptr;
};

/// Runs a batch and returns its exit code. Logs progress and the summary through the host logger.
int run_batch(const Registry& registry, const BatchOptions& options);

} // namespace bulletin::host
