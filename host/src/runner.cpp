#include "runner.hpp"

#include "logging.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <system_error>

namespace bulletin::host {

namespace {

/// A plugin instance and the context it is called with; the context records written files.
template <class T> struct Bound {
    PluginInstance<T> plugin;
    std::unique_ptr<RecordingContext> context;
    std::unique_ptr<RunContext> run_context; ///< exporters: for begin_run and end_run
    std::string key;                         ///< exporters: where their records are kept
};

} // namespace

struct PipelineRunner::Stages {
    DocumentScope scope; // before the contexts that point to it
    std::vector<Bound<Reader>> readers;
    std::vector<Bound<Segmenter>> segmenters;
    std::vector<Bound<Tagger>> taggers;
    std::vector<Bound<Exporter>> exporters;
    bool keep_pages = false; ///< a stage after the segmenter reads the pages' lines (kUsesPages)
};

namespace {

template <class T>
void bind_all(const PipelineDefinition& pipeline, const Registry& registry,
              const RunOptions& options, const DocumentScope& scope, std::vector<Bound<T>>& out) {
    for (const Stage* stage : pipeline.enabled(kind_of<T>())) {
        Bound<T> bound;
        bound.plugin = registry.create<T>(stage->plugin, stage->values());
        bound.context =
            std::make_unique<RecordingContext>(stage->plugin, options.output_root, options.cancel,
                                               options.claims, scope, options.shard);
        bound.context->set_sync_outputs(options.sync_outputs);
        if constexpr (std::is_same_v<T, Exporter>) {
            bound.run_context = std::make_unique<RunContext>(
                stage->plugin, options.output_root, options.cancel, nullptr, options.shard);
            bound.key = std::to_string(out.size() + 1) + ":" + stage->plugin;
        }
        out.push_back(std::move(bound));
    }
}

/// Calls `fn`, turning any exception into a message naming the plugin and the input.
template <class Fn>
bool guarded(const char* what, const std::string& plugin, const std::filesystem::path& input,
             std::string& error, Fn&& fn) {
    try {
        fn();
        return true;
    } catch (const std::exception& e) {
        error = input.string() + ": " + what + " '" + plugin + "' failed: " + e.what();
    } catch (...) {
        error = input.string() + ": " + what + " '" + plugin + "' failed with an unknown exception";
    }
    return false;
}

/// Reads exactly bytes.size() bytes of `path` into `bytes`; false with errno set otherwise
/// (plain POSIX calls: an ifstream costs more than reading a bulletin).
bool read_exactly(const std::filesystem::path& path, std::string& bytes) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int err = n == 0 ? EIO : errno; // shorter than it was: it is being written
            ::close(fd);
            errno = err;
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return true;
}

} // namespace

PipelineRunner::PipelineRunner(const PipelineDefinition& pipeline, const Registry& registry,
                               RunOptions options)
    : stages_(std::make_unique<Stages>()), options_(std::move(options)) {
    if (!options_.claims) options_.claims = std::make_shared<OutputClaims>();
    auto& st = *stages_;
    if (!options_.exporters_only) {
        bind_all(pipeline, registry, options_, st.scope, st.readers);
        // A catch-all reader (plain text) goes last, so that a reader added by `extends` after
        // it still sees its files first.
        std::stable_partition(st.readers.begin(), st.readers.end(), [](const auto& reader) {
            return !(reader.plugin.info->flags & kCatchAll);
        });
        bind_all(pipeline, registry, options_, st.scope, st.segmenters);
        bind_all(pipeline, registry, options_, st.scope, st.taggers);
    }
    bind_all(pipeline, registry, options_, st.scope, st.exporters);
    for (const auto& tagger : st.taggers)
        st.keep_pages = st.keep_pages || (tagger.plugin.info->flags & kUsesPages);
    for (const auto& exporter : st.exporters)
        st.keep_pages = st.keep_pages || (exporter.plugin.info->flags & kUsesPages);
}

void MemoryRecords::add(const DocumentOutcome& outcome) {
    by_input_[outcome.input.string()] = outcome.records;
}

void MemoryRecords::for_each(const std::string& stage, const Records::Visitor& visit) const {
    for (const auto& [input, records] : by_input_)
        for (const auto& r : records)
            if (r.stage == stage) visit(input, r.record);
}

