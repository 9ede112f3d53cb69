// The framing between `batch --isolate` and its `bulletin _worker` processes (docs/architecture.md,
// "Worker protocol"): length-prefixed binary frames, so any byte of a path travels unchanged.
// Pure functions over bytes, so that tests and a fuzz harness can drive them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bulletin::host::protocol {

/// Bumped whenever a payload's layout changes (parent and worker are the same binary, unless it
/// was replaced while a batch ran).
inline constexpr std::uint8_t kVersion = 1;
/// Largest request payload: two paths (Linux paths are at most 4096 bytes).
inline constexpr std::size_t kMaxRequestBytes = 64 * 1024;
/// Largest reply payload: an error message and the output paths.
inline constexpr std::size_t kMaxReplyBytes = 16 * 1024 * 1024;
/// Most output paths in one reply (no exporter writes that many files for one document).
inline constexpr std::size_t kMaxOutputs = 65536;

/// Parent to worker: convert the input at `absolute`, which is `relative` under the input root.
struct Request {
    std::uint64_t id = 0;
    std::string relative;
    std::string absolute;
    bool operator==(const Request&) const = default;
};

/// Worker to parent: the outcome of the request with the same id.
struct Reply {
    std::uint64_t id = 0;
    bool ok = false;
    std::string sha256;
    std::string error;
    std::vector<std::string> outputs;
    /// Exporters' records for end_run: (stage, record) pairs, at most kMaxOutputs.
    std::vector<std::pair<std::string, std::string>> records;
    bool operator==(const Reply&) const = default;
};

std::string encode_request(const Request& request);
std::string encode_reply(const Reply& reply);
/// nullopt when `payload` is not exactly one well-formed request (or reply); `error` says why.
std::optional<Request> decode_request(std::string_view payload, std::string& error);
std::optional<Reply> decode_reply(std::string_view payload, std::string& error);

/// The frame for `payload` (4-byte little-endian length, then the payload); nullopt when the
/// payload is longer than `max_payload`.
std::optional<std::string> frame(std::string_view payload, std::size_t max_payload);

/// The first frame in a stream of bytes.
struct Split {
    enum Status { Frame, NeedMore, TooLarge } status = NeedMore;
    std::string_view payload;   ///< with Frame: a view into the buffer
    std::size_t consumed = 0;   ///< with Frame: bytes of the buffer the frame took
    std::uint32_t declared = 0; ///< the length prefix, once 4 bytes are there
};
/// Looks for one whole frame at the start of `buffer`. A length above `max_payload` is TooLarge
/// as soon as the prefix is read, so no one waits for (or allocates) what the prefix claims.
Split split_frame(std::string_view buffer, std::size_t max_payload);

} // namespace bulletin::host::protocol
