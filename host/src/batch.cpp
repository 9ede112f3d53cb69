#include "batch.hpp"

#include "context.hpp"
#include "logging.hpp"
#include "runner.hpp"
#include "state.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

extern char** environ;

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

struct Item {
    std::string relative; ///< path under the input root, '/'-separated
    fs::path absolute;
    std::int64_t size = 0;
    std::int64_t mtime_ns = 0;
};

struct Result {
    bool ok = false;
    std::string error;
    std::string sha256; ///< of the bytes converted; empty when the input was not read
    std::vector<std::string> outputs;
    double seconds = 0;
};

bool hidden(const fs::path& relative) {
    for (const auto& part : relative)
        if (part.string().starts_with(".")) return true;
    return false;
}

std::string lower(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// Every regular, non-hidden file under the input root (not under the output root), in a stable
/// order, filtered by extension and shard.
std::vector<Item> discover(const BatchOptions& options, std::size_t& outside_shard) {
    std::vector<Item> items;
    std::error_code ec;
    auto output = fs::weakly_canonical(options.output_root, ec);
    auto options_it = fs::directory_options::skip_permission_denied;
    for (auto it = fs::recursive_directory_iterator(options.input_root, options_it, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        const auto& path = it->path();
        if (it->is_directory(ec) && fs::weakly_canonical(path, ec) == output) {
            it.disable_recursion_pending(); // never read our own outputs back
            continue;
        }
        if (!it->is_regular_file(ec)) continue;
        auto relative = path.lexically_relative(options.input_root);
        if (hidden(relative)) continue;
        if (!options.extensions.empty()) {
            auto ext = lower(path.extension().string());
            if (!ext.empty()) ext.erase(0, 1);
            if (std::find(options.extensions.begin(), options.extensions.end(), ext) ==
                options.extensions.end())
                continue;
        }
        Item item;
        item.relative = relative.generic_string();
        if (!in_shard(item.relative, options.shard)) {
            ++outside_shard;
            continue;
        }
        item.absolute = path;
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0) {
            item.size = st.st_size;
            item.mtime_ns =
                static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
        }
        items.push_back(std::move(item));
    }
    std::sort(items.begin(), items.end(),
              [](const Item& a, const Item& b) { return a.relative < b.relative; });
    return items;
}

/// Removes temporary files a killed run left behind ("NAME.tmp-PID-RANDOM", see
/// write_file_atomically). Safe because we hold the lock on this output's state.
std::size_t remove_stale_temporaries(const fs::path& root) {
    std::size_t removed = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(
             root, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        auto name = it->path().filename().string();
        auto at = name.rfind(".tmp-");
        if (at == std::string::npos || !it->is_regular_file(ec)) continue;
        auto tail = name.substr(at + 5);
        bool ours = !tail.empty() && tail.find_first_not_of("0123456789-") == std::string::npos &&
                    std::count(tail.begin(), tail.end(), '-') == 1;
        if (ours && fs::remove(it->path(), ec)) ++removed;
    }
    return removed;
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

class Processor {
public:
    virtual ~Processor() = default;
    virtual Result process(const Item& item) = 0;
    virtual std::vector<std::string> finish() { return {}; }
};

class InProcess final : public Processor {
public:
    InProcess(const PipelineDefinition& pipeline, const Registry& registry, RunOptions options)
        : runner_(pipeline, registry, std::move(options)) {}
    Result process(const Item& item) override {
        auto relative_dir = fs::path(item.relative).parent_path();
        auto outcome = runner_.process(item.absolute, relative_dir.empty() ? "." : relative_dir);
        Result r;
        r.ok = outcome.ok;
        r.error = outcome.error;
        r.sha256 = std::move(outcome.document.source.sha256);
        for (const auto& o : outcome.outputs)
            r.outputs.push_back(o.string());
        r.seconds = outcome.elapsed.count();
        return r;
    }
    std::vector<std::string> finish() override { return runner_.finish(); }

private:
    PipelineRunner runner_;
};

std::string signal_text(int sig) {
    const char* name = sigabbrev_np(sig);
    const char* description = strsignal(sig);
    return std::string("signal ") + std::to_string(sig) + " (SIG" + (name ? name : "?") + ", " +
           (description ? description : "?") + ")";
}

/// Runs documents in a `bulletin _worker` child process, one at a time, so a plugin that
/// crashes or hangs costs one document. The child is restarted after a crash or time-out.
class Isolated final : public Processor {
public:
    Isolated(std::vector<std::string> argv, double timeout_seconds)
        : argv_(std::move(argv)), timeout_(timeout_seconds) {}
    ~Isolated() override { stop(); }

    Result process(const Item& item) override {
        auto started = Clock::now();
        Result r;
        if (pid_ < 0 && !start(r.error)) return r;
        std::string request = item.relative + "\t" + item.absolute.string() + "\n";
        if (!write_all(request)) {
            r.error = item.absolute.string() + ": " + reap("before it read the document");
            return r;
        }
        std::string line;
        auto deadline = started + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(timeout_));
        auto status = read_line(deadline, line);
        r.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        if (status == ReadStatus::TimedOut) {
            ::kill(pid_, SIGKILL);
            reap("");
            r.error = item.absolute.string() + ": timed out after " + format_seconds(timeout_) +
                      " s (the worker was killed; raise --timeout if the document is just large)";
            return r;
        }
        if (status == ReadStatus::Closed) {
            r.error = item.absolute.string() + ": the worker process " +
                      reap("while converting it") +
                      " (a plugin crashed; run `bulletin run` on this file to see where)";
            return r;
        }
        auto reply = nlohmann::json::parse(line, nullptr, false);
        if (reply.is_discarded() || !reply.is_object()) {
            r.error = item.absolute.string() + ": the worker answered garbage: " + line;
            return r;
        }
        r.ok = reply.value("ok", false);
        r.error = reply.value("error", "");
        r.sha256 = reply.value("sha256", "");
        if (reply.contains("outputs"))
            for (const auto& o : reply["outputs"])
                r.outputs.push_back(o.get<std::string>());
        return r;
    }

private:
    enum class ReadStatus { Line, Closed, TimedOut };

    static std::string format_seconds(double s) {
        std::ostringstream out;
        out << s;
        return out.str();
    }

    bool start(std::string& error) {
        int to_child[2], from_child[2];
        if (::pipe2(to_child, O_CLOEXEC) != 0) {
            error = std::string("cannot create a pipe: ") + std::strerror(errno);
            return false;
        }
        if (::pipe2(from_child, O_CLOEXEC) != 0) {
            error = std::string("cannot create a pipe: ") + std::strerror(errno);
            ::close(to_child[0]);
            ::close(to_child[1]);
            return false;
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
        posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
        std::vector<char*> argv;
        for (auto& a : argv_)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        pid_t pid = -1;
        int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(to_child[0]);
        ::close(from_child[1]);
        if (rc != 0) {
            error = "cannot start worker " + argv_[0] + ": " + std::strerror(rc);
            ::close(to_child[1]);
            ::close(from_child[0]);
            return false;
        }
        pid_ = pid;
        to_child_ = to_child[1];
        from_child_ = from_child[0];
        buffer_.clear();
        return true;
    }

    bool write_all(std::string_view data) {
        while (!data.empty()) {
            ssize_t n = ::write(to_child_, data.data(), data.size());
            if (n < 0) {
                if (errno == EINTR) continue;
                return false;
            }
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    ReadStatus read_line(Clock::time_point deadline, std::string& line) {
        for (;;) {
            auto nl = buffer_.find('\n');
            if (nl != std::string::npos) {
                line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return ReadStatus::Line;
            }
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) return ReadStatus::TimedOut;
            pollfd pfd{from_child_, POLLIN, 0};
            int rc = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
            if (rc < 0 && errno != EINTR) return ReadStatus::Closed;
            if (rc <= 0) continue;
            char chunk[4096];
            ssize_t n = ::read(from_child_, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return ReadStatus::Closed;
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }

    /// Waits for the child after it died or was killed; says how it ended.
    std::string reap(const std::string& when) {
        int status = 0;
        std::string how = "ended";
        if (pid_ > 0 && ::waitpid(pid_, &status, 0) == pid_) {
            if (WIFSIGNALED(status))
                how = "was killed by " + signal_text(WTERMSIG(status));
            else if (WIFEXITED(status))
                how = "exited with code " + std::to_string(WEXITSTATUS(status));
        }
        close_pipes();
        pid_ = -1;
        return when.empty() ? how : how + " " + when;
    }

    void close_pipes() {
        if (to_child_ >= 0) ::close(to_child_);
        if (from_child_ >= 0) ::close(from_child_);
        to_child_ = from_child_ = -1;
    }

    void stop() {
        if (pid_ < 0) return;
        ::close(to_child_); // end of input: the worker finishes and exits
        to_child_ = -1;
        for (int i = 0; i < 100; ++i) { // up to 10 s
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
        close_pipes();
    }

    std::vector<std::string> argv_;
    double timeout_;
    pid_t pid_ = -1;
    int to_child_ = -1;
    int from_child_ = -1;
    std::string buffer_;
};

/// A progress bar on a terminal; a line every few percent otherwise.
class Progress {
public:
    explicit Progress(std::size_t total)
        : total_(total), tty_(::isatty(2) == 1), start_(Clock::now()) {}

    void update(std::size_t converted, std::size_t skipped, std::size_t failed) {
        std::size_t done = converted + skipped + failed;
        std::size_t step = std::max<std::size_t>(1, total_ / 20);
        if (!tty_ && done != total_ && done - last_printed_ < step) return; // before any work
        double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
        double rate = seconds > 0 ? static_cast<double>(converted + failed) / seconds : 0;
        std::ostringstream line;
        line.precision(1);
        line << std::fixed;
        if (tty_) {
            constexpr int width = 30;
            int filled = total_ ? static_cast<int>(width * done / total_) : width;
            line << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
                 << std::string(static_cast<std::size_t>(width - filled), '.') << "] " << done
                 << "/" << total_ << "  converted " << converted << "  skipped " << skipped
                 << "  failed " << failed << "  " << rate << " docs/s ";
            std::cerr << line.str() << (done == total_ ? "\n" : "") << std::flush;
            return;
        }
        last_printed_ = done;
        line << "progress: " << done << "/" << total_ << " converted " << converted << " skipped "
             << skipped << " failed " << failed << " (" << rate << " docs/s)";
        std::cerr << line.str() << "\n";
    }

private:
    std::size_t total_;
    bool tty_;
    Clock::time_point start_;
    std::size_t last_printed_ = 0;
};

std::vector<std::string> worker_argv(const BatchOptions& options) {
    std::error_code ec;
    std::vector<std::string> argv{fs::read_symlink("/proc/self/exe", ec).string()};
    for (const auto& dir : options.plugin_dirs) {
        argv.push_back("--plugin-dir");
        argv.push_back(dir);
    }
    argv.insert(argv.end(),
                {"_worker", options.pipeline_file.string(), "-o", options.output_root.string(),
                 "--max-input-size", std::to_string(options.max_input_bytes)});
    for (const auto& set : options.sets) {
        argv.push_back("--set");
        argv.push_back(set);
    }
    return argv;
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
        write_file_atomically(report_file, report.dump(2) + "\n");
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

int run_worker(const Registry& registry, const fs::path& pipeline_file,
               const std::vector<std::string>& sets, const fs::path& output_root,
               std::uintmax_t max_input_bytes) {
    // The parent decides when to stop (it closes our stdin); a Ctrl-C on the terminal reaches
    // the whole process group and must not kill the document in hand.
    std::signal(SIGINT, SIG_IGN);
    std::signal(SIGTERM, SIG_IGN);
    // Keep the protocol channel for ourselves: anything a plugin prints goes to stderr.
    int protocol = ::dup(1);
    ::dup2(2, 1);

    std::vector<Override> overrides;
    for (const auto& set : sets)
        if (auto o = parse_override(set)) overrides.push_back(*o);
    auto load = load_pipeline(pipeline_file, registry, overrides);
    if (!load.ok()) {
        for (const auto& e : load.errors)
            std::cerr << e.str() << "\n";
        return kExitConfigError;
    }
    RunOptions options;
    options.output_root = output_root;
    options.max_input_bytes = max_input_bytes;
    PipelineRunner runner(*load.pipeline, registry, options);
    std::string line;
    while (std::getline(std::cin, line)) {
        auto tab = line.find('\t');
        if (tab == std::string::npos) continue;
        auto relative_dir = fs::path(line.substr(0, tab)).parent_path();
        auto outcome =
            runner.process(line.substr(tab + 1), relative_dir.empty() ? "." : relative_dir);
        nlohmann::json reply = {{"ok", outcome.ok},
                                {"error", outcome.error},
                                {"reader", outcome.reader},
                                {"seconds", outcome.elapsed.count()},
                                {"sha256", outcome.document.source.sha256}};
        reply["outputs"] = nlohmann::json::array();
        for (const auto& o : outcome.outputs)
            reply["outputs"].push_back(o.string());
        std::string text =
            reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        std::string_view rest = text;
        while (!rest.empty()) {
            ssize_t n = ::write(protocol, rest.data(), rest.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return kExitSomeFailed;
            rest.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    runner.finish();
    return kExitOk;
}

} // namespace bulletin::host
