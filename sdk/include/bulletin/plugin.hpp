// bulletin/plugin.hpp - the four plugin interfaces and the per-run context.
//
//   Reader     bytes -> pages of lines          (accepts() sniffs, read() fills Document::pages)
//   Segmenter  lines -> masthead, articles, distribution
//   Tagger     adds Document::entities
//   Exporter   Document -> file or database
//
// Threading: the host calls one plugin instance from one thread at a time; a batch with --jobs N
// creates one instance per thread. Errors: throw bulletin::Error
// (or any std::exception); the host catches it at the boundary and reports it with the plugin's
// name and the input file. Problems that do not stop the document go to Document::diagnose().
#pragma once

#include "bulletin/document.hpp"

#include <filesystem>
#include <functional>
#include <memory>
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

/// A file being written (Context::open_file): bytes go to a temporary beside the target, which
/// replaces the target on commit(). Destroyed without commit(), the temporary is removed and the
/// target is untouched, so a failed export never leaves half a file.
class OutputFile {
public:
    virtual ~OutputFile() = default;
    virtual void write(std::string_view bytes) = 0;
    virtual void commit() = 0;
};

/// What exporters kept with Context::add_record, for end_run: one entry per record, for every
/// input of the run (those converted now and, in a batch, those earlier runs converted and this
/// one skipped as up to date), ordered by input path, a document's records in the order added.
class Records {
public:
    virtual ~Records() = default;
    using Visitor = std::function<void(std::string_view source, std::string_view record)>;
    virtual void for_each(const Visitor& visit) const = 0;
};

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

    /// Expands an output path template that names no document ("{output}/corpus.csv"): for
    /// Exporter::begin_run and end_run. {shard} is "" or "-K-of-N" for a sharded batch.
    virtual std::filesystem::path run_output_path(std::string_view path_template) const = 0;

    /// Writes `bytes` to `path` atomically (temporary file in the same directory, fsync, rename),
    /// creating parent directories. A killed run never leaves a torn file.
    virtual void write_file(const std::filesystem::path& path, std::string_view bytes) = 0;

    /// The same, for output written piece by piece (large documents, corpus files): nothing
    /// reaches `path` until OutputFile::commit().
    virtual std::unique_ptr<OutputFile> open_file(const std::filesystem::path& path) = 0;

    /// Keeps `record` (any bytes: a CSV row, a JSON line) for the document being written, for
    /// Exporter::end_run. A document converted again replaces its records; an input that is gone
    /// loses them. Only from Exporter::write.
    virtual void add_record(std::string_view record) = 0;

    // Cheap when the level is off: arguments are only formatted when the level is enabled.
    template <class... Args> void trace(const Args&... args) { emit(LogLevel::Trace, args...); }
    template <class... Args> void debug(const Args&... args) { emit(LogLevel::Debug, args...); }
    template <class... Args> void info(const Args&... args) { emit(LogLevel::Info, args...); }
    template <class... Args> void warn(const Args&... args) { emit(LogLevel::Warn, args...); }
    /// A problem the plugin recovers from but a person must see (a failure throws instead).
    template <class... Args> void error(const Args&... args) { emit(LogLevel::Error, args...); }

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
    /// How well this segmenter fits a document that has been read (pages filled): 0 (not at all)
    /// to 1 (surely). A pipeline may hold segmenters for several document families: the host runs
    /// the one with the highest score, the first of equals in pipeline order.
    virtual double score(const Document& /*document*/) const { return 0.5; }
    virtual void segment(Document& document, Context& context) = 0;
};

class Tagger : public Plugin {
public:
    virtual void tag(Document& document, Context& context) = 0;
};

/// The run lifecycle: begin_run and end_run are called once per run, in the process that owns
/// the outputs (never in an --isolate worker); write() once per document, in whichever process
/// converts it. An exporter that writes one file for a whole run (a corpus CSV, an index) adds a
/// record per document in write() and writes the file in end_run from all the records, so that
/// the file is complete under --jobs, --isolate and incremental re-runs.
class Exporter : public Plugin {
public:
    virtual void begin_run(Context& /*context*/) {}
    virtual void write(const Document& document, Context& context) = 0;
    virtual void end_run(const Records& /*records*/, Context& /*context*/) {}
};

} // namespace bulletin
