// Fuzzes the ofd reader: the plugin is created once, every input goes through accepts() and
// read(); a bulletin::Error is a normal refusal, anything a sanitizer sees is a bug. Every input
// is read twice: with the default limits, and with limits small enough that the fuzzer's small
// packages reach them (pages sharing one content part, repeated reads, text and line budgets;
// templates on, so template pages are read for every page too).
#include "fuzz_common.hpp"

namespace fz = bulletin::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static auto reader = fz::create<bulletin::Reader>("ofd");
    static auto tight = fz::create<bulletin::Reader>("ofd", {{"max_chars", "300"},
                                                             {"max_lines", "12"},
                                                             {"max_total_mb", "1"},
                                                             {"max_pages", "40"},
                                                             {"templates", "true"}});
    fz::read_with(reader, fz::as_view(data, size), ".ofd");
    fz::read_with(tight, fz::as_view(data, size), ".ofd");
    return 0;
}
