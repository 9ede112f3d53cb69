// Micro-benchmarks of the built-in plugins (docs/performance.md): each stage of the
// cn-bulletin.xml text pipeline on the sample bulletins, the JSON exporter, an atomic output
// write, the whole pipeline in memory, and the cost of a plugin call across the module boundary.
//
// Plugins are loaded through the host registry exactly as `bulletin` loads them. Every stage
// reports bytes_per_second against the *input* bytes of the sample, so the stages add up to the
// text→JSON budget (≥ 50 MB/s per core).
//
//   build-bench/bin/bulletin_benchmarks [--benchmark_filter=Tagger] [--benchmark_min_time=0.2]
#include "context.hpp"
#include "logging.hpp"
#include "pipeline.hpp"
#include "registry.hpp"
#include "runner.hpp"

#include <bulletin/module.hpp>

#include <benchmark/benchmark.h>
#include <spdlog/common.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using bulletin::Document;

/// A Context that logs nothing and discards written files (counting their bytes), so a stage is
/// measured without the disk.
class BenchContext final : public bulletin::Context {
public:
    std::string_view plugin_name() const override { return "bench"; }
    bool log_enabled(bulletin::LogLevel) const override { return false; }
    void log(bulletin::LogLevel, std::string_view) override {}
    bool cancelled() const override { return false; }
    fs::path output_path(std::string_view, const Document&) const override {
        return "/nonexistent/bench.json";
    }
    fs::path run_output_path(std::string_view) const override { return "/nonexistent/bench"; }
    void write_file(const fs::path&, std::string_view bytes) override { written += bytes.size(); }
    std::unique_ptr<bulletin::OutputFile> open_file(const fs::path&) override {
        return std::make_unique<CountingFile>(written);
    }
    void add_record(std::string_view) override {}
    std::size_t written = 0;

private:
    // Counts the bytes an exporter streams (the json exporter writes through open_file).
    class CountingFile final : public bulletin::OutputFile {
    public:
        explicit CountingFile(std::size_t& written) : written_(written) {}
        void write(std::string_view bytes) override { written_ += bytes.size(); }
        void commit() override {}

    private:
        std::size_t& written_;
    };
};

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

const bulletin::host::Registry& registry() {
    static const bulletin::host::Registry r = [] {
        bulletin::host::Registry reg;
        reg.add_directory(BENCH_PLUGIN_DIR);
        reg.add_directory(BENCH_MODULES_DIR);
        return reg;
    }();
    return r;
}

/// The default taggers of pipelines/cn-bulletin.xml, in pipeline order (cn.places relies on
/// the person spans cn.persons found before it).
const std::vector<std::string> kTaggers = {"cn.dates", "cn.persons", "cn.places", "cn.orgs",
                                           "cn.recipients"};

/// One sample bulletin and the document after each stage, prepared once.
struct Sample {
    std::string name;
    std::string bytes;
    Document read;                ///< after the text reader
    Document segmented;           ///< after cn.bulletin
    std::vector<Document> before; ///< before[i]: segmented and tagged by kTaggers[0..i)
    Document tagged;              ///< after every tagger

    explicit Sample(const fs::path& path) : name(path.stem().string()), bytes(slurp(path)) {
        BenchContext ctx;
        auto reader = registry().create<bulletin::Reader>("text");
        reader->read({path, bytes}, read, ctx);
        segmented = read;
        registry().create<bulletin::Segmenter>("cn.bulletin")->segment(segmented, ctx);
        Document doc = segmented;
        for (const auto& name_ : kTaggers) {
            before.push_back(doc);
            registry().create<bulletin::Tagger>(name_)->tag(doc, ctx);
        }
        tagged = std::move(doc);
    }
};

void set_bytes(benchmark::State& state, const Sample& s) {
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(s.bytes.size()));
}

void BM_ReaderSniff(benchmark::State& state, const Sample* s) {
    // The pipeline asks each reader in order; text is the last one asked.
    std::vector<bulletin::host::PluginInstance<bulletin::Reader>> readers;
    for (const char* name : {"pdf", "ofd", "docx", "html", "text"})
        if (registry().find(name)) readers.push_back(registry().create<bulletin::Reader>(name));
    bulletin::Input input{s->name + ".txt", s->bytes};
    for (auto _ : state)
        for (auto& r : readers)
            benchmark::DoNotOptimize(r->accepts(input));
    set_bytes(state, *s);
}

void BM_TextReader(benchmark::State& state, const Sample* s) {
    auto reader = registry().create<bulletin::Reader>("text");
    BenchContext ctx;
    bulletin::Input input{s->name + ".txt", s->bytes};
    for (auto _ : state) {
        Document doc;
        reader->read(input, doc, ctx);
        benchmark::DoNotOptimize(doc.pages.data());
    }
    set_bytes(state, *s);
}

