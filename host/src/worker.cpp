#include "worker.hpp"

#include "claims.hpp"
#include "journal.hpp"

#include "pipeline.hpp"
#include "worker_protocol.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <iostream>
#include <sstream>

extern char** environ;

namespace bulletin::host {

namespace fs = std::filesystem;

namespace {

std::string format_seconds(double s) {
    std::ostringstream out;
    out << s;
    return out.str();
}

bool write_fully(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

} // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
    if (this != &other) {
        reset();
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

void Fd::reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

SpawnThread::SpawnThread() : thread_([this] { loop(); }) {}

SpawnThread::~SpawnThread() {
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

void SpawnThread::run(const std::function<void()>& job) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return job_ == nullptr; });
    job_ = &job;
    changed_.notify_all();
    changed_.wait(lock, [&] { return job_ != &job; });
}

void SpawnThread::loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        changed_.wait(lock, [&] { return job_ != nullptr || quit_; });
        if (job_ == nullptr) return;
        (*job_)();
        job_ = nullptr;
        changed_.notify_all();
    }
}

Result Isolated::process(const Item& item) {
    auto started = Clock::now();
    Result r;
    const std::string name = item.absolute.string();
    protocol::Request request{++last_id_, item.relative, name};
    auto frame = protocol::frame(protocol::encode_request(request), protocol::kMaxRequestBytes);
    if (!frame) {
        r.error = name + ": the path is too long to hand to a worker process (more than " +
                  std::to_string(protocol::kMaxRequestBytes) + " bytes)";
        return r;
    }
    if (pid_ < 0 && !start(r.error)) return r;
    if (!write_fully(to_child_.get(), *frame)) {
        r.error = name + ": " + end_worker(std::chrono::seconds(2), "before it read the document");
        return r;
    }
    std::string payload, problem;
    auto deadline = started + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(timeout_));
    auto status = read_frame(deadline, payload, problem);
    r.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (status == ReadStatus::TimedOut) {
        end_worker({}, "");
        r.error = name + ": timed out after " + format_seconds(timeout_) +
                  " s (the worker was killed; raise --timeout if the document is just large)";
        return r;
    }
    if (status == ReadStatus::Closed) {
        r.error = name + ": the worker process " +
                  end_worker(std::chrono::seconds(2), "while converting it") +
                  " (a plugin crashed; run `bulletin run` on this file to see where)";
        return r;
    }
    std::optional<protocol::Reply> reply;
    if (status == ReadStatus::Frame && !(reply = protocol::decode_reply(payload, problem)))
        problem = "a malformed reply: " + problem;
    else if (reply && reply->id != request.id)
        problem = "a reply to request " + std::to_string(reply->id) + " while request " +
                  std::to_string(request.id) + " was in flight";
    else if (reply && !buffer_.empty())
        problem = std::to_string(buffer_.size()) + " bytes after the reply";
    if (!problem.empty()) {
        end_worker({}, "");
        r.error = name + ": the worker process broke the protocol (" + problem +
                  "); it was killed and a new one takes the next document";
        return r;
    }
    r.ok = reply->ok;
    r.error = std::move(reply->error);
    r.sha256 = std::move(reply->sha256);
    r.outputs = std::move(reply->outputs);
    for (auto& [stage, record] : reply->records)
        r.records.push_back({std::move(stage), std::move(record)});
    return r;
}

bool Isolated::start(std::string& error) {
    int to_child[2], from_child[2];
    if (::pipe2(to_child, O_CLOEXEC) != 0) {
        error = std::string("cannot create a pipe: ") + std::strerror(errno);
        return false;
    }
    Fd child_in(to_child[0]), parent_out(to_child[1]);
    if (::pipe2(from_child, O_CLOEXEC) != 0) {
        error = std::string("cannot create a pipe: ") + std::strerror(errno);
        return false;
    }
    Fd parent_in(from_child[0]), child_out(from_child[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, child_in.get(), 0);
    posix_spawn_file_actions_adddup2(&actions, child_out.get(), 1);
    // A process group of its own, which end_worker() kills: that takes anything a plugin
    // started along with the worker.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    std::vector<char*> argv;
    for (auto& a : argv_)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    int rc = 0;
    // The worker asks for SIGKILL when its parent dies (PR_SET_PDEATHSIG, run_worker), and
    // Linux takes the parent to be the *thread* that spawned it. Batch threads return as soon as
    // the queue is empty, while other documents, and this worker's orderly end (stop(): its
    // exporters finish), are still to come; so the spawn runs on spawner_, a thread that lives
    // until this object has reaped its last worker.
    spawner_.run(
        [&] { rc = ::posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), environ); });
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        error = "cannot start worker " + argv_[0] + ": " + std::strerror(rc);
        return false;
    }
    pid_ = pid;
    to_child_ = std::move(parent_out);
    from_child_ = std::move(parent_in);
    buffer_.clear();
    return true;
}

