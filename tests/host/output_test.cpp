// Output paths and writes of the host's contexts: the cached OutputPathExpander must refuse and
// resolve exactly what the full weakly_canonical check does, also when the tree changes between
// two documents; AtomicWriter and OutputClaims keep their guarantees with their caches.
#include "support/plugins.hpp"

#include "context.hpp"
#include "pipeline.hpp"
#include "runner.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

namespace fs = std::filesystem;
using namespace bulletin::host;

namespace {

bulletin::Document doc_from(const std::string& path) {
    bulletin::Document doc;
    doc.source.path = path;
    doc.source.format = "text";
    doc.masthead.date = "2023-04-24";
    return doc;
}

/// expand_output_path as it was before the cache (two weakly_canonical walks): the oracle.
fs::path reference_expand(std::string_view tmpl, const fs::path& output_root,
                          const bulletin::Document& doc, const fs::path& relative_dir) {
    auto safe_component = [](std::string value) {
        for (char& c : value)
            if (c == '/' || c == '\\' || c == '\0') c = '_';
        if (value == "." || value == "..") value = "_";
        return value;
    };
    std::string out;
    for (std::size_t i = 0; i < tmpl.size();) {
        if (tmpl[i] != '{') {
            out += tmpl[i++];
            continue;
        }
        auto close = tmpl.find('}', i);
        if (close == std::string_view::npos)
            throw bulletin::Error("output path template '" + std::string(tmpl) +
                                  "' has an unclosed '{'");
        std::string_view key = tmpl.substr(i + 1, close - i - 1);
        fs::path source(doc.source.path);
        if (key == "output")
            out += fs::absolute(output_root).string();
        else if (key == "dir")
            out += relative_dir.empty() ? "." : relative_dir.string();
        else if (key == "stem")
            out += safe_component(source.stem().string());
        else if (key == "name")
            out += safe_component(source.filename().string());
        else if (key == "ext")
            out += safe_component(source.extension().string());
        else if (key == "format")
            out += safe_component(doc.source.format);
        else if (key == "date")
            out += safe_component(doc.masthead.date.value_or("nodate"));
        else if (key == "series")
            out += safe_component(doc.masthead.series.value_or("noseries"));
        else if (key == "issue")
            out += "noissue";
        else
            throw bulletin::Error("output path template '" + std::string(tmpl) +
                                  "' uses unknown field {" + std::string(key) +
                                  "}; known: {output} {dir} {stem} {name} {ext} {format} {date} "
                                  "{series} {issue} {shard}");
        i = close + 1;
    }
    fs::path path(out);
    if (path.is_relative()) path = output_root / path;
    auto root = fs::weakly_canonical(fs::absolute(output_root));
    auto full = fs::weakly_canonical(fs::absolute(path));
    auto rel = full.lexically_relative(root);
    if (rel.empty() || *rel.begin() == ".." || rel == ".")
        throw bulletin::Error("output path '" + full.string() + "' (from template '" +
                              std::string(tmpl) + "') is outside the output directory " +
                              root.string());
    return full;
}

/// What a call gives: the path, or the exception's message.
template <class Fn> std::string outcome(Fn&& fn) {
    try {
        return "path " + fn().string();
    } catch (const std::exception& e) {
        return std::string("error ") + e.what();
    }
}

/// A tree with every kind of component: directories, a file, symlinks inside, outside,
/// dangling, looping and to the root's parent.
class OutputTree : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = dir_.path() / "root";
        outside_ = dir_.path() / "outside";
        fs::create_directories(root_ / "sub" / "deep");
        fs::create_directories(outside_);
        write_file_atomically(root_ / "file.json", "x");
        write_file_atomically(root_ / "sub" / "y.json", "y");
        fs::create_directory_symlink("sub", root_ / "in-link");
        fs::create_directory_symlink(outside_, root_ / "out-link");
        fs::create_symlink(root_ / "nowhere", root_ / "dangling");
        fs::create_symlink(outside_ / "x.json", root_ / "file-link");
        fs::create_symlink("sub/y.json", root_ / "inside-file-link");
        fs::create_symlink("loop", root_ / "loop");
        fs::create_directory_symlink("..", root_ / "up");
        fs::create_directory_symlink(root_, dir_.path() / "root-link");
    }

    bulletin::testing::TempDir dir_;
    fs::path root_, outside_;
};

} // namespace

