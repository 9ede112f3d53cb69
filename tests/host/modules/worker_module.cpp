// Test module for `batch --isolate` (tests/host/worker_test.cpp): plugins that misuse a worker
// process's standard streams or pause.
#include <bulletin/module.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

namespace {

/// Paragraph markers: STDIO prints to stdout three ways and reads stdin; PAUSE sleeps 1 s.
class AnticsTagger final : public bulletin::Tagger {
public:
    explicit AnticsTagger(const bulletin::Params&) {}
    void tag(bulletin::Document& doc, bulletin::Context&) override {
        for (const auto& article : doc.articles)
            for (const auto& paragraph : article.paragraphs) {
                if (paragraph.text == "STDIO") {
                    std::cout << "plugin noise on std::cout\n" << std::flush;
                    std::printf("plugin noise on printf\n");
                    std::fflush(stdout);
                    [[maybe_unused]] auto w = ::write(1, "\x05\x00\x00\x00RZZZZ", 9);
                    char byte = 0;
                    [[maybe_unused]] auto r = ::read(0, &byte, 1);
                }
                if (paragraph.text == "PAUSE") std::this_thread::sleep_for(std::chrono::seconds(1));
            }
    }
};

} // namespace

BULLETIN_PLUGIN(kAntics, AnticsTagger, "worker.antics", bulletin::PluginKind::Tagger,
                "Misuses stdin and stdout, or pauses, on marker paragraphs.", bulletin::kNoParams);
BULLETIN_MODULE("test-worker", "0.1.0", "MIT", "Plugins for the worker tests.", &kAntics)
