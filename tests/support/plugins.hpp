// Test support: load built plugins through the host's real registry (the same path the
// `bulletin` program takes), and paths to test data.
#pragma once

#include "context.hpp"
#include "registry.hpp"

#include <bulletin/module.hpp>
#include <bulletin/testing.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bulletin::testing {

/// The build tree's plugin directory (build/lib/bulletin/plugins).
std::filesystem::path plugin_dir();
/// tests/data in the source tree.
std::filesystem::path data_dir();
/// The repository's root.
std::filesystem::path source_dir();
/// The built `bulletin` executable.
std::filesystem::path bulletin_binary();
/// ../shared/samples beside the repository, or an empty path when it is not there.
std::filesystem::path shared_samples_dir();

/// A registry with every built-in plugin loaded (shared by all tests of a process).
const host::Registry& builtin_registry();

/// Creates a built-in plugin of kind T with the given parameters (defaults for the rest).
template <class T>
host::PluginInstance<T> load(const std::string& name,
                             const std::map<std::string, std::string>& params = {}) {
    return builtin_registry().create<T>(name, params);
}

// TestContext, TestRecords, read_file, make_params, find_plugin: bulletin/testing.hpp, the
// SDK's own testing header, which the built-in plugins' tests use as a third party would.

/// A fresh empty directory under the system temp dir, removed when the object goes.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

/// Runs a shell command, returns its exit code and combined stdout+stderr.
struct CommandResult {
    int exit_code = -1;
    std::string output;
};
CommandResult run_command(const std::string& command);

} // namespace bulletin::testing
