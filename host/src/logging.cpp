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

namespace {

constexpr const char* kJsonPattern =
    R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","logger":"%n","message":"%*"})";

std::unique_ptr<spdlog::formatter> make_formatter(LogFormat format, const char* text_pattern) {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    if (format == LogFormat::Json)
        formatter->add_flag<JsonEscapeFlag>('*').set_pattern(kJsonPattern);
    else
        formatter->set_pattern(text_pattern);
    return formatter;
}

/// A rotating log file that keeps its own format: spdlog gives every sink of a new logger the
/// registry's (stderr) formatter, which would turn the file's lines into stderr's.
class LogFileSink final : public spdlog::sinks::sink {
public:
    LogFileSink(const std::string& file, LogFormat format)
        : file_(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(file, 10 * 1024 * 1024, 3)) {
        file_->set_formatter(make_formatter(format, "%Y-%m-%dT%H:%M:%S.%e%z %l %n: %v"));
    }
    void log(const spdlog::details::log_msg& msg) override { file_->log(msg); }
    void flush() override { file_->flush(); }
    void set_pattern(const std::string&) override {}
    void set_formatter(std::unique_ptr<spdlog::formatter>) override {}

private:
    std::shared_ptr<spdlog::sinks::rotating_file_sink_mt> file_;
};

void load_env_levels() {
    // BULLETIN_LOG="warn,cn.bulletin=debug" adjusts levels per logger.
    if (const char* env = std::getenv("BULLETIN_LOG")) spdlog::cfg::helpers::load_levels(env);
}

} // namespace

void configure_logging(spdlog::level::level_enum level, LogFormat format) {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    // -q silences stderr below errors even when a log file wants more (add_log_file); otherwise
    // the loggers' levels decide, so BULLETIN_LOG can raise one of them.
    sink->set_level(level >= spdlog::level::err ? level : spdlog::level::trace);
    spdlog::drop_all();
    auto host = std::make_shared<spdlog::logger>("bulletin", sink);
    spdlog::set_default_logger(host);
    // Registered as the registry's formatter: initialize_logger() gives it to every plugin logger.
    spdlog::set_formatter(make_formatter(format, "[%l] %n: %v"));
    spdlog::set_level(level);
    load_env_levels();
}

void add_log_file(const std::string& file, LogFormat format) {
    auto sink = std::make_shared<LogFileSink>(file, format);
    // The file gets at least info (the summary, progress, warnings), even with -q.
    if (spdlog::get_level() > spdlog::level::info) {
        spdlog::set_level(spdlog::level::info);
        load_env_levels();
    }
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
