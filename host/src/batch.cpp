#include "batch.hpp"

#include "claims.hpp"
#include "context.hpp"
#include "discovery.hpp"
#include "journal.hpp"
#include "logging.hpp"
#include "processor.hpp"
#include "progress.hpp"
#include "runner.hpp"
#include "state.hpp"
#include "state_location.hpp"
#include "worker.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace bulletin::host {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string shard_suffix(const Shard& shard) {
    if (shard.count <= 1) return {};
    return "-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count);
}

std::optional<Shard> parse_shard(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto k = parse_int_param(text.substr(0, slash));
    auto n = parse_int_param(text.substr(slash + 1));
    if (!k || !n || *n < 1 || *k < 1 || *k > *n || *n > 1000000) return std::nullopt;
    return Shard{static_cast<int>(*k), static_cast<int>(*n)};
}

bool in_shard(std::string_view relative_path, const Shard& shard) {
    // Without the extension: a.txt and a.pdf map to one output with the default templates, and
    // only a shard that sees both (one state, one set of claims) can refuse the second.
    auto slash = relative_path.rfind('/');
    auto name_at = slash == std::string_view::npos ? 0 : slash + 1;
    auto dot = relative_path.rfind('.');
    if (dot != std::string_view::npos && dot > name_at)
        relative_path = relative_path.substr(0, dot);
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

std::string plural(std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

/// One message per input the walk could not list or would not follow.
void warn_about_listing(const DiscoveryProblems& listing, const fs::path& input_root,
                        spdlog::logger& log) {
    for (const auto& e : listing.unlisted)
        log.error("{}: {}; not converted", (input_root / e.path).string(), e.detail);
    for (const auto& e : listing.skipped_links)
        log.warn("{} is a symbolic link to {}, outside the input directory; skipped "
                 "(--follow-symlinks converts what such links point to)",
                 (input_root / e.path).string(), e.detail);
}

/// ", N could not be listed, M symbolic links ... skipped" for the summary; empty when none.
std::string listing_summary(const DiscoveryProblems& listing) {
    std::string text;
    if (!listing.unlisted.empty())
        text += ", " + std::to_string(listing.unlisted.size()) + " could not be listed";
    if (!listing.skipped_links.empty())
        text += ", " + plural(listing.skipped_links.size(), "symbolic link") +
                " out of the input directory skipped";
    return text;
}

nlohmann::ordered_json entries_json(const std::vector<DiscoveryProblems::Entry>& entries,
                                    const char* detail) {
    auto list = nlohmann::ordered_json::array();
    for (const auto& e : entries)
        list.push_back({{"path", e.path}, {detail, e.detail}});
    return list;
}

/// An input the run converts, with what planning learned about it.
struct Planned {
    const Item* item = nullptr;
    std::string sha256; ///< when planning hashed it
    int attempts = 0;   ///< earlier failed attempts on this content with this pipeline
    int crashes = 0;
};

/// One run of `bulletin batch`, from set-up to the report (docs/operations.md).
class BatchRun {
public:
    BatchRun(const Registry& registry, const BatchOptions& options)
        : registry_(registry), options_(options), log_(host_logger()) {}
    int run();

private:
    int set_up();
    int create_processors();
    void recover_previous_run();
    void plan();
    bool outputs_intact(const InputRecord& record, const Item& item);
    void convert();
    void convert_one(std::size_t slot, const Planned& planned, bool alone, Progress& progress);
    void commit_pending();
    void state_failed(const std::string& message);
    bool stopping() const {
        return state_failed_.load() || (options_.cancel && options_.cancel->load());
    }
    int finish();
    void end_run();
    std::vector<std::string> input_extensions() const;
    nlohmann::ordered_json report(const std::string& status) const;
    bool write_report(const std::string& status);

    const Registry& registry_;
    const BatchOptions& options_;
    std::shared_ptr<spdlog::logger> log_;
    std::string started_at_ = now_iso();
    Clock::time_point started_ = Clock::now();

    StateLocation location_;
    fs::path state_file_, report_file_;
    std::optional<PipelineLoad> load_;
    std::string pipeline_hash_;
    std::unique_ptr<FileLock> lock_;
    std::unique_ptr<StateStore> state_;
    std::shared_ptr<BatchClaims> claims_;
    InFlightJournal::Previous previous_run_; ///< read before this run replaces the journal
    std::unique_ptr<InFlightJournal> journal_;
    std::vector<std::unique_ptr<Processor>> processors_;
    /// The exporters whose begin_run and end_run this process calls (the documents are
    /// converted by the processors' own instances).
    std::unique_ptr<PipelineRunner> lifecycle_;
    bool run_begun_ = false;              ///< begin_run was called: end_run follows
    std::vector<std::string> extensions_; ///< of the inputs to convert; empty: every file

    std::vector<Item> items_;
    std::unordered_set<std::string> present_; ///< items_' relative paths, for claims and records
    DiscoveryProblems listing_;
    std::vector<Planned> todo_;     ///< in path order
    std::vector<Planned> suspects_; ///< in flight when an earlier run died: converted last, alone
    std::unordered_set<std::string> suspect_paths_;
    std::vector<InputRecord> plan_records_; ///< saved before converting
    std::size_t skipped_ = 0, damaged_ = 0;
    nlohmann::ordered_json gave_up_ = nlohmann::ordered_json::array();

    std::mutex mutex_; // guards everything below while documents are converted
    std::vector<InputRecord> pending_;
    Clock::time_point last_commit_ = Clock::now();
    std::size_t converted_ = 0, failed_ = 0;
    double total_seconds_ = 0, max_seconds_ = 0;
    std::string slowest_;
    nlohmann::ordered_json failures_ = nlohmann::ordered_json::array();
    std::atomic<bool> state_failed_{false};
    std::string state_error_;
    std::string report_error_;
};

int BatchRun::run() {
    if (int code = set_up(); code >= 0) return code;
    if (!stopping()) {
        if (int code = create_processors(); code >= 0) return code;
    }
    try {
        if (!stopping()) {
            if (auto removed = remove_stale_temporaries(options_.output_root))
                log_->info("removed {} temporary files left by an interrupted run", removed);
            items_ = discover(options_, extensions_, listing_);
            log_->info("{} inputs in {} (shard {}/{}, {} in other shards)", items_.size(),
                       options_.input_root.string(), options_.shard.index, options_.shard.count,
                       listing_.outside_shard);
            warn_about_listing(listing_, options_.input_root, *log_);
            recover_previous_run();
            plan();
        }
        if (!stopping()) convert();
    } catch (const std::exception& e) { // the state or the journal beside it
        state_failed(e.what());
    }
    return finish();
}

/// Everything that can be wrong before the first document: exit code 2 (4 for a held lock, 5 when
/// the state or report cannot be written), nothing converted.
int BatchRun::set_up() {
    std::error_code ec;
    if (!fs::is_directory(options_.input_root, ec)) {
        log_->error("input directory {} does not exist", options_.input_root.string());
        return kExitConfigError;
    }
    std::vector<Override> overrides;
    for (const auto& set : options_.sets) {
        auto o = parse_override(set);
        if (!o) {
            log_->error("--set '{}': expected STAGE.PARAM=VALUE", set);
            return kExitConfigError;
        }
        overrides.push_back(*o);
    }
    load_ = load_pipeline(options_.pipeline_file, registry_, overrides);
    for (const auto& e : load_->errors)
        log_->error("{}", e.str());
    for (const auto& w : load_->warnings)
        log_->warn("{}", w.str());
    if (!load_->ok()) return kExitConfigError;
    pipeline_hash_ = PipelineRunner::fingerprint(*load_->pipeline, registry_);
    extensions_ = input_extensions();

    fs::create_directories(options_.output_root, ec);
    if (ec) {
        log_->error("cannot create the output directory {}: {}; create it (or choose another "
                    "--output) with write permission for this user",
                    options_.output_root.string(), ec.message());
        return kExitConfigError;
    }
    try {
        location_ = locate_state(options_); // refuses a link planted in the output directory
    } catch (const std::exception& e) {
        log_->error("{}", e.what());
        return kExitConfigError;
    }
    state_file_ = location_.state;
    report_file_ = location_.report;
    for (const auto& dir : {state_file_.parent_path(), report_file_.parent_path()}) {
        if (dir.empty() || fs::is_directory(dir, ec)) continue;
        log_->error("cannot create the directory {} for the batch state and report; make {} "
                    "writable for this user, or put them elsewhere with --state and --report",
                    dir.string(), dir.parent_path().string());
        return kExitConfigError;
    }

    try {
        lock_ = std::make_unique<FileLock>(location_.lock);
    } catch (const LockHeld& e) {
        log_->error("{}", e.what());
        return kExitLockHeld;
    } catch (const std::exception& e) {
        log_->error("{}", e.what());
        return kExitConfigError;
    }
    try {
        state_ = std::make_unique<StateStore>(state_file_);
        claims_ = std::make_shared<BatchClaims>(
            StateKeys(options_.input_root, options_.output_root), state_->outputs());
    } catch (const StateError& e) {
        log_->error("{}", e.what());
        return e.write_failure() ? kExitStateFailure : kExitConfigError;
    }
    // From here on the report tells what this run did; until it ends, that it is running.
    if (!write_report("running")) {
        log_->error("{}", report_error_);
        return kExitStateFailure;
    }
    return -1;
}

int BatchRun::create_processors() {
    try {
        int jobs = std::max(1, options_.jobs);
        BatchOptions worker_options = options_; // the workers share this run's state and claims
        worker_options.state_file = state_file_;
        for (int i = 0; i < jobs; ++i) {
            if (options_.isolate) {
                processors_.push_back(std::make_unique<Isolated>(worker_argv(worker_options),
                                                                 options_.timeout_seconds));
            } else {
                RunOptions run;
                run.output_root = options_.output_root;
                run.cancel = options_.cancel;
                run.max_input_bytes = options_.max_input_bytes;
                // Outputs are made durable in groups before their state is committed.
                run.sync_outputs = false;
                run.claims = claims_;
                run.shard = shard_suffix(options_.shard);
                // One instance of every plugin per worker thread: no plugin is shared.
                processors_.push_back(
                    std::make_unique<InProcess>(*load_->pipeline, registry_, run));
            }
        }
        RunOptions run;
        run.output_root = options_.output_root;
        run.cancel = options_.cancel;
        run.exporters_only = true;
        run.shard = shard_suffix(options_.shard);
        lifecycle_ = std::make_unique<PipelineRunner>(*load_->pipeline, registry_, run);
        previous_run_ = InFlightJournal::read(state_file_.string() + ".inflight");
    } catch (const std::exception& e) {
        log_->error("{}", e.what());
        write_report("failed");
        return kExitConfigError;
    }
    return -1;
}

/// Reads what the previous run was converting when it died. A document that crashed the process
/// (the crash handler marked it) is recorded as failed with the signal, and is given up for
/// in-process runs; one that was in flight when the process was killed is converted again after
/// the others, alone, and counts as a failed attempt if it was alone already.
void BatchRun::recover_previous_run() {
    const auto& previous = previous_run_;
    if (previous.entries.empty()) return;
    std::unordered_map<std::string, const Item*> by_path;
    for (const auto& item : items_)
        by_path.emplace(item.relative, &item);
    std::vector<InputRecord> records;
    for (const auto& entry : previous.entries) {
        auto it = by_path.find(entry.path);
        if (it == by_path.end()) continue; // gone, or in another shard now
        const Item& item = *it->second;
        if (item.size != entry.size || item.mtime_ns != entry.mtime_ns) continue; // changed since
        suspect_paths_.insert(entry.path);
        if (!entry.signal && !entry.alone) {
            log_->warn("the previous run ended while converting {} (killed?); it is converted "
                       "again, after the other inputs",
                       entry.path);
            continue;
        }
        InputRecord r;
        r.path = entry.path;
        r.input_sha256 = file_sha256(item.absolute);
        r.size = item.size;
        r.mtime_ns = item.mtime_ns;
        r.pipeline_hash = previous.pipeline_hash.empty() ? pipeline_hash_ : previous.pipeline_hash;
        r.status = "failed";
        r.finished_at = now_iso();
        if (auto old = state_->find(entry.path); old && old->status == "failed" &&
                                                 old->pipeline_hash == r.pipeline_hash &&
                                                 old->input_sha256 == r.input_sha256) {
            r.attempts = old->attempts;
            r.crashes = old->crashes;
            r.outputs = old->outputs;
        }
        ++r.attempts;
        if (entry.signal) {
            ++r.crashes;
            r.error = item.absolute.string() + ": the batch process crashed with " +
                      describe_signal(entry.signal) +
                      " while converting this document (a plugin crashed); it is not converted "
                      "in-process again until it changes: run the batch with --isolate to "
                      "convert it in a worker process, or pass --retry-failed";
        } else {
            r.error = item.absolute.string() +
                      ": the batch process died while converting this document alone (killed: "
                      "out of memory? kill -9?); attempt " +
                      std::to_string(r.attempts) + " of " + std::to_string(options_.max_attempts);
        }
        log_->error("previous run: {}", r.error);
        records.push_back(std::move(r));
    }
    state_->commit(records, {});
}

/// Decides what to convert: unchanged inputs with intact outputs are skipped, inputs that failed
/// too often are given up, the rest is converted (inputs in flight at an earlier death last).
void BatchRun::plan() {
    // Claims are released when their input is no longer one of this run's (gone, renamed, in
    // another shard, filtered out) or lost its record.
    present_.reserve(items_.size());
    for (const auto& item : items_)
        present_.insert(item.relative);
    auto recorded_paths = state_->paths();
    std::unordered_set<std::string> recorded(recorded_paths.begin(), recorded_paths.end());
    claims_->release_unless([&](const std::string& input) {
        return present_.contains(input) && recorded.contains(input);
    });

    const bool fresh = recorded.empty(); // a first run has nothing to look up
    for (const Item& item : items_) {
        Planned planned;
        planned.item = &item;
        auto record = fresh ? std::nullopt : state_->find(item.relative);
        if (record) {
            const bool same_pipeline = record->pipeline_hash == pipeline_hash_;
            const bool same_stat = record->size == item.size && record->mtime_ns == item.mtime_ns;
            // Touched but unchanged: hashed once, the record takes the new timestamp.
            auto same_content = [&] {
                if (same_stat) return true;
                if (record->size != item.size) return false;
                if (planned.sha256.empty()) planned.sha256 = file_sha256(item.absolute);
                return planned.sha256 == record->input_sha256;
            };
            auto touch = [&] {
                if (same_stat) return;
                InputRecord touched = *record;
                touched.size = item.size;
                touched.mtime_ns = item.mtime_ns;
                plan_records_.push_back(std::move(touched));
            };
            if (record->status == "done" && same_pipeline && outputs_intact(*record, item) &&
                same_content()) {
                ++skipped_;
                touch();
                continue;
            }
            if (record->status == "failed" && same_pipeline && same_content()) {
                planned.attempts = record->attempts;
                planned.crashes = record->crashes;
                bool crashed = planned.crashes > 0 && !options_.isolate;
                bool exhausted =
                    options_.max_attempts > 0 && planned.attempts >= options_.max_attempts;
                if (!options_.retry_failed && (crashed || exhausted)) {
                    gave_up_.push_back({{"path", item.relative},
                                        {"attempts", planned.attempts},
                                        {"crashed", planned.crashes > 0},
                                        {"error", record->error}});
                    touch();
                    continue;
                }
            }
        }
        (suspect_paths_.contains(item.relative) ? suspects_ : todo_).push_back(std::move(planned));
    }
    auto [outputs, released] = claims_->changes();
    state_->commit(plan_records_, outputs, released);
}

/// True when every output of a done record still belongs to its input and has the size (with
/// --verify: the SHA-256) that was written. Outputs recorded before sizes were kept are taken as
/// they are, unless empty.
bool BatchRun::outputs_intact(const InputRecord& record, const Item& item) {
    for (const auto& output : record.outputs) {
        std::string key = claims_->keys().output(output);
        const OutputRecord* claim = claims_->find(key);
        if (claim && claim->input != item.relative) return false; // converting it reports this
        struct stat st {};
        if (::stat(output.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
        if (!claim || claim->size < 0) {
            if (st.st_size == 0) {
                log_->warn("output {} is empty: converting {} again", output, item.relative);
                ++damaged_;
                return false;
            }
            claims_->set({key, item.relative, st.st_size, file_sha256(output)});
            continue;
        }
        if (st.st_size != claim->size) {
            log_->warn("output {} is {} bytes, but {} were written (damaged or truncated): "
                       "converting {} again",
                       output, st.st_size, claim->size, item.relative);
            ++damaged_;
            return false;
        }
        if (options_.verify && file_sha256(output) != claim->sha256) {
            log_->warn("output {} is not what was written (its SHA-256 differs): converting {} "
                       "again",
                       output, item.relative);
            ++damaged_;
            return false;
        }
    }
    return true;
}

void BatchRun::convert() {
    // Replaces the previous run's journal only now that what it said is in the state.
    journal_ = std::make_unique<InFlightJournal>(state_file_.string() + ".inflight",
                                                 processors_.size(), pipeline_hash_);
    Progress progress(items_.size(), log_, options_.progress_bar);
    progress.update(0, skipped_ + gave_up_.size(), 0);
    for (const auto& error : lifecycle_->begin_run()) {
        log_->error("{}", error);
        ++failed_;
    }
    run_begun_ = true;
    // In-process conversions run plugins in this process: a crash handler names the document.
    std::optional<CrashMarker> crash_marker;
    if (!options_.isolate) crash_marker.emplace();

    std::atomic<std::size_t> next{0};
    auto worker = [&](std::size_t slot) {
        AlternateSignalStack stack;
        for (;;) {
            if (stopping()) return;
            std::size_t index = next.fetch_add(1);
            if (index >= todo_.size()) return;
            convert_one(slot, todo_[index], false, progress);
        }
    };
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < processors_.size(); ++i)
        threads.emplace_back(worker, i);
    worker(0);
    for (auto& t : threads)
        t.join();
    {
        std::lock_guard guard(mutex_);
        commit_pending();
    }
    // What was in flight when an earlier run died goes last and alone, each committed at once:
    // if it kills this run too, everything else is recorded, and the next run knows the culprit.
    AlternateSignalStack stack;
    for (const auto& planned : suspects_) {
        if (stopping()) break;
        convert_one(0, planned, true, progress);
    }
}

void BatchRun::convert_one(std::size_t slot, const Planned& planned, bool alone,
                           Progress& progress) {
    const Item& item = *planned.item;
    journal_->start(slot, item.relative, item.size, item.mtime_ns, alone);
    Result result = processors_[slot]->process(item);
    journal_->stop(slot);
    if (result.interrupted) return; // stopped between stages: converted again by the next run

    InputRecord record;
    record.path = item.relative;
    record.input_sha256 = !result.sha256.empty()    ? std::move(result.sha256)
                          : !planned.sha256.empty() ? planned.sha256
                                                    : file_sha256(item.absolute);
    record.size = item.size;
    record.mtime_ns = item.mtime_ns;
    record.pipeline_hash = pipeline_hash_;
    record.status = result.ok ? "done" : "failed";
    record.outputs = result.outputs;
    record.error = result.error;
    record.seconds = result.seconds;
    record.finished_at = now_iso();
    record.attempts = planned.attempts + 1;
    record.crashes = planned.crashes;
    if (result.ok) {
        auto& records = record.records.emplace();
        for (auto& r : result.records)
            records.emplace_back(std::move(r.stage), std::move(r.record));
    }

    std::lock_guard guard(mutex_);
    pending_.push_back(std::move(record)); // saved once its outputs are durable
    // Group commit: in-process runs write outputs without an fsync each (one costs more than
    // converting a bulletin, docs/performance.md). Every kCommitEvery documents or second, one
    // syncfs makes the group's outputs durable and then one transaction records them, so a
    // crash never leaves a "done" without its output; a kill redoes at most one group.
    constexpr std::size_t kCommitEvery = 256;
    constexpr auto kCommitInterval = std::chrono::seconds(1);
    if (alone || pending_.size() >= kCommitEvery || Clock::now() - last_commit_ >= kCommitInterval)
        commit_pending();
    if (result.ok)
        ++converted_;
    else {
        ++failed_;
        failures_.push_back(
            {{"path", item.relative}, {"error", result.error}, {"attempts", planned.attempts + 1}});
        log_->error("{}", result.error);
    }
    total_seconds_ += result.seconds;
    if (result.seconds > max_seconds_) max_seconds_ = result.seconds, slowest_ = item.relative;
    progress.update(converted_, skipped_ + gave_up_.size(), failed_);
}

void BatchRun::commit_pending() { // called with mutex_ held
    if (state_failed_.load()) {
        pending_.clear();
        return;
    }
    auto [outputs, released] = claims_->changes();
    if (pending_.empty() && outputs.empty() && released.empty()) return;
    if (!options_.isolate && !sync_filesystem(options_.output_root))
        for (const auto& r : pending_)
            for (const auto& o : r.outputs)
                fsync_file(o);
    try {
        state_->commit(pending_, outputs, released);
    } catch (const StateError& e) {
        state_failed(std::string(e.what()) + "; the " + plural(pending_.size(), "document") +
                     " converted since the last commit are not recorded (the next run "
                     "converts them again), and this run stops");
    }
    pending_.clear();
    last_commit_ = Clock::now();
}

void BatchRun::state_failed(const std::string& message) {
    if (state_failed_.exchange(true)) return;
    state_error_ = message;
    log_->error("{}", message);
}

nlohmann::ordered_json BatchRun::report(const std::string& status) const {
    std::size_t planned = todo_.size() + suspects_.size();
    std::size_t done = converted_ + failed_;
    return {{"schema", "bulletin-batch-report/1"},
            {"status", status},
            {"pipeline", options_.pipeline_file.string()},
            {"pipeline_hash", pipeline_hash_},
            {"input", options_.input_root.string()},
            {"output", options_.output_root.string()},
            {"state", state_file_.string()},
            {"shard",
             std::to_string(options_.shard.index) + "/" + std::to_string(options_.shard.count)},
            {"jobs", options_.jobs},
            {"isolate", options_.isolate},
            {"max_attempts", options_.max_attempts},
            {"started", started_at_},
            {"finished", status == "running" ? nlohmann::ordered_json(nullptr)
                                             : nlohmann::ordered_json(now_iso())},
            {"seconds", std::chrono::duration<double>(Clock::now() - started_).count()},
            {"interrupted", status == "interrupted"},
            {"error", state_error_.empty() ? nlohmann::ordered_json(nullptr)
                                           : nlohmann::ordered_json(state_error_)},
            {"counts",
             {{"inputs", items_.size()},
              {"converted", converted_},
              {"skipped", skipped_},
              {"failed", failed_},
              {"gave_up", gave_up_.size()},
              {"damaged_outputs", damaged_},
              {"not_started", planned - std::min(planned, done)},
              {"unlisted", listing_.unlisted.size()},
              {"symlinks_skipped", listing_.skipped_links.size()}}},
            {"failures", failures_},
            {"gave_up", gave_up_},
            {"unlisted", entries_json(listing_.unlisted, "reason")},
            {"symlinks_skipped", entries_json(listing_.skipped_links, "target")},
            {"timings",
             {{"total_seconds", total_seconds_},
              {"mean_seconds", done ? total_seconds_ / static_cast<double>(done) : 0.0},
              {"max_seconds", max_seconds_},
              {"slowest", slowest_}}}};
}

bool BatchRun::write_report(const std::string& status) {
    try {
        AtomicWriter(location_.report_root)
            .write(report_file_,
                   report(status).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
                       "\n",
                   true);
        return true;
    } catch (const std::exception& e) {
        report_error_ = std::string("cannot write the run report: ") + e.what();
        return false;
    }
}

namespace {

/// The records of the run's inputs as the state holds them: those converted now and those
/// skipped as up to date; inputs that are gone, filtered out or in another shard are left out.
class StateRecordSource final : public RecordSource {
public:
    StateRecordSource(const StateStore& state, const std::unordered_set<std::string>& present)
        : state_(state), present_(present) {}
    void for_each(const std::string& stage, const Records::Visitor& visit) const override {
        state_.for_each_record(stage, [&](std::string_view input, std::string_view record) {
            if (present_.contains(std::string(input))) visit(input, record);
        });
    }

private:
    const StateStore& state_;
    const std::unordered_set<std::string>& present_;
};

} // namespace

/// --extensions, or else what the pipeline's readers declare; every file when one of them
/// declares none (it may read anything).
std::vector<std::string> BatchRun::input_extensions() const {
    if (options_.extensions) return *options_.extensions;
    std::vector<std::string> all;
    for (const Stage* stage : load_->pipeline->enabled(PluginKind::Reader)) {
        const PluginEntry* entry = registry_.find(stage->plugin);
        auto declared = entry ? entry->info->extension_list() : std::vector<std::string>();
        if (declared.empty()) {
            log_->info("reader '{}' declares no file extensions: every file is an input "
                       "(--extensions picks some)",
                       stage->plugin);
            return {};
        }
        for (std::string& word : declared) {
            std::transform(word.begin(), word.end(), word.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (std::find(all.begin(), all.end(), word) == all.end()) all.push_back(word);
        }
    }
    return all;
}

void BatchRun::end_run() {
    try {
        StateRecordSource records(*state_, present_);
        for (const auto& error : lifecycle_->end_run(records)) {
            log_->error("{}", error);
            ++failed_;
        }
    } catch (const std::exception& e) { // reading the records
        state_failed(e.what());
    }
}

int BatchRun::finish() {
    {
        std::lock_guard guard(mutex_);
        commit_pending();
    }
    processors_.clear(); // worker processes end before the journal goes
    if (run_begun_ && !state_failed_.load()) end_run();
    if (journal_ && !state_failed_.load()) journal_->finish();

    const bool interrupted = options_.cancel && options_.cancel->load();
    const char* status = state_failed_.load() ? "failed"
                         : interrupted        ? "interrupted"
                                              : "completed";
    bool report_written = write_report(status);
    std::string summary = plural(items_.size(), "input") + ": " + std::to_string(converted_) +
                          " converted, " + std::to_string(skipped_) + " skipped (unchanged), " +
                          std::to_string(failed_) + " failed, " + std::to_string(gave_up_.size()) +
                          " given up" + listing_summary(listing_) +
                          (interrupted ? ", interrupted" : "") +
                          (state_failed_.load() ? ", the state could not be recorded" : "");
    summary += report_written ? "; report: " + report_file_.string()
                              : "; " + report_error_ +
                                    " (it still describes an earlier run "
                                    "or says \"running\")";
    bool bad = failed_ > 0 || !gave_up_.empty() || !listing_.unlisted.empty() ||
               state_failed_.load() || !report_written;
    log_->log(bad           ? spdlog::level::err
              : interrupted ? spdlog::level::warn
                            : spdlog::level::info,
              "{}", summary);
    if (!gave_up_.empty()) {
        std::string names;
        for (std::size_t i = 0; i < gave_up_.size() && i < 10; ++i)
            names += (i ? ", " : "") + gave_up_[i]["path"].get<std::string>();
        if (gave_up_.size() > 10) names += ", ...";
        log_->error("{} given up after failing {} times or crashing the batch, and not converted "
                    "until they change (--retry-failed converts them anyway): {}",
                    plural(gave_up_.size(), "input"), options_.max_attempts, names);
    }
    if (state_failed_.load() || !report_written) return kExitStateFailure;
    if (interrupted) return kExitInterrupted;
    return bad ? kExitSomeFailed : kExitOk;
}

} // namespace

int run_batch(const Registry& registry, const BatchOptions& options) {
    return BatchRun(registry, options).run();
}

} // namespace bulletin::host