TEST_F(OutputTree, TheCachedCheckAgreesWithTheFullCheckEverywhere) {
    const std::vector<std::string> templates = {"{output}/{stem}.json",
                                                "{output}/{dir}/{stem}.json",
                                                "{output}/{date}/{stem}.{format}.json",
                                                "{stem}.json",
                                                "{dir}/{name}",
                                                "x/{name}",
                                                "{output}/file.json",
                                                "{output}/file-link",
                                                "{output}/inside-file-link",
                                                "{output}/dangling",
                                                "{output}/sub",
                                                "{output}/sub/",
                                                "{output}/sub/.",
                                                "{output}//sub//x.json",
                                                "{output}/./x.json",
                                                "{output}/.",
                                                "{output}",
                                                "{output}/",
                                                "{output}/..",
                                                "{output}/../escape.json",
                                                "{output}/sub/../x.json",
                                                "{output}/in-link/../x.json",
                                                "{output}/out-link/../root/x.json",
                                                "{output}/up/root/x.json",
                                                "{output}/up/x.json",
                                                "{output}/loop/x.json",
                                                "{output}/file.json/x.json",
                                                "{output}/out-link/x.json",
                                                "{output}/in-link/x.json",
                                                "/etc/passwd",
                                                "{output}/{nosuch}",
                                                "{output}/{stem",
                                                root_.string() + "/literal.json",
                                                root_.string() + "/../literal.json"};
    const std::vector<std::string> dirs = {".",         "",           "sub",      "sub/deep",
                                           "new/dir",   "in-link",    "out-link", "dangling",
                                           "file.json", "../outside", "sub/..",   "sub/../..",
                                           "loop",      "up",         "up/root",  "./sub"};
    auto cwd = fs::current_path();
    const std::vector<fs::path> roots = {root_,
                                         dir_.path() / "root-link",
                                         root_.string() + "/",
                                         dir_.path() / "." / "root",
                                         root_ / "sub" / "..",
                                         root_ / "sub",
                                         dir_.path() / "not-yet",
                                         fs::relative(root_, cwd)};
    const std::vector<std::string> sources = {"/in/report.txt", "a/b.gb18030.txt", "..", "x/",
                                              ".hidden",        "report"};
    int compared = 0;
    for (const auto& root : roots) {
        OutputPathExpander expander(root); // one per root: its cache is used across cases
        for (const auto& source : sources)
            for (const auto& tmpl : templates)
                for (const auto& dir : dirs) {
                    auto doc = doc_from(source);
                    auto expected = outcome([&] { return reference_expand(tmpl, root, doc, dir); });
                    auto actual = outcome([&] { return expander.expand(tmpl, doc, dir); });
                    EXPECT_EQ(actual, expected)
                        << "root " << root << " template " << tmpl << " dir " << dir;
                    ++compared;
                }
    }
    EXPECT_GT(compared, 10000);
}

TEST_F(OutputTree, ASymlinkMadeInsideTheRootBetweenTwoDocumentsIsRefused) {
    OutputPathExpander paths(root_);
    auto doc = doc_from("/in/a.txt");
    auto canonical_root = fs::canonical(root_);
    EXPECT_EQ(paths.expand("{output}/{dir}/{stem}.json", doc, "sub"),
              canonical_root / "sub" / "a.json");
    EXPECT_EQ(paths.expand("{output}/{stem}.json", doc), canonical_root / "a.json");

    // Between two documents someone turns sub into a link out of the root...
    fs::remove_all(root_ / "sub");
    fs::create_directory_symlink(outside_, root_ / "sub");
    EXPECT_THROW(paths.expand("{output}/{dir}/{stem}.json", doc, "sub"), bulletin::Error);
    // ... or plants a link at the output file's own name. (A dangling one is accepted, as
    // before: the rename replaces the link itself and writes nothing outside.)
    write_file_atomically(outside_ / "a.json", "keep");
    fs::create_symlink(outside_ / "a.json", root_ / "a.json");
    EXPECT_THROW(paths.expand("{output}/{stem}.json", doc), bulletin::Error);
    // A link that stays inside resolves to where it points, as before.
    fs::remove(root_ / "a.json");
    fs::create_directories(root_ / "real");
    fs::create_directory_symlink("real", root_ / "alias");
    EXPECT_EQ(paths.expand("{output}/{dir}/{stem}.json", doc, "alias"),
              canonical_root / "real" / "a.json");
}

