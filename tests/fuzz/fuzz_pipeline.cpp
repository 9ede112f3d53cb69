// Fuzzes the pipeline loader: the input is written to a file (load_pipeline reads files, since
// `extends` resolves relative to them) and loaded against the built-in plugins. Loading must
// never throw and never crash; every problem is a message.
#include "fuzz_common.hpp"
#include "pipeline.hpp"

#include <fstream>
#include <unistd.h>

namespace fz = bulletin::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::filesystem::path dir = [] {
        auto d = std::filesystem::temp_directory_path() /
                 ("bulletin-fuzz-pipeline-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        // A parent for `extends="base.xml"` next to the fuzzed file.
        std::ofstream(d / "base.xml")
            << "<pipeline name=\"base\"><reader plugin=\"text\"/><segmenter "
               "plugin=\"cn.bulletin\"/>"
               "<exporter plugin=\"json\"><param name=\"path\">{output}/{stem}.json</param>"
               "</exporter></pipeline>";
        return d;
    }();
    const auto file = dir / "fuzz.xml";
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    std::vector<bulletin::host::Override> overrides;
    if (auto o = bulletin::host::parse_override("text.encoding=utf-8")) overrides.push_back(*o);
    auto result = bulletin::host::load_pipeline(file, fz::registry(), overrides);
    for (const auto& e : result.errors)
        (void)e.str();
    return 0;
}
