// Test module whose static constructor does something as the library is loaded, before the host
// could check anything (tests/host/scanner_test.cpp). Built three ways:
//   CONSTRUCTOR_ABORT  calls abort(), as a module that crashes on load;
//   CONSTRUCTOR_HANG   sleeps forever, as a module that hangs on load;
//   otherwise          appends a line to the file named by BULLETIN_TEST_LOAD_MARKER, so a test
//                      sees each process that loaded it.
#include <bulletin/module.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace {

[[maybe_unused]] const bool kLoaded = [] {
#if defined(CONSTRUCTOR_ABORT)
    std::abort();
#elif defined(CONSTRUCTOR_HANG)
    for (;;)
        ::pause();
#else
    if (const char* marker = std::getenv("BULLETIN_TEST_LOAD_MARKER"))
        std::ofstream(marker, std::ios::app) << ::getpid() << "\n";
#endif
    return true;
}();

class Noop final : public bulletin::Tagger {
public:
    explicit Noop(const bulletin::Params&) {}
    void tag(bulletin::Document&, bulletin::Context&) override {}
};

} // namespace

BULLETIN_PLUGIN(kNoop, Noop, "ctor." MODULE_SUFFIX, bulletin::PluginKind::Tagger,
                "Does nothing; its module's static constructor is the test.", bulletin::kNoParams);
BULLETIN_MODULE("test-ctor-" MODULE_SUFFIX, "1.0.0", "MIT", "Static constructor test module.",
                &kNoop)
