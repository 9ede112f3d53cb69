// Test module that references a function no library defines: loading must fail at once
// (immediate binding) with a hint, not crash later.
#include <bulletin/module.hpp>

extern "C" int bulletin_function_that_does_not_exist();

namespace {
class Nothing final : public bulletin::Tagger {
public:
    explicit Nothing(const bulletin::Params&) {}
    void tag(bulletin::Document&, bulletin::Context&) override {
        (void)bulletin_function_that_does_not_exist();
    }
};
} // namespace

BULLETIN_PLUGIN(kNothing, Nothing, "test.undefined", bulletin::PluginKind::Tagger, "Never loads.",
                bulletin::kNoParams);
BULLETIN_MODULE("test-undefined", "0.1.0", "MIT", "Has an undefined symbol.", &kNothing)
