// Running a pipeline over inputs: pick a reader, segment, tag, export — with every plugin call
// guarded so a throwing plugin fails that document (named), never the process.
#pragma once

#include "context.hpp"
#include "pipeline.hpp"
#include "registry.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace bulletin::host {

struct RunOptions {
    std::filesystem::path output_root = ".";
    const std::atomic<bool>* cancel = nullptr;
    std::uintmax_t max_input_bytes = 512ull * 1024 * 1024; ///< larger inputs are refused
    /// fsync each output as it is written. A batch turns this off and makes its outputs durable
    /// in groups (one syncfs) before it records them as done (docs/performance.md).
    bool sync_outputs = true;
    /// Outputs written in this run, shared by runners of one run; created when null.
    std::shared_ptr<OutputClaims> claims;
};

struct DocumentOutcome {
    std::filesystem::path input;
    bool ok = false;
    bool interrupted = false;                   ///< stopped by a stop request, not by a failure
    std::string error;                          ///< what failed, naming plugin and file
    std::string reader;                         ///< the reader that accepted the input
    std::vector<std::filesystem::path> outputs; ///< files the exporters wrote
    std::chrono::duration<double> elapsed{};
    Document document;
};

/// SHA-256 of `bytes` as lowercase hex.
std::string sha256_hex(std::string_view bytes);

class PipelineRunner {
public:
    /// Creates every enabled plugin of `pipeline`. Throws std::runtime_error (a configuration
    /// error) when a plugin cannot be created.
    PipelineRunner(const PipelineDefinition& pipeline, const Registry& registry,
                   RunOptions options);
    ~PipelineRunner();
    PipelineRunner(const PipelineRunner&) = delete;
    PipelineRunner& operator=(const PipelineRunner&) = delete;

    /// Converts one input. Never throws for bad input or failing plugins. `relative_dir` is what
    /// {dir} expands to in output templates (the input's directory under a batch input root).
    DocumentOutcome process(const std::filesystem::path& input,
                            const std::filesystem::path& relative_dir = ".");
    /// Runs the pipeline on bytes already in memory (`input` names them in messages).
    DocumentOutcome process_bytes(const std::filesystem::path& input, std::string_view bytes,
                                  const std::filesystem::path& relative_dir = ".");
    /// Lets exporters close their outputs; returns error messages.
    std::vector<std::string> finish();

    /// A fingerprint of what this pipeline does: stages, parameters (with defaults), and the
    /// name and version of each plugin's module. Batch state uses it to redo changed work.
    static std::string fingerprint(const PipelineDefinition& pipeline, const Registry& registry);

private:
    struct Stages;
    std::unique_ptr<Stages> stages_;
    RunOptions options_;
};

} // namespace bulletin::host
