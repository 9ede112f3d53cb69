// SHA-256 of inputs and outputs, whole or piece by piece.
#pragma once

#include <nettle/sha2.h>

#include <string>
#include <string_view>

namespace bulletin::host {

class Sha256 {
public:
    Sha256() { sha256_init(&ctx_); }
    void update(std::string_view bytes) {
        sha256_update(&ctx_, bytes.size(), reinterpret_cast<const std::uint8_t*>(bytes.data()));
    }
    /// The digest as lowercase hex; the hasher starts again afterwards.
    std::string hex();

private:
    sha256_ctx ctx_;
};

/// SHA-256 of `bytes` as lowercase hex.
std::string sha256_hex(std::string_view bytes);

} // namespace bulletin::host