Isolated::ReadStatus Isolated::read_frame(Clock::time_point deadline, std::string& payload,
                                          std::string& problem) {
    for (;;) {
        auto split = protocol::split_frame(buffer_, protocol::kMaxReplyBytes);
        if (split.status == protocol::Split::Frame) {
            payload.assign(split.payload);
            buffer_.erase(0, split.consumed);
            return ReadStatus::Frame;
        }
        if (split.status == protocol::Split::TooLarge) {
            problem = "a reply of " + std::to_string(split.declared) +
                      " bytes, more than the limit of " + std::to_string(protocol::kMaxReplyBytes);
            return ReadStatus::Broken;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return ReadStatus::TimedOut;
        pollfd pfd{from_child_.get(), POLLIN, 0};
        int rc = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (rc < 0 && errno != EINTR) return ReadStatus::Closed;
        if (rc <= 0) continue;
        char chunk[65536];
        ssize_t n = ::read(from_child_.get(), chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return ReadStatus::Closed;
        buffer_.append(chunk, static_cast<std::size_t>(n));
    }
}

/// True once the worker has exited (it stays a zombie: its pid keeps naming its group).
bool Isolated::wait_for_exit(Clock::duration patience) const {
    auto until = Clock::now() + patience;
    for (;;) {
        siginfo_t info{};
        if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0)
            return true; // not our child any more: nothing to wait for
        if (info.si_pid == pid_) return true;
        if (Clock::now() >= until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

/// Ends the worker: waits up to `grace` for it to exit by itself (so the message names its own
/// exit status), kills it and its process group, reaps it, and says how it ended.
std::string Isolated::end_worker(Clock::duration grace, const std::string& when) {
    if (pid_ <= 0) return "ended";
    wait_for_exit(grace);
    ::kill(-pid_, SIGKILL); // before the reap, while the pid still names the group
    ::kill(pid_, SIGKILL);  // in case a plugin moved the worker to another group
    int status = 0;
    std::string how = "ended";
    if (::waitpid(pid_, &status, 0) == pid_) {
        if (WIFSIGNALED(status))
            how = "was killed by " + describe_signal(WTERMSIG(status));
        else if (WIFEXITED(status))
            how = "exited with code " + std::to_string(WEXITSTATUS(status));
    }
    to_child_.reset();
    from_child_.reset();
    pid_ = -1;
    return when.empty() ? how : how + " " + when;
}

void Isolated::stop() {
    if (pid_ < 0) return;
    to_child_.reset(); // end of input: the worker lets its exporters finish and exits
    end_worker(std::chrono::seconds(10), "");
}

std::vector<std::string> worker_argv(const BatchOptions& options) {
    std::error_code ec;
    std::vector<std::string> argv{fs::read_symlink("/proc/self/exe", ec).string()};
    argv.insert(argv.end(), options.worker_log_args.begin(), options.worker_log_args.end());
    for (const auto& dir : options.plugin_dirs) {
        argv.push_back("--plugin-dir");
        argv.push_back(dir);
    }
    argv.insert(argv.end(), {"_worker", options.pipeline_file.string(), "--input-root",
                             options.input_root.string(), "-o", options.output_root.string(),
                             "--max-input-size", std::to_string(options.max_input_bytes),
                             "--parent-pid", std::to_string(::getpid())});
    if (!options.state_file.empty()) // output claims go through the batch's state (claims.hpp)
        argv.insert(argv.end(), {"--state", options.state_file.string()});
    if (auto shard = shard_suffix(options.shard); !shard.empty())
        argv.insert(argv.end(), {"--shard-suffix", shard});
    for (const auto& set : options.sets) {
        argv.push_back("--set");
        argv.push_back(set);
    }
    return argv;
}

namespace {

/// Reads whole frames from a blocking descriptor.
class FrameReader {
public:
    enum Status { Frame, End, Broken };
    explicit FrameReader(int fd) : fd_(fd) {}

    Status next(std::string& payload, std::string& problem) {
        for (;;) {
            auto split = protocol::split_frame(buffer_, protocol::kMaxRequestBytes);
            if (split.status == protocol::Split::Frame) {
                payload.assign(split.payload);
                buffer_.erase(0, split.consumed);
                return Frame;
            }
            if (split.status == protocol::Split::TooLarge) {
                problem = "a request of " + std::to_string(split.declared) +
                          " bytes, more than the limit of " +
                          std::to_string(protocol::kMaxRequestBytes);
                return Broken;
            }
            char chunk[65536];
            ssize_t n = ::read(fd_, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                problem = std::string("cannot read requests: ") + std::strerror(errno);
                return Broken;
            }
            if (n == 0) {
                if (buffer_.empty()) return End;
                problem = "the input ended inside a request";
                return Broken;
            }
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }

private:
    int fd_;
    std::string buffer_;
};

/// Why the worker will not open `request` (empty: it will). Defence in depth: the batch only
/// sends inputs it found under the input root, and the worker opens nothing else.
std::string refusal(const protocol::Request& request, const fs::path& input_root) {
    fs::path relative(request.relative);
    if (relative.empty() || relative.is_absolute())
        return "the relative path '" + request.relative + "' is empty or absolute";
    for (const auto& part : relative)
        if (part.empty() || part == "." || part == "..")
            return "the relative path '" + request.relative + "' has a '" + part.string() +
                   "' component";
    if ((input_root / relative).string() != request.absolute)
        return "it is not the input root " + input_root.string() + " joined with '" +
               request.relative + "'";
    return "";
}

protocol::Reply convert(PipelineRunner& runner, const protocol::Request& request,
                        const fs::path& input_root) {
    protocol::Reply reply;
    reply.id = request.id;
    if (auto why = refusal(request, input_root); !why.empty()) {
        reply.error = request.absolute + ": refused by the worker: " + why;
        return reply;
    }
    auto relative_dir = fs::path(request.relative).parent_path();
    auto outcome = runner.process(request.absolute, relative_dir.empty() ? "." : relative_dir);
    reply.ok = outcome.ok;
    reply.error = std::move(outcome.error);
    reply.sha256 = std::move(outcome.document.source.sha256);
    for (const auto& o : outcome.outputs)
        reply.outputs.push_back(o.string());
    for (auto& r : outcome.records)
        reply.records.emplace_back(std::move(r.stage), std::move(r.record));
    auto size = protocol::encode_reply(reply).size();
    if (size > protocol::kMaxReplyBytes || reply.outputs.size() > protocol::kMaxOutputs ||
        reply.records.size() > protocol::kMaxOutputs) {
        reply.ok = false;
        reply.error = request.absolute + ": the worker's reply (" + std::to_string(size) +
                      " bytes, " + std::to_string(reply.outputs.size()) +
                      " outputs) is over the protocol's limits (" +
                      std::to_string(protocol::kMaxReplyBytes) + " bytes, " +
                      std::to_string(protocol::kMaxOutputs) +
                      " outputs or records): a plugin's message, outputs or records are far too "
                      "many or too long";
        reply.outputs.clear();
        reply.records.clear();
    }
    return reply;
}

} // namespace

int run_worker(const Registry& registry, const WorkerOptions& options) {
    // Die with the batch, even while a plugin hangs: PR_SET_PDEATHSIG covers a parent that dies
    // from now on, the getppid() check one that died before (we were reparented).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != options.parent_pid) {
        std::cerr << "bulletin _worker: the batch (pid " << options.parent_pid
                  << ") that started this worker is gone\n";
        return kExitConfigError;
    }
    // The parent decides when to stop (it closes our stdin); a Ctrl-C on the terminal must not
    // kill the document in hand. In a process group of our own we are in the background: with
    // `stty tostop` a write to the terminal (a log line) would stop us.
    std::signal(SIGINT, SIG_IGN);
    std::signal(SIGTERM, SIG_IGN);
    std::signal(SIGTTOU, SIG_IGN);
    // Keep the protocol channel for ourselves: anything a plugin prints goes to stderr, a plugin
    // that reads stdin reads nothing, and processes a plugin starts do not inherit the channel.
    Fd requests(::fcntl(0, F_DUPFD_CLOEXEC, 3));
    Fd replies(::fcntl(1, F_DUPFD_CLOEXEC, 3));
    Fd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (requests.get() < 0 || replies.get() < 0 || null.get() < 0 || ::dup2(null.get(), 0) < 0 ||
        ::dup2(2, 1) < 0) {
        std::cerr << "bulletin _worker: cannot set up the protocol channel: "
                  << std::strerror(errno) << "\n";
        return kExitConfigError;
    }

    std::vector<Override> overrides;
    for (const auto& set : options.sets)
        if (auto o = parse_override(set)) overrides.push_back(*o);
    auto load = load_pipeline(options.pipeline_file, registry, overrides);
    if (!load.ok()) {
        for (const auto& e : load.errors)
            std::cerr << e.str() << "\n";
        return kExitConfigError;
    }
    RunOptions run;
    run.output_root = options.output_root;
    run.max_input_bytes = options.max_input_bytes;
    run.shard = options.shard;
    if (!options.state_file.empty())
        run.claims = std::make_shared<WorkerClaims>(
            options.state_file, StateKeys(options.input_root, options.output_root));
    PipelineRunner runner(*load.pipeline, registry, run);
    FrameReader reader(requests.get());
    std::string payload, problem;
    for (;;) {
        auto status = reader.next(payload, problem);
        if (status == FrameReader::End) break;
        std::optional<protocol::Request> request;
        if (status == FrameReader::Frame && !(request = protocol::decode_request(payload, problem)))
            problem = "a malformed request: " + problem;
        if (!request) {
            std::cerr << "bulletin _worker: protocol error: " << problem << "\n";
            return kExitConfigError;
        }
        auto frame =
            protocol::frame(protocol::encode_reply(convert(runner, *request, options.input_root)),
                            protocol::kMaxReplyBytes);
        if (!frame || !write_fully(replies.get(), *frame)) return kExitSomeFailed;
    }
    return kExitOk;
}

} // namespace bulletin::host