TEST_F(OutputTree, DotDotInTheDirFieldCannotLeaveTheRoot) {
    OutputPathExpander paths(root_);
    auto doc = doc_from("/in/a.txt");
    EXPECT_THROW(paths.expand("{output}/{dir}/{stem}.json", doc, ".."), bulletin::Error);
    EXPECT_THROW(paths.expand("{output}/{dir}/{stem}.json", doc, "sub/../.."), bulletin::Error);
    EXPECT_THROW(paths.expand("{output}/{dir}/{stem}.json", doc, "in-link/../.."), bulletin::Error);
    EXPECT_EQ(paths.expand("{output}/{dir}/{stem}.json", doc, "sub/.."),
              fs::canonical(root_) / "a.json");
}

TEST(OutputPath, ARunnerRefusesAnOutputDirectoryTurnedIntoALinkMidRun) {
    bulletin::testing::TempDir dir;
    Registry registry;
    registry.add_directory(fs::path(TEST_MODULES_DIR) / "good");
    write_file_atomically(dir.path() / "p.xml", R"(<pipeline>
  <reader plugin="test.lines"/>
  <segmenter plugin="test.title"/>
  <exporter plugin="test.title-file"><param name="path">{output}/copies/{stem}.txt</param></exporter>
</pipeline>)");
    auto load = load_pipeline(dir.path() / "p.xml", registry);
    ASSERT_TRUE(load.ok());
    RunOptions options;
    options.output_root = dir.path() / "out";
    PipelineRunner runner(*load.pipeline, registry, options);
    write_file_atomically(dir.path() / "one.txt", "TEST\nOne\n");
    write_file_atomically(dir.path() / "two.txt", "TEST\nTwo\n");
    auto first = runner.process(dir.path() / "one.txt");
    ASSERT_TRUE(first.ok) << first.error;

    auto outside = dir.path() / "outside";
    fs::create_directories(outside);
    fs::rename(dir.path() / "out" / "copies", dir.path() / "old-copies");
    fs::create_directory_symlink(outside, dir.path() / "out" / "copies");
    auto second = runner.process(dir.path() / "two.txt");
    EXPECT_FALSE(second.ok);
    EXPECT_NE(second.error.find("outside the output directory"), std::string::npos) << second.error;
    EXPECT_TRUE(fs::is_empty(outside));
}

TEST(AtomicWriter, ADirectoryRemovedBetweenWritesIsMadeAgain) {
    bulletin::testing::TempDir dir;
    AtomicWriter writer;
    writer.write(dir.path() / "sub" / "a.json", "a", false);
    fs::remove_all(dir.path() / "sub");
    writer.write(dir.path() / "sub" / "b.json", "b", true);
    EXPECT_EQ(bulletin::testing::read_file(dir.path() / "sub" / "b.json"), "b");
    for (int i = 0; i < 20; ++i)
        writer.write(dir.path() / "sub" / "c.json", std::to_string(i), false);
    EXPECT_EQ(bulletin::testing::read_file(dir.path() / "sub" / "c.json"), "19");
    int entries = 0;
    for (const auto& e : fs::directory_iterator(dir.path() / "sub")) {
        EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
        ++entries;
    }
    EXPECT_EQ(entries, 2);
}

TEST(AtomicWriter, TwoWritersInOneDirectoryNeverShareATemporary) {
    bulletin::testing::TempDir dir;
    AtomicWriter one, two;
    for (int i = 0; i < 50; ++i) {
        one.write(dir.path() / "x.json", "one", false);
        two.write(dir.path() / "x.json", "two", false);
    }
    EXPECT_EQ(bulletin::testing::read_file(dir.path() / "x.json"), "two");
}

TEST(OutputClaims, PathsCompareAsPathsDo) {
    OutputClaims claims;
    claims.claim("/out//a.json", "/in/a.txt");
    EXPECT_NO_THROW(claims.claim("/out/a.json", "/in//a.txt")); // the same input again
    EXPECT_THROW(claims.claim("/out/a.json", "/in/b.txt"), bulletin::Error);
    EXPECT_THROW(claims.claim("/out///a.json", "/in/b.txt"), bulletin::Error);
    EXPECT_NO_THROW(claims.claim("/out/a.json/", "/in/b.txt")); // a different path
}
