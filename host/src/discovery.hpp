// Finding a batch's inputs under the input root, and cleaning up what a killed run left behind.
#pragma once

#include "batch.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bulletin::host {

/// One input of a batch.
struct Item {
    std::string relative; ///< path under the input root, '/'-separated
    std::filesystem::path absolute;
    std::int64_t size = 0;
    std::int64_t mtime_ns = 0;
};

/// Every regular, non-hidden file under the input root (not under the output root), in a stable
/// order, filtered by extension and shard. `outside_shard` counts the inputs of other shards.
std::vector<Item> discover(const BatchOptions& options, std::size_t& outside_shard);

/// Removes temporary files a killed run left behind ("NAME.tmp-PID-RANDOM", see
/// write_file_atomically). Safe because the caller holds the lock on this output's state.
std::size_t remove_stale_temporaries(const std::filesystem::path& root);

} // namespace bulletin::host
