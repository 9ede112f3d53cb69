#include "worker.hpp"

#include "pipeline.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <iostream>
#include <sstream>
#include <thread>

extern char** environ;

namespace bulletin::host {

namespace fs = std::filesystem;

namespace {

std::string signal_text(int sig) {
    const char* name = sigabbrev_np(sig);
    const char* description = strsignal(sig);
    return std::string("signal ") + std::to_string(sig) + " (SIG" + (name ? name : "?") + ", " +
           (description ? description : "?") + ")";
}

std::string format_seconds(double s) {
    std::ostringstream out;
    out << s;
    return out.str();
}

} // namespace

Result Isolated::process(const Item& item) {
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
        r.error = item.absolute.string() + ": the worker process " + reap("while converting it") +
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

bool Isolated::start(std::string& error) {
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

bool Isolated::write_all(std::string_view data) {
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

Isolated::ReadStatus Isolated::read_line(Clock::time_point deadline, std::string& line) {
    for (;;) {
        auto nl = buffer_.find('\n');
        if (nl != std::string::npos) {
            line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return ReadStatus::Line;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
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
std::string Isolated::reap(const std::string& when) {
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

void Isolated::close_pipes() {
    if (to_child_ >= 0) ::close(to_child_);
    if (from_child_ >= 0) ::close(from_child_);
    to_child_ = from_child_ = -1;
}

void Isolated::stop() {
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

std::vector<std::string> worker_argv(const BatchOptions& options) {
    std::error_code ec;
    std::vector<std::string> argv{fs::read_symlink("/proc/self/exe", ec).string()};
    argv.insert(argv.end(), options.worker_log_args.begin(), options.worker_log_args.end());
    for (const auto& dir : options.plugin_dirs) {
        argv.push_back("--plugin-dir");
        argv.push_back(dir);
    }
    argv.insert(argv.end(),
                {"_worker", options.pipeline_file.string(), "-o", options.output_root.string(),
                 "--max-input-size", std::to_string(options.max_input_bytes)});
    if (!options.state_file.empty()) // output claims go through the batch's state (claims.hpp)
        argv.insert(argv.end(), {"--state", options.state_file.string(), "--input-root",
                                 options.input_root.string()});
    for (const auto& set : options.sets) {
        argv.push_back("--set");
        argv.push_back(set);
    }
    return argv;
}

int run_worker(const Registry& registry, const fs::path& pipeline_file,
               const std::vector<std::string>& sets, const fs::path& output_root,
               std::uintmax_t max_input_bytes, std::shared_ptr<OutputClaims> claims) {
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
    options.claims = std::move(claims);
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
