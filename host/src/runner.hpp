// Running a pipeline over inputs: pick a reader, segment, tag, export — with every plugin call
// guarded so a throwing plugin fails that document (named), never the process.
#pragma once

#include "context.hpp"
#include "hash.hpp"
#include "pipeline.hpp"
#include "registry.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
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
    /// Creates only the exporters: for the process that runs their begin_run and end_run while
    /// other runners (threads, --isolate workers) convert the documents.
    bool exporters_only = false;
    /// What {shard} expands to: "" or "-K-of-N".
    std::string shard;
};

/// A record an exporter kept for a document (Context::add_record), with the exporter's stage.
struct StageRecord {
    std::string stage; ///< PipelineRunner::exporter_stages()
    std::string record;
};

/// Where end_run finds the records of every input of the run: the batch state, or memory for
/// `bulletin run`.
class RecordSource {
public:
    virtual ~RecordSource() = default;
    /// Every record of `stage`, ordered by input path, each input's in the order added.
    virtual void for_each(const std::string& stage, const Records::Visitor& visit) const = 0;
};

struct DocumentOutcome {
    std::filesystem::path input;
    bool ok = false;
    bool interrupted = false;                   ///< stopped by a stop request, not by a failure
    std::string error;                          ///< what failed, naming plugin and file
    std::string reader;                         ///< the reader that accepted the input
    std::string segmenter;                      ///< the segmenter that ran (the best score)
    std::vector<std::filesystem::path> outputs; ///< files the exporters wrote
    std::chrono::duration<double> elapsed{};
    Document document;
    std::vector<StageRecord> records; ///< what the exporters kept for end_run
};

/// The records of `bulletin run`: each input's latest.
class MemoryRecords final : public RecordSource {
public:
    /// Keeps the outcome's records, replacing those of an earlier outcome for the same input.
    void add(const DocumentOutcome& outcome);
    void for_each(const std::string& stage, const Records::Visitor& visit) const override;

private:
    std::map<std::string, std::vector<StageRecord>> by_input_;
};

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
    /// Exporter::begin_run for every exporter; returns error messages (the run should stop).
    std::vector<std::string> begin_run();
    /// Exporter::end_run for every exporter with its records; returns error messages.
    std::vector<std::string> end_run(const RecordSource& records);
    /// The exporters' stage keys ("1:json"): where their records are kept.
    std::vector<std::string> exporter_stages() const;

    /// A fingerprint of what this pipeline does: stages, parameters (with defaults), and the
    /// name and version of each plugin's module. Batch state uses it to redo changed work.
    static std::string fingerprint(const PipelineDefinition& pipeline, const Registry& registry);

private:
    DocumentOutcome convert(const std::filesystem::path& input, std::string_view bytes,
                            std::string* owned, const std::filesystem::path& relative_dir);

    struct Stages;
    std::unique_ptr<Stages> stages_;
    RunOptions options_;
};

} // namespace bulletin::host
