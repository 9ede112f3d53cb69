#include "worker.hpp"

#include "claims.hpp"
#include "journal.hpp"

#include "pipeline.hpp"
#include "worker_protocol.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <iostream>
#include <sstream>

extern char** environ;

namespace bulletin::host {

namespace fs = std::filesystem;

namespace {

std::string format_seconds(double s) {
    std::ostringstream out;
    out << s;
    return out.str();
}

} // namespace

Result Isolated::process(const Item& item) {
    auto started = Clock::now();
    Result r;
    const std::string name = item.absolute.string();
    protocol::Request request{++last_id_, item.relative, name};
    auto frame = protocol::frame(protocol::encode_request(request), protocol::kMaxRequestBytes);
    if (!frame) {
        r.error = name + ": the path is too long to hand to a worker process (more than " +
                  std::to_string(protocol::kMaxRequestBytes) + " bytes)";
        return r;
    }
    if (!child_.running() && !child_.start(r.error)) return r;
    if (!child_.send(*frame)) {
        r.error = name + ": " + child_.end(std::chrono::seconds(2), "before it read the document");
        return r;
    }
    std::string payload, problem;
    auto deadline = started + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(timeout_));
    auto status = child_.read_frame(deadline, protocol::kMaxReplyBytes, payload, problem);
    r.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (status == FramedChild::ReadStatus::TimedOut) {
        child_.end({}, "");
        r.error = name + ": timed out after " + format_seconds(timeout_) +
                  " s (the worker was killed; raise --timeout if the document is just large)";
        return r;
    }
    if (status == FramedChild::ReadStatus::Closed) {
        r.error = name + ": the worker process " +
                  child_.end(std::chrono::seconds(2), "while converting it") +
                  " (a plugin crashed; run `bulletin run` on this file to see where)";
        return r;
    }
    std::optional<protocol::Reply> reply;
    if (status == FramedChild::ReadStatus::Frame &&
        !(reply = protocol::decode_reply(payload, problem)))
        problem = "a malformed reply: " + problem;
    else if (reply && reply->id != request.id)
        problem = "a reply to request " + std::to_string(reply->id) + " while request " +
                  std::to_string(request.id) + " was in flight";
    else if (reply && child_.buffered() > 0)
        problem = std::to_string(child_.buffered()) + " bytes after the reply";
    if (!problem.empty()) {
        child_.end({}, "");
        r.error = name + ": the worker process broke the protocol (" + problem +
                  "); it was killed and a new one takes the next document";
        return r;
    }
    r.ok = reply->ok;
    r.error = std::move(reply->error);
    r.sha256 = std::move(reply->sha256);
    r.outputs = std::move(reply->outputs);
    for (auto& [stage, record] : reply->records)
        r.records.push_back({std::move(stage), std::move(record)});
    return r;
}

void Isolated::stop() {
    if (!child_.running()) return;
    child_.close_input(); // end of input: the worker lets its exporters finish and exits
    child_.end(std::chrono::seconds(10), "");
}

std::vector<std::string> worker_argv(const BatchOptions& options) {
    std::error_code ec;
    std::vector<std::string> argv{fs::read_symlink("/proc/self/exe", ec).string()};
    argv.insert(argv.end(), options.worker_log_args.begin(), options.worker_log_args.end());
    for (const auto& dir : options.plugin_dirs) {
        argv.push_back("--plugin-dir");
        argv.push_back(dir);
    }
    argv.insert(argv.end(), {"_worker", options.pipeline_file.string(), "--input-root",
                             options.input_root.string(), "-o", options.output_root.string(),
                             "--max-input-size", std::to_string(options.max_input_bytes),
                             "--parent-pid", std::to_string(::getpid())});
    if (!options.state_file.empty()) // output claims go through the batch's state (claims.hpp)
        argv.insert(argv.end(), {"--state", options.state_file.string()});
    if (auto shard = shard_suffix(options.shard); !shard.empty())
        argv.insert(argv.end(), {"--shard-suffix", shard});
    for (const auto& set : options.sets) {
        argv.push_back("--set");
        argv.push_back(set);
    }
    return argv;
}

