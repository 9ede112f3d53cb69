// Writes through directory handles (issue 15.2) and temporaries that name their writer (16.4):
// AtomicWriter and DirectoryOpener never follow a link planted below the root, temporary names
// round-trip, and the clean-up removes only what a gone writer left.
#include "support/plugins.hpp"

#include "beneath.hpp"
#include "context.hpp"
#include "discovery.hpp"
#include "temporaries.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using namespace bulletin::host;
using bulletin::testing::read_file;

namespace {

/// Every file name under `dir`, recursively ('/'-separated relative paths), links not followed.
std::set<std::string> tree(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        names.insert(e.path().lexically_relative(dir).generic_string());
    return names;
}

std::string error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "no error";
}

class Confined : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::canonical(dir_.path()) / "out";
        outside_ = fs::canonical(dir_.path()) / "outside";
        fs::create_directories(root_);
        fs::create_directories(outside_);
    }
    /// Moves `relative` (a directory below the root) aside, inside the root, and puts a link to
    /// the outside directory in its place: what the race of issue 15.2 did.
    void swap_for_link(const std::string& relative) {
        fs::rename(root_ / relative, root_ / (relative + ".moved"));
        fs::create_directory_symlink(outside_, root_ / relative);
    }

    bulletin::testing::TempDir dir_;
    fs::path root_, outside_;
};

} // namespace

TEST_F(Confined, ADirectorySwappedForALinkAfterTheFirstWriteIsRefused) {
    AtomicWriter writer(root_);
    writer.write(root_ / "sub" / "a.json", "a", false);
    swap_for_link("sub");
    auto message = error_of([&] { writer.write(root_ / "sub" / "b.json", "b", false); });
    EXPECT_NE(message.find("cannot write " + (root_ / "sub" / "b.json").string() + ": " +
                           (root_ / "sub").string() +
                           " is a symbolic link inside the output directory; refusing to follow "
                           "it"),
              std::string::npos)
        << message;
    EXPECT_TRUE(tree(outside_).empty()) << "no output and no temporary may land outside";
    EXPECT_EQ(read_file(root_ / "sub.moved" / "a.json"), "a");
}

TEST_F(Confined, ALinkDeeperInThePathIsRefusedToo) {
    AtomicWriter writer(root_);
    writer.write(root_ / "a" / "b" / "c" / "x.json", "x", false);
    swap_for_link("a");
    EXPECT_THROW(writer.write(root_ / "a" / "b" / "c" / "y.json", "y", false), bulletin::Error);
    fs::remove(root_ / "a");
    fs::rename(root_ / "a.moved", root_ / "a");
    swap_for_link("a/b");
    EXPECT_THROW(writer.write(root_ / "a" / "b" / "c" / "y.json", "y", false), bulletin::Error);
    EXPECT_TRUE(tree(outside_).empty());
}

TEST_F(Confined, ALinkAtTheFileNameIsReplacedNotFollowed) {
    write_file_atomically(outside_ / "keep.json", "keep");
    fs::create_symlink(outside_ / "keep.json", root_ / "a.json");
    AtomicWriter(root_).write(root_ / "a.json", "new", true);
    EXPECT_FALSE(fs::is_symlink(root_ / "a.json"));
    EXPECT_EQ(read_file(root_ / "a.json"), "new");
    EXPECT_EQ(read_file(outside_ / "keep.json"), "keep");
}

TEST_F(Confined, PathsOutsideTheRootAreRefused) {
    AtomicWriter writer(root_);
    auto message = error_of([&] { writer.write(outside_ / "x.json", "x", false); });
    EXPECT_NE(message.find("is outside the output directory"), std::string::npos) << message;
    EXPECT_THROW(writer.write(root_ / ".." / "outside" / "x.json", "x", false), bulletin::Error);
    EXPECT_THROW(writer.write(root_ / "sub" / ".." / ".." / "x.json", "x", false), bulletin::Error);
    EXPECT_TRUE(tree(outside_).empty());
}

TEST_F(Confined, TheRootItselfMayBeALinkAndMayNotExistYet) {
    fs::create_directory_symlink(root_, dir_.path() / "root-link");
    AtomicWriter through_link(dir_.path() / "root-link");
    through_link.write(root_ / "a.json", "a", false);                     // the canonical path
    through_link.write(dir_.path() / "root-link" / "b.json", "b", false); // the path as given
    EXPECT_EQ(read_file(root_ / "a.json"), "a");
    EXPECT_EQ(read_file(root_ / "b.json"), "b");
    AtomicWriter fresh(dir_.path() / "new" / "out");
    fresh.write(fs::canonical(dir_.path()) / "new" / "out" / "c.json", "c", false);
    EXPECT_EQ(read_file(dir_.path() / "new" / "out" / "c.json"), "c");
}

