#include "logging.hpp"

#include <spdlog/cfg/helpers.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace bulletin::host {

namespace {

/// `prefix` then `value` (< 256) as two hex digits.
template <class Out> void append_hex_escape(Out& out, std::string_view prefix, unsigned value) {
    static constexpr char hex[] = "0123456789abcdef";
    out.append(prefix);
    out.push_back(hex[(value >> 4) & 0xF]);
    out.push_back(hex[value & 0xF]);
}

} // namespace

/// Appends `text` so that nothing in it acts on a terminal or breaks a log line: C0 and C1
/// controls and DEL become \xNN (text) or \u00NN (JSON), bytes that are not UTF-8 become
/// \xNN; in JSON, quotes and backslashes are escaped too.
template <class Out> void append_log_safe(Out& out, std::string_view text, LogFormat format) {
    const bool json = format == LogFormat::Json;
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
    const auto size = static_cast<std::int32_t>(std::min<std::size_t>(text.size(), INT32_MAX));
    for (std::int32_t i = 0; i < size;) {
        std::int32_t start = i;
        UChar32 c = 0;
        U8_NEXT(bytes, i, size, c);
        if (c < 0) { // not UTF-8: each byte shown as its value, never passed through raw
            for (std::int32_t j = start; j < i; ++j)
                append_hex_escape(out, json ? "\\\\x" : "\\x", bytes[j]);
            continue;
        }
        // C1 controls (U+0080..U+009F) are terminal commands too (U+009B is CSI).
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
            if (json && c == '\n')
                out.append(std::string_view("\\n"));
            else if (json && c == '\t')
                out.append(std::string_view("\\t"));
            else
                append_hex_escape(out, json ? "\\u00" : "\\x", static_cast<unsigned>(c));
            continue;
        }
        if (json && (c == '"' || c == '\\')) out.push_back('\\');
        out.append(
            text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    }
}

std::string log_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    append_log_safe(out, text, LogFormat::Text);
    return out;
}

namespace {

/// The message of a record, escaped for the sink's format (the `%*` flag of the patterns).
class SafeMessageFlag final : public spdlog::custom_flag_formatter {
public:
    explicit SafeMessageFlag(LogFormat format) : format_(format) {}
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        append_log_safe(dest, std::string_view(msg.payload.data(), msg.payload.size()), format_);
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<SafeMessageFlag>(format_);
    }

private:
    LogFormat format_;
};

} // namespace

namespace {

constexpr const char* kJsonPattern =
    R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","logger":"%n","message":"%*"})";

std::unique_ptr<spdlog::formatter> make_formatter(LogFormat format, const char* text_pattern) {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<SafeMessageFlag>('*', format)
        .set_pattern(format == LogFormat::Json ? kJsonPattern : text_pattern);
    return formatter;
}

/// A rotating log file that keeps its own format: spdlog gives every sink of a new logger the
/// registry's (stderr) formatter, which would turn the file's lines into stderr's.
class LogFileSink final : public spdlog::sinks::sink {
public:
    LogFileSink(const std::string& file, LogFormat format)
        : file_(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(file, 10 * 1024 * 1024, 3)) {
        file_->set_formatter(make_formatter(format, "%Y-%m-%dT%H:%M:%S.%e%z %l %n: %*"));
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
    spdlog::set_formatter(make_formatter(format, "[%l] %n: %*"));
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
