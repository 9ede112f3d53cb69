#include "batch.hpp"

#include "context.hpp"
#include "discovery.hpp"
#include "logging.hpp"
#include "processor.hpp"
#include "progress.hpp"
#include "runner.hpp"
#include "state.hpp"
#include "worker.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

namespace bulletin::host {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::optional<Shard> parse_shard(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto k = parse_int_param(text.substr(0, slash));
    auto n = parse_int_param(text.substr(slash + 1));
    if (!k || !n || *n < 1 || *k < 1 || *k > *n || *n > 1000000) return std::nullopt;
    return Shard{static_cast<int>(*k), static_cast<int>(*n)};
}

bool in_shard(std::string_view relative_path, const Shard& shard) {
    // FNV-1a: stable across machines, versions and runs (std::hash is not).
    std::uint64_t hash = 14695981039346656037ull;
    for (unsigned char c : relative_path) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    return static_cast<int>(hash % static_cast<std::uint64_t>(shard.count)) == shard.index - 1;
}

namespace {

std::string now_iso() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/// fsync of a file already written and closed (the fallback when syncfs is unavailable).
void fsync_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

std::string file_sha256(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return sha256_hex(buffer.str());
}

} // namespace

int run_batch(const Registry& registry, const BatchOptions& options) {
    auto log = host_logger();
    auto started_at = now_iso();
    auto started = Clock::now();
    std::error_code ec;

    // Configuration: everything that can be wrong before the first document is exit code 2.
    if (!fs::is_directory(options.input_root, ec)) {
        std::cerr << "bulletin: input directory " << options.input_root << " does not exist\n";
        return kExitConfigError;
    }
    std::vector<Override> overrides;
    for (const auto& set : options.sets) {
        auto o = parse_override(set);
        if (!o) {
            std::cerr << "bulletin: --set '" << set << "': expected STAGE.PARAM=VALUE\n";
            return kExitConfigError;
        }
        overrides.push_back(*o);
    }
    auto load = load_pipeline(options.pipeline_file, registry, overrides);
    for (const auto& e : load.errors)
        std::cerr << e.str() << "\n";
    for (const auto& w : load.warnings)
        std::cerr << w.str() << "\n";
    if (!load.ok()) return kExitConfigError;

    fs::create_directories(options.output_root, ec);
    if (ec) {
        std::cerr << "bulletin: cannot create output directory " << options.output_root << ": "
                  << ec.message() << "\n";
        return kExitConfigError;
    }
    auto state_file = options.state_file.empty()
                          ? options.output_root / ".bulletin" / "state.sqlite"
                          : options.state_file;
    auto report_file = options.report_file.empty()
                           ? options.output_root / ".bulletin" / "report.json"
                           : options.report_file;
    fs::create_directories(state_file.parent_path(), ec);

    std::unique_ptr<FileLock> lock;
    std::unique_ptr<StateStore> state;
    std::vector<std::unique_ptr<Processor>> processors;
    std::string pipeline_hash = PipelineRunner::fingerprint(*load.pipeline, registry);
    try {
        lock = std::make_unique<FileLock>(fs::path(state_file.string() + ".lock"));
        state = std::make_unique<StateStore>(state_file);
        int jobs = std::max(1, options.jobs);
        auto claims = std::make_shared<OutputClaims>(); // one run, many worker threads
        for (int i = 0; i < jobs; ++i) {
            if (options.isolate) {
                processors.push_back(
                    std::make_unique<Isolated>(worker_argv(options), options.timeout_seconds));
            } else {
                RunOptions run;
                run.output_root = options.output_root;
                run.cancel = options.cancel;
                run.max_input_bytes = options.max_input_bytes;
                // Outputs are made durable in groups before their state is committed (below).
                run.sync_outputs = false;
                run.claims = claims;
                // One instance of every plugin per worker thread: no plugin is shared.
                processors.push_back(std::make_unique<InProcess>(*load.pipeline, registry, run));
            }
        }
    } catch (const std::exception& e) {
        std::cerr << "bulletin: " << e.what() << "\n";
        return kExitConfigError;
    }
    if (auto removed = remove_stale_temporaries(options.output_root))
        log->info("removed {} temporary files left by an interrupted run", removed);

    std::size_t outside_shard = 0;
    auto items = discover(options, outside_shard);
    log->info("{} inputs in {} (shard {}/{}, {} in other shards)", items.size(),
              options.input_root.string(), options.shard.index, options.shard.count, outside_shard);

    // Decide what needs converting: unchanged inputs with complete outputs are skipped.
    std::vector<const Item*> todo;
    std::size_t skipped = 0;
    // Hashed here only to tell a touched input from a changed one; the record of a converted
    // input takes the hash of the bytes converted (each input is read and hashed once).
    std::vector<std::string> hashes(items.size());
    std::vector<int> attempts(items.size(), 0); // from the state: no second lookup per document
    const bool fresh = state->count() == 0;     // a first run has nothing to look up
    for (std::size_t i = 0; i < items.size(); ++i) {
        const Item& item = items[i];
        auto record = fresh ? std::nullopt : state->find(item.relative);
        if (record) attempts[i] = record->attempts;
        bool same_work =
            record && record->status == "done" && record->pipeline_hash == pipeline_hash;
        bool outputs_present =
            same_work && std::all_of(record->outputs.begin(), record->outputs.end(),
                                     [](const std::string& o) { return fs::exists(o); });
        if (outputs_present && record->size == item.size && record->mtime_ns == item.mtime_ns) {
            ++skipped;
            continue;
        }
        if (outputs_present && record->input_sha256 == (hashes[i] = file_sha256(item.absolute))) {
            // Touched but unchanged: remember the new timestamp so the next run skips hashing.
            InputRecord touched = *record;
            touched.size = item.size;
            touched.mtime_ns = item.mtime_ns;
            state->save(touched);
            ++skipped;
            continue;
        }
        todo.push_back(&item);
    }

    Progress progress(items.size());
    std::mutex mutex; // guards state, counters, failures, progress
    std::size_t converted = 0, failed = 0;
    double total_seconds = 0, max_seconds = 0;
    std::string slowest;
    nlohmann::ordered_json failures = nlohmann::ordered_json::array();
    std::atomic<std::size_t> next{0};
    progress.update(0, skipped, 0);

    // Group commit: in-process runs write outputs without an fsync each (one costs more than
    // converting a bulletin, docs/performance.md). Every kCommitEvery documents or second, one
    // syncfs makes the group's outputs durable and then one transaction records them as done,
    // so a crash never leaves a "done" without its output; a kill redoes at most one group.
    constexpr std::size_t kCommitEvery = 256;
    constexpr auto kCommitInterval = std::chrono::seconds(1);
    std::vector<InputRecord> pending;
    auto last_commit = Clock::now();
    auto commit_pending = [&] { // called with `mutex` held
        if (pending.empty()) return;
        if (!options.isolate && !sync_filesystem(options.output_root))
            for (const auto& r : pending)
                for (const auto& o : r.outputs)
                    fsync_file(o);
        try {
            state->save_all(pending);
        } catch (const std::exception& e) {
            log->error("{}", e.what());
        }
        pending.clear();
        last_commit = Clock::now();
    };

    auto worker = [&](Processor& processor) {
        for (;;) {
            if (options.cancel && options.cancel->load()) return;
            std::size_t index = next.fetch_add(1);
            if (index >= todo.size()) return;
            const Item& item = *todo[index];
            Result result = processor.process(item);
            InputRecord record;
            record.path = item.relative;
            std::size_t item_index = static_cast<std::size_t>(&item - items.data());
            record.input_sha256 = !result.sha256.empty()        ? std::move(result.sha256)
                                  : !hashes[item_index].empty() ? hashes[item_index]
                                                                : file_sha256(item.absolute);
            record.size = item.size;
            record.mtime_ns = item.mtime_ns;
            record.pipeline_hash = pipeline_hash;
            record.status = result.ok ? "done" : "failed";
            record.outputs = result.outputs;
            record.error = result.error;
            record.seconds = result.seconds;
            record.finished_at = now_iso();
            record.attempts = attempts[item_index] + 1;
            std::lock_guard guard(mutex);
            pending.push_back(std::move(record)); // saved once its outputs are durable
            if (pending.size() >= kCommitEvery || Clock::now() - last_commit >= kCommitInterval)
                commit_pending();
            if (result.ok)
                ++converted;
            else {
                ++failed;
                failures.push_back({{"path", item.relative}, {"error", result.error}});
                log->error("{}", result.error);
            }
            total_seconds += result.seconds;
            if (result.seconds > max_seconds) max_seconds = result.seconds, slowest = item.relative;
            progress.update(converted, skipped, failed);
        }
    };
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < processors.size(); ++i)
        threads.emplace_back(worker, std::ref(*processors[i]));
    worker(*processors[0]);
    for (auto& t : threads)
        t.join();
    {
        std::lock_guard guard(mutex);
        commit_pending();
    }
    for (auto& p : processors)
        for (const auto& error : p->finish()) {
            log->error("{}", error);
            ++failed;
        }

