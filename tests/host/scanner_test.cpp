// Plugin trust (module_trust.hpp), the plugin scanner and its cache (scanner.hpp, registry.hpp):
// the registry's rules through the Registry class, the scanner through the real binary.
#include "support/plugins.hpp"

#include "module_description.hpp"
#include "registry.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

namespace fs = std::filesystem;
using bulletin::host::Registry;
using bulletin::testing::run_command;
namespace format = bulletin::host::description_format;

namespace {

fs::path module_file(const std::string& dir, const std::string& name) {
    return fs::path(TEST_MODULES_DIR) / dir / (name + ".so");
}

std::string joined_errors(const Registry& registry) {
    std::string all;
    for (const auto& e : registry.errors())
        all += e.message + "\n";
    return all;
}

class PluginTrust : public ::testing::Test {
protected:
    /// A directory with these permission bits, under the test's directory.
    fs::path directory(const std::string& name, fs::perms perms) {
        auto path = dir_.path() / name;
        fs::create_directories(path);
        fs::permissions(path, perms);
        return path;
    }
    fs::path copy_module(const fs::path& dir) {
        auto copy = dir / "test_good.so";
        fs::copy_file(module_file("good", "test_good"), copy);
        return copy;
    }
    bulletin::testing::TempDir dir_;
};

constexpr auto kPrivate = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                          fs::perms::others_read | fs::perms::others_exec;

} // namespace

TEST_F(PluginTrust, AModuleUnderAWorldWritableDirectoryIsRefused) {
    // Only the parent of the plugin directory is open to all: anyone could rename `plugins`
    // away and put a directory of their own in its place.
    auto open = directory("open", fs::perms::all);
    auto plugins = open / "plugins";
    fs::create_directory(plugins);
    fs::permissions(plugins, kPrivate);
    copy_module(plugins);
    Registry registry;
    registry.add_directory(plugins);
    EXPECT_EQ(registry.find("test.lines"), nullptr);
    auto errors = joined_errors(registry);
    EXPECT_NE(errors.find("directory " + open.string() + " (owner uid"), std::string::npos)
        << errors;
    EXPECT_NE(errors.find("mode 0777) is writable by group or others"), std::string::npos)
        << errors;
    EXPECT_NE(errors.find("chmod go-w '" + open.string() + "'"), std::string::npos) << errors;
}

TEST_F(PluginTrust, AModuleReachedThroughASymlinkIntoAWorldWritableDirectoryIsRefused) {
    auto open = directory("open", fs::perms::all);
    auto real = copy_module(open);
    fs::permissions(real, kPrivate);
    auto plugins = directory("plugins", kPrivate);
    fs::create_symlink(real, plugins / "test_good.so");
    Registry registry;
    registry.add_directory(plugins);
    EXPECT_EQ(registry.find("test.lines"), nullptr);
    auto errors = joined_errors(registry);
    EXPECT_NE(errors.find((plugins / "test_good.so").string() + " (resolves to " + real.string() +
                          "): refusing the module"),
              std::string::npos)
        << errors;
    EXPECT_NE(errors.find("directory " + open.string()), std::string::npos) << errors;
}

TEST_F(PluginTrust, AModuleOwnedByAnotherUserIsRefused) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a file to another user";
    auto plugins = directory("plugins", kPrivate);
    auto file = copy_module(plugins);
    ASSERT_EQ(::chown(file.c_str(), 65534, 65534), 0); // nobody
    Registry registry;
    registry.add_directory(plugins);
    EXPECT_EQ(registry.find("test.lines"), nullptr);
    auto errors = joined_errors(registry);
    EXPECT_NE(errors.find("plugin file " + file.string() + " (owner uid 65534"), std::string::npos)
        << errors;
    EXPECT_NE(errors.find("is owned by neither root nor the user running bulletin"),
              std::string::npos)
        << errors;
    EXPECT_NE(errors.find("fix with: chown 0 '" + file.string() + "'"), std::string::npos)
        << errors;
}

