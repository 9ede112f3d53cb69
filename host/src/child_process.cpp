#include "child_process.hpp"

#include "journal.hpp"
#include "worker_protocol.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

extern char** environ;

namespace bulletin::host {

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

bool FramedChild::start(std::string& error) {
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
    // A process group of its own, which end() kills: that takes anything a plugin
    // started along with the child.
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
    // The child asks for SIGKILL when its parent dies (PR_SET_PDEATHSIG, take_channel), and
    // Linux takes the parent to be the *thread* that spawned it. Batch threads return as soon as
    // the queue is empty, while other documents, and a worker's orderly end (Isolated::stop():
    // its exporters finish), are still to come; so the spawn runs on spawner_, a thread that
    // lives until this object has reaped its last child.
    spawner_.run(
        [&] { rc = ::posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), environ); });
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        error = "cannot start " + argv_[0] + ": " + std::strerror(rc);
        return false;
    }
    pid_ = pid;
    to_child_ = std::move(parent_out);
    from_child_ = std::move(parent_in);
    buffer_.clear();
    return true;
}

FramedChild::ReadStatus FramedChild::read_frame(Clock::time_point deadline, std::size_t max_payload,
                                                std::string& payload, std::string& problem) {
    for (;;) {
        auto split = protocol::split_frame(buffer_, max_payload);
        if (split.status == protocol::Split::Frame) {
            payload.assign(split.payload);
            buffer_.erase(0, split.consumed);
            return ReadStatus::Frame;
        }
        if (split.status == protocol::Split::TooLarge) {
            problem = "a reply of " + std::to_string(split.declared) +
                      " bytes, more than the limit of " + std::to_string(max_payload);
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
bool FramedChild::wait_for_exit(Clock::duration patience) const {
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

std::string FramedChild::end(Clock::duration grace, const std::string& when) {
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

bool FramedChild::send(std::string_view frame) {
    return write_fully(to_child_.get(), frame);
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

FrameReader::Status FrameReader::next(std::string& payload, std::string& problem) {
    for (;;) {
        auto split = protocol::split_frame(buffer_, max_payload_);
        if (split.status == protocol::Split::Frame) {
            payload.assign(split.payload);
            buffer_.erase(0, split.consumed);
            return Frame;
        }
        if (split.status == protocol::Split::TooLarge) {
            problem = "a request of " + std::to_string(split.declared) +
                      " bytes, more than the limit of " + std::to_string(max_payload_);
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

std::string take_channel(pid_t parent_pid, const std::string& parent_name, Fd& requests,
                         Fd& replies) {
    // Die with the parent, even while a plugin hangs: PR_SET_PDEATHSIG covers a parent that dies
    // from now on, the getppid() check one that died before (we were reparented).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent_pid)
        return parent_name + " (pid " + std::to_string(parent_pid) +
               ") that started this process is gone";
    // The parent decides when to stop (it closes our stdin); a Ctrl-C on the terminal must not
    // kill the work in hand. In a process group of our own we are in the background: with
    // `stty tostop` a write to the terminal (a log line) would stop us.
    std::signal(SIGINT, SIG_IGN);
    std::signal(SIGTERM, SIG_IGN);
    std::signal(SIGTTOU, SIG_IGN);
    // Keep the protocol channel for ourselves: anything a plugin prints goes to stderr, a plugin
    // that reads stdin reads nothing, and processes a plugin starts do not inherit the channel.
    requests = Fd(::fcntl(0, F_DUPFD_CLOEXEC, 3));
    replies = Fd(::fcntl(1, F_DUPFD_CLOEXEC, 3));
    Fd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (requests.get() < 0 || replies.get() < 0 || null.get() < 0 || ::dup2(null.get(), 0) < 0 ||
        ::dup2(2, 1) < 0)
        return std::string("cannot set up the protocol channel: ") + std::strerror(errno);
    return {};
}

} // namespace bulletin::host
