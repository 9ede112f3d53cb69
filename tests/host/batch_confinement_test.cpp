// `bulletin batch` against a hostile tree (issues 15.2, 15.3, 15.12, 16.4, 16.6), driving the
// real binary: a directory swapped for a link between the check of an output path and its
// write, a redirected state directory, input links out of the input root, inputs that cannot be
// listed, and temporaries of other writers sharing the output directory.
#include "support/plugins.hpp"

#include "context.hpp"
#include "temporaries.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <set>

namespace fs = std::filesystem;
using bulletin::host::write_file_atomically;
using bulletin::testing::read_file;
using bulletin::testing::run_command;

namespace {

std::string quote(const fs::path& p) {
    return "'" + p.string() + "'";
}

std::string bulletin_cmd() {
    return quote(bulletin::testing::bulletin_binary()) + " --plugin-dir " +
           quote(fs::path(TEST_MODULES_DIR) / "good") + " --plugin-dir " +
           quote(fs::path(TEST_MODULES_DIR) / "race");
}

/// Every path under `dir`, links listed but not followed.
std::set<std::string> tree(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        names.insert(e.path().lexically_relative(dir).generic_string());
    return names;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class HostileTree : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::canonical(dir_.path());
        input_ = root_ / "in";
        output_ = root_ / "out";
        outside_ = root_ / "outside";
        fs::create_directories(input_);
        fs::create_directories(outside_);
        use_pipeline("{output}/{dir}/{stem}.title", 1);
    }
    void use_pipeline(const std::string& path, int levels) {
        pipeline_ = root_ / "p.xml";
        write_file_atomically(pipeline_, R"(<pipeline name="hostile">
  <reader plugin="test.lines"/>
  <segmenter plugin="test.title"/>
  <exporter plugin="race.swap-write">
    <param name="path">)" + path + R"(</param>
    <param name="outside">)" + outside_.string() +
                                             R"(</param>
    <param name="levels">)" + std::to_string(levels) +
                                             R"(</param>
  </exporter>
</pipeline>
)");
    }
    void input(const std::string& relative, const std::string& body = "") {
        write_file_atomically(input_ / relative, "TEST\nTitle of " + relative + "\n" + body);
    }
    bulletin::testing::CommandResult batch(const std::string& args = "") {
        return run_command(bulletin_cmd() + " batch " + quote(pipeline_) + " --input " +
                           quote(input_) + " --output " + quote(output_) + " " + args);
    }
    nlohmann::json report() {
        return nlohmann::json::parse(read_file(output_ / ".bulletin" / "report.json"));
    }
    std::map<std::string, std::string> failures() {
        std::map<std::string, std::string> errors;
        auto r = report(); // kept: a range-for over report()["failures"] would dangle
        for (const auto& f : r["failures"])
            errors[f["path"]] = f["error"];
        return errors;
    }

    bulletin::testing::TempDir dir_;
    fs::path root_, input_, output_, outside_, pipeline_;
};

} // namespace

// 15.2: the exporter checks its path, then the directory is swapped for a link to a directory
// outside, then it writes. Before: the output and its temporary were written outside.
TEST_F(HostileTree, ADirectorySwappedForALinkBetweenCheckAndWriteIsNotFollowed) {
    input("a/doc0.txt");
    input("a/doc1.txt", "SWAP\n");
    input("a/doc2.txt");
    auto result = batch();
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_TRUE(tree(outside_).empty()) << "written outside the output directory";
    auto errors = failures();
    EXPECT_TRUE(contains(errors["a/doc1.txt"],
                         (output_ / "a").string() +
                             " is a symbolic link inside the output directory; refusing to "
                             "follow it"))
        << errors["a/doc1.txt"];
    EXPECT_TRUE(contains(errors["a/doc2.txt"], "outside the output directory"))
        << errors["a/doc2.txt"];
    EXPECT_EQ(read_file(output_ / "a.moved" / "doc0.title"), "Title of a/doc0.txt\n");
}

TEST_F(HostileTree, AnEnclosingDirectorySwappedInAWorkerProcessIsNotFollowed) {
    use_pipeline("{output}/{dir}/{stem}.title", 2); // swaps x of x/y/doc.title
    input("x/y/doc0.txt");
    input("x/y/doc1.txt", "SWAP\n");
    auto result = batch("--isolate");
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_TRUE(tree(outside_).empty()) << "written outside the output directory";
    EXPECT_TRUE(contains(failures()["x/y/doc1.txt"], (output_ / "x").string() +
                                                         " is a symbolic link inside the output "
                                                         "directory; refusing to follow it"))
        << result.output;
    EXPECT_TRUE(fs::exists(output_ / "x.moved" / "y" / "doc0.title"));
}

