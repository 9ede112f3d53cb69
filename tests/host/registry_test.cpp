#include "support/plugins.hpp"

#include "module_loader.hpp"
#include "registry.hpp"

#include <gtest/gtest.h>

namespace fs = std::filesystem;
using bulletin::host::LoadError;
using bulletin::host::Registry;

namespace {

fs::path modules(const std::string& dir) {
    return fs::path(TEST_MODULES_DIR) / dir;
}
fs::path module_file(const std::string& dir, const std::string& name) {
    return modules(dir) / (name + ".so");
}

std::string load_error(const fs::path& file) {
    auto result = bulletin::host::load_module(file);
    if (auto* error = std::get_if<LoadError>(&result)) return error->message;
    return {};
}

} // namespace

TEST(ModuleLoader, LoadsAGoodModuleAndReadsItsDescriptor) {
    auto result = bulletin::host::load_module(module_file("good", "test_good"));
    ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const bulletin::host::LoadedModule>>(result))
        << std::get<LoadError>(result).message;
    const auto& module = *std::get<std::shared_ptr<const bulletin::host::LoadedModule>>(result);
    EXPECT_STREQ(module.info->name, "test-good");
    EXPECT_STREQ(module.info->license, "MIT");
    EXPECT_EQ(module.info->abi_version, bulletin::kAbiVersion);
    EXPECT_STREQ(module.info->build_key, bulletin::kBuildKey);
    ASSERT_EQ(module.info->plugin_count, 8u);
    EXPECT_STREQ(module.info->plugins[2]->name, "test.words");
    EXPECT_EQ(module.info->plugins[2]->param_count, 6u);
}

TEST(ModuleLoader, RefusesAnotherAbiVersionNamingFileAndBothVersions) {
    auto file = module_file("wrong-abi", "test_wrong_abi");
    auto message = load_error(file);
    EXPECT_NE(message.find(file.string()), std::string::npos) << message;
    EXPECT_NE(message.find("ABI version 999"), std::string::npos) << message;
    EXPECT_NE(message.find("host's ABI version " + std::to_string(bulletin::kAbiVersion)),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("rebuild the plugin"), std::string::npos) << message;
}

TEST(ModuleLoader, RefusesAnotherBuildKey) {
    auto file = module_file("wrong-key", "test_wrong_key");
    auto message = load_error(file);
    EXPECT_NE(message.find(file.string()), std::string::npos) << message;
    EXPECT_NE(message.find("othercc-1;libc++;boost-1.0"), std::string::npos) << message;
    EXPECT_NE(message.find(bulletin::kBuildKey), std::string::npos) << message;
}

TEST(ModuleLoader, RefusesAFileThatIsNotASharedLibrary) {
    bulletin::testing::TempDir dir;
    auto file = dir.path() / "notes.so";
    bulletin::host::write_file_atomically(file, "this is not an ELF file\n");
    auto message = load_error(file);
    EXPECT_NE(message.find(file.string()), std::string::npos) << message;
    EXPECT_NE(message.find("cannot load shared library"), std::string::npos) << message;
}

TEST(ModuleLoader, RefusesASharedLibraryWithoutTheEntryPoint) {
    // The SDK library is a real shared library but not a module.
    auto sdk = bulletin::testing::plugin_dir().parent_path().parent_path() / "libbulletin-sdk.so";
    auto message = load_error(sdk);
    EXPECT_NE(message.find("does not export 'bulletin_module'"), std::string::npos) << message;
}

TEST(ModuleLoader, ReportsAnUndefinedSymbolAtLoadWithAHint) {
    auto message = load_error(module_file("undefined", "test_undefined"));
    EXPECT_NE(message.find("undefined symbol"), std::string::npos) << message;
    EXPECT_NE(message.find("built against a different SDK"), std::string::npos) << message;
}

TEST(Registry, FindsPluginsAndSuggestsNearestName) {
    Registry registry;
    registry.add_directory(modules("good"));
    EXPECT_TRUE(registry.errors().empty());
    ASSERT_NE(registry.find("test.words"), nullptr);
    EXPECT_EQ(registry.find("test.nope"), nullptr);
    EXPECT_EQ(registry.nearest("test.word"), "test.words");
    EXPECT_EQ(registry.nearest("test.title-fil", bulletin::PluginKind::Exporter),
              "test.title-file");
    EXPECT_EQ(registry.nearest("test.titel", bulletin::PluginKind::Segmenter), "test.title");
    EXPECT_EQ(registry.nearest("completely-different-name"), std::nullopt);
}

