// The plugin scanner, after GStreamer's gst-plugin-scanner: module files are loaded and described
// in a `bulletin _scan-modules` child process, so a module whose code crashes or hangs as it is
// loaded (static constructors run inside dlopen) costs that module, not the command. The
// descriptions come back as frames (worker_protocol.hpp framing, module_description.hpp
// payloads) and the registry caches them (registry.hpp).
#pragma once

#include "child_process.hpp"
#include "module_description.hpp"

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bulletin::host {

/// Seconds the scanner may take over one module before it is killed (BULLETIN_SCAN_TIMEOUT).
inline constexpr double kDefaultScanTimeoutSeconds = 10;

namespace scan_protocol {
/// Host to scanner: describe the module file at `path`.
std::string encode_request(std::uint64_t id, std::string_view path);
bool decode_request(std::string_view payload, std::uint64_t& id, std::string& path,
                    std::string& error);
/// Scanner to host: the result for request `id`.
std::string encode_reply(std::uint64_t id, const ScanResult& result);
bool decode_reply(std::string_view payload, std::uint64_t& id, ScanResult& result,
                  std::string& error);
inline constexpr std::size_t kMaxRequestBytes = 16 * 1024;
} // namespace scan_protocol

/// The host's side: one scanner process, restarted after a module crashed or hung it.
class Scanner {
public:
    Scanner(std::vector<std::string> argv, double timeout_seconds)
        : child_(std::move(argv)), timeout_(timeout_seconds) {}

    struct Outcome {
        ScanResult result;
        /// False when the result says more about this moment than about the file (a crash, a
        /// time-out, a scanner that would not start): it is not cached.
        bool cacheable = false;
    };
    /// Describes the module file at `path` (resolved and trusted).
    Outcome scan(const std::filesystem::path& path);

private:
    FramedChild child_;
    double timeout_;
    std::uint64_t last_id_ = 0;
};

/// The command line of a scanner started from this process.
std::vector<std::string> scanner_argv();

/// The hidden `bulletin _scan-modules` loop: reads request frames on stdin, loads each module
/// and answers its description (or why it cannot be used) on stdout.
int run_scanner(pid_t parent_pid);

} // namespace bulletin::host
