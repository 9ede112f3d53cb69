// Direct tests of the batch state store (host/src/state.hpp): records, claims, exporter
// records, persistence, refusal of a file that is not a state database, the lock.
#include "state.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using bulletin::host::FileLock;
using bulletin::host::InputRecord;
using bulletin::host::OutputRecord;
using bulletin::host::StateError;
using bulletin::host::StateStore;
using Records = std::vector<std::pair<std::string, std::string>>;

class StateStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("bulletin-state-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path file() const { return dir_ / "state.sqlite"; }

    static InputRecord done(std::string path, std::vector<std::string> outputs) {
        InputRecord r;
        r.path = std::move(path);
        r.input_sha256 = std::string(64, 'a');
        r.size = 10;
        r.mtime_ns = 123;
        r.pipeline_hash = "p1";
        r.status = "done";
        r.outputs = std::move(outputs);
        r.seconds = 0.5;
        r.attempts = 1;
        r.finished_at = "2026-12-02T20:00:00Z";
        return r;
    }

    fs::path dir_;
};

TEST_F(StateStoreTest, ANewFileHasTheCurrentSchemaAndNoRecords) {
    StateStore state(file());
    EXPECT_EQ(state.schema_version(), StateStore::kSchemaVersion);
    EXPECT_EQ(state.count(), 0);
    EXPECT_FALSE(state.find("a.txt"));
    EXPECT_TRUE(state.outputs().empty());
}

TEST_F(StateStoreTest, CommittedRecordsAndClaimsSurviveReopening) {
    {
        StateStore state(file());
        auto r = done("sub/a.txt", {"a.json"});
        r.records = Records{{"csv", "row 1"}, {"csv", "row 2"}, {"sqlite", "x"}};
        state.commit(
            {r, done("b.txt", {"b.json"})},
            {{"a.json", "sub/a.txt", 5, std::string(64, 'b')}, {"b.json", "b.txt", -1, ""}});
    }
    StateStore state(file());
    EXPECT_EQ(state.count(), 2);
    auto a = state.find("sub/a.txt");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, "done");
    EXPECT_EQ(a->outputs, (std::vector<std::string>{"a.json"}));
    EXPECT_EQ(a->mtime_ns, 123);
    EXPECT_EQ(a->attempts, 1);
    auto outputs = state.outputs();
    ASSERT_EQ(outputs.size(), 2u);
    std::vector<std::string> rows;
    state.for_each_record("csv", [&](std::string_view input, std::string_view record) {
        rows.push_back(std::string(input) + ":" + std::string(record));
    });
    EXPECT_EQ(rows, (std::vector<std::string>{"sub/a.txt:row 1", "sub/a.txt:row 2"}));
}

TEST_F(StateStoreTest, RecordsAreReplacedOnlyWhenSetAndReleasedClaimsGo) {
    StateStore state(file());
    auto r = done("a.txt", {"a.json"});
    r.records = Records{{"csv", "old"}};
    state.commit({r}, {{"a.json", "a.txt", 1, "h"}, {"old.json", "a.txt", 1, "h"}});
    // A failed re-run leaves the records; a released output's claim is removed.
    auto failed = done("a.txt", {});
    failed.status = "failed";
    failed.error = "could not read";
    state.commit({failed}, {}, {"old.json"});
    std::vector<std::string> rows;
    state.for_each_record(
        "csv", [&](std::string_view, std::string_view record) { rows.emplace_back(record); });
    EXPECT_EQ(rows, (std::vector<std::string>{"old"}));
    EXPECT_EQ(state.find("a.txt")->error, "could not read");
    auto outputs = state.outputs();
    ASSERT_EQ(outputs.size(), 1u);
    EXPECT_EQ(outputs[0].path, "a.json");
    // A successful one replaces them.
    auto again = done("a.txt", {"a.json"});
    again.records = Records{{"csv", "new"}};
    state.commit({again}, {});
    rows.clear();
    state.for_each_record(
        "csv", [&](std::string_view, std::string_view record) { rows.emplace_back(record); });
    EXPECT_EQ(rows, (std::vector<std::string>{"new"}));
}

TEST_F(StateStoreTest, AFileThatIsNotAStateDatabaseIsRefusedWithItsName) {
    std::ofstream(file()) << "not a database, just text that is long enough to be a header.....";
    try {
        StateStore state(file());
        FAIL() << "opened a text file as state";
    } catch (const StateError& e) {
        EXPECT_NE(std::string(e.what()).find(file().string()), std::string::npos) << e.what();
        EXPECT_FALSE(e.write_failure());
    }
}

TEST_F(StateStoreTest, ASecondLockOnTheSameFileIsRefusedUntilTheFirstGoes) {
    auto lock_file = dir_ / "lock";
    {
        FileLock first(lock_file);
        EXPECT_THROW(FileLock second(lock_file), bulletin::host::LockHeld);
    }
    EXPECT_NO_THROW(FileLock again(lock_file));
}

} // namespace