namespace {

/// One exporter's view of a RecordSource.
class StageRecords final : public Records {
public:
    StageRecords(const RecordSource& source, const std::string& stage)
        : source_(source), stage_(stage) {}
    void for_each(const Visitor& visit) const override { source_.for_each(stage_, visit); }

private:
    const RecordSource& source_;
    const std::string& stage_;
};

} // namespace

std::vector<std::string> PipelineRunner::begin_run() {
    std::vector<std::string> errors;
    for (auto& stage : stages_->exporters) {
        std::string error;
        if (!guarded("exporter", stage.plugin.info->name, "(start of run)", error,
                     [&] { stage.plugin->begin_run(*stage.run_context); }))
            errors.push_back(error);
    }
    return errors;
}

std::vector<std::string> PipelineRunner::end_run(const RecordSource& records) {
    std::vector<std::string> errors;
    for (auto& stage : stages_->exporters) {
        std::string error;
        StageRecords view(records, stage.key);
        if (!guarded("exporter", stage.plugin.info->name, "(end of run)", error,
                     [&] { stage.plugin->end_run(view, *stage.run_context); }))
            errors.push_back(error);
    }
    return errors;
}

std::vector<std::string> PipelineRunner::exporter_stages() const {
    std::vector<std::string> keys;
    for (const auto& stage : stages_->exporters)
        keys.push_back(stage.key);
    return keys;
}

PipelineRunner::~PipelineRunner() = default;

DocumentOutcome PipelineRunner::process(const std::filesystem::path& input,
                                        const std::filesystem::path& relative_dir) {
    DocumentOutcome outcome;
    outcome.input = input;
    // One stat answers "directory?", "regular file?" and "how big?".
    struct stat st {};
    if (::stat(input.c_str(), &st) != 0) {
        outcome.error =
            input.string() + ": cannot read input: " + std::generic_category().message(errno);
        return outcome;
    }
    if (S_ISDIR(st.st_mode)) {
        outcome.error = input.string() + ": is a directory; pass files (or use `bulletin batch`)";
        return outcome;
    }
    if (!S_ISREG(st.st_mode)) {
        // A FIFO or device would block or never end: refuse it instead of reading.
        outcome.error = input.string() +
                        ": is not a regular file (a FIFO, socket or device); pass regular files";
        return outcome;
    }
    auto size = static_cast<std::uintmax_t>(st.st_size);
    if (size > options_.max_input_bytes) {
        outcome.error = input.string() + ": input is " + std::to_string(size) +
                        " bytes, more than the limit of " +
                        std::to_string(options_.max_input_bytes) + " (--max-input-size)";
        return outcome;
    }
    std::string bytes(size, '\0');
    if (!read_exactly(input, bytes)) {
        outcome.error = input.string() +
                        ": cannot read input: " + std::generic_category().message(errno) +
                        "; check the file's permissions and that it is not being written";
        return outcome;
    }
    std::string_view view = bytes;
    return convert(input, view, &bytes, relative_dir);
}

DocumentOutcome PipelineRunner::process_bytes(const std::filesystem::path& input,
                                              std::string_view bytes,
                                              const std::filesystem::path& relative_dir) {
    return convert(input, bytes, nullptr, relative_dir);
}

