// Test support: load built plugins through the host's real registry (the same path the
// `bulletin` program takes), a Context that records logs, and paths to test data.
#pragma once

#include "context.hpp"
#include "registry.hpp"

#include <bulletin/module.hpp>

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

/// A Context for tests: keeps log lines, writes outputs under `output_root`.
class TestContext final : public Context {
public:
    explicit TestContext(std::filesystem::path output_root = std::filesystem::temp_directory_path())
        : output_root_(std::move(output_root)) {}
    std::string_view plugin_name() const override { return "test"; }
    bool log_enabled(LogLevel) const override { return true; }
    void log(LogLevel, std::string_view message) override { messages.emplace_back(message); }
    bool cancelled() const override { return false; }
    std::filesystem::path output_path(std::string_view path_template,
                                      const Document& document) const override {
        return host::expand_output_path(path_template, output_root_, document);
    }
    void write_file(const std::filesystem::path& path, std::string_view bytes) override {
        host::write_file_atomically(path, bytes);
    }
    std::vector<std::string> messages;

private:
    std::filesystem::path output_root_;
};

/// Reads a whole file as bytes.
std::string read_file(const std::filesystem::path& path);

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
