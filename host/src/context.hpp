// The host's implementation of bulletin::Context: one per plugin, logging through a spdlog
// logger named after the plugin, expanding output templates inside the output root.
#pragma once

#include <bulletin/plugin.hpp>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
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

/// Writes `bytes` to `path` atomically: a temporary file beside it, fsync, rename. With `sync`
/// false the fsync is left to the caller (a batch syncs its outputs in groups: sync_filesystem).
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes,
                           bool sync = true);

/// Makes every file written so far on the filesystem holding `dir` durable (syncfs(2)).
/// Returns false when that is not possible; the caller then falls back to fsync per file.
bool sync_filesystem(const std::filesystem::path& dir);

/// Which input each output file of a run was written for, so that a second input whose
/// template expands to the same path ("a.pdf" and "a.txt" -> "a.json") fails instead of
/// silently replacing the first one's output. Shared by every context of a run; thread-safe.
class OutputClaims {
public:
    /// Records that `output` belongs to `input`; throws bulletin::Error when another input of
    /// this run already wrote it.
    void claim(const std::filesystem::path& output, const std::filesystem::path& input);

private:
    std::mutex mutex_;
    std::map<std::filesystem::path, std::filesystem::path> owners_;
};

class RunContext : public Context {
public:
    RunContext(std::string plugin_name, std::filesystem::path output_root,
               const std::atomic<bool>* cancel_flag);

    std::string_view plugin_name() const override { return name_; }
    bool log_enabled(LogLevel level) const override;
    void log(LogLevel level, std::string_view message) override;
    bool cancelled() const override { return cancel_flag_ && cancel_flag_->load(); }
    std::filesystem::path output_path(std::string_view path_template,
                                      const Document& document) const override;
    void write_file(const std::filesystem::path& path, std::string_view bytes) override;

    const std::filesystem::path& output_root() const { return output_root_; }
    /// Set per document by the batch runner: what {dir} expands to.
    void set_relative_dir(std::filesystem::path dir) { relative_dir_ = std::move(dir); }
    /// False: written files are not fsynced one by one (RunOptions::sync_outputs).
    void set_sync_outputs(bool sync) { sync_outputs_ = sync; }

private:
    std::string name_;
    std::filesystem::path output_root_;
    std::filesystem::path relative_dir_ = ".";
    const std::atomic<bool>* cancel_flag_;
    std::shared_ptr<spdlog::logger> logger_;
    bool sync_outputs_ = true;
};

/// A RunContext that remembers the files written through it (for reports and the CLI) and
/// claims them for the current input.
class RecordingContext final : public RunContext {
public:
    RecordingContext(std::string plugin_name, std::filesystem::path output_root,
                     const std::atomic<bool>* cancel_flag, std::shared_ptr<OutputClaims> claims)
        : RunContext(std::move(plugin_name), std::move(output_root), cancel_flag),
          claims_(std::move(claims)) {}
    void set_input(std::filesystem::path input) { input_ = std::move(input); }
    void write_file(const std::filesystem::path& path, std::string_view bytes) override {
        if (claims_) claims_->claim(path, input_);
        RunContext::write_file(path, bytes);
        written.push_back(path);
    }
    std::vector<std::filesystem::path> written;

private:
    std::shared_ptr<OutputClaims> claims_;
    std::filesystem::path input_;
};

}  // namespace bulletin::host
