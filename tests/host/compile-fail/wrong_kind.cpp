// Must not compile: a Reader declared as a Tagger (tests/host/CMakeLists.txt expects the
// static_assert's sentence).
#include <bulletin/module.hpp>

namespace {
class ReaderClass final : public bulletin::Reader {
public:
    explicit ReaderClass(const bulletin::Params&) {}
    bool accepts(const bulletin::Input&) const override { return true; }
    void read(const bulletin::Input&, bulletin::Document&, bulletin::Context&) override {}
};
} // namespace

BULLETIN_PLUGIN(kMislabeled, ReaderClass, "wrong.kind", bulletin::PluginKind::Tagger,
                "A reader declared as a tagger.", bulletin::kNoParams);
BULLETIN_MODULE("wrong-kind", "0.1.0", "MIT", "Does not compile.", &kMislabeled)
