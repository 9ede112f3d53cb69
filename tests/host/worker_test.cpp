// `batch --isolate`: the worker protocol (worker_protocol.hpp), the parent's handling of a worker
// that breaks it, the worker's own checks, paths with any byte, and workers dying with the batch.
#include "support/plugins.hpp"

#include "context.hpp"
#include "state.hpp"
#include "worker.hpp"
#include "worker_protocol.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

extern char** environ;

namespace fs = std::filesystem;
namespace protocol = bulletin::host::protocol;
using bulletin::testing::read_file;
using bulletin::testing::run_command;

namespace {

std::string quote(const fs::path& p) {
    std::string out = "'";
    for (char c : p.string())
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string frame(const std::string& payload, std::size_t max = protocol::kMaxReplyBytes) {
    auto f = protocol::frame(payload, max);
    EXPECT_TRUE(f.has_value());
    return f.value_or("");
}

std::string every_byte() {
    std::string s;
    for (int c = 1; c < 256; ++c)
        s.push_back(static_cast<char>(c));
    return s + '\0' + "\t\n\\";
}

/// Frames of `stream` decoded as replies, in order.
std::vector<protocol::Reply> replies_in(std::string_view stream) {
    std::vector<protocol::Reply> replies;
    for (;;) {
        auto split = protocol::split_frame(stream, protocol::kMaxReplyBytes);
        if (split.status != protocol::Split::Frame) break;
        std::string error;
        auto reply = protocol::decode_reply(split.payload, error);
        EXPECT_TRUE(reply) << error;
        if (reply) replies.push_back(*reply);
        stream.remove_prefix(split.consumed);
    }
    EXPECT_TRUE(stream.empty()) << stream.size() << " bytes left after the last reply";
    return replies;
}

// --- The framing ---

TEST(WorkerProtocol, RequestsAndRepliesCarryEveryByteUnchanged) {
    protocol::Request request{42, "z\t/etc/passwd\nq.txt" + every_byte(), "/in/" + every_byte()};
    std::string error;
    auto decoded = protocol::decode_request(protocol::encode_request(request), error);
    ASSERT_TRUE(decoded) << error;
    EXPECT_EQ(*decoded, request);

    protocol::Reply reply{UINT64_MAX,
                          true,
                          "ab12",
                          "an error\n" + every_byte(),
                          {"/out/back\\slash\xff.title", "", every_byte()},
                          {{"1:corpus", every_byte()}}};
    auto decoded_reply = protocol::decode_reply(protocol::encode_reply(reply), error);
    ASSERT_TRUE(decoded_reply) << error;
    EXPECT_EQ(*decoded_reply, reply);
}

TEST(WorkerProtocol, SplitsAStreamIntoFramesAndWaitsForWholeOnes) {
    std::string a = frame(protocol::encode_request({1, "a", "/in/a"}));
    std::string b = frame(protocol::encode_request({2, "b", "/in/b"}));
    std::string stream = a + b;
    for (std::size_t cut = 0; cut < a.size(); ++cut)
        EXPECT_EQ(protocol::split_frame(std::string_view(stream).substr(0, cut), 1000).status,
                  protocol::Split::NeedMore)
            << cut;
    auto first = protocol::split_frame(stream, 1000);
    ASSERT_EQ(first.status, protocol::Split::Frame);
    EXPECT_EQ(first.consumed, a.size());
    auto second = protocol::split_frame(std::string_view(stream).substr(first.consumed), 1000);
    ASSERT_EQ(second.status, protocol::Split::Frame);
    std::string error;
    EXPECT_EQ(protocol::decode_request(second.payload, error)->id, 2u);
}

TEST(WorkerProtocol, ALengthOverTheLimitIsRefusedBeforeItsBytesArrive) {
    auto split = protocol::split_frame(std::string("\xff\xff\xff\xff", 4), 1 << 20);
    EXPECT_EQ(split.status, protocol::Split::TooLarge);
    EXPECT_EQ(split.declared, 0xffffffffu);
    EXPECT_EQ(protocol::split_frame(std::string("\x01\x00\x10\x00", 4), 1 << 20).status,
              protocol::Split::TooLarge); // 1 MiB + 1
    EXPECT_FALSE(protocol::frame(std::string(11, 'x'), 10));
    EXPECT_TRUE(protocol::frame(std::string(10, 'x'), 10));
}

TEST(WorkerProtocol, MalformedPayloadsAreRejectedWithAReason) {
    std::string request = protocol::encode_request({7, "rel", "/in/rel"});
    std::string reply = protocol::encode_reply({7, false, "", "e", {"o"}, {}});
    std::string error;
    for (std::size_t cut = 0; cut < request.size(); ++cut)
        EXPECT_FALSE(protocol::decode_request(request.substr(0, cut), error)) << cut;
    for (std::size_t cut = 0; cut < reply.size(); ++cut)
        EXPECT_FALSE(protocol::decode_reply(reply.substr(0, cut), error)) << cut;
    EXPECT_FALSE(protocol::decode_request(request + "x", error));
    EXPECT_NE(error.find("1 bytes after the last field"), std::string::npos) << error;
    EXPECT_FALSE(protocol::decode_reply(request, error)); // a request is not a reply
    EXPECT_NE(error.find("expected a frame of kind 'R'"), std::string::npos) << error;
    std::string other_version = request;
    other_version[1] = 9;
    EXPECT_FALSE(protocol::decode_request(other_version, error));
    EXPECT_NE(error.find("protocol version 9, expected 1"), std::string::npos) << error;
    std::string bad_ok = reply;
    bad_ok[10] = 2;
    EXPECT_FALSE(protocol::decode_reply(bad_ok, error));
    // An output count of 4 billion is refused, not allocated.
    std::string many = protocol::encode_reply({7, true, "", "", {}, {}});
    many.replace(many.size() - 4, 4, "\xff\xff\xff\xff");
    EXPECT_FALSE(protocol::decode_reply(many, error));
    EXPECT_NE(error.find("more than the limit"), std::string::npos) << error;
}

// --- The parent facing a worker that breaks the protocol ---

/// An Isolated whose "worker" is a shell script: it logs each start, sends `reply` and then
/// waits for its input to end.
class FakeWorker : public ::testing::Test {
protected:
    void SetUp() override { std::signal(SIGPIPE, SIG_IGN); } // as the batch does
    bulletin::host::Isolated isolated(const std::string& reply) {
        bulletin::host::write_file_atomically(dir_.path() / "reply", reply);
        return bulletin::host::Isolated({"/bin/sh", "-c",
                                         "echo $$ >> " + quote(starts()) + "; cat " +
                                             quote(dir_.path() / "reply") +
                                             "; exec cat >/dev/null"},
                                        30);
    }
    fs::path starts() const { return dir_.path() / "starts"; }
    bulletin::host::Item item(const std::string& name) const {
        return {name, dir_.path() / name, 0, 0};
    }
    bulletin::testing::TempDir dir_;
};

TEST_F(FakeWorker, AReplyToAnotherRequestFailsTheDocumentAndRestartsTheWorker) {
    auto worker = isolated(frame(protocol::encode_reply({99, true, "", "", {"/etc/passwd"}, {}})));
    auto first = worker.process(item("a.txt"));
    EXPECT_FALSE(first.ok);
    EXPECT_TRUE(first.outputs.empty());
    EXPECT_NE(first.error.find("a.txt: the worker process broke the protocol (a reply to request "
                               "99 while request 1 was in flight); it was killed"),
              std::string::npos)
        << first.error;
    auto second = worker.process(item("b.txt"));
    EXPECT_NE(second.error.find("b.txt: the worker process broke the protocol (a reply to request "
                                "99 while request 2 was in flight)"),
              std::string::npos)
        << second.error;
    std::ifstream in(starts());
    std::set<std::string> pids;
    for (std::string line; std::getline(in, line);)
        pids.insert(line);
    EXPECT_EQ(pids.size(), 2u) << "one worker per document: the first was killed";
}

TEST_F(FakeWorker, AnOversizedOrMalformedReplyIsAProtocolError) {
    auto huge = isolated(std::string("\xff\xff\xff\x7f", 4) + "R");
    auto r = huge.process(item("a.txt"));
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("broke the protocol (a reply of 2147483647 bytes, more than the limit "
                           "of 16777216)"),
              std::string::npos)
        << r.error;
    auto garbage = isolated(frame("{\"ok\": true}"));
    r = garbage.process(item("b.txt"));
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("broke the protocol (a malformed reply: expected a frame of kind 'R'"),
              std::string::npos)
        << r.error;
    auto twice = isolated(frame(protocol::encode_reply({1, true, "", "", {}, {}})) +
                          frame(protocol::encode_reply({1, true, "", "", {}, {}})));
    // The second reply may arrive with the first or just after it: then the next request sees it.
    auto first = twice.process(item("c.txt"));
    auto second = twice.process(item("d.txt"));
    EXPECT_FALSE(first.ok && second.ok) << first.error << " / " << second.error;
    EXPECT_NE((first.error + second.error).find("broke the protocol"), std::string::npos);
}

