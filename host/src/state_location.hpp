// Where a batch keeps its state, lock and report, checked so that a symbolic link planted in the
// output directory cannot redirect them (docs/architecture.md, "Trust model").
#pragma once

#include "batch.hpp"

#include <filesystem>
#include <string_view>

namespace bulletin::host {

struct StateLocation {
    std::filesystem::path state;       ///< the SQLite database, as given or defaulted
    std::filesystem::path lock;        ///< STATE.lock
    std::filesystem::path report;      ///< as given or defaulted
    std::filesystem::path report_root; ///< the AtomicWriter root the report is written below
};

/// OUTPUT/.bulletin/state.sqlite and OUTPUT/.bulletin/report.json unless --state/--report say
/// otherwise. A path inside the output directory (the defaults, and explicit ones there such as
/// the shipped shard examples use) is refused when a component of it below the output
/// directory is a symbolic link, or when the file itself is (for the state also its lock and
/// SQLite's -wal, -shm and -journal files): whoever can write into the output must not redirect
/// them. Its directories are created through handles that follow no link. A path outside the
/// output directory is the operator's and is used as given. Throws bulletin::Error naming the
/// path and what to do.
StateLocation locate_state(const BatchOptions& options);

/// Refuses `file` (an operator's path given by `option`, e.g. "--log-file") when it lies inside
/// the output directory and goes through a symbolic link there. Throws bulletin::Error.
void check_not_redirected(const std::filesystem::path& file,
                          const std::filesystem::path& output_root, std::string_view option);

} // namespace bulletin::host
