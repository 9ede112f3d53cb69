// The goal, end to end: every .pdf, .ofd, .docx and .html sample through the shipped
// pipeline (`bulletin run pipelines/cn-bulletin.xml`) scores structure 1.000 with
// ../shared/tools/score-bulletin. Skipped when the shared tools are not beside the repository.
#include "support.hpp"

#include <gtest/gtest.h>

namespace {

using namespace bulletin::testing;

class EndToEnd : public ::testing::TestWithParam<std::string> {};

TEST_P(EndToEnd, StructureScoresOne) {
    auto shared = shared_samples_dir();
    auto score = shared.empty() ? shared : shared.parent_path() / "tools" / "score-bulletin";
    if (score.empty() || !std::filesystem::exists(score))
        GTEST_SKIP() << "../shared/tools/score-bulletin is not here";
    for (std::string ext : {"pdf", "ofd", "docx", "html"}) {
        SCOPED_TRACE(GetParam() + "." + ext);
        TempDir out;
        auto run =
            run_command("'" + bulletin_binary().string() + "' run '" +
                        (source_dir() / "pipelines" / "cn-bulletin.xml").string() + "' '" +
                        sample(GetParam(), ext).string() + "' -o '" + out.path().string() + "'");
        ASSERT_EQ(run.exit_code, 0) << run.output;
        auto scored = run_command("'" + score.string() + "' '" +
                                  (out.path() / (GetParam() + ".json")).string() + "' '" +
                                  sample(GetParam(), "gold.json").string() + "'");
        EXPECT_NE(scored.output.find("structure 1.000"), std::string::npos) << scored.output;
    }
}

INSTANTIATE_TEST_SUITE_P(Samples, EndToEnd, ::testing::ValuesIn(kStems));

} // namespace