TEST_F(Confined, TheOpenerRefusesLinksWithAndWithoutOpenat2) {
    fs::create_directories(root_ / "real" / "deep");
    fs::create_directory_symlink("real", root_ / "inside-link");
    fs::create_directory_symlink(outside_, root_ / "real" / "out-link");
    write_file_atomically(root_ / "file", "f");
    int root = ::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(root, 0);
    UniqueFd hold(root);
    for (bool openat2 : {true, false}) {
        SCOPED_TRACE(openat2 ? "openat2" : "per-component walk");
        DirectoryOpener opener(openat2);
        BeneathError error;
        EXPECT_TRUE(opener.open(root, "real/deep", false, error));
        EXPECT_TRUE(opener.open(root, "", false, error));
        EXPECT_TRUE(opener.open(root, "./real//deep/", false, error));

        error = {};
        EXPECT_FALSE(opener.open(root, "inside-link/deep", true, error));
        EXPECT_TRUE(error.symlink);
        EXPECT_EQ(error.where, "inside-link");
        EXPECT_EQ(describe(error, root_.native(), "output directory"),
                  (root_ / "inside-link").string() +
                      " is a symbolic link inside the output directory; refusing to follow it");

        error = {};
        EXPECT_FALSE(opener.open(root, "real/out-link/new", true, error));
        EXPECT_EQ(error.where, "real/out-link");
        EXPECT_TRUE(error.symlink);

        error = {};
        EXPECT_FALSE(opener.open(root, "file/x", true, error));
        EXPECT_EQ(error.code, ENOTDIR);
        EXPECT_FALSE(error.symlink);

        error = {};
        EXPECT_FALSE(opener.open(root, "real/../..", true, error));
        EXPECT_EQ(error.code, EXDEV);

        error = {};
        std::string made = openat2 ? "made/by/openat2" : "made/by/walk";
        EXPECT_TRUE(opener.open(root, made, true, error)) << error.code;
        EXPECT_TRUE(fs::is_directory(root_ / made));
    }
    EXPECT_TRUE(tree(outside_).empty());
}

TEST(Temporaries, NamesCarryTheirOwnerAndRoundTrip) {
    auto self = this_process();
    EXPECT_FALSE(self.host.empty());
    EXPECT_EQ(self.boot.size(), 8u);
    EXPECT_EQ(self.pid, ::getpid());
    EXPECT_GT(self.start, 0u) << "/proc/self/stat field 22";

    auto name = temporary_name("doc.json", owner_text(self), 0xbeef);
    EXPECT_EQ(name, "doc.json.tmp-" + self.host + "-" + self.boot + "-" + std::to_string(self.pid) +
                        "-" + std::to_string(self.start) + "-beef");
    auto parsed = parse_temporary_name(name);
    ASSERT_EQ(parsed.kind, TemporaryName::Owned);
    EXPECT_EQ(parsed.owner.host, self.host);
    EXPECT_EQ(parsed.owner.boot, self.boot);
    EXPECT_EQ(parsed.owner.pid, self.pid);
    EXPECT_EQ(parsed.owner.start, self.start);

    TemporaryOwner dashed{"node-7.cluster-a", "0123abcd", 42, 9999};
    auto other = parse_temporary_name(temporary_name("x.json", owner_text(dashed), 1));
    ASSERT_EQ(other.kind, TemporaryName::Owned);
    EXPECT_EQ(other.owner.host, "node-7.cluster-a");
    EXPECT_EQ(other.owner.pid, 42);

    EXPECT_EQ(parse_temporary_name("doc.json.tmp-1234-5678").kind, TemporaryName::Legacy);
    for (auto plain : {"doc.json", "doc.tmp-x", ".tmp-1-2", "doc.json.tmp-", "a.tmp-h-zz-1-2-3"})
        EXPECT_EQ(parse_temporary_name(plain).kind, TemporaryName::NotTemporary) << plain;
}

TEST(Temporaries, ALongNameIsCutToFitAndStillParses) {
    std::string chinese;
    for (int i = 0; i < 90; ++i)
        chinese += "简"; // 3 bytes each: 270 bytes
    auto name = temporary_name(chinese + ".json", owner_text(this_process()), 0xffffffffu);
    EXPECT_LE(name.size(), static_cast<std::size_t>(NAME_MAX));
    auto stem = name.substr(0, name.find(".tmp-"));
    EXPECT_EQ(stem.size() % 3, 0u) << "cut at a character boundary";
    EXPECT_EQ(parse_temporary_name(name).kind, TemporaryName::Owned);
    bulletin::testing::TempDir dir;
    AtomicWriter().write(dir.path() / (chinese.substr(0, 240) + ".json"), "x", false);
}

