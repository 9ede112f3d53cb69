// Shared pieces of the libFuzzer harnesses: the built-in plugins loaded once through the host's
// real registry, and a Context that logs nothing and writes nothing.
//
// Every harness defines LLVMFuzzerTestOneInput. Built with -fsanitize=fuzzer it is a libFuzzer
// binary; built with replay_main.cpp (the default build) it replays files given on the command
// line, so tests/fuzz/regressions/* run in the ordinary test suite too.
#pragma once

#include "context.hpp"
#include "registry.hpp"

#include <bulletin/document.hpp>
#include <bulletin/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bulletin::fuzz {

/// Every built-in plugin, loaded once per process (the harness calls create() per plugin once).
inline const host::Registry& registry() {
    static const host::Registry instance = [] {
        host::Registry r;
        r.add_directory(BULLETIN_FUZZ_PLUGIN_DIR);
        if (!r.errors().empty()) throw std::runtime_error("fuzz: could not load the plugins");
        return r;
    }();
    return instance;
}

template <class T>
host::PluginInstance<T> create(const std::string& name,
                               const std::map<std::string, std::string>& params = {}) {
    return registry().create<T>(name, params);
}

/// A Context that drops logs and refuses to write: harnesses exercise parsing, not output.
class NullContext final : public Context {
public:
    std::string_view plugin_name() const override { return "fuzz"; }
    bool log_enabled(LogLevel) const override { return false; }
    void log(LogLevel, std::string_view) override {}
    bool cancelled() const override { return false; }
    std::filesystem::path output_path(std::string_view, const Document&) const override {
        throw Error("fuzz: no output");
    }
    std::filesystem::path run_output_path(std::string_view) const override {
        throw Error("fuzz: no output");
    }
    void write_file(const std::filesystem::path&, std::string_view) override {}
    std::unique_ptr<OutputFile> open_file(const std::filesystem::path&) override {
        throw Error("fuzz: no output");
    }
    void add_record(std::string_view) override {}
};

inline std::string_view as_view(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Runs one reader over `bytes` the way the host does: accepts() first, read() when accepted.
/// `always_read` calls read() even when the sniff says no, to reach deeper code.
template <class ReaderInstance>
void read_with(ReaderInstance& reader, std::string_view bytes, const char* name,
               bool always_read = true) {
    Input input{std::filesystem::path("fuzz-input") += name, bytes};
    NullContext context;
    Document document;
    bool accepted = reader->accepts(input);
    if (!accepted && !always_read) return;
    try {
        reader->read(input, document, context);
    } catch (const std::exception&) {
        // bulletin::Error (or any std::exception) is the documented way to refuse an input.
    }
}

} // namespace bulletin::fuzz
