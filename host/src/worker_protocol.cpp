#include "worker_protocol.hpp"

#include "byte_fields.hpp"

namespace bulletin::host::protocol {

namespace {

constexpr char kRequestKind = 'Q';
constexpr char kReplyKind = 'R';

using bytes::put_string;
using bytes::put_uint;

void put_header(std::string& out, char kind, std::uint64_t id) {
    out.push_back(kind);
    out.push_back(static_cast<char>(kVersion));
    put_uint(out, id, 8);
}

/// The payload reader, with the protocol's header and end checks.
class Fields : public bytes::Fields {
public:
    using bytes::Fields::Fields;

    bool header(char kind, std::uint64_t& id, std::string& error) {
        std::uint64_t got_kind = 0, version = 0;
        if (!uint(got_kind, 1) || !uint(version, 1)) return fail(error, "truncated header");
        if (got_kind != static_cast<unsigned char>(kind))
            return fail(error, std::string("expected a frame of kind '") + kind + "', got byte " +
                                   std::to_string(got_kind));
        if (version != kVersion)
            return fail(error, "protocol version " + std::to_string(version) + ", expected " +
                                   std::to_string(kVersion) +
                                   " (was the bulletin binary replaced during the batch?)");
        if (!uint(id, 8)) return fail(error, "truncated request id");
        return true;
    }
    bool at_end(std::string& error) {
        if (left() == 0) return true;
        return fail(error, std::to_string(left()) + " bytes after the last field");
    }
    static bool fail(std::string& error, std::string what) {
        error = std::move(what);
        return false;
    }
};

} // namespace

std::string encode_request(const Request& request) {
    std::string out;
    put_header(out, kRequestKind, request.id);
    put_string(out, request.relative);
    put_string(out, request.absolute);
    return out;
}

std::string encode_reply(const Reply& reply) {
    std::string out;
    put_header(out, kReplyKind, reply.id);
    out.push_back(reply.ok ? 1 : 0);
    put_string(out, reply.sha256);
    put_string(out, reply.error);
    put_uint(out, reply.outputs.size(), 4); // the worker keeps it within kMaxOutputs
    for (const auto& o : reply.outputs)
        put_string(out, o);
    put_uint(out, reply.records.size(), 4); // within kMaxOutputs too
    for (const auto& [stage, record] : reply.records) {
        put_string(out, stage);
        put_string(out, record);
    }
    return out;
}

std::optional<Request> decode_request(std::string_view payload, std::string& error) {
    Fields in(payload);
    Request r;
    if (!in.header(kRequestKind, r.id, error)) return std::nullopt;
    if (!in.string(r.relative) || !in.string(r.absolute)) {
        Fields::fail(error, "truncated path");
        return std::nullopt;
    }
    if (!in.at_end(error)) return std::nullopt;
    return r;
}

std::optional<Reply> decode_reply(std::string_view payload, std::string& error) {
    Fields in(payload);
    Reply r;
    if (!in.header(kReplyKind, r.id, error)) return std::nullopt;
    std::uint64_t ok = 0, count = 0;
    if (!in.uint(ok, 1) || ok > 1) {
        Fields::fail(error, "bad 'ok' byte");
        return std::nullopt;
    }
    r.ok = ok == 1;
    if (!in.string(r.sha256) || !in.string(r.error) || !in.uint(count, 4)) {
        Fields::fail(error, "truncated reply");
        return std::nullopt;
    }
    if (count > kMaxOutputs) {
        Fields::fail(error, std::to_string(count) + " outputs, more than the limit of " +
                                std::to_string(kMaxOutputs));
        return std::nullopt;
    }
    for (std::uint64_t i = 0; i < count; ++i)
        if (!in.string(r.outputs.emplace_back())) {
            Fields::fail(error, "truncated output list");
            return std::nullopt;
        }
    if (!in.uint(count, 4)) {
        Fields::fail(error, "truncated reply");
        return std::nullopt;
    }
    if (count > kMaxOutputs) {
        Fields::fail(error, std::to_string(count) + " records, more than the limit of " +
                                std::to_string(kMaxOutputs));
        return std::nullopt;
    }
    for (std::uint64_t i = 0; i < count; ++i) {
        auto& [stage, record] = r.records.emplace_back();
        if (!in.string(stage) || !in.string(record)) {
            Fields::fail(error, "truncated record list");
            return std::nullopt;
        }
    }
    if (!in.at_end(error)) return std::nullopt;
    return r;
}

std::optional<std::string> frame(std::string_view payload, std::size_t max_payload) {
    if (payload.size() > max_payload || payload.size() > UINT32_MAX) return std::nullopt;
    std::string out;
    out.reserve(4 + payload.size());
    put_uint(out, payload.size(), 4);
    out.append(payload);
    return out;
}

Split split_frame(std::string_view buffer, std::size_t max_payload) {
    Split s;
    std::uint64_t length = 0;
    if (!Fields(buffer).uint(length, 4)) return s;
    s.declared = static_cast<std::uint32_t>(length);
    if (length > max_payload) {
        s.status = Split::TooLarge;
        return s;
    }
    if (buffer.size() - 4 < length) return s;
    s.status = Split::Frame;
    s.payload = buffer.substr(4, length);
    s.consumed = 4 + length;
    return s;
}

} // namespace bulletin::host::protocol
