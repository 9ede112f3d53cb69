// Names of the temporary files atomic writes make ("NAME.tmp-HOST-BOOT-PID-START-RANDOM"), which
// say who wrote them, so that a batch cleaning up after a killed run removes only temporaries
// whose writer is gone, not those of another shard writing into the same output directory
// (docs/operations.md, "Temporary files and shards").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bulletin::host {

/// The process that wrote a temporary file.
struct TemporaryOwner {
    std::string host; ///< host name as file names carry it: [A-Za-z0-9._-], at most 32 bytes
    std::string boot; ///< 8 hex digits naming this boot and PID namespace
    long long pid = 0;
    std::uint64_t start = 0; ///< clock ticks after boot (/proc/PID/stat field 22); 0 = unknown
};

/// This process (reads /proc; fields it cannot read stay unknown).
TemporaryOwner this_process();

/// "HOST-BOOT-PID-START": what a temporary's name carries after ".tmp-".
std::string owner_text(const TemporaryOwner& owner);

/// The temporary for the file `name`: "NAME.tmp-OWNER-RANDOM" with RANDOM in hex. NAME is cut (at
/// a UTF-8 character boundary) when the whole would be longer than a file name may be.
std::string temporary_name(std::string_view name, std::string_view owner, std::uint32_t random);

/// What a file name says about the temporary it may be.
struct TemporaryName {
    enum Kind {
        NotTemporary,
        Owned,  ///< "NAME.tmp-HOST-BOOT-PID-START-RANDOM"
        Legacy, ///< "NAME.tmp-PID-RANDOM", written by bulletin before owners were named
    } kind = NotTemporary;
    TemporaryOwner owner; ///< for Owned
};
TemporaryName parse_temporary_name(std::string_view file_name);

enum class OwnerState { Running, Gone, Unknown };

/// Whether `owner` still runs, as `self` can tell: only for the same host, boot and PID
/// namespace, where a PID running with the recorded start time is the writer (a reused PID
/// has another start time). Anything else is Unknown.
OwnerState owner_state(const TemporaryOwner& owner, const TemporaryOwner& self);

} // namespace bulletin::host
