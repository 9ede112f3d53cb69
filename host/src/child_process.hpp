// A child process that speaks length-prefixed frames (worker_protocol.hpp) over a pipe pair:
// the `bulletin _worker` processes of `batch --isolate` and the plugin scanner (scanner.hpp).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace bulletin::host {

/// An owned file descriptor.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    void reset();

private:
    int fd_ = -1;
};

/// Runs jobs on a thread of its own that lives as long as this object.
class SpawnThread {
public:
    SpawnThread();
    ~SpawnThread();
    SpawnThread(const SpawnThread&) = delete;
    SpawnThread& operator=(const SpawnThread&) = delete;
    /// Runs `job` on the thread and waits for it to finish.
    void run(const std::function<void()>& job);

private:
    void loop();

    std::mutex mutex_;
    std::condition_variable changed_;
    const std::function<void()>* job_ = nullptr;
    bool quit_ = false;
    std::thread thread_; // last: starts once the members above exist
};

/// One child at a time, started on demand, in a process group of its own; stdin and stdout
/// are the channel, stderr is shared with the parent.
class FramedChild {
public:
    using Clock = std::chrono::steady_clock;
    enum class ReadStatus { Frame, Closed, TimedOut, Broken };

    explicit FramedChild(std::vector<std::string> argv) : argv_(std::move(argv)) {}
    ~FramedChild() { end({}, ""); }
    FramedChild(const FramedChild&) = delete;
    FramedChild& operator=(const FramedChild&) = delete;

    bool running() const { return pid_ >= 0; }
    const std::string& program() const { return argv_.front(); }
    bool start(std::string& error);
    /// Writes a whole frame; false when the child is gone.
    bool send(std::string_view frame);
    /// Waits until `deadline` for a whole frame of at most `max_payload` bytes.
    ReadStatus read_frame(Clock::time_point deadline, std::size_t max_payload, std::string& payload,
                          std::string& problem);
    /// Bytes received after the last frame read.
    std::size_t buffered() const { return buffer_.size(); }
    /// End of input: a child that reads its requests to the end finishes and exits.
    void close_input() { to_child_.reset(); }
    /// Ends the child: waits up to `grace` for it to exit by itself (so the message names its
    /// own exit status), kills it and its process group, reaps it, and says how it ended
    /// ("was killed by SIGABRT ...", then `when`).
    std::string end(Clock::duration grace, const std::string& when);

private:
    bool wait_for_exit(Clock::duration patience) const;

    std::vector<std::string> argv_;
    // Children are spawned from here rather than from the calling thread: see start().
    SpawnThread spawner_;
    pid_t pid_ = -1;
    Fd to_child_;
    Fd from_child_;
    std::string buffer_;
};

/// Writes all of `data` to `fd`; false on an error other than EINTR.
bool write_fully(int fd, std::string_view data);

/// In the child: reads whole frames from the blocking request descriptor.
class FrameReader {
public:
    enum Status { Frame, End, Broken };
    FrameReader(int fd, std::size_t max_payload) : fd_(fd), max_payload_(max_payload) {}
    Status next(std::string& payload, std::string& problem);

private:
    int fd_;
    std::size_t max_payload_;
    std::string buffer_;
};

/// In the child, first thing: dies with the parent (PR_SET_PDEATHSIG, and a check that
/// `parent_pid`, "`parent_name`", is still the parent), ignores the terminal's signals, and
/// takes stdin and stdout for the protocol, leaving stdin on /dev/null and stdout on stderr so
/// that a plugin's reads and prints cannot disturb the channel. Returns a problem, or "".
std::string take_channel(pid_t parent_pid, const std::string& parent_name, Fd& requests,
                         Fd& replies);

} // namespace bulletin::host
