#include "runner.hpp"

#include "logging.hpp"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <fstream>
#include <memory>
#include <sstream>

namespace bulletin::host {

namespace {

/// SHA-256, fetched from the provider once: OpenSSL 3 looks EVP_sha256() up again in every
/// EVP_DigestInit_ex, which cost more than hashing a whole bulletin (docs/performance.md).
const EVP_MD* sha256_md() {
    static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(
        EVP_MD_fetch(nullptr, "SHA256", nullptr), &EVP_MD_free);
    return md ? md.get() : EVP_sha256();
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), sha256_md(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1)
        throw std::runtime_error("SHA-256 is unavailable (OpenSSL)");
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xF];
    }
    return out;
}

namespace {

/// A plugin instance and the context it is called with; the context records written files.
template <class T> struct Bound {
    PluginInstance<T> plugin;
    std::unique_ptr<RecordingContext> context;
};

}  // namespace

struct PipelineRunner::Stages {
    std::vector<Bound<Reader>> readers;
    std::vector<Bound<Segmenter>> segmenters;
    std::vector<Bound<Tagger>> taggers;
    std::vector<Bound<Exporter>> exporters;
};

namespace {

template <class T>
void bind_all(const PipelineDefinition& pipeline, const Registry& registry,
              const RunOptions& options, std::vector<Bound<T>>& out) {
    for (const Stage* stage : pipeline.enabled(kind_of<T>())) {
        Bound<T> bound;
        bound.plugin = registry.create<T>(stage->plugin, stage->values());
        bound.context = std::make_unique<RecordingContext>(stage->plugin, options.output_root,
                                                           options.cancel, options.claims);
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

}  // namespace

PipelineRunner::PipelineRunner(const PipelineDefinition& pipeline, const Registry& registry,
                               RunOptions options)
    : stages_(std::make_unique<Stages>()), options_(std::move(options)) {
    if (!options_.claims) options_.claims = std::make_shared<OutputClaims>();
    bind_all(pipeline, registry, options_, stages_->readers);
    bind_all(pipeline, registry, options_, stages_->segmenters);
    bind_all(pipeline, registry, options_, stages_->taggers);
    bind_all(pipeline, registry, options_, stages_->exporters);
}

PipelineRunner::~PipelineRunner() = default;

DocumentOutcome PipelineRunner::process(const std::filesystem::path& input,
                                        const std::filesystem::path& relative_dir) {
    DocumentOutcome outcome;
    outcome.input = input;
    std::error_code ec;
    if (std::filesystem::is_directory(input, ec)) {
        outcome.error = input.string() + ": is a directory; pass files (or use `bulletin batch`)";
        return outcome;
    }
    auto status = std::filesystem::status(input, ec);
    if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
        // A FIFO or device would block or never end: refuse it instead of reading.
        outcome.error = input.string() +
                        ": is not a regular file (a FIFO, socket or device); pass regular files";
        return outcome;
    }
    auto size = std::filesystem::file_size(input, ec);
    if (ec) {
        outcome.error = input.string() + ": cannot read input: " + ec.message();
        return outcome;
    }
    if (size > options_.max_input_bytes) {
        outcome.error = input.string() + ": input is " + std::to_string(size) +
                        " bytes, more than the limit of " +
                        std::to_string(options_.max_input_bytes) + " (--max-input-size)";
        return outcome;
    }
    std::ifstream in(input, std::ios::binary);
    std::string bytes(size, '\0');
    if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(size))) {
        outcome.error = input.string() + ": cannot read input: " +
                        std::generic_category().message(errno) +
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
    for_each_context([&](RecordingContext& c) {
        c.set_relative_dir(relative_dir);
        c.set_input(input);
    });

    auto finish = [&](bool ok) -> DocumentOutcome {
        outcome.ok = ok;
        outcome.elapsed = std::chrono::steady_clock::now() - started;
        return std::move(outcome);
    };

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
        outcome.error = input.string() + ": no reader of this pipeline accepts this file (tried: " +
                        tried + "); is it a bulletin in a supported format?";
        return finish(false);
    }
    outcome.reader = reader->plugin.info->name;
    if (!guarded("reader", outcome.reader, input, outcome.error,
                 [&] { reader->plugin->read(view, doc, *reader->context); }))
        return finish(false);
    if (doc.source.format.empty()) doc.source.format = outcome.reader;
    doc.source.pages = static_cast<int>(doc.pages.size());

    for (auto& stage : stages_->segmenters)
        if (!guarded("segmenter", stage.plugin.info->name, input, outcome.error,
                     [&] { stage.plugin->segment(doc, *stage.context); }))
            return finish(false);
    for (auto& stage : stages_->taggers)
        if (!guarded("tagger", stage.plugin.info->name, input, outcome.error,
                     [&] { stage.plugin->tag(doc, *stage.context); }))
            return finish(false);

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

template <class Fn> void PipelineRunner::for_each_context(Fn&& fn) {
    for (auto& s : stages_->readers) fn(*s.context);
    for (auto& s : stages_->segmenters) fn(*s.context);
    for (auto& s : stages_->taggers) fn(*s.context);
    for (auto& s : stages_->exporters) fn(*s.context);
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

}  // namespace bulletin::host

namespace bulletin::host {

std::string PipelineRunner::fingerprint(const PipelineDefinition& pipeline,
                                        const Registry& registry) {
    std::string text = std::string("bulletin ") + kSdkVersion + " abi " +
                       std::to_string(kAbiVersion) + "\n";
    for (const auto& stage : pipeline.stages) {
        if (!stage.enabled) continue;
        text += plugin_kind_name(stage.kind) + std::string(" ") + stage.plugin;
        if (const PluginEntry* entry = registry.find(stage.plugin)) {
            const ModuleInfo& m = *entry->module->info;
            text += std::string(" module ") + m.name + " " + m.version;
            // Parameters with defaults filled in: a changed default counts as a change.
            const Params params = Registry::complete_params(*entry, stage.values());
            for (const auto& [name, value] : params.values()) text += "\n  " + name + "=" + value;
        }
        text += "\n";
    }
    return sha256_hex(text);
}

}  // namespace bulletin::host
