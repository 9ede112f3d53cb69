// Little-endian fields for the host's binary formats (worker protocol, plugin descriptions and
// their cache): writers append, the reader checks what is left before every read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bulletin::host::bytes {

inline void put_uint(std::string& out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

/// A 4-byte length, then the bytes.
inline void put_string(std::string& out, std::string_view s) {
    put_uint(out, s.size(), 4);
    out.append(s);
}

/// Reads fields off the front of a buffer; a read that does not fit fails and reads nothing.
class Fields {
public:
    explicit Fields(std::string_view bytes) : rest_(bytes) {}

    bool uint(std::uint64_t& value, int bytes) {
        if (rest_.size() < static_cast<std::size_t>(bytes)) return false;
        value = 0;
        for (int i = 0; i < bytes; ++i)
            value |= std::uint64_t{static_cast<unsigned char>(rest_[i])} << (8 * i);
        rest_.remove_prefix(static_cast<std::size_t>(bytes));
        return true;
    }
    /// Fails for a string longer than `max_size` or than what is left.
    bool string(std::string& value, std::size_t max_size = SIZE_MAX) {
        std::uint64_t size = 0;
        if (rest_.size() < 4) return false;
        Fields probe(rest_);
        probe.uint(size, 4);
        if (size > max_size || size > rest_.size() - 4) return false;
        rest_.remove_prefix(4);
        value.assign(rest_.substr(0, size));
        rest_.remove_prefix(size);
        return true;
    }
    bool bytes(std::string_view expected) {
        if (rest_.substr(0, expected.size()) != expected) return false;
        rest_.remove_prefix(expected.size());
        return true;
    }
    std::size_t left() const { return rest_.size(); }

private:
    std::string_view rest_;
};

} // namespace bulletin::host::bytes