// 15.3: state, lock and report under OUTPUT are not written through a link.
TEST_F(HostileTree, ARedirectedStateDirectoryIsRefused) {
    input("doc.txt");
    fs::create_directories(output_);
    fs::create_directory_symlink(outside_, output_ / ".bulletin");
    write_file_atomically(outside_ / "state.sqlite", ""); // would be taken over as SQLite
    auto result = batch();
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_TRUE(contains(result.output, (output_ / ".bulletin").string() +
                                            " is a symbolic link inside the output directory; "
                                            "refusing to follow it"))
        << result.output;
    EXPECT_TRUE(contains(result.output, "give --state and --report paths outside the output "
                                        "directory"))
        << result.output;
    EXPECT_EQ(tree(outside_), std::set<std::string>{"state.sqlite"});
    EXPECT_EQ(fs::file_size(outside_ / "state.sqlite"), 0u);
    EXPECT_FALSE(fs::exists(output_ / "doc.title")) << "nothing is converted";
}

TEST_F(HostileTree, ALinkAtTheStateLockOrReportIsRefused) {
    input("doc.txt");
    for (std::string name : {"state.sqlite", "state.sqlite.lock", "state.sqlite-wal",
                             "state.sqlite-journal", "report.json"}) {
        SCOPED_TRACE(name);
        fs::remove_all(output_);
        fs::create_directories(output_ / ".bulletin");
        write_file_atomically(outside_ / "victim", "precious");
        fs::create_symlink(outside_ / "victim", output_ / ".bulletin" / name);
        auto result = batch();
        EXPECT_EQ(result.exit_code, 2) << result.output;
        EXPECT_TRUE(contains(result.output, (output_ / ".bulletin" / name).string() +
                                                " is a symbolic link inside the output "
                                                "directory; refusing to follow it"))
            << result.output;
        EXPECT_EQ(read_file(outside_ / "victim"), "precious");
        EXPECT_EQ(tree(outside_), std::set<std::string>{"victim"});
    }
}

TEST_F(HostileTree, ExplicitStatePathsInsideTheOutputAreCheckedOutsideTrusted) {
    input("doc.txt");
    // Inside the output directory (as the shipped shard examples put them): checked.
    fs::create_directories(output_);
    fs::create_directory_symlink(outside_, output_ / "shared");
    auto inside = batch("--state " + quote(output_ / "shared" / "state-1.sqlite"));
    EXPECT_EQ(inside.exit_code, 2) << inside.output;
    EXPECT_TRUE(contains(inside.output, (output_ / "shared").string() + " is a symbolic link"))
        << inside.output;
    auto log = batch("--log-file " + quote(output_ / "shared" / "batch.log"));
    EXPECT_EQ(log.exit_code, 2) << log.output;
    EXPECT_TRUE(tree(outside_).empty());
    // Outside it, the operator's path is used as given, links and all.
    fs::create_directories(root_ / "state-real");
    fs::create_directory_symlink(root_ / "state-real", root_ / "state-link");
    auto outside = batch("--state " + quote(root_ / "state-link" / "s.sqlite") + " --report " +
                         quote(root_ / "state-link" / "r.json"));
    EXPECT_EQ(outside.exit_code, 0) << outside.output;
    EXPECT_TRUE(fs::exists(root_ / "state-real" / "s.sqlite"));
    EXPECT_TRUE(fs::exists(root_ / "state-real" / "r.json"));
}

// 15.12: an uploader's link to a file outside the input tree is not converted (copied out).
TEST_F(HostileTree, InputLinksOutOfTheInputRootAreSkippedUnlessAskedFor) {
    input("a/doc.txt");
    write_file_atomically(outside_ / "secret.txt", "TEST\nThe secret\n");
    fs::create_directories(outside_ / "more");
    write_file_atomically(outside_ / "more" / "other.txt", "TEST\nAnother secret\n");
    fs::create_symlink(outside_ / "secret.txt", input_ / "a" / "secret.txt");
    fs::create_directory_symlink(outside_ / "more", input_ / "more");
    fs::create_symlink("doc.txt", input_ / "a" / "alias.txt"); // inside: followed

    auto result = batch();
    EXPECT_EQ(result.exit_code, 0) << result.output;
    auto r = report();
    EXPECT_EQ(r["counts"]["inputs"], 2);
    EXPECT_EQ(r["counts"]["symlinks_skipped"], 2);
    EXPECT_EQ(r["symlinks_skipped"][0]["path"], "a/secret.txt");
    EXPECT_EQ(r["symlinks_skipped"][0]["target"], (outside_ / "secret.txt").string());
    EXPECT_EQ(r["symlinks_skipped"][1]["path"], "more");
    EXPECT_TRUE(contains(result.output, (input_ / "a" / "secret.txt").string() +
                                            " is a symbolic link to " +
                                            (outside_ / "secret.txt").string() +
                                            ", outside the input directory; skipped"))
        << result.output;
    EXPECT_TRUE(contains(result.output, "2 symbolic links out of the input directory skipped"))
        << result.output;
    EXPECT_FALSE(fs::exists(output_ / "a" / "secret.title"));
    EXPECT_EQ(read_file(output_ / "a" / "alias.title"), "Title of a/doc.txt\n");

    auto followed = batch("--follow-symlinks");
    EXPECT_EQ(followed.exit_code, 0) << followed.output;
    EXPECT_EQ(read_file(output_ / "a" / "secret.title"), "The secret\n");
    EXPECT_EQ(read_file(output_ / "more" / "other.title"), "Another secret\n");
    EXPECT_EQ(report()["counts"]["symlinks_skipped"], 0);
}

