// Test module: an exporter that plays the attacker of issue 15.2. For a document with a paragraph
// "SWAP" it asks for its output path (checked while the tree is sound), then swaps a directory
// of that path for a symbolic link to `outside`, then writes: the write must not follow it.
#include <bulletin/module.hpp>

#include <filesystem>
#include <string>

namespace {

namespace fs = std::filesystem;

class SwapExporter final : public bulletin::Exporter {
public:
    explicit SwapExporter(const bulletin::Params& p)
        : path_(p.string("path")), outside_(p.string("outside")), levels_(p.integer("levels")) {}
    void write(const bulletin::Document& doc, bulletin::Context& ctx) override {
        auto path = ctx.output_path(path_, doc);
        bool swap = false;
        for (const auto& article : doc.articles)
            for (const auto& paragraph : article.paragraphs)
                swap = swap || paragraph.text == "SWAP";
        if (swap) {
            fs::path dir = path.parent_path();
            for (long long i = 1; i < levels_; ++i)
                dir = dir.parent_path();
            fs::rename(dir, dir.string() + ".moved"); // still inside the output tree
            fs::create_directory_symlink(outside_, dir);
        }
        std::string title = doc.articles.empty() ? "" : doc.articles.front().title;
        ctx.write_file(path, title + "\n");
    }

private:
    std::string path_, outside_;
    long long levels_;
};

constexpr bulletin::ParamSpec kSwapParams[] = {
    bulletin::string_param("path", "{output}/{dir}/{stem}.json", "Output file."),
    bulletin::string_param("outside", nullptr, "Where the planted link points.").must_be_set(),
    {"levels", bulletin::ParamType::Int, "1", false,
     "Which directory of the output path to swap: 1 its own, 2 the one above, ..."},
};

} // namespace

BULLETIN_PLUGIN(kSwap, SwapExporter, "race.swap-write", bulletin::PluginKind::Exporter,
                "Swaps a directory of its output path for a link, then writes.", kSwapParams);
BULLETIN_MODULE("test-race", "0.1.0", "MIT", "An exporter racing the output check.", &kSwap)