namespace {

/// Why the worker will not open `request` (empty: it will). Defence in depth: the batch only
/// sends inputs it found under the input root, and the worker opens nothing else.
std::string refusal(const protocol::Request& request, const fs::path& input_root) {
    fs::path relative(request.relative);
    if (relative.empty() || relative.is_absolute())
        return "the relative path '" + request.relative + "' is empty or absolute";
    for (const auto& part : relative)
        if (part.empty() || part == "." || part == "..")
            return "the relative path '" + request.relative + "' has a '" + part.string() +
                   "' component";
    if ((input_root / relative).string() != request.absolute)
        return "it is not the input root " + input_root.string() + " joined with '" +
               request.relative + "'";
    return "";
}

protocol::Reply convert(PipelineRunner& runner, const protocol::Request& request,
                        const fs::path& input_root) {
    protocol::Reply reply;
    reply.id = request.id;
    if (auto why = refusal(request, input_root); !why.empty()) {
        reply.error = request.absolute + ": refused by the worker: " + why;
        return reply;
    }
    auto relative_dir = fs::path(request.relative).parent_path();
    auto outcome = runner.process(request.absolute, relative_dir.empty() ? "." : relative_dir);
    reply.ok = outcome.ok;
    reply.error = std::move(outcome.error);
    reply.sha256 = std::move(outcome.document.source.sha256);
    for (const auto& o : outcome.outputs)
        reply.outputs.push_back(o.string());
    for (auto& r : outcome.records)
        reply.records.emplace_back(std::move(r.stage), std::move(r.record));
    auto size = protocol::encode_reply(reply).size();
    if (size > protocol::kMaxReplyBytes || reply.outputs.size() > protocol::kMaxOutputs ||
        reply.records.size() > protocol::kMaxOutputs) {
        reply.ok = false;
        reply.error = request.absolute + ": the worker's reply (" + std::to_string(size) +
                      " bytes, " + std::to_string(reply.outputs.size()) +
                      " outputs) is over the protocol's limits (" +
                      std::to_string(protocol::kMaxReplyBytes) + " bytes, " +
                      std::to_string(protocol::kMaxOutputs) +
                      " outputs or records): a plugin's message, outputs or records are far too "
                      "many or too long";
        reply.outputs.clear();
        reply.records.clear();
    }
    return reply;
}

} // namespace

int run_worker(const Registry& registry, const WorkerOptions& options) {
    Fd requests, replies;
    if (auto problem = take_channel(options.parent_pid, "the batch", requests, replies);
        !problem.empty()) {
        std::cerr << "bulletin _worker: " << problem << "\n";
        return kExitConfigError;
    }

    std::vector<Override> overrides;
    for (const auto& set : options.sets)
        if (auto o = parse_override(set)) overrides.push_back(*o);
    auto load = load_pipeline(options.pipeline_file, registry, overrides);
    if (!load.ok()) {
        for (const auto& e : load.errors)
            std::cerr << e.str() << "\n";
        return kExitConfigError;
    }
    RunOptions run;
    run.output_root = options.output_root;
    run.max_input_bytes = options.max_input_bytes;
    run.shard = options.shard;
    if (!options.state_file.empty())
        run.claims = std::make_shared<WorkerClaims>(
            options.state_file, StateKeys(options.input_root, options.output_root));
    PipelineRunner runner(*load.pipeline, registry, run);
    FrameReader reader(requests.get(), protocol::kMaxRequestBytes);
    std::string payload, problem;
    for (;;) {
        auto status = reader.next(payload, problem);
        if (status == FrameReader::End) break;
        std::optional<protocol::Request> request;
        if (status == FrameReader::Frame && !(request = protocol::decode_request(payload, problem)))
            problem = "a malformed request: " + problem;
        if (!request) {
            std::cerr << "bulletin _worker: protocol error: " << problem << "\n";
            return kExitConfigError;
        }
        auto frame =
            protocol::frame(protocol::encode_reply(convert(runner, *request, options.input_root)),
                            protocol::kMaxReplyBytes);
        if (!frame || !write_fully(replies.get(), *frame)) return kExitSomeFailed;
    }
    return kExitOk;
}

} // namespace bulletin::host
