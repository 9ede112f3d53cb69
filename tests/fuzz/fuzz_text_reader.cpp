// Fuzzes the text reader in every encoding mode: the first byte picks the declared encoding and
// layout options, the rest is the file.
#include "fuzz_common.hpp"

#include <array>

using bulletin::Reader;
namespace fz = bulletin::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::array<const char*, 9> encodings = {
        "auto", "UTF-8", "GB18030", "GBK", "UTF-16LE", "UTF-16BE", "Big5", "ISO-8859-1", "auto"};
    static auto readers = [] {
        std::array<bulletin::host::PluginInstance<Reader>, encodings.size() * 2> r;
        for (std::size_t i = 0; i < encodings.size(); ++i) {
            // Odd slots use the other layout options: no double spacing, space page marks.
            r[2 * i] = fz::create<Reader>("text", {{"encoding", encodings[i]}});
            r[2 * i + 1] = fz::create<Reader>("text", {{"encoding", encodings[i]},
                                                       {"double_spaced", "no"},
                                                       {"page_marker", "space"},
                                                       {"drop_page_numbers", "false"},
                                                       {"blank_line_ends_paragraph", "false"}});
        }
        return r;
    }();
    if (size == 0) return 0;
    auto& reader = readers[data[0] % readers.size()];
    fz::read_with(reader, fz::as_view(data + 1, size - 1), ".txt");
    return 0;
}