// --- The real worker and batch ---

const char* kPipeline = R"(<pipeline name="isolated">
  <reader plugin="test.lines"/>
  <segmenter plugin="test.title"/>
  <tagger plugin="worker.antics"/>
  <exporter plugin="test.title-file"><param name="path">{output}/{dir}/{stem}.title</param></exporter>
  <exporter plugin="test.corpus"/>
</pipeline>
)";

std::string bulletin_cmd() {
    return quote(bulletin::testing::bulletin_binary()) + " -q --plugin-dir " +
           quote(fs::path(TEST_MODULES_DIR) / "good") + " --plugin-dir " +
           quote(fs::path(TEST_MODULES_DIR) / "worker");
}

class IsolatedBatch : public ::testing::Test {
protected:
    void SetUp() override {
        bulletin::host::write_file_atomically(pipeline_, kPipeline);
        fs::create_directories(input_);
    }
    void write_input(const std::string& relative, const std::string& text) {
        bulletin::host::write_file_atomically(input_ / relative, text);
    }
    bulletin::testing::CommandResult batch(const std::string& args) {
        return run_command(bulletin_cmd() + " batch " + quote(pipeline_) + " --input " +
                           quote(input_) + " --output " + quote(output_) + " --isolate " + args);
    }
    /// Every `.title` output: content -> how many files have it.
    std::map<std::string, int> titles() const {
        std::map<std::string, int> seen;
        std::error_code ec; // the batch may still be writing: files come and go
        for (auto it = fs::recursive_directory_iterator(output_, ec);
             it != fs::recursive_directory_iterator(); it.increment(ec))
            if (it->path().extension() == ".title" && it->is_regular_file(ec))
                ++seen[read_file(it->path())];
        return seen;
    }

