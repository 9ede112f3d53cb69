// Test module: a tagger whose word list ships as a data file (bulletin_add_plugin ... DATA) and
// is found through Params::data_dir().
#include <bulletin/module.hpp>

#include <fstream>
#include <string>
#include <vector>

namespace {

class DataWordsTagger final : public bulletin::Tagger {
public:
    explicit DataWordsTagger(const bulletin::Params& params) {
        std::ifstream in(params.data_dir() / "words.txt");
        if (!in)
            throw bulletin::Error("no words.txt in the data directory '" +
                                  params.data_dir().string() + "'");
        for (std::string word; std::getline(in, word);)
            if (!word.empty()) words_.push_back(word);
    }
    void tag(bulletin::Document& doc, bulletin::Context&) override {
        for (std::size_t a = 0; a < doc.articles.size(); ++a)
            if (doc.articles[a].title.find(words_.front()) != std::string::npos) {
                bulletin::Entity e;
                e.type = "word";
                e.text = e.value = words_.front();
                e.place = bulletin::EntityPlace::Title;
                e.article = static_cast<int>(a);
                doc.entities.push_back(std::move(e));
            }
    }

private:
    std::vector<std::string> words_;
};

} // namespace

BULLETIN_PLUGIN(kDataWords, DataWordsTagger, "data.words", bulletin::PluginKind::Tagger,
                "Tags the first word of its data file in titles.", bulletin::kNoParams);
BULLETIN_MODULE("test-data", "0.1.0", "MIT", "A plugin with a data file.", &kDataWords)
