// What a batch process is converting, kept where the next run finds it if this one dies: one
// slot per worker thread in a small file beside the state (STATE.inflight). Starting and ending
// a document is one pwrite each and no fsync: the record must outlive the process (a crash, a
// kill), not the machine. A crash handler marks the crashing thread's slot with the signal, so
// the next run can name the document that crashed the batch (docs/operations.md).
#pragma once

#include <sys/types.h>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace bulletin::host {

class InFlightJournal {
public:
    struct Entry {
        std::string path;   ///< the input, relative to the input root
        int signal = 0;     ///< the crash signal, 0 when the process died otherwise (e.g. kill -9)
        bool alone = false; ///< it was converted alone (a retry after an earlier death)
        std::int64_t size = 0; ///< of the input when it was started
        std::int64_t mtime_ns = 0;
    };
    struct Previous {
        std::string pipeline_hash; ///< of the run that left the journal
        std::vector<Entry> entries;
    };

    /// What a run that did not end normally left in `file`; nothing when there is no file.
    static Previous read(const std::filesystem::path& file);

    /// Creates the journal for this run (replacing an old one). Throws std::runtime_error.
    InFlightJournal(std::filesystem::path file, std::size_t slots,
                    const std::string& pipeline_hash);
    ~InFlightJournal();
    InFlightJournal(const InFlightJournal&) = delete;
    InFlightJournal& operator=(const InFlightJournal&) = delete;

    /// The calling thread converts `path` in `slot` from now on; a crash marks the slot.
    void start(std::size_t slot, const std::string& path, std::int64_t size, std::int64_t mtime_ns,
               bool alone);
    /// The calling thread is done with the document in `slot`.
    void stop(std::size_t slot);
    /// The run ended normally: removes the file.
    void finish();

private:
    off_t offset(std::size_t slot) const;
    std::filesystem::path file_;
    std::size_t slots_;
    int fd_ = -1;
};

/// Installs the crash handler for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT for its lifetime.
/// The handler marks the journal slot of the thread that crashed and lets the signal kill the
/// process as before.
class CrashMarker {
public:
    CrashMarker();
    ~CrashMarker();
    CrashMarker(const CrashMarker&) = delete;
    CrashMarker& operator=(const CrashMarker&) = delete;

private:
    std::vector<std::pair<int, struct sigaction>> previous_;
};

/// A signal stack for the calling thread, so that the crash handler also runs on a stack
/// overflow. Create one at the start of each converting thread.
class AlternateSignalStack {
public:
    AlternateSignalStack();
    ~AlternateSignalStack();
    AlternateSignalStack(const AlternateSignalStack&) = delete;
    AlternateSignalStack& operator=(const AlternateSignalStack&) = delete;

private:
    std::unique_ptr<char[]> memory_;
    bool installed_ = false;
};

/// "signal 11 (SIGSEGV, Segmentation fault)".
std::string describe_signal(int signal);

} // namespace bulletin::host
