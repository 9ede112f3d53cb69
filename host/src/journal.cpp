#include "journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace bulletin::host {

namespace {

constexpr std::size_t kSlotBytes = 4096;
constexpr std::string_view kMagic = "bulletin-inflight/1\n";
constexpr char kIdle = 0, kStarted = 'S', kCrashed = 'C';
// A slot: state, signal, alone ('1'/'0'), the input's size and mtime (8 bytes each, host byte
// order), then its relative path and a NUL.
constexpr std::size_t kPathAt = 3 + 2 * sizeof(std::int64_t);

/// The slot the calling thread is converting in; read by the crash handler, which may only use
/// async-signal-safe calls (pwrite, raise) and plain thread-local data.
struct ActiveSlot {
    int fd = -1;
    off_t offset = 0;
};
[[gnu::tls_model("initial-exec")]] thread_local ActiveSlot t_active;

extern "C" void mark_crash(int sig) {
    if (t_active.fd >= 0) {
        const char mark[2] = {kCrashed, static_cast<char>(sig)};
        [[maybe_unused]] ssize_t n = ::pwrite(t_active.fd, mark, sizeof mark, t_active.offset);
    }
    // SA_RESETHAND restored the default action: the signal, raised again, kills the process
    // (with its usual exit status and core dump) as soon as this handler returns.
    ::raise(sig);
}

constexpr int kCrashSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};

} // namespace

std::string describe_signal(int sig) {
    const char* name = sigabbrev_np(sig);
    const char* description = strsignal(sig);
    return "signal " + std::to_string(sig) + " (SIG" + (name ? name : "?") + ", " +
           (description ? description : "?") + ")";
}

InFlightJournal::Previous InFlightJournal::read(const std::filesystem::path& file) {
    Previous previous;
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return previous;
    std::string bytes;
    char chunk[65536];
    ssize_t n;
    while ((n = ::read(fd, chunk, sizeof chunk)) > 0)
        bytes.append(chunk, static_cast<std::size_t>(n));
    ::close(fd);
    if (!bytes.starts_with(kMagic)) return previous;
    auto end = bytes.find('\n', kMagic.size());
    if (end != std::string::npos && end < kSlotBytes)
        previous.pipeline_hash = bytes.substr(kMagic.size(), end - kMagic.size());
    for (std::size_t at = kSlotBytes; at + kPathAt < bytes.size(); at += kSlotBytes) {
        char state = bytes[at];
        if (state != kStarted && state != kCrashed) continue;
        auto path_end = bytes.find('\0', at + kPathAt);
        if (path_end == std::string::npos || path_end >= at + kSlotBytes) continue;
        Entry entry;
        entry.path = bytes.substr(at + kPathAt, path_end - at - kPathAt);
        entry.signal = state == kCrashed ? static_cast<unsigned char>(bytes[at + 1]) : 0;
        entry.alone = bytes[at + 2] == '1';
        std::memcpy(&entry.size, bytes.data() + at + 3, sizeof entry.size);
        std::memcpy(&entry.mtime_ns, bytes.data() + at + 3 + sizeof entry.size,
                    sizeof entry.mtime_ns);
        if (!entry.path.empty()) previous.entries.push_back(std::move(entry));
    }
    return previous;
}

InFlightJournal::InFlightJournal(std::filesystem::path file, std::size_t slots,
                                 const std::string& pipeline_hash)
    : file_(std::move(file)), slots_(slots) {
    fd_ = ::open(file_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd_ < 0)
        throw std::runtime_error("cannot create " + file_.string() +
                                 " (what this run converts, "
                                 "for the next run after a crash): " +
                                 std::strerror(errno));
    std::string header(kSlotBytes * (slots_ + 1), '\0');
    std::string text = std::string(kMagic) + pipeline_hash + "\n";
    header.replace(0, text.size(), text);
    if (::pwrite(fd_, header.data(), header.size(), 0) != static_cast<ssize_t>(header.size())) {
        int err = errno;
        ::close(fd_);
        fd_ = -1;
        throw std::runtime_error("cannot write " + file_.string() + ": " + std::strerror(err));
    }
}

InFlightJournal::~InFlightJournal() {
    if (fd_ >= 0) ::close(fd_);
    t_active = {};
}

off_t InFlightJournal::offset(std::size_t slot) const {
    return static_cast<off_t>(kSlotBytes * (slot + 1));
}

void InFlightJournal::start(std::size_t slot, const std::string& path, std::int64_t size,
                            std::int64_t mtime_ns, bool alone) {
    if (fd_ < 0 || slot >= slots_) return;
    std::string record;
    record.reserve(kPathAt + path.size() + 1);
    record += kStarted;
    record += '\0';
    record += alone ? '1' : '0';
    record.append(reinterpret_cast<const char*>(&size), sizeof size);
    record.append(reinterpret_cast<const char*>(&mtime_ns), sizeof mtime_ns);
    record.append(path, 0, std::min(path.size(), kSlotBytes - kPathAt - 1));
    record += '\0';
    // Best effort: without the record a crash is still survived, only not named.
    [[maybe_unused]] ssize_t n = ::pwrite(fd_, record.data(), record.size(), offset(slot));
    t_active = {fd_, offset(slot)};
}

void InFlightJournal::stop(std::size_t slot) {
    t_active = {};
    if (fd_ < 0 || slot >= slots_) return;
    const char idle = kIdle;
    [[maybe_unused]] ssize_t n = ::pwrite(fd_, &idle, 1, offset(slot));
}

void InFlightJournal::finish() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    ::unlink(file_.c_str());
}

CrashMarker::CrashMarker() {
    struct sigaction action {};
    action.sa_handler = mark_crash;
    action.sa_flags = SA_RESETHAND | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (int sig : kCrashSignals) {
        struct sigaction old {};
        if (::sigaction(sig, &action, &old) == 0) previous_.emplace_back(sig, old);
    }
}

CrashMarker::~CrashMarker() {
    for (const auto& [sig, old] : previous_)
        ::sigaction(sig, &old, nullptr);
}

AlternateSignalStack::AlternateSignalStack() {
    constexpr std::size_t size = 64 * 1024;
    memory_ = std::make_unique<char[]>(size);
    stack_t stack{};
    stack.ss_sp = memory_.get();
    stack.ss_size = size;
    installed_ = ::sigaltstack(&stack, nullptr) == 0;
}

AlternateSignalStack::~AlternateSignalStack() {
    if (!installed_) return;
    stack_t stack{};
    stack.ss_flags = SS_DISABLE;
    ::sigaltstack(&stack, nullptr);
}

} // namespace bulletin::host
