// What converts one batch input: in this process, or in a worker process (worker.hpp).
#pragma once

#include "discovery.hpp"
#include "runner.hpp"

#include <string>
#include <vector>

namespace bulletin::host {

/// The outcome of one input as the batch records it.
struct Result {
    bool ok = false;
    bool interrupted = false; ///< stopped by SIGTERM/SIGINT: not a result to record
    std::string error;
    std::string sha256; ///< of the bytes converted; empty when the input was not read
    std::vector<std::string> outputs;
    std::vector<StageRecord> records; ///< for the exporters' end_run, kept in the state
    double seconds = 0;
};

class Processor {
public:
    virtual ~Processor() = default;
    virtual Result process(const Item& item) = 0;
};

/// Runs the pipeline in the batch process (one runner, so one instance of each plugin, per
/// worker thread).
class InProcess final : public Processor {
public:
    InProcess(const PipelineDefinition& pipeline, const Registry& registry, RunOptions options)
        : runner_(pipeline, registry, std::move(options)) {}
    Result process(const Item& item) override;

private:
    PipelineRunner runner_;
};

} // namespace bulletin::host