    bool interrupted = options.cancel && options.cancel->load() && converted + failed < todo.size();
    double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    nlohmann::ordered_json report = {
        {"schema", "bulletin-batch-report/1"},
        {"pipeline", options.pipeline_file.string()},
        {"pipeline_hash", pipeline_hash},
        {"input", options.input_root.string()},
        {"output", options.output_root.string()},
        {"state", state_file.string()},
        {"shard", std::to_string(options.shard.index) + "/" + std::to_string(options.shard.count)},
        {"jobs", options.jobs},
        {"isolate", options.isolate},
        {"started", started_at},
        {"finished", now_iso()},
        {"seconds", seconds},
        {"interrupted", interrupted},
        {"counts",
         {{"inputs", items.size()},
          {"converted", converted},
          {"skipped", skipped},
          {"failed", failed},
          {"not_started", todo.size() - std::min(todo.size(), converted + failed)}}},
        {"failures", failures},
        {"timings",
         {{"total_seconds", total_seconds},
          {"mean_seconds",
           converted + failed ? total_seconds / static_cast<double>(converted + failed) : 0.0},
          {"max_seconds", max_seconds},
          {"slowest", slowest}}}};
    try {
        // Paths are bytes: one that is not UTF-8 must not cost the whole report.
        write_file_atomically(report_file,
                              report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
                                  "\n");
    } catch (const std::exception& e) {
        log->error("cannot write the report: {}", e.what());
    }
    std::cerr << "bulletin: " << items.size() << " inputs: " << converted << " converted, "
              << skipped << " skipped (unchanged), " << failed << " failed"
              << (interrupted ? ", interrupted" : "") << "; report: " << report_file.string()
              << "\n";
    if (interrupted) return kExitInterrupted;
    return failed ? kExitSomeFailed : kExitOk;
}

} // namespace bulletin::host