TEST(Temporaries, AnOwnerIsGoneOnlyWhenThisHostCanTell) {
    auto self = this_process();
    EXPECT_EQ(owner_state(self, self), OwnerState::Running);
    auto reused = self;
    reused.start += 1; // the same PID with another start time: a reused PID
    EXPECT_EQ(owner_state(reused, self), OwnerState::Gone);
    auto dead = self;
    dead.pid = 4194305; // above PID_MAX_LIMIT: never running
    EXPECT_EQ(owner_state(dead, self), OwnerState::Gone);
    auto elsewhere = self;
    elsewhere.host = "another-host";
    EXPECT_EQ(owner_state(elsewhere, self), OwnerState::Unknown);
    auto other_namespace = self;
    other_namespace.boot = self.boot == "00000000" ? "00000001" : "00000000";
    EXPECT_EQ(owner_state(other_namespace, self), OwnerState::Unknown);
}

TEST(Temporaries, AWriterThatExitedButIsNotYetReapedIsGone) {
    // A batch killed with -9 leaves its workers as zombies until their new parent reaps them.
    auto self = this_process();
    int go[2];
    ASSERT_EQ(::pipe(go), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        char byte;
        (void)!::read(go[0], &byte, 1);
        ::_exit(0);
    }
    std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(stat_file)), {});
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    for (int number = 3; number <= 22 && fields >> field; ++number) {
    }
    auto child = self;
    child.pid = pid;
    child.start = std::stoull(field); // field 22: start time
    EXPECT_EQ(owner_state(child, self), OwnerState::Running);
    ASSERT_EQ(::write(go[1], "x", 1), 1);
    siginfo_t info{};
    ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT), 0);
    EXPECT_EQ(owner_state(child, self), OwnerState::Gone);
    ::waitpid(pid, nullptr, 0);
    ::close(go[0]);
    ::close(go[1]);
}

TEST(Temporaries, TheCleanUpRemovesOnlyWhatAGoneWriterLeft) {
    bulletin::testing::TempDir dir;
    auto root = dir.path() / "out";
    auto outside = dir.path() / "outside";
    fs::create_directories(root / "sub");
    fs::create_directories(root / ".bulletin");
    fs::create_directories(outside);
    auto self = this_process();
    auto dead = self;
    dead.start += 1;
    TemporaryOwner foreign{"another-host", "0123abcd", 42, 9999};
    auto plant = [&](const fs::path& path, bool old = false) {
        write_file_atomically(path, "partial");
        if (old) {
            timespec times[2] = {{std::time(nullptr) - 2 * 86400, 0},
                                 {std::time(nullptr) - 2 * 86400, 0}};
            ::utimensat(AT_FDCWD, path.c_str(), times, 0);
        }
    };
    std::string live = temporary_name("a.json", owner_text(self), 1);
    plant(root / "sub" / live);
    plant(root / "sub" / temporary_name("b.json", owner_text(dead), 2));
    plant(root / ".bulletin" / temporary_name("report.json", owner_text(dead), 3));
    std::string foreign_fresh = temporary_name("c.json", owner_text(foreign), 4);
    plant(root / foreign_fresh);
    plant(root / temporary_name("d.json", owner_text(foreign), 5), true);
    // Written by an older bulletin: the owner cannot be checked, so only the age decides.
    std::string legacy_fresh = "e.json.tmp-" + std::to_string(::getpid()) + "-77";
    plant(root / legacy_fresh);
    plant(root / "f.json.tmp-1-78", true);
    plant(root / "g.json");
    // Nothing is followed: not a link to a directory outside, nor a link named like a temporary.
    plant(outside / temporary_name("h.json", owner_text(dead), 6));
    fs::create_directory_symlink(outside, root / "link");
    fs::create_symlink(outside / "g.json", root / temporary_name("i.json", owner_text(dead), 7));

    EXPECT_EQ(remove_stale_temporaries(root), 4u);
    EXPECT_EQ(tree(root), (std::set<std::string>{".bulletin", "sub", "sub/" + live, foreign_fresh,
                                                 legacy_fresh, "g.json", "link",
                                                 temporary_name("i.json", owner_text(dead), 7)}));
    EXPECT_EQ(tree(outside).size(), 1u);
}
