// Fuzzes the html reader: the plugin is created once, every input goes through accepts() and
// read(); a bulletin::Error is a normal refusal, anything a sanitizer sees is a bug.
#include "fuzz_common.hpp"

namespace fz = bulletin::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static auto reader = fz::create<bulletin::Reader>("html");
    fz::read_with(reader, fz::as_view(data, size), ".html");
    return 0;
}
