// Logging: one spdlog logger per plugin (named after it) plus "bulletin" for the host, all on
// stderr, as text or JSON lines. Levels per logger come from -v/-q and BULLETIN_LOG
// ("info,cn.bulletin=debug"), so one plugin can be raised without drowning in the rest.
#pragma once

#include <bulletin/plugin.hpp>

#include <spdlog/common.h>

#include <memory>
#include <string>
#include <string_view>

namespace spdlog {
class logger;
}

namespace bulletin::host {

enum class LogFormat { Text, Json };

/// Configures the sinks and default level once, at program start (before any logger exists).
void configure_logging(spdlog::level::level_enum level, LogFormat format);
/// Also logs to `file` in `format`, at least at info level (also with -q), rotating at 10 MiB
/// with 3 old files kept. Call before plugins are created. Throws spdlog::spdlog_ex.
void add_log_file(const std::string& file, LogFormat format);
/// The logger for a plugin (created on first use, shared afterwards).
std::shared_ptr<spdlog::logger> plugin_logger(const std::string& name);
/// The host's own logger.
std::shared_ptr<spdlog::logger> host_logger();

spdlog::level::level_enum to_spdlog(LogLevel level);

/// `text` safe to print on a terminal or in a text log: control characters (C0, DEL, C1) and
/// bytes that are not UTF-8 become \xNN, so a document cannot move the cursor, recolour the
/// screen or forge log lines. Every log sink applies it to messages; use it for text written to
/// stderr or stdout directly.
std::string log_safe(std::string_view text);

} // namespace bulletin::host