// 16.6: what cannot be listed is named, counted, and makes the exit code 1.
TEST_F(HostileTree, DanglingLinksAndLinkLoopsAreReported) {
    input("doc.txt");
    fs::create_symlink(root_ / "nowhere.txt", input_ / "dangling.txt");
    fs::create_symlink("loop.txt", input_ / "loop.txt");
    fs::create_symlink("nowhere", input_ / "gone-dir");   // no extension: could be a directory
    fs::create_symlink("nowhere.md", input_ / "note.md"); // not an input by its name
    auto result = batch();
    EXPECT_EQ(result.exit_code, 1) << result.output;
    auto r = report();
    EXPECT_EQ(r["counts"]["converted"], 1);
    EXPECT_EQ(r["counts"]["unlisted"], 3);
    std::map<std::string, std::string> unlisted;
    for (const auto& u : r["unlisted"])
        unlisted[u["path"]] = u["reason"];
    EXPECT_EQ(unlisted["dangling.txt"],
              "dangling symbolic link (to " + (root_ / "nowhere.txt").string() + ")");
    EXPECT_EQ(unlisted["loop.txt"], "symbolic link loop (to loop.txt)");
    EXPECT_EQ(unlisted["gone-dir"], "dangling symbolic link (to nowhere)");
    EXPECT_EQ(unlisted.count("note.md"), 0u);
    EXPECT_TRUE(contains(result.output, (input_ / "loop.txt").string() +
                                            ": symbolic link loop (to loop.txt); not converted"))
        << result.output;
    EXPECT_TRUE(contains(result.output, "3 could not be listed")) << result.output;
}

TEST_F(HostileTree, ALinkBackToAnEnclosingDirectoryIsALoopWhenFollowed) {
    input("a/doc.txt");
    fs::create_directory_symlink("..", input_ / "a" / "up");
    auto plain = batch();
    EXPECT_EQ(plain.exit_code, 0) << plain.output; // a link inside: not followed
    auto followed = batch("--follow-symlinks");
    EXPECT_EQ(followed.exit_code, 1) << followed.output;
    auto r = report();
    EXPECT_EQ(r["unlisted"][0]["path"], "a/up");
    EXPECT_TRUE(contains(r["unlisted"][0]["reason"], "symbolic link loop"));
}

TEST_F(HostileTree, AnUnreadableDirectoryIsReported) {
    // Root reads any directory whatever its mode, so the batch runs as `nobody` for this test.
    std::string as_nobody;
    if (::geteuid() == 0) {
        if (run_command("command -v setpriv").exit_code != 0)
            GTEST_SKIP() << "running as root without setpriv (util-linux): cannot make a "
                            "directory unreadable";
        as_nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    }
    input("a/doc.txt");
    input("locked/hidden-from-us.txt");
    if (::geteuid() == 0) {
        ASSERT_EQ(run_command("chown -R 65534:65534 " + quote(root_)).exit_code, 0);
    }
    fs::permissions(input_ / "locked", fs::perms::owner_exec); // searchable, not listable
    auto result = run_command(as_nobody + bulletin_cmd() + " batch " + quote(pipeline_) +
                              " --input " + quote(input_) + " --output " + quote(output_));
    fs::permissions(input_ / "locked", fs::perms::owner_all);
    EXPECT_EQ(result.exit_code, 1) << result.output;
    auto r = report();
    EXPECT_EQ(r["counts"]["converted"], 1);
    ASSERT_EQ(r["unlisted"].size(), 1u) << r.dump(2);
    EXPECT_EQ(r["unlisted"][0]["path"], "locked/");
    EXPECT_EQ(r["unlisted"][0]["reason"], "cannot list directory: Permission denied");
    EXPECT_TRUE(contains(result.output, (input_ / "locked").string() +
                                            "/: cannot list directory: Permission denied"))
        << result.output;
}

// 16.4: a batch starting beside a running shard leaves that shard's temporaries alone.
TEST_F(HostileTree, TheCleanUpLeavesTemporariesOfRunningWritersAlone) {
    input("a/doc.txt");
    fs::create_directories(output_ / "a");
    auto self = bulletin::host::this_process(); // this test: running while the batch runs
    auto dead = self;
    dead.start += 1;
    auto live = bulletin::host::temporary_name("x.json", bulletin::host::owner_text(self), 1);
    auto gone = bulletin::host::temporary_name("y.json", bulletin::host::owner_text(dead), 2);
    // The name an older bulletin (or a shard on another host) gave: not removed while fresh.
    auto legacy = "z.json.tmp-" + std::to_string(::getpid()) + "-12345";
    for (const auto& name : {live, gone, legacy})
        write_file_atomically(output_ / "a" / name, "in flight");
    auto result = batch();
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_TRUE(fs::exists(output_ / "a" / live)) << "a running writer's temporary was removed";
    EXPECT_TRUE(fs::exists(output_ / "a" / legacy)) << "a fresh foreign temporary was removed";
    EXPECT_FALSE(fs::exists(output_ / "a" / gone)) << "a dead writer's temporary was kept";
}
