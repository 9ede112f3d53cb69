// Finding a batch's inputs under the input root, and cleaning up what a killed run left behind.
#pragma once

#include "batch.hpp"

#include <chrono>
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

/// What the walk could not list or would not follow, for warnings and the report.
struct DiscoveryProblems {
    struct Entry {
        std::string path;   ///< under the input root, '/'-separated ("." for the root)
        std::string detail; ///< why it was not listed; for a link, where it points
    };
    std::size_t outside_shard = 0;          ///< inputs of other shards
    std::vector<Entry> unlisted;            ///< unreadable directories, dangling links, link loops
    std::vector<Entry> skipped_links;       ///< links out of the input root (--follow-symlinks)
    std::size_t inside_directory_links = 0; ///< links to directories inside the root, not followed
};

/// Every regular, non-hidden file under the input root (not under the output root), in a stable
/// order, filtered by extension and shard. The walk holds a handle on each directory and opens
/// the next one below it without following links, so it never leaves the tree on its own. A link
/// to a file inside the input root is followed (the file is converted under the link's name); a
/// link that leaves it is skipped and named in `problems` unless `options.follow_symlinks`
/// (which also descends into links to directories). Links to directories inside the root are not
/// followed (their files are found under their real path). Whatever cannot be listed is named
/// in `problems.unlisted`, and the walk goes on.
/// `extensions`: the inputs to consider (lower case, no dot); empty: every file.
std::vector<Item> discover(const BatchOptions& options, const std::vector<std::string>& extensions,
                           DiscoveryProblems& problems);

/// Temporaries older than this whose writer cannot be checked (another host, another PID
/// namespace, a name from an older bulletin) are taken to be abandoned.
inline constexpr std::chrono::hours kForeignTemporaryAge{24};

/// Removes temporary files left behind by writers that are gone ("NAME.tmp-OWNER-RANDOM", see
/// temporaries.hpp): those of this host whose process no longer runs, and those of writers it
/// cannot check once they are older than kForeignTemporaryAge. Temporaries of running writers
/// (another shard sharing the output directory) stay. Never follows links.
std::size_t remove_stale_temporaries(const std::filesystem::path& root);

} // namespace bulletin::host
