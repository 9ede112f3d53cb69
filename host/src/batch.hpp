// `bulletin batch`: converts a tree of inputs incrementally, with state, a lock, optional
// isolation of plugins in worker processes, progress, a JSON report and meaningful exit codes.
#pragma once

#include "pipeline.hpp"
#include "registry.hpp"

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bulletin::host {

/// Exit codes shared by `run`, `batch` and `eval` (docs/operations.md).
enum ExitCode : int {
    kExitOk = 0,
    kExitSomeFailed = 1,
    kExitConfigError = 2,
    kExitInterrupted = 3,
};

struct Shard {
    int index = 1; ///< 1-based
    int count = 1;
};
/// Parses "K/N" with 1 <= K <= N.
std::optional<Shard> parse_shard(std::string_view text);
/// True when `relative_path` belongs to `shard` (a stable FNV-1a hash of the path).
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
    double timeout_seconds = 300; ///< per document, enforced with --isolate
    Shard shard;
    std::vector<std::string> extensions;  ///< inputs to consider; empty = every file
    std::vector<std::string> plugin_dirs; ///< passed on to worker processes
    std::uintmax_t max_input_bytes = 512ull * 1024 * 1024;
    const std::atomic<bool>* cancel = nullptr;
};

/// Runs a batch and returns its exit code. Prints progress and the summary on stderr.
int run_batch(const Registry& registry, const BatchOptions& options);

} // namespace bulletin::host
