#include "runner.hpp"

#include "logging.hpp"

#include <nettle/sha2.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <memory>
#include <system_error>

namespace bulletin::host {

// SHA-256 from Nettle rather than OpenSSL: OpenSSL 3 reads openssl.cnf and builds its algorithm
// name map on the first fetch (5.3 M instructions, 14 % of `bulletin run` on one bulletin) and
// tears it down at exit (0.7 M); Nettle has no set-up. Both use SHA-NI: ~4.5 us for the 6.4 KB
// sample. (Under valgrind neither can, and Nettle's fallback counts ~1.5x OpenSSL's instructions.)
std::string sha256_hex(std::string_view bytes) {
    sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, bytes.size(), reinterpret_cast<const std::uint8_t*>(bytes.data()));
    std::uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof digest, digest);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(2 * sizeof digest, '0');
    for (std::size_t i = 0; i < sizeof digest; ++i) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 0xF];
    }
    return out;
}

namespace {

/// A plugin instance and the context it is called with; the context records written files.
template <class T> struct Bound {
    PluginInstance<T> plugin;
    std::unique_ptr<RecordingContext> context;
};

} // namespace

struct PipelineRunner::Stages {
    DocumentScope scope; // before the contexts that point to it
    std::vector<Bound<Reader>> readers;
    std::vector<Bound<Segmenter>> segmenters;
    std::vector<Bound<Tagger>> taggers;
    std::vector<Bound<Exporter>> exporters;
};

namespace {

template <class T>
void bind_all(const PipelineDefinition& pipeline, const Registry& registry,
              const RunOptions& options, const DocumentScope& scope, std::vector<Bound<T>>& out) {
    for (const Stage* stage : pipeline.enabled(kind_of<T>())) {
        Bound<T> bound;
        bound.plugin = registry.create<T>(stage->plugin, stage->values());
        bound.context = std::make_unique<RecordingContext>(stage->plugin, options.output_root,
                                                           options.cancel, options.claims, scope);
        bound.context->set_sync_outputs(options.sync_outputs);
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
    bind_all(pipeline, registry, options_, stages_->scope, stages_->readers);
    bind_all(pipeline, registry, options_, stages_->scope, stages_->segmenters);
    bind_all(pipeline, registry, options_, stages_->scope, stages_->taggers);
    bind_all(pipeline, registry, options_, stages_->scope, stages_->exporters);
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
    return process_bytes(input, bytes, relative_dir);
}

DocumentOutcome PipelineRunner::process_bytes(const std::filesystem::path& input,
                                              std::string_view bytes,
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

    for (auto& stage : stages_->segmenters) {
        if (stop_requested("segmenter")) return finish(false);
        if (!guarded("segmenter", stage.plugin.info->name, input, outcome.error,
                     [&] { stage.plugin->segment(doc, *stage.context); }))
            return finish(false);
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
    }
    return finish(ok);
}

std::vector<std::string> PipelineRunner::finish() {
    std::vector<std::string> errors;
    for (auto& stage : stages_->exporters) {
        std::string error;
        if (!guarded("exporter", stage.plugin.info->name, "(end of run)", error,
                     [&] { stage.plugin->finish(*stage.context); }))
            errors.push_back(error);
    }
    return errors;
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
