#include "support/plugins.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/wait.h>

namespace bulletin::testing {

std::filesystem::path plugin_dir() {
    return BULLETIN_TEST_PLUGIN_DIR;
}
std::filesystem::path data_dir() {
    return BULLETIN_TEST_DATA_DIR;
}
std::filesystem::path source_dir() {
    return BULLETIN_SOURCE_DIR;
}
std::filesystem::path bulletin_binary() {
    return BULLETIN_BINARY;
}

std::filesystem::path shared_samples_dir() {
    auto dir = source_dir().parent_path() / "shared" / "samples";
    return std::filesystem::is_directory(dir) ? dir : std::filesystem::path{};
}

const host::Registry& builtin_registry() {
    static const host::Registry registry = [] {
        host::Registry r;
        r.add_directory(plugin_dir());
        for (const auto& e : r.errors())
            ADD_FAILURE() << e.message;
        return r;
    }();
    return registry;
}

TempDir::TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("bulletin-test-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    // Restore write permission first: some tests make directories read-only.
    for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
         it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
        std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
}

CommandResult run_command(const std::string& command) {
    CommandResult result;
    std::string full = command + " 2>&1";
    FILE* pipe = ::popen(full.c_str(), "r");
    if (!pipe) return result;
    std::array<char, 4096> buffer{};
    std::size_t n;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        result.output.append(buffer.data(), n);
    int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

} // namespace bulletin::testing
