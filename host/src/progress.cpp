#include "progress.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <sstream>
#include <string>

namespace bulletin::host {

Progress::Progress(std::size_t total, std::shared_ptr<spdlog::logger> log, bool bar)
    : total_(total), log_(std::move(log)), bar_(bar), start_(Clock::now()) {}

void Progress::update(std::size_t converted, std::size_t skipped, std::size_t failed) {
    std::size_t done = converted + skipped + failed;
    std::size_t step = std::max<std::size_t>(1, total_ / 20);
    if (!bar_ && done != total_ && done - last_printed_ < step) return; // before any work
    if (!bar_ && !log_->should_log(spdlog::level::info)) return;
    double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    double rate = seconds > 0 ? static_cast<double>(converted + failed) / seconds : 0;
    std::ostringstream line;
    line.precision(1);
    line << std::fixed;
    if (bar_) {
        constexpr int width = 30;
        int filled = total_ ? static_cast<int>(width * done / total_) : width;
        line << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
             << std::string(static_cast<std::size_t>(width - filled), '.') << "] " << done << "/"
             << total_ << "  converted " << converted << "  skipped " << skipped << "  failed "
             << failed << "  " << rate << " docs/s ";
        std::cerr << line.str() << (done == total_ ? "\n" : "") << std::flush;
        return;
    }
    last_printed_ = done;
    line << "progress: " << done << "/" << total_ << " converted " << converted << " skipped "
         << skipped << " failed " << failed << " (" << rate << " docs/s)";
    log_->info("{}", line.str());
}

} // namespace bulletin::host
