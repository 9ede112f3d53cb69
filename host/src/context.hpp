// The host's implementation of bulletin::Context: one per plugin, logging through a spdlog
// logger named after the plugin, expanding output templates inside the output root and writing
// through output.hpp.
#pragma once

#include "output.hpp"

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
