// bulletin/plugin.hpp - the four plugin interfaces and the per-run context.
//
//   Reader     bytes -> pages of lines          (accepts() sniffs, read() fills Document::pages)
//   Segmenter  lines -> masthead, articles, distribution
//   Tagger     adds Document::entities
//   Exporter   Document -> file or database
//
// Threading: the host calls one plugin instance from one thread at a time unless the plugin
// declares kThreadSafe in its PluginInfo flags (see module.hpp). Errors: throw bulletin::Error
// (or any std::exception); the host catches it at the boundary and reports it with the plugin's
// name and the input file. Problems that do not stop the document go to Document::diagnose().
#pragma once

#include "bulletin/document.hpp"

#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bulletin {

/// Thrown by plugins for a failure a person can act on: say what failed and what to do.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class LogLevel : std::uint8_t { Trace, Debug, Info, Warn, Error };

/// What the host hands a plugin for one call: its logger, cancellation, and output helpers.
/// Implemented by the host; plugins only use it.
class Context {
public:
    virtual ~Context() = default;

    /// Name of the plugin this context belongs to (also its logger's name).
    virtual std::string_view plugin_name() const = 0;

    virtual bool log_enabled(LogLevel level) const = 0;
    virtual void log(LogLevel level, std::string_view message) = 0;

    /// True once the run was asked to stop (SIGINT/SIGTERM). Long loops should check it.
    virtual bool cancelled() const = 0;

    /// Expands an output path template ("{output}/{stem}.json"; see docs/pipelines.md) for this
    /// document. Throws bulletin::Error when the result would leave the output root.
    virtual std::filesystem::path output_path(std::string_view path_template,
                                              const Document& document) const = 0;

    /// Writes `bytes` to `path` atomically (temporary file in the same directory, fsync, rename),
    /// creating parent directories. A killed run never leaves a torn file.
    virtual void write_file(const std::filesystem::path& path, std::string_view bytes) = 0;

    // Cheap when the level is off: arguments are only formatted when the level is enabled.
    template <class... Args> void debug(const Args&... args) { emit(LogLevel::Debug, args...); }
    template <class... Args> void info(const Args&... args) { emit(LogLevel::Info, args...); }
    template <class... Args> void warn(const Args&... args) { emit(LogLevel::Warn, args...); }

private:
    template <class... Args> void emit(LogLevel level, const Args&... args) {
        if (!log_enabled(level)) return;
        std::ostringstream out;
        (out << ... << args);
        log(level, out.str());
    }
};

/// The input a reader sees: its path (for messages and extension hints) and all of its bytes.
struct Input {
    std::filesystem::path path;
    std::string_view bytes;
};

class Plugin {
public:
    virtual ~Plugin() = default;
};

class Reader : public Plugin {
public:
    /// Cheap sniff: true when this reader can read `input`. Look at the bytes, not only the name.
    virtual bool accepts(const Input& input) const = 0;
    /// Fills document.pages and document.source.format. Throw bulletin::Error when the input
    /// cannot be read at all; use document.diagnose() for recoverable problems.
    virtual void read(const Input& input, Document& document, Context& context) = 0;
};

class Segmenter : public Plugin {
public:
    virtual void segment(Document& document, Context& context) = 0;
};

class Tagger : public Plugin {
public:
    virtual void tag(Document& document, Context& context) = 0;
};

class Exporter : public Plugin {
public:
    virtual void write(const Document& document, Context& context) = 0;
    /// Called once after the last document of a run (close databases, write indexes).
    virtual void finish(Context& /*context*/) {}
};

} // namespace bulletin
