// Test module: a reader declared as a tagger without BULLETIN_PLUGIN (whose static_assert would
// stop it at compile time), as a module built by other means could be. The host must refuse to
// call it, not call Reader::accepts() as Tagger::tag().
#include <bulletin/module.hpp>

namespace {

class ReaderClass final : public bulletin::Reader {
public:
    explicit ReaderClass(const bulletin::Params&) {}
    bool accepts(const bulletin::Input&) const override { return true; }
    void read(const bulletin::Input&, bulletin::Document&, bulletin::Context&) override {}
};

const bulletin::PluginInfo kMislabeled{"wrong.kind",
                                       bulletin::PluginKind::Tagger,
                                       "A reader declared as a tagger.",
                                       nullptr,
                                       0,
                                       0,
                                       &bulletin::make_plugin<ReaderClass>,
                                       nullptr,
                                       {}};

} // namespace

BULLETIN_MODULE("test-wrong-kind", "0.1.0", "MIT", "Declares a kind its class is not.",
                &kMislabeled)
