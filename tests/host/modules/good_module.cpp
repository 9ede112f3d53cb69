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
                    article.paragraphs.push_back(line.text);
            }
        doc.articles.push_back(std::move(article));
    }
};

/// Tags every occurrence of each word in `words` with type `label`; exercises all param types.
class WordTagger final : public bulletin::Tagger {
public:
    explicit WordTagger(const bulletin::Params& p)
        : label_(p.string("label")), words_(p.list("words")), limit_(p.integer("limit")),
          upper_(p.boolean("upper")), weight_(p.number("weight")) {}
    void tag(bulletin::Document& doc, bulletin::Context& ctx) override {
        for (std::size_t a = 0; a < doc.articles.size(); ++a)
            for (std::size_t i = 0; i < doc.articles[a].paragraphs.size(); ++i)
                for (const auto& word : words_) {
                    const auto& text = doc.articles[a].paragraphs[i];
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
                    e.paragraph = static_cast<int>(i);
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

/// Its constructor throws: the host must report the plugin by name.
class BrokenTagger final : public bulletin::Tagger {
public:
    explicit BrokenTagger(const bulletin::Params&) { throw std::runtime_error("no data file"); }
    void tag(bulletin::Document&, bulletin::Context&) override {}
};

constexpr bulletin::ParamSpec kWordParams[] = {
    {"label", bulletin::ParamType::String, nullptr, true, "Entity type to assign."},
    {"words", bulletin::ParamType::List, "", false, "Words to tag."},
    {"limit", bulletin::ParamType::Int, "100", false, "At most this many entities."},
    {"upper", bulletin::ParamType::Bool, "false", false, "Append '!' to values."},
    {"weight", bulletin::ParamType::Double, "1.5", false, "Stored as an attribute."},
};
constexpr bulletin::ParamSpec kTitleExporterParams[] = {
    {"path", bulletin::ParamType::String, "{output}/{stem}.title", false, "Output file."},
};

} // namespace

BULLETIN_PLUGIN(kLines, LinesReader, TEST_PREFIX "lines", bulletin::PluginKind::Reader,
                "Reads TEST files line by line.", bulletin::kNoParams);
BULLETIN_PLUGIN(kTitle, TitleSegmenter, TEST_PREFIX "title", bulletin::PluginKind::Segmenter,
                "First line title, others paragraphs.", bulletin::kNoParams);
BULLETIN_PLUGIN(kWords, WordTagger, TEST_PREFIX "words", bulletin::PluginKind::Tagger,
                "Tags listed words.", kWordParams);
BULLETIN_PLUGIN(kTitleExporter, TitleExporter, TEST_PREFIX "title-file",
                bulletin::PluginKind::Exporter, "Writes the first title.", kTitleExporterParams);
BULLETIN_PLUGIN(kBroken, BrokenTagger, TEST_PREFIX "broken", bulletin::PluginKind::Tagger,
                "Cannot be constructed.", bulletin::kNoParams);
BULLETIN_MODULE("test-" MODULE_SUFFIX, "0.1.0", "MIT", "Plugins for the host tests.", &kLines,
                &kTitle, &kWords, &kTitleExporter, &kBroken)
