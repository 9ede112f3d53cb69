// The readers' declared parameter ranges and choices, through the real `bulletin` binary: a limit
// cannot be switched off with -1, 0 or nan (issue 15 item 8), a value outside its range or its
// choices is refused by `validate` and by `run --set` with exit 2 and a message naming the
// parameter and what it may be, and the ends of each range are accepted.
#include "support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using bulletin::testing::bulletin_binary;
using bulletin::testing::run_command;
using bulletin::testing::source_dir;
using bulletin::testing::TempDir;

std::string quote(const fs::path& path) {
    std::string out = "'";
    for (char c : path.string())
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string pipeline() {
    return quote(source_dir() / "pipelines" / "cn-bulletin.xml");
}

bulletin::testing::CommandResult validate(const std::string& set) {
    return run_command(quote(bulletin_binary()) + " validate " + pipeline() + " --set " + set);
}

/// A numeric limit of a reader and the range it declares.
struct Limit {
    const char* reader;
    const char* param;
    const char* lo;
    const char* hi;
    bool is_double = false;
};

const std::vector<Limit> kLimits = {
    {"text", "max_line_bytes", "1", "1073741824"}, {"text", "min_confidence", "0", "100"},
    {"pdf", "max_pages", "1", "100000"},           {"pdf", "max_chars_per_page", "1", "10000000"},
    {"pdf", "max_chars", "1", "1000000000"},       {"pdf", "max_lines", "1", "100000000"},
    {"pdf", "column_gap", "0.1", "1000", true},    {"ofd", "max_pages", "1", "100000"},
    {"ofd", "max_chars", "1", "1000000000"},       {"ofd", "max_lines", "1", "100000000"},
    {"ofd", "max_entries", "1", "1000000"},        {"ofd", "max_total_mb", "1", "65536"},
    {"ofd", "max_ratio", "1", "1000000", true},    {"ofd", "column_gap", "0.1", "1000", true},
    {"docx", "max_chars", "1", "1000000000"},      {"docx", "max_lines", "1", "100000000"},
    {"docx", "max_entries", "1", "1000000"},       {"docx", "max_total_mb", "1", "65536"},
    {"docx", "max_ratio", "1", "1000000", true},   {"html", "min_chars", "0", "1000000"},
    {"html", "max_chars", "1", "1000000000"},      {"html", "max_lines", "1", "100000000"},
};

std::string set_of(const Limit& limit, const std::string& value) {
    return std::string(limit.reader) + "." + limit.param + "=" + value;
}

void expect_refused(const std::string& set, const std::string& param, const std::string& problem) {
    auto result = validate(set);
    EXPECT_EQ(result.exit_code, 2) << set << "\n" << result.output;
    EXPECT_NE(result.output.find("'" + param + "'"), std::string::npos) << set << "\n"
                                                                        << result.output;
    EXPECT_NE(result.output.find(problem), std::string::npos)
        << set << ": expected '" << problem << "' in\n"
        << result.output;
}

TEST(ReaderParams, LimitsOutsideTheirRangeAreRefusedByValidate) {
    for (const auto& limit : kLimits) {
        std::string range = std::string("must be between ") + limit.lo + " and " + limit.hi;
        // Below the range: -1 for every limit, and 0 where 0 once meant "no limit".
        for (std::string value : {"-1", std::string(limit.lo) == "1" ? "0" : "-5"})
            expect_refused(set_of(limit, value), limit.param, range + ", not " + value);
        std::string above = limit.is_double ? std::string(limit.hi) + ".5"
                                            : std::to_string(std::stoll(limit.hi) + 1);
        expect_refused(set_of(limit, above), limit.param, range + ", not " + above);
        if (limit.is_double)
            for (const char* value : {"nan", "inf", "-inf"})
                expect_refused(set_of(limit, value), limit.param,
                               std::string("must be a finite number, not '") + value + "'");
        else
            expect_refused(set_of(limit, "nan"), limit.param, "not 'nan'");
    }
}

TEST(ReaderParams, TheEndsOfEachRangeAreAccepted) {
    for (const auto& limit : kLimits)
        for (const char* value : {limit.lo, limit.hi}) {
            auto result = validate(set_of(limit, value));
            EXPECT_EQ(result.exit_code, 0) << set_of(limit, value) << "\n" << result.output;
        }
}

TEST(ReaderParams, ChoicesOutsideTheSetAreRefused) {
    expect_refused("text.double_spaced=maybe", "double_spaced",
                   "must be one of auto, yes, no, not 'maybe'");
    expect_refused("text.page_marker=spaces", "page_marker",
                   "must be one of auto, space, none, not 'spaces'");
    for (const char* value : {"auto", "yes", "no"})
        EXPECT_EQ(validate(std::string("text.double_spaced=") + value).exit_code, 0) << value;
    for (const char* value : {"auto", "space", "none"})
        EXPECT_EQ(validate(std::string("text.page_marker=") + value).exit_code, 0) << value;
}

// `run` refuses before it converts anything: no output is written.
TEST(ReaderParams, RunRefusesALimitThatWouldSwitchItselfOff) {
    TempDir dir;
    auto input = bulletin::testing::sample("chengdu-zhuanbao-2024-03", "txt");
    const std::vector<std::pair<std::string, std::string>> sets = {
        {"ofd.max_entries=-1", "max_entries"},
        {"ofd.max_total_mb=-1", "max_total_mb"},
        {"docx.max_ratio=nan", "max_ratio"},
        {"text.max_line_bytes=0", "max_line_bytes"},
        {"text.double_spaced=maybe", "double_spaced"}};
    for (const auto& [set, param] : sets) {
        auto out = dir.path() / "out";
        auto result = run_command(quote(bulletin_binary()) + " run " + pipeline() + " " +
                                  quote(input) + " -o " + quote(out) + " --set " + set);
        EXPECT_EQ(result.exit_code, 2) << set << "\n" << result.output;
        EXPECT_NE(result.output.find("'" + param + "'"), std::string::npos) << set << "\n"
                                                                            << result.output;
        EXPECT_FALSE(fs::exists(out / "chengdu-zhuanbao-2024-03.json")) << set;
    }
}

// The same check applies to values in a pipeline file, with the place of the value.
TEST(ReaderParams, APipelineFileWithAnOutOfRangeValueIsRefused) {
    TempDir dir;
    auto file = dir.path() / "p.xml";
    std::ofstream(file)
        << "<pipeline name=\"p\">\n"
           "  <reader plugin=\"ofd\"><param name=\"max_ratio\">nan</param></reader>\n"
           "  <reader plugin=\"text\"/>\n"
           "  <segmenter plugin=\"cn.bulletin\"/>\n"
           "  <exporter plugin=\"json\"/>\n"
           "</pipeline>\n";
    auto result = run_command(quote(bulletin_binary()) + " validate " + quote(file));
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("p.xml:2:"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("'max_ratio'"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("must be a finite number, not 'nan'"), std::string::npos)
        << result.output;
}

} // namespace