    bulletin::testing::TempDir dir_;
    fs::path pipeline_ = dir_.path() / "p.xml";
    fs::path input_ = dir_.path() / "in";
    fs::path output_ = dir_.path() / "out";
    fs::path secret_ = dir_.path() / "secret.txt"; // outside the input tree
};

TEST_F(IsolatedBatch, InputsWhoseNamesHoldAnyByteAreConvertedEachWithItsOwnReply) {
    bulletin::host::write_file_atomically(secret_, "TEST\nSECRET\n");
    // Under the line protocol this name made the worker convert secret_ ("a", "<secret_>"), and
    // its second reply went to the next input.
    const std::string injected = "a\t" + secret_.string() + "\nq.txt";
    const std::map<std::string, std::string> inputs = {
        {injected, "Injected"},
        {"b.txt", "Plain"},
        {"c\td.txt", "Tab"},
        {"e\nf.txt", "Newline"},
        {"g\\h\xff.txt", "Backslash and a non-UTF-8 byte"},
        {"sub/i.txt", "In a subdirectory"},
    };
    for (const auto& [name, title] : inputs)
        write_input(name, "TEST\n" + title + "\n");
    auto result = batch("--jobs 1");
    ASSERT_EQ(result.exit_code, 0) << result.output;

    // Each input converted into one output of its own; the secret never read.
    std::map<std::string, int> expected;
    for (const auto& [name, title] : inputs)
        expected[title + "\n"] = 1;
    EXPECT_EQ(titles(), expected);
    auto report = nlohmann::json::parse(read_file(output_ / ".bulletin" / "report.json"));
    EXPECT_EQ(report["counts"]["converted"], inputs.size());
    EXPECT_EQ(report["failures"], nlohmann::json::array());
    // The state records each input with the output made from it.
    bulletin::host::StateStore state(output_ / ".bulletin" / "state.sqlite");
    for (const auto& [name, title] : inputs) {
        auto record = state.find(name);
        ASSERT_TRUE(record) << name;
        EXPECT_EQ(record->status, "done") << name;
        ASSERT_EQ(record->outputs.size(), 1u) << name;
        if (name.find('\xff') == std::string::npos) { // state.cpp stores such a path mangled
            EXPECT_EQ(read_file(record->outputs[0]), title + "\n") << name;
        }
    }
}

