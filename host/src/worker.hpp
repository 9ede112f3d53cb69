// Isolation (`batch --isolate`): documents converted in `bulletin _worker` child processes, so a
// plugin that crashes or hangs costs one document, not the batch. The framing of requests and
// replies is in worker_protocol.hpp.
#pragma once

#include "batch.hpp"
#include "child_process.hpp"
#include "processor.hpp"
#include "registry.hpp"

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace bulletin::host {

/// Runs documents in a `bulletin _worker` child process, one at a time. The child is restarted
/// after a crash, a time-out or a protocol error.
class Isolated final : public Processor {
public:
    Isolated(std::vector<std::string> argv, double timeout_seconds)
        : child_(std::move(argv)), timeout_(timeout_seconds) {}
    ~Isolated() override { stop(); }
    Isolated(const Isolated&) = delete;
    Isolated& operator=(const Isolated&) = delete;

    Result process(const Item& item) override;

private:
    using Clock = FramedChild::Clock;
    void stop();

    FramedChild child_;
    double timeout_;
    std::uint64_t last_id_ = 0;
};

/// The command line that starts a worker for this batch (from this process).
std::vector<std::string> worker_argv(const BatchOptions& options);

struct WorkerOptions {
    std::filesystem::path pipeline_file;
    std::vector<std::string> sets; ///< STAGE.PARAM=VALUE overrides
    std::filesystem::path input_root;
    std::filesystem::path output_root;
    std::uintmax_t max_input_bytes = 512ull * 1024 * 1024;
    pid_t parent_pid = 0; ///< the batch: the worker exits when it is gone
    /// The batch's state, through which output claims are shared (claims.hpp); empty: none.
    std::filesystem::path state_file;
    std::string shard; ///< what {shard} expands to ("" or "-K-of-N")
};

/// The hidden `bulletin _worker` loop used by --isolate: reads request frames on stdin, converts
/// each input, and answers one reply frame per request on stdout.
int run_worker(const Registry& registry, const WorkerOptions& options);

} // namespace bulletin::host