TEST_F(PluginTrust, AStickyWorldWritableDirectoryIsNoPlaceForModules) {
    auto sticky = directory("sticky", fs::perms::all | fs::perms::sticky_bit);
    fs::permissions(copy_module(sticky), kPrivate);
    Registry registry;
    registry.add_directory(sticky);
    EXPECT_EQ(registry.find("test.lines"), nullptr);
    auto errors = joined_errors(registry);
    EXPECT_NE(errors.find("mode 1777) is writable by group or others"), std::string::npos)
        << errors;
    EXPECT_NE(errors.find("sticky directory like /tmp is not enough"), std::string::npos) << errors;
}

TEST_F(PluginTrust, AGoodModuleInASafeDirectoryBelowASharedStickyOneLoads) {
    // The test directory is below /tmp (sticky, writable by all): that is fine, because no one
    // else can rename or delete what we own in it.
    auto plugins = directory("plugins", kPrivate);
    fs::permissions(copy_module(plugins), kPrivate);
    Registry registry;
    registry.add_directory(plugins);
    EXPECT_TRUE(registry.errors().empty()) << joined_errors(registry);
    ASSERT_NE(registry.find("test.lines"), nullptr);
    EXPECT_EQ(registry.find("test.lines")->module->path, fs::canonical(plugins / "test_good.so"));
}

// --- the scanner and its cache, through the binary -------------------------------------------

namespace {

const char* kGoodPipeline = R"(<pipeline name="p">
  <reader plugin="test.lines"/>
  <segmenter plugin="test.title"/>
  <exporter plugin="test.title-file"/>
</pipeline>
)";

class ScannerCli : public ::testing::Test {
protected:
    ScannerCli() {
        fs::create_directories(cache_dir());
        // A copy of the marker module that the tests may change without touching the build.
        fs::create_directories(dir_.path() / "marker");
        fs::copy_file(module_file("ctor-marker", "test_ctor_marker"), marker_module());
    }
    fs::path cache_dir() const { return dir_.path() / "cache"; }
    fs::path cache_file() const { return cache_dir() / "bulletin" / "registry.bin"; }
    fs::path marker_module() const { return dir_.path() / "marker" / "test_ctor_marker.so"; }
    /// How many processes loaded the marker module so far.
    int loads() const {
        std::ifstream in(dir_.path() / "loads");
        int lines = 0;
        for (std::string line; std::getline(in, line);)
            ++lines;
        return lines;
    }
    bulletin::testing::CommandResult bulletin(const std::string& dirs, const std::string& args,
                                              const std::string& env = "") {
        std::string command = "XDG_CACHE_HOME='" + cache_dir().string() +
                              "' BULLETIN_TEST_LOAD_MARKER='" + (dir_.path() / "loads").string() +
                              "' " + env + " timeout 60 '" +
                              bulletin::testing::bulletin_binary().string() + "'";
        for (const auto& dir : {std::string("good"), dirs}) {
            if (dir.empty()) continue;
            std::string path = dir == "marker" ? (dir_.path() / "marker").string()
                                               : (fs::path(TEST_MODULES_DIR) / dir).string();
            command += " --plugin-dir '" + path + "'";
        }
        return run_command(command + " " + args);
    }
    std::string run_args(const std::string& pipeline_text) {
        auto pipeline = dir_.path() / "p.xml";
        bulletin::host::write_file_atomically(pipeline, pipeline_text);
        auto input = dir_.path() / "in.txt";
        bulletin::host::write_file_atomically(input, "TEST\nTitle\nbody\n");
        return "run '" + pipeline.string() + "' '" + input.string() + "' -o '" +
               (dir_.path() / "out").string() + "'";
    }
    bulletin::testing::TempDir dir_;
};

} // namespace

