// Isolation (`batch --isolate`): documents converted in `bulletin _worker` child processes, so a
// plugin that crashes or hangs costs one document, not the batch.
#pragma once

#include "batch.hpp"
#include "processor.hpp"

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace bulletin::host {

/// Runs documents in a `bulletin _worker` child process, one at a time. The child is restarted
/// after a crash or time-out.
class Isolated final : public Processor {
public:
    Isolated(std::vector<std::string> argv, double timeout_seconds)
        : argv_(std::move(argv)), timeout_(timeout_seconds) {}
    ~Isolated() override { stop(); }
    Isolated(const Isolated&) = delete;
    Isolated& operator=(const Isolated&) = delete;

    Result process(const Item& item) override;

private:
    enum class ReadStatus { Line, Closed, TimedOut };
    using Clock = std::chrono::steady_clock;

    bool start(std::string& error);
    bool write_all(std::string_view data);
    ReadStatus read_line(Clock::time_point deadline, std::string& line);
    std::string reap(const std::string& when);
    void close_pipes();
    void stop();

    std::vector<std::string> argv_;
    double timeout_;
    pid_t pid_ = -1;
    int to_child_ = -1;
    int from_child_ = -1;
    std::string buffer_;
};

/// The command line that starts a worker for this batch.
std::vector<std::string> worker_argv(const BatchOptions& options);

} // namespace bulletin::host
