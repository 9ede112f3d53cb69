// cn.places: China's administrative divisions, with their official name and code.
//
// The gazetteer is the china-division package (provinces, prefectures, counties, towns and
// streets; see README.md), turned into read-only tables at build time by make-gazetteer.cpp
// (gazetteer.hpp) and compiled into this module. Every division is found by its full name;
// provinces, prefectures and (in the publisher's province) counties also by generated short
// forms: 娄底 -> 娄底市, 湘西 / 湘西州 -> 湘西土家族苗族自治州, 广西 -> 广西壮族自治区.
// Matching is leftmost-longest over a code-point trie, so a place inside a longer place is not
// tagged twice, and spans of person entities already in the document are skipped (run cn.places
// after cn.persons). A name shared by several divisions (鼓楼区, 长沙 = 长沙市 / 长沙县) goes to
// the one inside the place just named (娄星区杉山镇), then inside the publisher's prefecture and
// province (Masthead::publisher, or the `province` parameter), then the higher level.
#include "gazetteer.hpp"
#include "taggers_common.hpp"

#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

using bulletin::taggers::Slot;
using bulletin::taggers::places::Candidate;
using bulletin::taggers::places::Division;
using bulletin::taggers::places::kCandidates;
using bulletin::taggers::places::kDivisionCount;
using bulletin::taggers::places::kDivisions;
using bulletin::taggers::places::kNodes;
using bulletin::taggers::places::Level;

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

const Division& division(int index) {
    return kDivisions[static_cast<std::size_t>(index)];
}

std::string_view name_of(const Division& d) {
    using bulletin::taggers::places::kNameRow;
    std::size_t offset = d.name >> 8;
    return {bulletin::taggers::places::kNames[offset / kNameRow] + offset % kNameRow,
            d.name & 0xFFu};
}

/// The code as written: the generator checked the widths (6 or 9) and that none starts with 0.
std::string code_of(const Division& d) {
    return std::to_string(d.code);
}

int division_of(Candidate c) {
    return static_cast<int>(c >> 1);
}
bool is_short_form(Candidate c) {
    return (c & 1u) != 0;
}

/// The division whose code is written `code` (six or nine digits), or -1.
int find_code(std::string_view code) {
    if (code.empty() || code.size() > 9 || code.front() == '0') return -1;
    std::uint32_t value = 0;
    for (char c : code) {
        if (c < '0' || c > '9') return -1;
        value = value * 10 + static_cast<std::uint32_t>(c - '0');
    }
    for (std::size_t i = 0; i < kDivisionCount; ++i)
        if (kDivisions[i].code == value &&
            (kDivisions[i].level == Level::Town) == (code.size() == 9))
            return static_cast<int>(i);
    return -1;
}

/// The compiled trie of every surface form (gazetteer.hpp). Node 0 is the root, so 0 also
/// means "no such node" below.
namespace trie {

std::span<const Candidate> candidates(std::uint32_t node) {
    return {kCandidates + kNodes[node].first_candidate,
            kCandidates + kNodes[node + 1].first_candidate};
}

/// The child of `node` by `c`, or 0: a binary search among its children, sorted by label (for
/// the root, among those in the bucket of c).
std::uint32_t child(std::uint32_t node, char32_t c) {
    using bulletin::taggers::places::kRootBuckets;
    using bulletin::taggers::places::kRootIndex;
    const auto* first = kNodes + kNodes[node].first_child;
    const auto* last = kNodes + kNodes[node + 1].first_child;
    if (node == 0) {
        std::size_t b = std::min<std::size_t>(c >> 6, kRootBuckets);
        first = kNodes + kRootIndex[b];
        if (b < kRootBuckets) last = kNodes + kRootIndex[b + 1];
    }
    const auto* it =
        std::lower_bound(first, last, c, [](const auto& n, char32_t x) { return n.label < x; });
    return it != last && it->label == c ? static_cast<std::uint32_t>(it - kNodes) : 0;
}

/// Calls fn(length, node) for every surface form that starts at text[pos], shortest first.
template <class Fn> void prefixes(std::u32string_view text, std::size_t pos, Fn&& fn) {
    std::uint32_t node = 0;
    for (std::size_t i = pos; i < text.size(); ++i) {
        node = child(node, text[i]);
        if (node == 0) return;
        if (!candidates(node).empty()) fn(i - pos + 1, node);
    }
}

/// The longest surface form starting at text[pos]: {length, node}, or {0, 0}.
std::pair<std::size_t, std::uint32_t> longest(std::u32string_view text, std::size_t pos) {
    std::pair<std::size_t, std::uint32_t> best{0, 0};
    prefixes(text, pos, [&](std::size_t n, std::uint32_t node) { best = {n, node}; });
    return best;
}

/// The node of exactly `word` when it is a surface form, or 0.
std::uint32_t find(std::u32string_view word) {
    std::uint32_t node = 0;
    for (char32_t c : word)
        if ((node = child(node, c)) == 0) return 0;
    return candidates(node).empty() ? 0 : node;
}

/// The first position from `i` where a surface form may start, by the bigram filter, or
/// text.size(). Most positions of a text are rejected here, in a loop of a few instructions.
std::size_t next_start(std::u32string_view text, std::size_t i) {
    using bulletin::taggers::places::kBigrams;
    if (i + 1 >= text.size()) return text.size();
    for (char32_t a = text[i]; i + 1 < text.size(); ++i) {
        char32_t b = text[i + 1];
        auto h = bulletin::taggers::places::bigram_hash(a, b);
        if ((kBigrams[h >> 6] >> (h & 63)) & 1u) return i;
        a = b;
    }
    return text.size();
}

} // namespace trie