TEST_F(ScannerCli, AModuleThatAbortsWhenLoadedIsListedAsBrokenAndTheOthersStillWork) {
    auto listed = bulletin("ctor-abort", "plugins");
    EXPECT_EQ(listed.exit_code, 1) << listed.output; // not 134: the host did not load it
    EXPECT_NE(listed.output.find("reader     test.lines"), std::string::npos) << listed.output;
    EXPECT_NE(listed.output.find("Not used (refused or broken):"), std::string::npos)
        << listed.output;
    EXPECT_NE(listed.output.find(module_file("ctor-abort", "test_ctor_abort").string() +
                                 ": loading this module crashed the plugin scanner"),
              std::string::npos)
        << listed.output;
    EXPECT_NE(listed.output.find("SIGABRT"), std::string::npos) << listed.output;

    auto run = bulletin("ctor-abort", run_args(kGoodPipeline));
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("crashed the plugin scanner"), std::string::npos) << run.output;
    auto validated = bulletin("ctor-abort", "validate '" + (dir_.path() / "p.xml").string() + "'");
    EXPECT_EQ(validated.exit_code, 0) << validated.output;
    EXPECT_NE(validated.output.find("valid pipeline 'p'"), std::string::npos) << validated.output;

    std::string using_it = kGoodPipeline;
    using_it.replace(using_it.find("  <exporter"), 0, "  <tagger plugin=\"ctor.abort\"/>\n");
    auto refused = bulletin("ctor-abort", run_args(using_it));
    EXPECT_EQ(refused.exit_code, 2) << refused.output;
    EXPECT_NE(refused.output.find("unknown tagger plugin 'ctor.abort'"), std::string::npos)
        << refused.output;
    EXPECT_NE(refused.output.find("were not used: `bulletin plugins` says why"), std::string::npos)
        << refused.output;
}

TEST_F(ScannerCli, OnlyTheModulesAPipelineUsesAreLoadedIntoTheCommand) {
    auto run = bulletin("marker", run_args(kGoodPipeline));
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(loads(), 1) << "the scanner loads it once; the run, which does not use it, not";
    std::string with_marker = kGoodPipeline;
    with_marker.replace(with_marker.find("  <exporter"), 0, "  <tagger plugin=\"ctor.marker\"/>\n");
    run = bulletin("marker", run_args(with_marker));
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(loads(), 2) << "described from the cache, loaded by the run that uses it";
}

TEST_F(ScannerCli, DescriptionsAreCachedUntilTheModuleFileChanges) {
    EXPECT_EQ(bulletin("marker", "plugins").exit_code, 0);
    EXPECT_EQ(loads(), 1);
    ASSERT_TRUE(fs::exists(cache_file()));
    auto again = bulletin("marker", "-v plugins");
    EXPECT_EQ(again.exit_code, 0) << again.output;
    EXPECT_EQ(loads(), 1) << "the second listing must come from the cache";
    EXPECT_NE(again.output.find("0 by the plugin scanner"), std::string::npos) << again.output;
    EXPECT_NE(again.output.find("ctor.marker"), std::string::npos) << again.output;

    fs::last_write_time(marker_module(),
                        fs::last_write_time(marker_module()) + std::chrono::seconds(2));
    EXPECT_EQ(bulletin("marker", "plugins").exit_code, 0);
    EXPECT_EQ(loads(), 2) << "a changed file is scanned again";
    EXPECT_EQ(bulletin("marker", "plugins").exit_code, 0);
    EXPECT_EQ(loads(), 2);
}

TEST_F(ScannerCli, ACorruptOrTruncatedCacheIsIgnoredAndRebuilt) {
    EXPECT_EQ(bulletin("marker", "plugins").exit_code, 0);
    auto good = bulletin::testing::read_file(cache_file());
    int expected = 1;
    for (const std::string& bad :
         {std::string("garbage"), good.substr(0, good.size() / 2),
          std::string(format::kCacheMagic) + std::string(64, '\xff'), std::string()}) {
        bulletin::host::write_file_atomically(cache_file(), bad);
        auto listed = bulletin("marker", "plugins");
        EXPECT_EQ(listed.exit_code, 0) << listed.output;
        EXPECT_NE(listed.output.find("ctor.marker"), std::string::npos) << listed.output;
        EXPECT_EQ(loads(), ++expected) << "a bad cache is not trusted: the module is scanned";
        EXPECT_EQ(bulletin::testing::read_file(cache_file()), good) << "and the cache rebuilt";
        EXPECT_EQ(bulletin("marker", "plugins").exit_code, 0);
        EXPECT_EQ(loads(), expected) << "the rebuilt cache is used";
    }
}

