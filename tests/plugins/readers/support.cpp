#include "support.hpp"

#include <bulletin/plugin.hpp>
#include <bulletin/text.hpp>

#include <nlohmann/json.hpp>
#include <zip.h>

#include <regex>
#include <sstream>

namespace bulletin::testing {

std::filesystem::path sample(const std::string& stem, const std::string& ext) {
    return data_dir() / "samples" / (stem + "." + ext);
}

Document read_bytes(const std::string& reader, const std::filesystem::path& path,
                    const std::string& bytes, const Params& params) {
    TestContext ctx;
    return read_bytes(reader, path, bytes, params, ctx);
}

Document read_bytes(const std::string& reader, const std::filesystem::path& path,
                    const std::string& bytes, const Params& params, Context& context) {
    auto r = load<Reader>(reader, params);
    Document doc;
    r->read(Input{path, bytes}, doc, context);
    return doc;
}

Document read_with(const std::string& reader, const std::filesystem::path& path,
                   const Params& params) {
    return read_bytes(reader, path, read_file(path), params);
}

std::string read_error(const std::string& reader, const std::filesystem::path& path,
                       const std::string& bytes, const Params& params) {
    try {
        read_bytes(reader, path, bytes, params);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

bool accepts(const std::string& reader, const std::filesystem::path& path,
             const std::string& bytes) {
    return load<Reader>(reader)->accepts(Input{path, bytes});
}

std::vector<std::string> all_lines(const Document& doc) {
    std::vector<std::string> out;
    for (const auto& page : doc.pages)
        for (const auto& line : page.lines)
            out.push_back(line.text);
    return out;
}

const Line* find_line(const Document& doc, const std::string& text) {
    for (const auto& page : doc.pages)
        for (const auto& line : page.lines)
            if (line.text.find(text) != std::string::npos) return &line;
    return nullptr;
}

std::vector<std::vector<std::string>> plain_pages(const std::string& stem) {
    static const std::regex page_number(R"(^\s*— \d+ —\s*$)");
    std::istringstream in(read_file(sample(stem, "plain.txt")));
    std::vector<std::vector<std::string>> pages(1);
    for (std::string line; std::getline(in, line);) {
        while (line.starts_with('\f')) {
            pages.emplace_back();
            line.erase(0, 1);
        }
        if (text::trim(line).empty() || std::regex_match(line, page_number)) continue;
        pages.back().push_back(line);
    }
    while (!pages.empty() && pages.back().empty())
        pages.pop_back();
    return pages;
}

Gold gold(const std::string& stem) {
    auto json = nlohmann::json::parse(read_file(sample(stem, "gold.json")));
    Gold g;
    for (const auto& a : json["articles"]) {
        g.titles.push_back(text::nfkc(a["title"].get<std::string>()));
        for (const auto& p : a["paragraphs"])
            g.paragraphs.push_back(text::nfkc(p.get<std::string>()));
    }
    return g;
}

std::string make_zip(const std::vector<std::pair<std::string, std::string>>& entries,
                     bool deflate) {
    TempDir dir;
    auto path = (dir.path() / "out.zip").string();
    int error = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (!archive) throw std::runtime_error("zip_open failed");
    for (const auto& [name, data] : entries) {
        zip_source_t* source = zip_source_buffer(archive, data.data(), data.size(), 0);
        zip_int64_t index = zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8);
        if (index < 0) {
            zip_source_free(source);
            zip_discard(archive);
            throw std::runtime_error("zip_file_add failed for " + name);
        }
        zip_set_file_compression(archive, static_cast<zip_uint64_t>(index),
                                 deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 9);
    }
    if (zip_close(archive) != 0) {
        zip_discard(archive);
        throw std::runtime_error("zip_close failed");
    }
    return read_file(path);
}

} // namespace bulletin::testing