void BM_DocumentCopy(benchmark::State& state, const Sample* s) {
    // The segmenter and tagger benchmarks copy their input document each iteration; this is
    // that copy alone, to subtract.
    for (auto _ : state) {
        Document doc = s->read;
        benchmark::DoNotOptimize(doc.pages.data());
    }
    set_bytes(state, *s);
}

void BM_Segmenter(benchmark::State& state, const Sample* s) {
    auto segmenter = registry().create<bulletin::Segmenter>("cn.bulletin");
    BenchContext ctx;
    for (auto _ : state) {
        Document doc = s->read;
        segmenter->segment(doc, ctx);
        benchmark::DoNotOptimize(doc.articles.data());
    }
    set_bytes(state, *s);
}

void BM_Tagger(benchmark::State& state, const Sample* s, std::size_t index) {
    auto tagger = registry().create<bulletin::Tagger>(kTaggers[index]);
    BenchContext ctx;
    for (auto _ : state) {
        Document doc = s->before[index];
        tagger->tag(doc, ctx);
        benchmark::DoNotOptimize(doc.entities.data());
    }
    set_bytes(state, *s);
}

void BM_JsonExporter(benchmark::State& state, const Sample* s) {
    auto exporter = registry().create<bulletin::Exporter>("json");
    BenchContext ctx;
    for (auto _ : state)
        exporter->write(s->tagged, ctx);
    benchmark::DoNotOptimize(ctx.written);
    set_bytes(state, *s);
}

/// The whole cn-bulletin.xml pipeline on bytes in memory, as `bulletin run` does it: SHA-256,
/// reader sniffing, every stage, and the JSON written atomically (fsync, rename) under a
/// temporary directory. With json disabled it is the computation alone.
void BM_Pipeline(benchmark::State& state, const Sample* s, bool write_json) {
    std::vector<bulletin::host::Override> overrides;
    if (!write_json) overrides.push_back({"json", "enabled", "false"});
    auto load = bulletin::host::load_pipeline(
        fs::path(BENCH_SOURCE_DIR) / "pipelines/cn-bulletin.xml", registry(), overrides);
    if (!load.ok()) {
        state.SkipWithError("pipelines/cn-bulletin.xml does not load");
        return;
    }
    auto out = fs::temp_directory_path() / ("bulletin-bench-" + std::to_string(::getpid()));
    fs::create_directories(out);
    {
        bulletin::host::RunOptions options;
        options.output_root = out;
        bulletin::host::PipelineRunner runner(*load.pipeline, registry(), options);
        fs::path input = s->name + ".txt";
        for (auto _ : state) {
            auto outcome = runner.process_bytes(input, s->bytes);
            if (!outcome.ok) {
                state.SkipWithError(outcome.error.c_str());
                break;
            }
        }
    }
    fs::remove_all(out);
    set_bytes(state, *s);
}