TEST_F(ScannerCli, AModuleThatHangsWhenLoadedTimesOutAndIsNamed) {
    auto listed = bulletin("ctor-hang", "plugins", "BULLETIN_SCAN_TIMEOUT=1");
    EXPECT_EQ(listed.exit_code, 1) << listed.output;
    EXPECT_NE(listed.output.find(module_file("ctor-hang", "test_ctor_hang").string() +
                                 ": the plugin scanner took more than 1 s"),
              std::string::npos)
        << listed.output;
    EXPECT_NE(listed.output.find("reader     test.lines"), std::string::npos) << listed.output;
}

TEST_F(ScannerCli, AModuleBuiltForAnotherAbiIsRefusedByTheScannerNamingBothVersions) {
    for (int pass = 0; pass < 2; ++pass) { // scanned, then from the cache
        auto listed = bulletin("wrong-abi", "plugins");
        EXPECT_EQ(listed.exit_code, 1) << listed.output;
        EXPECT_NE(listed.output.find("module ABI version 999 does not match the host's ABI "
                                     "version " +
                                     std::to_string(bulletin::kAbiVersion)),
                  std::string::npos)
            << listed.output;
    }
}

// --- the cache format --------------------------------------------------------------------------

TEST(RegistryCacheFormat, RoundTripsAndRefusesEveryTruncationAndAnotherVersion) {
    auto loaded = bulletin::host::load_module(module_file("good", "test_good"));
    const auto& module = *std::get<std::shared_ptr<const bulletin::host::LoadedModule>>(loaded);
    std::vector<format::CacheEntry> entries{
        {"/a/good.so", {1, 2, 3, 4}, {module.description, ""}},
        {"/a/bad.so", {5, -6, 7, 8}, {std::nullopt, "/a/bad.so: refused"}}};
    auto bytes = format::encode_cache(entries);
    std::string error;
    auto decoded = format::decode_cache(bytes, error);
    ASSERT_TRUE(decoded) << error;
    EXPECT_EQ(*decoded, entries);
    for (std::size_t n = 0; n < bytes.size(); ++n)
        EXPECT_FALSE(format::decode_cache(bytes.substr(0, n), error)) << n;
    auto other = bytes;
    other[format::kCacheMagic.size()] = static_cast<char>(format::kVersion + 1);
    EXPECT_FALSE(format::decode_cache(other, error));
    EXPECT_NE(error.find("format version"), std::string::npos) << error;
    EXPECT_FALSE(format::decode_cache(bytes + "x", error));
}

TEST(RegistryCacheFormat, TheFuzzSeedsDecode) {
    // The seeds are bodies behind this host's header (tests/fuzz/fuzz_registry_cache.cpp).
    auto seeds = bulletin::testing::source_dir() / "tests/fuzz/corpus/registry_cache";
    std::string header = format::encode_cache({});
    header.resize(header.size() - 4);
    std::string error;
    auto entries = format::decode_cache(
        header + bulletin::testing::read_file(seeds / "body-two-entries"), error);
    ASSERT_TRUE(entries) << error;
    ASSERT_EQ(entries->size(), 2u);
    const auto& params = (*entries)[0].result.module->plugins[1].params;
    ASSERT_EQ(params.size(), 6u);   // one of every type
    EXPECT_EQ(params[1].max, 1000); // SDK 2 fields survive the format
    EXPECT_EQ(params[5].choices, "auto|strict|loose");
    EXPECT_TRUE(format::decode_scan_result(
        bulletin::testing::read_file(seeds / "scan-result-described"), error))
        << error;
}
