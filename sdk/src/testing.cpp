#include "bulletin/testing.hpp"

#include "bulletin/paths.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

namespace bulletin::testing {

namespace fs = std::filesystem;

void TestRecords::for_each(const Visitor& visit) const {
    std::vector<std::size_t> order(items_.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return items_[a].first < items_[b].first;
    });
    for (auto i : order)
        visit(items_[i].first, items_[i].second);
}

TestContext::TestContext(fs::path output_root, std::string plugin_name)
    : output_root_(fs::absolute(std::move(output_root))), plugin_name_(std::move(plugin_name)) {}

void TestContext::log(LogLevel level, std::string_view message) {
    messages.emplace_back(message);
    levels.push_back(level);
}

fs::path TestContext::output_path(std::string_view path_template, const Document& document) const {
    current_source = document.source.path;
    return expand_output_template(path_template,
                                  OutputFields{output_root_.native(), ".", {}, &document});
}

fs::path TestContext::run_output_path(std::string_view path_template) const {
    return expand_output_template(path_template, OutputFields{output_root_.native(), ".", {}});
}

namespace {

void write_whole(const fs::path& path, std::string_view bytes) {
    if (path.has_parent_path()) fs::create_directories(path.parent_path());
    auto tmp = path;
    tmp += ".tmp-test";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out) throw Error("cannot write " + tmp.string());
    }
    fs::rename(tmp, path);
}

class MemoryFile final : public OutputFile {
public:
    MemoryFile(fs::path path, TestContext& context) : path_(std::move(path)), context_(context) {}
    void write(std::string_view bytes) override { bytes_.append(bytes); }
    void commit() override {
        write_whole(path_, bytes_);
        context_.written.push_back(path_);
    }

private:
    fs::path path_;
    TestContext& context_;
    std::string bytes_;
};

} // namespace

void TestContext::write_file(const fs::path& path, std::string_view bytes) {
    write_whole(path, bytes);
    written.push_back(path);
}

std::unique_ptr<OutputFile> TestContext::open_file(const fs::path& path) {
    return std::make_unique<MemoryFile>(path, *this);
}

void TestContext::add_record(std::string_view record) {
    records.add(current_source, std::string(record));
}

const PluginInfo& find_plugin(const ModuleInfo& module, std::string_view name) {
    std::string names;
    for (std::size_t i = 0; i < module.plugin_count; ++i) {
        if (module.plugins[i]->name == name) return *module.plugins[i];
        names += (names.empty() ? "" : ", ") + std::string(module.plugins[i]->name);
    }
    throw std::invalid_argument("module '" + std::string(module.name) + "' has no plugin '" +
                                std::string(name) + "'; it has " + names);
}

Params make_params(const PluginInfo& info,
                   const std::map<std::string, std::string, std::less<>>& overrides,
                   fs::path data_dir) {
    std::map<std::string, std::string, std::less<>> values;
    auto spec_of = [&](std::string_view name) -> const ParamSpec* {
        for (std::size_t i = 0; i < info.param_count; ++i)
            if (info.params[i].name == name) return &info.params[i];
        return nullptr;
    };
    for (const auto& [name, value] : overrides) {
        const ParamSpec* spec = spec_of(name);
        if (!spec)
            throw std::invalid_argument("plugin '" + std::string(info.name) +
                                        "' has no parameter '" + name + "'");
        if (auto problem = check_param_value(*spec, value))
            throw std::invalid_argument("parameter '" + name + "' of '" + info.name + "' " +
                                        *problem);
        values[name] = value;
    }
    for (std::size_t i = 0; i < info.param_count; ++i) {
        const auto& spec = info.params[i];
        if (values.contains(spec.name)) continue;
        if (spec.default_value)
            values[spec.name] = spec.default_value;
        else if (spec.required)
            throw std::invalid_argument("parameter '" + std::string(spec.name) + "' of '" +
                                        info.name + "' is required");
    }
    return Params(std::move(values), std::move(data_dir));
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Document read(Reader& reader, const fs::path& path, Context& context) {
    auto bytes = read_file(path);
    Input input{path, bytes};
    if (!reader.accepts(input))
        throw std::runtime_error("the reader does not accept " + path.string());
    Document document;
    document.source.path = path.string();
    reader.read(input, document, context);
    document.source.pages = static_cast<int>(document.pages.size());
    return document;
}

void export_all(Exporter& exporter, const std::vector<Document>& documents, TestContext& context) {
    exporter.begin_run(context);
    for (const auto& document : documents) {
        context.current_source = document.source.path;
        exporter.write(document, context);
    }
    exporter.end_run(context.records, context);
}

} // namespace bulletin::testing
