// Progress of a batch on stderr: a bar on a terminal, a line every few percent otherwise.
#pragma once

#include <chrono>
#include <cstddef>

namespace bulletin::host {

class Progress {
public:
    explicit Progress(std::size_t total);
    void update(std::size_t converted, std::size_t skipped, std::size_t failed);

private:
    using Clock = std::chrono::steady_clock;
    std::size_t total_;
    bool tty_;
    Clock::time_point start_;
    std::size_t last_printed_ = 0;
};

} // namespace bulletin::host
