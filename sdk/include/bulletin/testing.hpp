// bulletin/testing.hpp - testing a plugin without the host.
//
//     #include <bulletin/testing.hpp>
//     extern "C" const bulletin::ModuleInfo* bulletin_module(); // your module's entry point
//
//     TEST(MyTagger, FindsMeetings) {
//         const auto& info = bulletin::testing::find_plugin(*bulletin_module(), "meeting");
//         auto tagger = bulletin::testing::make<bulletin::Tagger>(info, {{"min_length", "5"}});
//         bulletin::Document doc = ...;
//         bulletin::testing::TestContext context;
//         tagger->tag(doc, context);
//         ...
//     }
//
// Parameters come from the plugin's own table (defaults, then the overrides), checked by the
// same check_param_value the host uses, so a test cannot construct a plugin with a value that a
// pipeline could not give it.
#pragma once

#include "bulletin/module.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bulletin::testing {

/// What exporters added with Context::add_record, for end_run.
class TestRecords final : public Records {
public:
    void add(std::string source, std::string record) {
        items_.emplace_back(std::move(source), std::move(record));
    }
    /// In input order, each input's records in the order added (as the host gives them).
    void for_each(const Visitor& visit) const override;
    std::size_t size() const { return items_.size(); }

private:
    std::vector<std::pair<std::string, std::string>> items_;
};

/// A Context for tests: keeps log messages, writes files for real (atomically, below
/// `output_root` when templates use {output}), keeps records, can be cancelled.
class TestContext final : public Context {
public:
    explicit TestContext(std::filesystem::path output_root = std::filesystem::temp_directory_path(),
                         std::string plugin_name = "test");

    std::string_view plugin_name() const override { return plugin_name_; }
    bool log_enabled(LogLevel level) const override { return level >= log_level; }
    void log(LogLevel level, std::string_view message) override;
    bool cancelled() const override { return cancel_requested; }
    std::filesystem::path output_path(std::string_view path_template,
                                      const Document& document) const override;
    std::filesystem::path run_output_path(std::string_view path_template) const override;
    void write_file(const std::filesystem::path& path, std::string_view bytes) override;
    std::unique_ptr<OutputFile> open_file(const std::filesystem::path& path) override;
    /// Kept under the source path of the document last given to output_path (or "").
    void add_record(std::string_view record) override;

    LogLevel log_level = LogLevel::Trace;
    bool cancel_requested = false;
    std::vector<std::string> messages;          ///< every message logged, in order
    std::vector<LogLevel> levels;               ///< the level of each message
    std::vector<std::filesystem::path> written; ///< every file written or committed
    TestRecords records;
    /// The document records are kept for (set by output_path, a const call).
    mutable std::string current_source;

private:
    std::filesystem::path output_root_;
    std::string plugin_name_;
};

/// The plugin `name` of `module`; throws std::invalid_argument listing the module's plugins.
const PluginInfo& find_plugin(const ModuleInfo& module, std::string_view name);

/// The plugin's Params: its declared defaults, then `overrides`, each checked against its spec.
/// Throws std::invalid_argument for an undeclared name, a bad value or a missing required one.
Params make_params(const PluginInfo& info,
                   const std::map<std::string, std::string, std::less<>>& overrides = {},
                   std::filesystem::path data_dir = {});

/// Creates the plugin with make_params(info, overrides) as interface T (Reader, Segmenter,
/// Tagger, Exporter); throws std::invalid_argument when the plugin is of another kind.
template <class T>
std::unique_ptr<T> make(const PluginInfo& info,
                        const std::map<std::string, std::string, std::less<>>& overrides = {},
                        std::filesystem::path data_dir = {}) {
    auto plugin = info.create(make_params(info, overrides, std::move(data_dir)));
    auto* typed = dynamic_cast<T*>(plugin.get());
    if (!typed)
        throw std::invalid_argument(std::string("plugin '") + info.name + "' is a " +
                                    plugin_kind_name(info.kind) + ", not the kind asked for");
    plugin.release();
    return std::unique_ptr<T>(typed);
}

/// A whole file as bytes; throws std::runtime_error naming it when it cannot be read.
std::string read_file(const std::filesystem::path& path);

/// Reads `path` with `reader` as the host would (source path and pages set); throws
/// std::runtime_error when the reader does not accept it.
Document read(Reader& reader, const std::filesystem::path& path, Context& context);

/// An exporter's whole run over `documents`: begin_run, write each (records kept under each
/// document's source path), end_run with the records.
void export_all(Exporter& exporter, const std::vector<Document>& documents, TestContext& context);

} // namespace bulletin::testing
