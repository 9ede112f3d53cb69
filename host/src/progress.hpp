// Progress of a batch: a bar on a terminal, otherwise a log line (through the host logger, so
// -q silences it and --log-format json formats it) every few percent.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

namespace spdlog {
class logger;
}

namespace bulletin::host {

class Progress {
public:
    /// `bar`: draw a bar on stderr (a terminal, text logs, not -q) instead of log lines.
    Progress(std::size_t total, std::shared_ptr<spdlog::logger> log, bool bar);
    void update(std::size_t converted, std::size_t skipped, std::size_t failed);

private:
    using Clock = std::chrono::steady_clock;
    std::size_t total_;
    std::shared_ptr<spdlog::logger> log_;
    bool bar_;
    Clock::time_point start_;
    std::size_t last_printed_ = 0;
};

} // namespace bulletin::host
