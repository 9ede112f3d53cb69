#include "logging.hpp"

#include <spdlog/cfg/helpers.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

namespace bulletin::host {

namespace {
// JSON lines: one object per record, message escaped by a small formatter flag.
class JsonEscapeFlag final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        for (char c : msg.payload) {
            switch (c) {
            case '"':
                dest.append(std::string_view("\\\""));
                break;
            case '\\':
                dest.append(std::string_view("\\\\"));
                break;
            case '\n':
                dest.append(std::string_view("\\n"));
                break;
            case '\t':
                dest.append(std::string_view("\\t"));
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    dest.append(std::string_view(buf));
                } else {
                    dest.push_back(c);
                }
            }
        }
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<JsonEscapeFlag>();
    }
};
} // namespace

void configure_logging(spdlog::level::level_enum level, LogFormat format) {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    if (format == LogFormat::Json) {
        formatter->add_flag<JsonEscapeFlag>('*').set_pattern(
            R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","logger":"%n","message":"%*"})");
    } else {
        formatter->set_pattern("[%l] %n: %v");
    }
    spdlog::drop_all();
    auto host = std::make_shared<spdlog::logger>("bulletin", sink);
    spdlog::set_default_logger(host);
    // Registered as the registry's formatter: initialize_logger() gives it to every plugin logger.
    spdlog::set_formatter(std::move(formatter));
    spdlog::set_level(level);
    // BULLETIN_LOG="warn,cn.bulletin=debug" adjusts levels per logger.
    if (const char* env = std::getenv("BULLETIN_LOG")) spdlog::cfg::helpers::load_levels(env);
}

void add_log_file(const std::string& file) {
    auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(file, 10 * 1024 * 1024, 3);
    sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %n: %v");
    spdlog::apply_all(
        [&](const std::shared_ptr<spdlog::logger>& logger) { logger->sinks().push_back(sink); });
}

std::shared_ptr<spdlog::logger> host_logger() {
    return spdlog::default_logger();
}

std::shared_ptr<spdlog::logger> plugin_logger(const std::string& name) {
    if (auto existing = spdlog::get(name)) return existing;
    auto logger = host_logger()->clone(name);
    spdlog::initialize_logger(logger); // applies BULLETIN_LOG levels configured for this name
    return logger;
}

spdlog::level::level_enum to_spdlog(LogLevel level) {
    switch (level) {
    case LogLevel::Trace:
        return spdlog::level::trace;
    case LogLevel::Debug:
        return spdlog::level::debug;
    case LogLevel::Info:
        return spdlog::level::info;
    case LogLevel::Warn:
        return spdlog::level::warn;
    case LogLevel::Error:
        return spdlog::level::err;
    }
    return spdlog::level::info;
}

} // namespace bulletin::host
