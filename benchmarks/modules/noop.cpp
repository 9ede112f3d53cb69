// A module with one tagger that does nothing: the benchmarks call it through the registry to
// measure what crossing the module boundary costs (bulletin_benchmarks BM_PluginCall_*).
#include <bulletin/module.hpp>

namespace {

class NoopTagger final : public bulletin::Tagger {
public:
    explicit NoopTagger(const bulletin::Params&) {}
    void tag(bulletin::Document& doc, bulletin::Context&) override {
        ++calls_;
        (void)doc;
    }

private:
    unsigned long calls_ = 0;
};

} // namespace

BULLETIN_PLUGIN(kNoop, NoopTagger, "bench.noop", bulletin::PluginKind::Tagger,
                "Does nothing (benchmarks only).", bulletin::kNoParams);
BULLETIN_MODULE("bench-noop", "1.0.0", "MIT", "A trivial tagger for benchmarks.", &kNoop)