TEST_F(IsolatedBatch, APluginThatPrintsToStdoutAndReadsStdinDoesNotDisturbTheChannel) {
    write_input("a.txt", "TEST\nNoisy\nSTDIO\n");
    write_input("b.txt", "TEST\nQuiet\n");
    auto result = batch("--jobs 1 --timeout 20");
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(titles(), (std::map<std::string, int>{{"Noisy\n", 1}, {"Quiet\n", 1}}));
    EXPECT_NE(result.output.find("plugin noise on printf"), std::string::npos) << result.output;
}

TEST_F(IsolatedBatch, WorkersOfThreadsThatEndEarlyStillFinishTheirRun) {
    // One job pauses on a.txt while the other converts the rest and its thread ends: that
    // thread's worker must not die with it (PR_SET_PDEATHSIG follows the spawning thread).
    write_input("a.txt", "TEST\nSlow\nPAUSE\n");
    for (const char* name : {"b.txt", "c.txt", "d.txt"})
        write_input(name, std::string("TEST\n") + name + "\n");
    auto result = batch("--jobs 2");
    ASSERT_EQ(result.exit_code, 0) << result.output;
    // Every document was converted (a worker killed with its thread would fail the rest), and
    // the corpus written once, by the batch, holds all four.
    EXPECT_EQ(read_file(output_ / "corpus.tsv"),
              "a.txt\tSlow\nb.txt\tb.txt\nc.txt\tc.txt\nd.txt\td.txt\n");
}

// --- The worker's own checks ---

TEST_F(IsolatedBatch, TheWorkerOpensOnlyTheInputRootJoinedWithTheRelativePath) {
    bulletin::host::write_file_atomically(secret_, "TEST\nSECRET\n");
    write_input("good.txt", "TEST\nGood\n");
    const std::string root = input_.string();
    std::string requests =
        frame(protocol::encode_request({1, "good.txt", root + "/good.txt"})) +
        frame(protocol::encode_request({2, "x.txt", secret_.string()})) +
        frame(protocol::encode_request({3, "../secret.txt", root + "/../secret.txt"})) +
        frame(protocol::encode_request({4, secret_.string(), secret_.string()}));
    bulletin::host::write_file_atomically(dir_.path() / "requests", requests);
    // `; echo` keeps the shell alive, so it is the worker's parent and $$ its pid.
    auto result = run_command(bulletin_cmd() + " _worker " + quote(pipeline_) + " --input-root " +
                              quote(input_) + " -o " + quote(output_) + " --parent-pid $$ < " +
                              quote(dir_.path() / "requests") + " > " +
                              quote(dir_.path() / "replies") + "; echo status=$?");
    EXPECT_NE(result.output.find("status=0"), std::string::npos) << result.output;
    auto replies = replies_in(read_file(dir_.path() / "replies"));
    ASSERT_EQ(replies.size(), 4u);
    for (std::uint64_t i = 0; i < 4; ++i)
        EXPECT_EQ(replies[i].id, i + 1);
    EXPECT_TRUE(replies[0].ok) << replies[0].error;
    for (int i = 1; i < 4; ++i) {
        EXPECT_FALSE(replies[i].ok);
        EXPECT_NE(replies[i].error.find("refused by the worker"), std::string::npos)
            << replies[i].error;
    }
    EXPECT_NE(replies[1].error.find("is not the input root"), std::string::npos);
    EXPECT_NE(replies[2].error.find("has a '..' component"), std::string::npos);
    EXPECT_NE(replies[3].error.find("is empty or absolute"), std::string::npos);
    EXPECT_EQ(titles(), (std::map<std::string, int>{{"Good\n", 1}}));
}

