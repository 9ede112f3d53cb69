// Test module: small plugins of every kind, driven by the host tests. Each behaviour here is
// asserted somewhere in tests/host.
#ifdef TEST_FOREIGN_BUILD_KEY // pretend another toolchain built this module
#define BULLETIN_BUILD_KEY_OVERRIDE "othercc-1;libc++;boost-1.0"
#endif
#include <bulletin/module.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <thread>

namespace {

constexpr std::string_view kMagic = "TEST\n";

/// Reads inputs that start with "TEST\n": each following line becomes a Line on page 1.
class LinesReader final : public bulletin::Reader {
public:
    explicit LinesReader(const bulletin::Params&) {}
    bool accepts(const bulletin::Input& input) const override {
        return input.bytes.substr(0, kMagic.size()) == kMagic;
    }
    void read(const bulletin::Input& input, bulletin::Document& doc, bulletin::Context&) override {
        bulletin::Page page;
        page.number = 1;
        std::string_view rest = input.bytes.substr(kMagic.size());
        while (!rest.empty()) {
            auto nl = rest.find('\n');
            page.lines.push_back({std::string(rest.substr(0, nl)), {}, false, false});
            if (nl == std::string_view::npos) break;
            rest.remove_prefix(nl + 1);
        }
        doc.pages.push_back(std::move(page));
        doc.source.format = "test";
    }
};

/// First line is the title, the others paragraphs. Marker lines misbehave on purpose: THROW
/// throws, CRASH aborts, SEGV raises SIGSEGV, HANG never returns, SLOW sleeps 5 ms, WAIT logs
/// "waiting" and returns once the run is cancelled, STUCK logs "stuck" and never returns.
class TitleSegmenter final : public bulletin::Segmenter {
public:
    explicit TitleSegmenter(const bulletin::Params&) {}
    void segment(bulletin::Document& doc, bulletin::Context& ctx) override {
        bulletin::Article article;
        for (const auto& page : doc.pages)
            for (const auto& line : page.lines) {
                if (line.text == "THROW") throw bulletin::Error("the segmenter was told to throw");
                if (line.text == "CRASH") std::abort();
                if (line.text == "SEGV") std::raise(SIGSEGV);
                if (line.text == "HANG")
                    for (;;)
                        std::this_thread::sleep_for(std::chrono::seconds(1));
                if (line.text == "WAIT") {
                    ctx.warn("waiting for a stop request");
                    while (!ctx.cancelled())
                        std::this_thread::sleep_for(std::chrono::milliseconds(10));
                    continue;
                }
                if (line.text == "STUCK") {
                    ctx.warn("stuck until killed");
                    for (;;)
                        std::this_thread::sleep_for(std::chrono::seconds(1));
                }
                if (line.text == "SLOW") {
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                    continue;
                }
                if (article.title.empty())
                    article.title = line.text;
                else
                    article.paragraphs.push_back({line.text, {}});
            }
        doc.articles.push_back(std::move(article));
    }
};

/// Tags every occurrence of each word in `words` with type `label`; exercises all param types.
class WordTagger final : public bulletin::Tagger {
public:
    explicit WordTagger(const bulletin::Params& p)
        : label_(p.string("label")), words_(p.list("words")), limit_(p.integer("limit")),
          upper_(p.boolean("upper") || p.choice("mark") == "bang"), weight_(p.number("weight")) {}
    void tag(bulletin::Document& doc, bulletin::Context& ctx) override {
        for (std::size_t a = 0; a < doc.articles.size(); ++a)
            for (std::size_t i = 0; i < doc.articles[a].paragraphs.size(); ++i)
                for (const auto& word : words_) {
                    const auto& text = doc.articles[a].paragraphs[i].text;
                    auto at = text.find(word);
                    if (at == std::string::npos ||
                        static_cast<long long>(doc.entities.size()) >= limit_)
                        continue;
                    bulletin::Entity e;
                    e.type = label_;
                    e.text = word;
                    e.value = upper_ ? word + "!" : word;
                    e.attributes["weight"] = std::to_string(weight_);
                    e.article = static_cast<int>(a);
                    e.index = static_cast<int>(i);
                    e.start = static_cast<int>(at);
                    e.end = static_cast<int>(at + word.size());
                    doc.entities.push_back(std::move(e));
                }
        ctx.info("tagged ", doc.entities.size(), " entities");
    }

private:
    std::string label_;
    std::vector<std::string> words_;
    long long limit_;
    bool upper_;
    double weight_;
};

/// Writes the first title to `path`.
class TitleExporter final : public bulletin::Exporter {
public:
    explicit TitleExporter(const bulletin::Params& p) : path_(p.string("path")) {}
    void write(const bulletin::Document& doc, bulletin::Context& ctx) override {
        std::string title = doc.articles.empty() ? "" : doc.articles.front().title;
        ctx.write_file(ctx.output_path(path_, doc), title + "\n");
    }

private:
    std::string path_;
};

/// Reads anything, a line per line of the input: the catch-all a pipeline tries last.
class AnythingReader final : public bulletin::Reader {
public:
    explicit AnythingReader(const bulletin::Params&) {}
    bool accepts(const bulletin::Input&) const override { return true; }
    void read(const bulletin::Input& input, bulletin::Document& doc, bulletin::Context&) override {
        bulletin::Page page;
        page.number = 1;
        page.lines.push_back({"anything", {}, false, false});
        doc.pages.push_back(std::move(page));
        doc.source.format = input.bytes.empty() ? "empty" : "anything";
    }
};

/// Fits documents whose first line is "SCORED" (0.9), nothing else (0.1).
class ScoredSegmenter final : public bulletin::Segmenter {
public:
    explicit ScoredSegmenter(const bulletin::Params&) {}
    double score(const bulletin::Document& doc) const override {
        bool scored = !doc.pages.empty() && !doc.pages[0].lines.empty() &&
                      doc.pages[0].lines[0].text == "SCORED";
        return scored ? 0.9 : 0.1;
    }
    void segment(bulletin::Document& doc, bulletin::Context&) override {
        bulletin::Article article;
        article.title = "scored";
        doc.articles.push_back(std::move(article));
    }
};

/// One corpus file for the whole run: a row per document ("INPUT<TAB>TITLE"), written in
/// end_run from the records, so it holds every input of the batch whoever converted it.
class CorpusExporter final : public bulletin::Exporter {
public:
    explicit CorpusExporter(const bulletin::Params& p) : path_(p.string("path")) {}
    void begin_run(bulletin::Context& ctx) override { ctx.info("corpus run begins"); }
    void write(const bulletin::Document& doc, bulletin::Context& ctx) override {
        ctx.add_record(doc.articles.empty() ? "" : doc.articles.front().title);
    }
    void end_run(const bulletin::Records& records, bulletin::Context& ctx) override {
        auto file = ctx.open_file(ctx.run_output_path(path_));
        records.for_each([&](std::string_view source, std::string_view record) {
            auto name = source.substr(source.rfind('/') + 1);
            file->write(std::string(name) + "\t" + std::string(record) + "\n");
        });
        file->commit();
    }

private:
    std::string path_;
};

/// Its constructor throws: the host must report the plugin by name.
class BrokenTagger final : public bulletin::Tagger {
public:
    explicit BrokenTagger(const bulletin::Params&) { throw std::runtime_error("no data file"); }
    void tag(bulletin::Document&, bulletin::Context&) override {}
};

constexpr bulletin::ParamSpec kWordParams[] = {
    bulletin::string_param("label", nullptr, "Entity type to assign.").must_be_set(),
    bulletin::list_param("words", "", "Words to tag."),
    bulletin::int_param("limit", "100", "At most this many entities.").range(0, 1000),
    bulletin::bool_param("upper", "false", "Append '!' to values."),
    bulletin::double_param("weight", "1.5", "Stored as an attribute.").range(0, 10),
    bulletin::choice_param("mark", "none", "none|bang", "bang: append '!' to values."),
};
constexpr bulletin::ParamSpec kTitleExporterParams[] = {
    bulletin::string_param("path", "{output}/{stem}.title", "Output file."),
};
constexpr bulletin::ParamSpec kCorpusParams[] = {
    bulletin::string_param("path", "{output}/corpus{shard}.tsv", "The corpus file."),
};

} // namespace

