// Helpers shared by the reader tests.
#pragma once

#include "support/plugins.hpp"

#include <bulletin/document.hpp>
#include <bulletin/plugin.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace bulletin::testing {

using Params = std::map<std::string, std::string>;

/// A sample from tests/data/samples: sample("hunan-xuanren-2023-04-24", "pdf").
std::filesystem::path sample(const std::string& stem, const std::string& ext);

/// Reads `path` with the built-in reader `reader`; throws what the reader throws.
Document read_with(const std::string& reader, const std::filesystem::path& path,
                   const Params& params = {});
/// Same for bytes that are not in a file.
Document read_bytes(const std::string& reader, const std::filesystem::path& path,
                    const std::string& bytes, const Params& params = {});
/// Same, with the caller's Context (to see the reader's log lines, or to cancel it).
Document read_bytes(const std::string& reader, const std::filesystem::path& path,
                    const std::string& bytes, const Params& params, Context& context);

/// A Context whose run was asked to stop (SIGTERM): readers must stop early.
class CancelledContext final : public Context {
public:
    std::string_view plugin_name() const override { return "test"; }
    bool log_enabled(LogLevel) const override { return false; }
    void log(LogLevel, std::string_view) override {}
    bool cancelled() const override { return true; }
    std::filesystem::path output_path(std::string_view, const Document&) const override {
        return {};
    }
    std::filesystem::path run_output_path(std::string_view) const override { return {}; }
    void write_file(const std::filesystem::path&, std::string_view) override {}
    std::unique_ptr<OutputFile> open_file(const std::filesystem::path&) override {
        throw Error("readers write no files");
    }
    void add_record(std::string_view) override {}
};

/// The message of the bulletin::Error the reader throws, or "" when it reads the input.
std::string read_error(const std::string& reader, const std::filesystem::path& path,
                       const std::string& bytes, const Params& params = {});
bool accepts(const std::string& reader, const std::filesystem::path& path,
             const std::string& bytes);

/// Every line of every page, in order.
std::vector<std::string> all_lines(const Document& doc);
/// The first line containing `text`, or nullptr.
const Line* find_line(const Document& doc, const std::string& text);

/// pdftotext's lines of a sample (.plain.txt), page by page, blank lines and page numbers
/// ("— 1 —") left out.
std::vector<std::vector<std::string>> plain_pages(const std::string& stem);

/// Titles and paragraphs of a sample's gold file, NFKC-folded.
struct Gold {
    std::vector<std::string> titles, paragraphs, bylines;
};
Gold gold(const std::string& stem);

/// A zip archive written with libzip; `deflate` compresses entries.
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& entries,
                     bool deflate = true);

inline const std::vector<std::string> kStems = {
    "hunan-xuanren-2023-04-24", "yueyang-daibiao-2023-12", "chengdu-zhuanbao-2024-03",
    "zhejiang-dongtai-2024-07"};

} // namespace bulletin::testing
