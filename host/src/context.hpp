// The host's implementation of bulletin::Context: one per plugin, logging through a spdlog
// logger named after the plugin, expanding output templates inside the output root.
#pragma once

#include <bulletin/plugin.hpp>

#include <atomic>
#include <filesystem>
#include <memory>
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

/// Writes `bytes` to `path` atomically: a temporary file beside it, fsync, rename.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

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

private:
    std::string name_;
    std::filesystem::path output_root_;
    std::filesystem::path relative_dir_ = ".";
    const std::atomic<bool>* cancel_flag_;
    std::shared_ptr<spdlog::logger> logger_;
};

/// A RunContext that remembers the files written through it (for reports and the CLI).
class RecordingContext final : public RunContext {
public:
    using RunContext::RunContext;
    void write_file(const std::filesystem::path& path, std::string_view bytes) override {
        RunContext::write_file(path, bytes);
        written.push_back(path);
    }
    std::vector<std::filesystem::path> written;
};

}  // namespace bulletin::host