BULLETIN_READER(kLines, LinesReader, TEST_PREFIX "lines", "Reads TEST files line by line.",
                bulletin::kNoParams, "txt pdf", 0);
BULLETIN_PLUGIN(kTitle, TitleSegmenter, TEST_PREFIX "title", bulletin::PluginKind::Segmenter,
                "First line title, others paragraphs.", bulletin::kNoParams);
BULLETIN_PLUGIN(kWords, WordTagger, TEST_PREFIX "words", bulletin::PluginKind::Tagger,
                "Tags listed words.", kWordParams);
BULLETIN_PLUGIN(kTitleExporter, TitleExporter, TEST_PREFIX "title-file",
                bulletin::PluginKind::Exporter, "Writes the first title.", kTitleExporterParams);
BULLETIN_READER(kAnything, AnythingReader, TEST_PREFIX "anything", "Reads anything (a catch-all).",
                bulletin::kNoParams, "txt", bulletin::kCatchAll);
BULLETIN_PLUGIN(kScored, ScoredSegmenter, TEST_PREFIX "scored", bulletin::PluginKind::Segmenter,
                "Fits documents that start with SCORED.", bulletin::kNoParams);
BULLETIN_PLUGIN(kCorpus, CorpusExporter, TEST_PREFIX "corpus", bulletin::PluginKind::Exporter,
                "One TSV row per document, for the whole run.", kCorpusParams);
BULLETIN_PLUGIN(kBroken, BrokenTagger, TEST_PREFIX "broken", bulletin::PluginKind::Tagger,
                "Cannot be constructed.", bulletin::kNoParams);
BULLETIN_MODULE("test-" MODULE_SUFFIX, "0.1.0", "MIT", "Plugins for the host tests.", &kLines,
                &kTitle, &kWords, &kTitleExporter, &kAnything, &kScored, &kCorpus, &kBroken)