TEST(Registry, ReportsDuplicatePluginNamesWithBothFiles) {
    Registry registry;
    registry.add_directory(modules("good"));
    registry.add_directory(modules("duplicate"));
    ASSERT_EQ(registry.errors().size(), 8u); // every plugin of the module is a duplicate
    const auto& message = registry.errors().front().message;
    EXPECT_NE(message.find("test_good.so"), std::string::npos) << message;
    EXPECT_NE(message.find("test_duplicate.so"), std::string::npos) << message;
    // The first one found stays in use.
    EXPECT_NE(registry.find("test.lines")->module->path.string().find("test_good.so"),
              std::string::npos);
}

TEST(Registry, RefusesAPluginFileWritableByOthers) {
    bulletin::testing::TempDir dir;
    auto copy = dir.path() / "test_good.so";
    fs::copy_file(module_file("good", "test_good"), copy);
    fs::permissions(copy, fs::perms::others_write, fs::perm_options::add);
    Registry registry;
    registry.add_directory(dir.path());
    ASSERT_EQ(registry.errors().size(), 1u);
    EXPECT_NE(registry.errors()[0].message.find("writable by group or others"), std::string::npos);
    EXPECT_NE(registry.errors()[0].message.find("chmod go-w"), std::string::npos);
    EXPECT_EQ(registry.find("test.lines"), nullptr);
}

TEST(Registry, RefusesAPluginDirectoryWritableByGroup) {
    bulletin::testing::TempDir dir;
    auto sub = dir.path() / "plugins";
    fs::create_directory(sub);
    fs::copy_file(module_file("good", "test_good"), sub / "test_good.so");
    fs::permissions(sub, fs::perms::group_write, fs::perm_options::add);
    Registry registry;
    registry.add_directory(sub);
    ASSERT_EQ(registry.errors().size(), 1u);
    EXPECT_NE(registry.errors()[0].message.find("writable by group or others"), std::string::npos);
    EXPECT_EQ(registry.find("test.lines"), nullptr);
}

TEST(Registry, ChecksParameterTypesNamesAndRequiredValues) {
    Registry registry;
    registry.add_directory(modules("good"));
    const auto& entry = *registry.find("test.words");
    EXPECT_TRUE(registry.check_params(entry, {{"label", "x"}, {"limit", "3"}}).empty());
    auto problems = registry.check_params(entry, {{"limt", "3"}});
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_NE(problems[0].find("did you mean 'limit'"), std::string::npos) << problems[0];
    EXPECT_NE(problems[1].find("needs parameter 'label'"), std::string::npos) << problems[1];
    problems = registry.check_params(entry, {{"label", "x"}, {"weight", "heavy"}, {"upper", "2"}});
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_NE(problems[0].find("must be true or false"), std::string::npos) << problems[0];
    EXPECT_NE(problems[1].find("must be a number, not 'heavy'"), std::string::npos) << problems[1];
}

TEST(Registry, ConstructorExceptionsNameThePlugin) {
    Registry registry;
    registry.add_directory(modules("good"));
    try {
        (void)registry.create<bulletin::Tagger>("test.broken");
        FAIL() << "expected an exception";
    } catch (const std::exception& e) {
        std::string message = e.what();
        EXPECT_NE(message.find("plugin 'test.broken'"), std::string::npos) << message;
        EXPECT_NE(message.find("no data file"), std::string::npos) << message;
    }
    EXPECT_THROW((void)registry.create<bulletin::Reader>("test.words", {{"label", "x"}}),
                 std::runtime_error); // a tagger is not a reader
}

TEST(Registry, KeepsTheLibraryLoadedWhileAPluginObjectLives) {
    bulletin::host::PluginInstance<bulletin::Tagger> tagger;
    {
        Registry registry;
        registry.add_directory(modules("good"));
        tagger = registry.create<bulletin::Tagger>("test.words", {{"label", "w"}, {"words", "b"}});
    } // the registry is gone; the instance must still pin the module
    bulletin::Document doc;
    bulletin::Article article;
    article.title = "t";
    article.paragraphs.push_back({"abc", {}});
    doc.articles.push_back(std::move(article));
    bulletin::testing::TestContext ctx;
    tagger->tag(doc, ctx); // would crash if the library had been unmapped
    ASSERT_EQ(doc.entities.size(), 1u);
    EXPECT_EQ(doc.entities[0].type, "w");
    EXPECT_EQ(doc.entities[0].attributes.at("weight"), "1.500000"); // default applied
}
