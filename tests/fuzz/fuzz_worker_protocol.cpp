// Fuzzes the `batch --isolate` worker protocol (host/src/worker_protocol.hpp).
// 1. The input as a byte stream, as a worker or the parent reads it: split into frames (limits
//    chosen by the first byte), each payload decoded as a request and as a reply. A payload that
//    decodes must encode back to exactly the same bytes (one encoding per message).
// 2. The input as the fields of a request and a reply (split at 0xFE bytes): encode, frame,
//    split and decode must give the same message back.
#include "worker_protocol.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace protocol = bulletin::host::protocol;

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

void decode_stream(std::string_view stream, std::size_t max_payload) {
    for (;;) {
        auto split = protocol::split_frame(stream, max_payload);
        if (split.status == protocol::Split::TooLarge) {
            check(split.declared > max_payload);
            return;
        }
        if (split.status == protocol::Split::NeedMore) return;
        check(split.consumed == 4 + split.payload.size() && split.payload.size() <= max_payload);
        std::string error;
        if (auto request = protocol::decode_request(split.payload, error))
            check(protocol::encode_request(*request) == split.payload);
        else
            check(!error.empty());
        error.clear();
        if (auto reply = protocol::decode_reply(split.payload, error))
            check(protocol::encode_reply(*reply) == split.payload);
        else
            check(!error.empty());
        stream.remove_prefix(split.consumed);
    }
}

std::string_view only_frame(const std::string& framed, std::size_t max_payload) {
    auto split = protocol::split_frame(framed, max_payload);
    check(split.status == protocol::Split::Frame && split.consumed == framed.size());
    return split.payload;
}

void round_trip(std::string_view data) {
    std::vector<std::string> fields;
    for (std::string_view rest = data;;) {
        auto cut = rest.find('\xfe');
        fields.emplace_back(rest.substr(0, cut));
        if (cut == std::string_view::npos) break;
        rest.remove_prefix(cut + 1);
    }
    fields.resize(std::max<std::size_t>(fields.size(), 4));
    std::uint64_t id = 14695981039346656037ull; // FNV-1a of the input: any 64-bit value
    for (unsigned char c : data)
        id = (id ^ c) * 1099511628211ull;
    std::string error;

    protocol::Request request{id, fields[0], fields[1]};
    auto framed = protocol::frame(protocol::encode_request(request), protocol::kMaxRequestBytes);
    check(framed.has_value());
    auto decoded = protocol::decode_request(only_frame(*framed, protocol::kMaxRequestBytes), error);
    check(decoded && *decoded == request);

    // Fields after the fourth: the first half outputs, the rest records in (stage, record) pairs.
    auto middle = fields.begin() + 4 + static_cast<std::ptrdiff_t>((fields.size() - 4) / 2);
    protocol::Reply reply{~id,
                          data.size() % 2 == 1,
                          fields[2],
                          fields[3],
                          std::vector<std::string>(fields.begin() + 4, middle),
                          {}};
    for (auto it = middle; it + 1 < fields.end(); it += 2)
        reply.records.emplace_back(*it, *(it + 1));
    framed = protocol::frame(protocol::encode_reply(reply), protocol::kMaxReplyBytes);
    check(framed.has_value());
    auto decoded_reply =
        protocol::decode_reply(only_frame(*framed, protocol::kMaxReplyBytes), error);
    check(decoded_reply && *decoded_reply == reply);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    if (!bytes.empty()) {
        // Small limits too, so the fuzzer reaches TooLarge with short inputs.
        static constexpr std::size_t kLimits[] = {protocol::kMaxRequestBytes,
                                                  protocol::kMaxReplyBytes, 16, 0};
        decode_stream(bytes.substr(1), kLimits[static_cast<unsigned char>(bytes[0]) % 4]);
    }
    round_trip(bytes);
    return 0;
}
