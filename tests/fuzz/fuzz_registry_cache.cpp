// Fuzzes the plugin registry's cache file and the scanner's replies (host/src/
// module_description.hpp, scanner.hpp): the input as a whole cache file, as the body of a cache
// file behind this host's own header (so that seeds do not depend on the compiler that built the
// harness: the header names the host), as one scan result and as one scanner reply payload.
// Whatever decodes must be a description the host accepts (check_description) and must encode back
// to exactly the same bytes (one encoding per description); anything else must be refused with a
// reason, never crash or allocate what a length field claims.
#include "module_description.hpp"
#include "scanner.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace format = bulletin::host::description_format;

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

void check_result(const bulletin::host::ScanResult& result) {
    if (result.module)
        check(bulletin::host::check_description(*result.module).empty());
    else
        check(!result.refusal.empty());
}

void decode_cache(std::string_view bytes) {
    std::string error;
    if (auto entries = format::decode_cache(bytes, error)) {
        check(entries->size() <= format::kMaxCacheEntries);
        for (const auto& e : *entries)
            check_result(e.result);
        check(format::encode_cache(*entries) == bytes);
    } else {
        check(!error.empty());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    decode_cache(bytes);
    // This host's header (an empty cache is exactly the header and a zero count), then the input.
    std::string with_header = format::encode_cache({});
    with_header.resize(with_header.size() - 4);
    decode_cache(with_header.append(bytes));
    std::string error;
    if (auto result = format::decode_scan_result(bytes, error)) {
        check_result(*result);
        check(format::encode_scan_result(*result) == bytes);
    } else {
        check(!error.empty());
    }
    std::uint64_t id = 0;
    bulletin::host::ScanResult reply;
    error.clear();
    if (bulletin::host::scan_protocol::decode_reply(bytes, id, reply, error))
        check(bulletin::host::scan_protocol::encode_reply(id, reply) == bytes);
    else
        check(!error.empty());
    return 0;
}
