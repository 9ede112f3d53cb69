#include "hash.hpp"

#include <cstdint>

namespace bulletin::host {

// SHA-256 from Nettle rather than OpenSSL: OpenSSL 3 reads openssl.cnf and builds its algorithm
// name map on the first fetch (5.3 M instructions, 14 % of `bulletin run` on one bulletin) and
// tears it down at exit (0.7 M); Nettle has no set-up. Both use SHA-NI: ~4.5 us for the 6.4 KB
// sample. (Under valgrind neither can, and Nettle's fallback counts ~1.5x OpenSSL's instructions.)
std::string Sha256::hex() {
    std::uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx_, sizeof digest, digest);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(2 * sizeof digest, '0');
    for (std::size_t i = 0; i < sizeof digest; ++i) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 0xF];
    }
    return out;
}

std::string sha256_hex(std::string_view bytes) {
    Sha256 hash;
    hash.update(bytes);
    return hash.hex();
}

} // namespace bulletin::host