/// One atomic output write (temporary file, write, fsync, rename) of a typical JSON size.
void BM_AtomicWrite(benchmark::State& state) {
    auto out = fs::temp_directory_path() / ("bulletin-bench-w-" + std::to_string(::getpid()));
    fs::create_directories(out);
    std::string bytes(static_cast<std::size_t>(state.range(0)), 'x');
    for (auto _ : state)
        bulletin::host::write_file_atomically(out / "a.json", bytes);
    fs::remove_all(out);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

// --- the cost of a plugin call across the module boundary ---------------------------------------

/// The same trivial tagger as benchmarks/modules/noop.cpp, compiled into this executable.
class LocalNoop final : public bulletin::Tagger {
public:
    void tag(Document& doc, bulletin::Context&) override {
        ++calls_;
        (void)doc;
    }

private:
    unsigned long calls_ = 0;
};

void BM_PluginCall_DirectVirtual(benchmark::State& state) {
    auto owned = std::make_unique<LocalNoop>();
    bulletin::Tagger* tagger = owned.get();
    benchmark::DoNotOptimize(tagger); // no devirtualisation
    Document doc;
    BenchContext ctx;
    for (auto _ : state) {
        tagger->tag(doc, ctx);
        benchmark::ClobberMemory();
    }
}

void BM_PluginCall_ThroughRegistry(benchmark::State& state) {
    auto tagger = registry().create<bulletin::Tagger>("bench.noop");
    Document doc;
    BenchContext ctx;
    for (auto _ : state) {
        tagger->tag(doc, ctx);
        benchmark::ClobberMemory();
    }
}

/// What the runner adds around every call: the try/catch guard and the plugin name it keeps
/// ready for the message.
void BM_PluginCall_Guarded(benchmark::State& state) {
    auto tagger = registry().create<bulletin::Tagger>("bench.noop");
    Document doc;
    BenchContext ctx;
    std::string error;
    for (auto _ : state) {
        try {
            tagger->tag(doc, ctx);
        } catch (const std::exception& e) {
            error = std::string(tagger.info->name) + e.what();
        }
        benchmark::ClobberMemory();
    }
    benchmark::DoNotOptimize(error);
}

template <class T> void create_loop(benchmark::State& state, const std::string& name) {
    for (auto _ : state) {
        auto plugin = registry().create<T>(name);
        benchmark::DoNotOptimize(plugin.object.get());
    }
}

/// Creating a plugin instance (parameter check, defaults, the plugin's constructor: data tables
/// are built here).
void BM_PluginCreate(benchmark::State& state, const std::string& name) {
    const auto* entry = registry().find(name);
    if (!entry) {
        state.SkipWithError("plugin not found");
        return;
    }
    switch (entry->info->kind) {
    case bulletin::PluginKind::Reader:
        create_loop<bulletin::Reader>(state, name);
        break;
    case bulletin::PluginKind::Segmenter:
        create_loop<bulletin::Segmenter>(state, name);
        break;
    case bulletin::PluginKind::Tagger:
        create_loop<bulletin::Tagger>(state, name);
        break;
    case bulletin::PluginKind::Exporter:
        create_loop<bulletin::Exporter>(state, name);
        break;
    }
}

void BM_RegistryLoad(benchmark::State& state) {
    // dlopen of every built-in module and reading their descriptors (what `bulletin run` pays
    // once at start).
    for (auto _ : state) {
        bulletin::host::Registry r;
        r.add_directory(BENCH_PLUGIN_DIR);
        benchmark::DoNotOptimize(r.modules().size());
    }
}

} // namespace

int main(int argc, char** argv) {
    bulletin::host::configure_logging(spdlog::level::err, bulletin::host::LogFormat::Text);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

    std::vector<std::unique_ptr<Sample>> samples;
    const fs::path dir = fs::path(BENCH_SOURCE_DIR) / "tests/data/samples";
    for (const char* stem : {"hunan-xuanren-2023-04-24.txt", "yueyang-daibiao-2023-12.txt",
                             "zhejiang-dongtai-2024-07.plain.txt"})
        samples.push_back(std::make_unique<Sample>(dir / stem));

    for (const auto& s : samples) {
        const Sample* p = s.get();
        benchmark::RegisterBenchmark(("ReaderSniff/" + p->name).c_str(), BM_ReaderSniff, p);
        benchmark::RegisterBenchmark(("TextReader/" + p->name).c_str(), BM_TextReader, p);
        benchmark::RegisterBenchmark(("DocumentCopy/" + p->name).c_str(), BM_DocumentCopy, p);
        benchmark::RegisterBenchmark(("Segmenter/" + p->name).c_str(), BM_Segmenter, p);
        for (std::size_t i = 0; i < kTaggers.size(); ++i)
            benchmark::RegisterBenchmark(("Tagger/" + kTaggers[i] + "/" + p->name).c_str(),
                                         BM_Tagger, p, i);
        benchmark::RegisterBenchmark(("JsonExporter/" + p->name).c_str(), BM_JsonExporter, p);
        benchmark::RegisterBenchmark(("Pipeline/compute/" + p->name).c_str(), BM_Pipeline, p,
                                     false);
        benchmark::RegisterBenchmark(("Pipeline/with-json-write/" + p->name).c_str(), BM_Pipeline,
                                     p, true);
    }
    benchmark::RegisterBenchmark("AtomicWrite", BM_AtomicWrite)->Arg(16 * 1024);
    benchmark::RegisterBenchmark("PluginCall/direct-virtual", BM_PluginCall_DirectVirtual);
    benchmark::RegisterBenchmark("PluginCall/through-registry", BM_PluginCall_ThroughRegistry);
    benchmark::RegisterBenchmark("PluginCall/guarded", BM_PluginCall_Guarded);
    for (const char* name : {"bench.noop", "text", "cn.bulletin", "cn.dates", "cn.persons",
                             "cn.places", "cn.orgs", "cn.recipients", "json"})
        benchmark::RegisterBenchmark((std::string("PluginCreate/") + name).c_str(), BM_PluginCreate,
                                     std::string(name));
    benchmark::RegisterBenchmark("RegistryLoad", BM_RegistryLoad)->Unit(benchmark::kMillisecond);

    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