TEST_F(IsolatedBatch, AWorkerWhoseParentIsGoneOrThatGetsGarbageExits) {
    auto orphan = run_command("{ " + bulletin_cmd() + " _worker " + quote(pipeline_) +
                              " --input-root " + quote(input_) + " -o " + quote(output_) +
                              " --parent-pid 1 < /dev/null; echo status=$?; }");
    EXPECT_NE(orphan.output.find("that started this process is gone"), std::string::npos)
        << orphan.output;
    EXPECT_NE(orphan.output.find("status=2"), std::string::npos) << orphan.output;
    auto garbage = run_command("{ printf 'relative\\tabsolute\\n' | " + bulletin_cmd() +
                               " _worker " + quote(pipeline_) + " --input-root " + quote(input_) +
                               " -o " + quote(output_) + " --parent-pid $$; echo status=$?; }");
    EXPECT_NE(garbage.output.find("protocol error: a request of"), std::string::npos)
        << garbage.output;
    EXPECT_NE(garbage.output.find("status=2"), std::string::npos) << garbage.output;
}

// --- Workers die with the batch ---

/// A process's parent pid and state letter from /proc; nullopt once it is gone.
std::optional<std::pair<pid_t, char>> proc_stat(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(in, text)) return std::nullopt;
    auto close = text.rfind(')'); // the command name may hold spaces and parentheses
    if (close == std::string::npos) return std::nullopt;
    std::istringstream rest(text.substr(close + 1));
    char state = '?';
    pid_t ppid = 0;
    rest >> state >> ppid;
    return std::pair{ppid, state};
}

std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> children;
    for (const auto& e : fs::directory_iterator("/proc")) {
        auto name = e.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        pid_t pid = std::stoi(name);
        auto stat = proc_stat(pid);
        if (stat && stat->first == parent) children.push_back(pid);
    }
    return children;
}

bool alive(pid_t pid) {
    auto stat = proc_stat(pid);
    return stat && stat->second != 'Z'; // a zombie is dead, waiting for its new parent to reap it
}

template <class Condition>
bool poll_until(Condition condition, std::chrono::seconds deadline = std::chrono::seconds(30)) {
    auto until = std::chrono::steady_clock::now() + deadline;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

TEST_F(IsolatedBatch, KillingTheBatchKillsItsWorkersHungOrIdle) {
    write_input("a.txt", "TEST\nHang\nHANG\n");
    write_input("b.txt", "TEST\nB\n");
    write_input("c.txt", "TEST\nC\n");
    std::vector<std::string> args = {bulletin::testing::bulletin_binary().string(),
                                     "-q",
                                     "--plugin-dir",
                                     (fs::path(TEST_MODULES_DIR) / "good").string(),
                                     "--plugin-dir",
                                     (fs::path(TEST_MODULES_DIR) / "worker").string(),
                                     "batch",
                                     pipeline_.string(),
                                     "--input",
                                     input_.string(),
                                     "--output",
                                     output_.string(),
                                     "--isolate",
                                     "--jobs",
                                     "2",
                                     "--timeout",
                                     "600"};
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t batch = -1;
    ASSERT_EQ(::posix_spawn(&batch, argv[0], &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);

    // Both workers running: one hung in a.txt, the other idle (blocked reading its stdin) after
    // b.txt and c.txt.
    std::vector<pid_t> workers;
    bool started = poll_until([&] {
        workers = children_of(batch);
        return workers.size() == 2 && titles().size() == 2;
    });
    ::kill(batch, SIGKILL);
    ::waitpid(batch, nullptr, 0);
    ASSERT_TRUE(started) << workers.size() << " workers, " << titles().size() << " outputs";
    bool gone = poll_until([&] {
        return std::none_of(workers.begin(), workers.end(), [](pid_t pid) { return alive(pid); });
    });
    for (pid_t pid : workers)
        if (alive(pid)) ::kill(pid, SIGKILL); // the old code's leftovers; ours are gone already
    EXPECT_TRUE(gone) << "a worker outlived the batch that was killed";
}

} // namespace