/// Where the document is from: indexes of a province and maybe a prefecture, or -1.
struct Home {
    int province = -1, prefecture = -1;
};

Home home_of(int index) {
    const auto& d = division(index);
    return {d.province, d.level == Level::Province ? -1 : d.prefecture};
}

class Places final : public bulletin::Tagger {
public:
    explicit Places(const bulletin::Params& params)
        : province_(params.string("province")),
          county_short_(scope(params.choice("county_short_forms"))),
          towns_(scope(params.choice("towns"))) {
        if (!province_.empty()) {
            // The parameter names the home of every document: resolve it once.
            std::uint32_t node = trie::find(bulletin::text::to_u32(province_));
            int code = find_code(province_.size() == 2 ? province_ + "0000" : province_);
            if (node != 0)
                fixed_home_ = home_of(division_of(trie::candidates(node).front()));
            else if (code >= 0)
                fixed_home_ = home_of(code);
        }
    }

    void tag(bulletin::Document& doc, bulletin::Context& ctx) override {
        using bulletin::taggers::places::kLevelCounts;
        ctx.debug("gazetteer: ", kLevelCounts[0], " provinces, ", kLevelCounts[1], " prefectures, ",
                  kLevelCounts[2], " counties, ", kLevelCounts[3], " towns");
        Home home = province_.empty() ? find_home(doc) : fixed_home_;
        if (home.province >= 0) ctx.debug("home province ", name_of(division(home.province)));
        std::size_t before = doc.entities.size();
        const bulletin::taggers::SlotSpans persons(doc, "person");
        auto slots = bulletin::taggers::text_slots(doc);
        const bulletin::taggers::SlotTexts texts(slots);
        for (std::size_t k = 0; k < slots.size(); ++k) {
            auto text = texts[k];
            // Person names are not places (戴德清 is not 德清县).
            auto person_spans = persons.of(slots[k]);
            int previous = -1; // division named right before (娄星区|杉山镇)
            std::size_t previous_end = 0;
            for (std::size_t i = 0; (i = trie::next_start(text, i)) < text.size();) {
                auto m = match_at(text, i, home, previous_end == i ? previous : -1, person_spans);
                if (m.length == 0) {
                    ++i;
                    continue;
                }
                const auto& d = division(m.division);
                auto e = bulletin::taggers::make_entity("place", text, i, i + m.length,
                                                        std::string(name_of(d)), slots[k]);
                e.attributes.emplace_hint(e.attributes.end(), "code", code_of(d));
                e.attributes.emplace_hint(e.attributes.end(), "level", level_name(d.level));
                doc.entities.push_back(std::move(e));
                previous = m.division;
                i += m.length;
                previous_end = i;
            }
        }
        ctx.debug("tagged ", doc.entities.size() - before, " places");
    }

private:
    /// The values of county_short_forms and towns.
    enum class Scope : std::uint8_t { Province, All, None };
    static Scope scope(const std::string& value) {
        if (value == "province") return Scope::Province;
        if (value == "all") return Scope::All;
        if (value == "none") return Scope::None;
        throw bulletin::Error("cn.places: '" + value + "' is not one of province, all, none");
    }

    struct Match {
        std::size_t length = 0;
        int division = -1;
    };

    static bool within(const Division& d, int parent) {
        return parent >= 0 &&
               (d.province == parent || d.prefecture == parent || d.county == parent);
    }

    bool allowed(Candidate c, std::size_t length, bool chained, bool at_break,
                 const Home& home) const {
        const auto& d = division(division_of(c));
        bool in_home = home.province >= 0 && d.province == home.province;
        if (d.level == Level::Town) {
            if (towns_ == Scope::None) return false;
            if (towns_ == Scope::Province && home.province >= 0 && !in_home && !chained)
                return false;
            return length >= 3 || chained;
        }
        if (d.level == Level::County && is_short_form(c)) {
            if (county_short_ == Scope::None) return false;
            if (county_short_ == Scope::Province && !in_home && !chained) return false;
        }
        // Two-character county names (南县, 代县, 城区) are words too: need a break or context.
        if (d.level == Level::County && !is_short_form(c) && length <= 2 && !chained &&
            !(at_break && in_home))
            return false;
        return true;
    }

