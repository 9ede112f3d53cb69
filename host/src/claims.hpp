// Output claims of a batch, kept in its state so that they hold across runs, worker threads and
// worker processes: an output belongs to the first input that wrote it until that input leaves
// the input tree (docs/operations.md, "What can go wrong").
#pragma once

#include "context.hpp"
#include "state.hpp"

#include <filesystem>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace bulletin::host {

/// How the state names inputs and outputs: relative to the input and output roots.
class StateKeys {
public:
    StateKeys(const std::filesystem::path& input_root, const std::filesystem::path& output_root);
    /// Relative to the output root ('/'-separated); the absolute path when outside it.
    std::string output(const std::filesystem::path& path) const;
    /// Relative to the input root, as discovery names inputs.
    std::string input(const std::filesystem::path& path) const;

private:
    std::filesystem::path input_root_;
    std::string output_root_; ///< absolute and canonical, with a trailing '/'
};

/// The error for a second input that maps to an output another input owns.
Error conflicting_output(const std::filesystem::path& output, const std::string& owner,
                         const std::string& input);

/// The claims of a batch converting in this process: loaded from the state once, shared by the
/// worker threads, and saved with the group commit (changes()).
class BatchClaims final : public OutputClaims {
public:
    BatchClaims(StateKeys keys, const std::vector<OutputRecord>& rows);

    void claim(const std::filesystem::path& output, const std::filesystem::path& input) override;
    void written(const std::filesystem::path& output, const std::filesystem::path& input,
                 std::int64_t size, const std::string& sha256) override;

    const StateKeys& keys() const { return keys_; }
    /// The record of an output (by key), if any. Not for use while documents are converted.
    const OutputRecord* find(const std::string& key) const;
    /// Sets an output's record (what a run found on disk for an unrecorded output).
    void set(OutputRecord record);
    /// Drops every claim whose owner `keep` rejects.
    template <class Keep> void release_unless(Keep&& keep) {
        std::lock_guard lock(mutex_);
        for (auto it = rows_.begin(); it != rows_.end();)
            if (keep(it->second.input))
                ++it;
            else {
                released_.push_back(it->first);
                changed_.erase(it->first);
                it = rows_.erase(it);
            }
    }
    /// What changed since the last call: records to save, paths to release.
    std::pair<std::vector<OutputRecord>, std::vector<std::string>> changes();

private:
    StateKeys keys_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, OutputRecord> rows_;
    std::unordered_map<std::string, bool> changed_; ///< keys to save at the next commit
    std::vector<std::string> released_;
};

/// The claims of a `bulletin _worker` process: straight in the state database, which the batch
/// process and the other workers share, so two workers cannot both write one output.
class WorkerClaims final : public OutputClaims {
public:
    WorkerClaims(const std::filesystem::path& state_file, StateKeys keys)
        : table_(state_file), keys_(std::move(keys)) {}

    void claim(const std::filesystem::path& output, const std::filesystem::path& input) override;
    void written(const std::filesystem::path& output, const std::filesystem::path& input,
                 std::int64_t size, const std::string& sha256) override;

private:
    std::mutex mutex_;
    SharedOutputTable table_;
    StateKeys keys_;
};

} // namespace bulletin::host