/// `owned`, when given, holds `bytes` and is freed once the reader is done with them.
DocumentOutcome PipelineRunner::convert(const std::filesystem::path& input, std::string_view bytes,
                                        std::string* owned,
                                        const std::filesystem::path& relative_dir) {
    auto started = std::chrono::steady_clock::now();
    DocumentOutcome outcome;
    outcome.input = input;
    Document& doc = outcome.document;
    doc.source.path = input.string();
    doc.source.sha256 = sha256_hex(bytes);
    Input view{input, bytes};
    if (bytes.empty()) {
        outcome.error = input.string() +
                        ": the file is empty (0 bytes), nothing to convert; was it copied or "
                        "downloaded completely?";
        outcome.elapsed = std::chrono::steady_clock::now() - started;
        return outcome;
    }
    stages_->scope.input = input;
    stages_->scope.relative_dir = relative_dir;

    auto finish = [&](bool ok) -> DocumentOutcome {
        outcome.ok = ok;
        outcome.elapsed = std::chrono::steady_clock::now() - started;
        return std::move(outcome);
    };
    // Checked between stages: a stop request ends the document before the next stage, and no
    // exporter writes a half-processed document.
    auto stop_requested = [&](const char* next_stage) {
        if (!options_.cancel || !options_.cancel->load()) return false;
        outcome.error = input.string() + ": interrupted (SIGTERM or SIGINT) before the " +
                        next_stage + " stage; nothing was written for it";
        outcome.interrupted = true;
        return true;
    };
    if (stop_requested("reader")) return finish(false);

    Bound<Reader>* reader = nullptr;
    for (auto& candidate : stages_->readers) {
        bool accepted = false;
        if (!guarded("reader", candidate.plugin.info->name, input, outcome.error,
                     [&] { accepted = candidate.plugin->accepts(view); }))
            return finish(false);
        if (accepted) {
            reader = &candidate;
            break;
        }
    }
    if (!reader) {
        std::string tried;
        for (auto& candidate : stages_->readers)
            tried += (tried.empty() ? "" : ", ") + std::string(candidate.plugin.info->name);
        outcome.error = input.string() +
                        ": no reader of this pipeline accepts this file (tried: " + tried +
                        "); is it a bulletin in a supported format?";
        return finish(false);
    }
    outcome.reader = reader->plugin.info->name;
    if (!guarded("reader", outcome.reader, input, outcome.error,
                 [&] { reader->plugin->read(view, doc, *reader->context); }))
        return finish(false);
    if (doc.source.format.empty()) doc.source.format = outcome.reader;
    doc.source.pages = static_cast<int>(doc.pages.size());
    if (owned) std::string().swap(*owned); // the document holds what the later stages need

    if (!stages_->segmenters.empty()) {
        if (stop_requested("segmenter")) return finish(false);
        // The segmenter for this kind of document: the best score, the first of equals.
        auto* best = &stages_->segmenters.front();
        if (stages_->segmenters.size() > 1) {
            double best_score = -1;
            for (auto& stage : stages_->segmenters) {
                double score = 0;
                if (!guarded("segmenter", stage.plugin.info->name, input, outcome.error,
                             [&] { score = stage.plugin->score(doc); }))
                    return finish(false);
                if (score > best_score) {
                    best_score = score;
                    best = &stage;
                }
            }
        }
        outcome.segmenter = best->plugin.info->name;
        if (!guarded("segmenter", outcome.segmenter, input, outcome.error,
                     [&] { best->plugin->segment(doc, *best->context); }))
            return finish(false);
        // The lines are most of a document's memory; only kUsesPages stages read them now.
        if (!stages_->keep_pages)
            for (auto& page : doc.pages)
                std::vector<Line>().swap(page.lines);
    }
    for (auto& stage : stages_->taggers) {
        if (stop_requested("tagger")) return finish(false);
        if (!guarded("tagger", stage.plugin.info->name, input, outcome.error,
                     [&] { stage.plugin->tag(doc, *stage.context); }))
            return finish(false);
    }
    if (stop_requested("exporter")) return finish(false);

    // Every exporter gets its chance even when one fails: one bad output must not cost the others.
    bool ok = true;
    for (auto& stage : stages_->exporters) {
        stage.context->written.clear();
        std::string error;
        if (!guarded("exporter", stage.plugin.info->name, input, error,
                     [&] { stage.plugin->write(doc, *stage.context); })) {
            outcome.error += (outcome.error.empty() ? "" : "; ") + error;
            ok = false;
        }
        outcome.outputs.insert(outcome.outputs.end(), stage.context->written.begin(),
                               stage.context->written.end());
        for (auto& record : stage.context->take_records())
            outcome.records.push_back({stage.key, std::move(record)});
    }
    return finish(ok);
}

} // namespace bulletin::host

namespace bulletin::host {

std::string PipelineRunner::fingerprint(const PipelineDefinition& pipeline,
                                        const Registry& registry) {
    std::string text =
        std::string("bulletin ") + kSdkVersion + " abi " + std::to_string(kAbiVersion) + "\n";
    for (const auto& stage : pipeline.stages) {
        if (!stage.enabled) continue;
        text += plugin_kind_name(stage.kind) + std::string(" ") + stage.plugin;
        if (const PluginEntry* entry = registry.find(stage.plugin)) {
            const ModuleDescription& m = entry->module->description;
            text += " module " + m.name + " " + m.version;
            // Parameters with defaults filled in: a changed default counts as a change.
            const Params params = Registry::complete_params(*entry, stage.values());
            for (const auto& [name, value] : params.values())
                text += "\n  " + name + "=" + value;
        }
        text += "\n";
    }
    return sha256_hex(text);
}

} // namespace bulletin::host