    /// Lower is better.
    static int rank(Candidate c, int previous, const Home& home) {
        const auto& d = division(division_of(c));
        int score = static_cast<int>(d.level);
        if (is_short_form(c)) score += 1;
        if (!(previous >= 0 && within(d, previous))) score += 100;
        if (!(home.prefecture >= 0 && d.prefecture == home.prefecture)) score += 20;
        if (!(home.province >= 0 && d.province == home.province)) score += 40;
        return score;
    }

    Match match_at(std::u32string_view text, std::size_t i, const Home& home, int previous,
                   std::span<const bulletin::taggers::SlotSpans::Span> persons) const {
        constexpr std::size_t kMax = 32;
        std::size_t lengths[kMax]; // every form starting at i, shortest first
        std::uint32_t nodes[kMax];
        std::size_t count = 0;
        trie::prefixes(text, i, [&](std::size_t n, std::uint32_t node) {
            if (count < kMax) {
                lengths[count] = n;
                nodes[count++] = node;
            }
        });
        bool at_break = i == 0 || !bulletin::text::is_han(text[i - 1]) || text[i - 1] == U'、';
        for (std::size_t f = count; f-- > 0;) {
            std::size_t length = lengths[f];
            bool overlaps_person = false;
            for (const auto& p : persons)
                if (static_cast<int>(i) < p.end && p.start < static_cast<int>(i + length))
                    overlaps_person = true;
            if (overlaps_person) continue;
            Match best;
            int best_rank = 0;
            for (Candidate c : trie::candidates(nodes[f])) {
                int index = division_of(c);
                bool chained =
                    previous >= 0 && within(division(index), previous) && index != previous;
                if (!allowed(c, length, chained, at_break, home)) continue;
                int r = rank(c, previous, home);
                if (best.division < 0 || r < best_rank) {
                    best = {length, index};
                    best_rank = r;
                }
            }
            if (best.division >= 0) return best;
        }
        return {};
    }

    /// The first place the publisher names (湖南省…, 成都市… -> 四川省).
    static Home find_home(const bulletin::Document& doc) {
        Home home;
        if (!doc.masthead.publisher) return home;
        auto text = bulletin::text::to_u32(*doc.masthead.publisher);
        for (std::size_t i = 0; i < text.size(); ++i) {
            auto [length, node] = trie::longest(text, i);
            if (length == 0) continue;
            // The publisher names its own place first; prefer the higher level when ambiguous.
            auto list = trie::candidates(node);
            auto best = std::min_element(list.begin(), list.end(), [](Candidate a, Candidate b) {
                return division(division_of(a)).level < division(division_of(b)).level;
            });
            if (division(division_of(*best)).level == Level::Town) continue;
            home = home_of(division_of(*best));
            // 湖南省娄底市: a prefecture right after the province narrows it.
            auto [l2, node2] = trie::longest(text, i + length);
            if (l2 > 0)
                for (Candidate c : trie::candidates(node2)) {
                    const auto& d = division(division_of(c));
                    if (d.level == Level::Prefecture && d.province == home.province)
                        home.prefecture = division_of(c);
                }
            break;
        }
        return home;
    }

    std::string province_;
    Scope county_short_;
    Scope towns_;
    Home fixed_home_; ///< the home the `province` parameter names, when it is set
};

} // namespace

constexpr bulletin::ParamSpec kPlacesParams[] = {
    bulletin::string_param(
        "province", "",
        "Home province (name such as 湖南省, or code 43 / 430000) for resolving ambiguous names. "
        "Empty: taken from the first place in Masthead::publisher."),
    bulletin::choice_param("county_short_forms", "province", "province|all|none",
                           "Tag counties by short forms (平江 for 平江县): province = only "
                           "counties of the home province, all, or none."),
    bulletin::choice_param("towns", "province", "province|all|none",
                           "Tag towns and streets (杉山镇) by full name: province = only in the "
                           "home province (or right after their county), all, or none."),
};

BULLETIN_PLUGIN(kPlacesPlugin, Places, "cn.places", bulletin::PluginKind::Tagger,
                "Tags Chinese administrative divisions (provinces to towns) with official name "
                "and GB/T 2260 code, including short forms such as 娄底 and 湘西州.",
                kPlacesParams);
BULLETIN_MODULE("cn-places", "1.0.0", "MIT",
                "Place tagger with a gazetteer compiled from china-division.", &kPlacesPlugin)
