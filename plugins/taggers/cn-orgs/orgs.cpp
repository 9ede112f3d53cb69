// cn.orgs: organisation names (人大常委会, 委员会, 办公厅, 局, 法院, 检察院 ...).
//
// An organisation ends with a word of suffixes.txt and runs back over characters that are not
// break words (breaks.txt) to its leftmost head: a place tagged by cn.places (run cn.places
// first) or a head word (heads.txt: 省, 市, 全国, 各 ...). Spans inside a longer one are dropped,
// so 省人大常委会联工委 is one organisation. Abbreviations (abbreviations.txt: 联工委 ->
// 选举任免联络工作委员会) are expanded into the "expanded" attribute and the value.
#include "taggers_common.hpp"

#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using bulletin::taggers::Slot;
using bulletin::taggers::Trie;

#include "kOrgsData.inc"

struct Lexicon {
    Trie suffixes; ///< value: 1 when the suffix needs a head before it
    Trie heads;
    Trie units_after_head; ///< 人大, 委, 人民政府 …: make a lone 市 a head (常德市…市人大常委会)
    Trie abbreviations; ///< value: index into expansions
    std::vector<std::u32string> abbreviation_words, expansions;
    bulletin::taggers::CharSet breaks;

    static const Lexicon& get() {
        static const Lexicon lexicon;
        return lexicon;
    }

private:
    Lexicon() {
        auto files = bulletin::taggers::embedded_files(kOrgsData);
        using bulletin::taggers::for_each_data_line;
        using bulletin::taggers::split_tab;
        for_each_data_line(files.at(0), [&](std::string_view line) {
            auto [word, flag] = split_tab(line);
            suffixes.insert(word, flag == "head" ? 1 : 0);
        });
        for_each_data_line(files.at(1), [&](std::string_view line) {
            auto [word, expanded] = split_tab(line);
            abbreviations.insert(word, static_cast<int>(expansions.size()));
            abbreviation_words.push_back(bulletin::text::to_u32(word));
            expansions.push_back(bulletin::text::to_u32(expanded));
        });
        for_each_data_line(files.at(2),
                           [&](std::string_view w) { breaks.insert(bulletin::text::to_u32(w)); });
        for_each_data_line(files.at(3), [&](std::string_view line) {
            auto [word, flag] = split_tab(line);
            (flag == "after" ? units_after_head : heads).insert(word, 0);
        });
    }
};

/// Single-character suffixes followed by these are words, not organisations (部门, 局长, 局面).
bool word_after_single_suffix(char32_t c) {
    static constexpr std::u32string_view kWords = U"门长面势级务内里";
    return kWords.find(c) != std::u32string_view::npos;
}

/// Committees carry their own name before 委员会 (代表工作委员会, 法制委员会).
bool is_committee(std::u32string_view suffix) {
    return suffix.ends_with(U"委员会");
}

class Orgs final : public bulletin::Tagger {
public:
    explicit Orgs(const bulletin::Params& params) {
        for (const auto& k : params.list("keep"))
            keep_.insert(bulletin::text::to_u32(k));
        max_length_ = static_cast<std::size_t>(params.integer("max_length"));
    }

    void tag(bulletin::Document& doc, bulletin::Context& ctx) override {
        const Lexicon& lex = Lexicon::get();
        std::size_t before = doc.entities.size();
        const bulletin::taggers::SlotSpans places(doc, "place"); // copied: entities grow below
        std::vector<std::pair<std::size_t, std::size_t>> spans;  // per text, reused
        auto slots = bulletin::taggers::text_slots(doc);
        const bulletin::taggers::SlotTexts texts(slots);
        std::vector<std::uint8_t> place_start, place_inside; // reused for every text
        for (std::size_t slot_index = 0; slot_index < slots.size(); ++slot_index) {
            const Slot& slot = slots[slot_index];
            auto text = texts[slot_index];
            // place_start[k]: a place starts at k; place_inside[k]: k is inside a place that
            // started earlier (市 of 湖州市 is no head of its own).
            place_start.assign(text.size() + 1, 0);
            place_inside.assign(text.size() + 1, 0);
            for (const auto& place : places.of(slot)) {
                int ps = place.start, pe = place.end;
                if (ps < 0 || static_cast<std::size_t>(ps) >= text.size()) continue;
                place_start[static_cast<std::size_t>(ps)] = 1;
                for (int k = ps + 1; k < pe && k < static_cast<int>(text.size()); ++k)
                    place_inside[static_cast<std::size_t>(k)] = 1;
            }
            auto head_at = [&](std::size_t k, std::size_t s0) -> std::size_t { // head length
                if (place_inside[k]) return 0;
                if (place_start[k]) {
                    std::size_t n = 1;
                    while (k + n < text.size() && place_inside[k + n])
                        ++n;
                    return n;
                }
                std::size_t n = lex.heads.longest(text, k).first;
                // A lone 乡/市/州 … heads only at a break, after a place, or before 人大/委 …
                // (城乡建设局 has no head 乡; 常德市修订完善市人大常委会 has 市).
                if (n == 1 && k > s0 && !place_start[k - 1] && !place_inside[k - 1] &&
                    std::u32string_view(U"和与及").find(text[k - 1]) == std::u32string_view::npos &&
                    lex.heads.longest(text, k - 1).first != 1 &&
                    lex.units_after_head.longest(text, k + 1).first == 0)
                    return 0;
                return n;
            };
            spans.clear();
            std::size_t last_end = 0; // end of the previous suffix: names do not run across it
            for (std::size_t i = 0; i < text.size();) {
                if (!lex.suffixes.may_start(text[i])) { // most positions start no suffix
                    ++i;
                    continue;
                }
                auto [len, needs_head] = lex.suffixes.longest(text, i);
                if (len == 0 ||
                    (len == 1 && i + 1 < text.size() && word_after_single_suffix(text[i + 1]))) {
                    ++i;
                    continue;
                }
                std::size_t end = i + len;
                bool committee = is_committee(text.substr(i, len));
                // Back over the name, not past a break or the previous organisation.
                std::size_t s0 = i;
                while (s0 > last_end && i - s0 < max_length_ &&
                       bulletin::text::is_han(text[s0 - 1]) && !lex.breaks.contains(text[s0 - 1]))
                    --s0;
                if (s0 > 0 && text[s0 - 1] == U'《') --s0; // 《中国人大》杂志社
                // 省人大常委会联工委, 省人大常委会代表工作委员会: one organisation.
                if (!spans.empty() && spans.back().second == last_end && last_end > 0 &&
                    (i == last_end || (committee && s0 == last_end && i - last_end <= 8))) {
                    spans.back().second = end;
                    last_end = end;
                    i = end;
                    continue;
                }
                // The rightmost head, then heads right before it (各 + 市 + 州).
                std::size_t start = i;
                bool head = false;
                for (std::size_t k = i; k-- > s0;) {
                    std::size_t h = head_at(k, s0);
                    if (h > 0 && k + h <= i) {
                        start = k;
                        head = true;
                        break;
                    }
                }
                for (bool moved = head; moved;) {
                    moved = false;
                    for (std::size_t k = s0; k < start; ++k)
                        // Right before a head, any head word chains (各 + 市 + 州).
                        if (std::size_t h = head_at(k, k); h > 0 && k + h == start) {
                            start = k;
                            moved = true;
                            break;
                        }
                }
                bool listed = false;
                if (!head && committee && s0 > 0 && text[s0 - 1] == U'、' && i - s0 <= 10) {
                    start = s0; // 法制工作委员会、城乡建设环境保护委员会
                    listed = true;
                }
                if (head || listed || (needs_head == 0 && len >= 3)) {
                    spans.emplace_back(start, end);
                    last_end = end;
                }
                i = end;
            }
            for (auto [s, e] : spans) {
                auto written = text.substr(s, e - s);
                auto expanded = expand(lex, written);
                auto entity = bulletin::taggers::make_entity(
                    "organization", text, s, e, bulletin::taggers::to_utf8(expanded), slot);
                if (expanded != written) entity.attributes.emplace("expanded", entity.value);
                doc.entities.push_back(std::move(entity));
            }
        }
        ctx.debug("tagged ", doc.entities.size() - before, " organizations");
    }

private:
    std::u32string expand(const Lexicon& lex, std::u32string_view text) const {
        std::u32string out;
        for (std::size_t i = 0; i < text.size();) {
            auto [len, id] = lex.abbreviations.longest(text, i);
            if (len > 0 && !keep_.count(lex.abbreviation_words[static_cast<std::size_t>(id)])) {
                out += lex.expansions[static_cast<std::size_t>(id)];
                i += len;
            } else if (len > 0) {
                out += text.substr(i, len);
                i += len;
            } else {
                out += text[i++];
            }
        }
        return out;
    }

    std::set<std::u32string> keep_;
    std::size_t max_length_ = 16;
};

} // namespace

constexpr bulletin::ParamSpec kOrgsParams[] = {
    bulletin::list_param(
        "keep", "人大常委会,常委会,人大,政协",
        "Abbreviations left as written in the expanded form (they are the usual names)."),
    bulletin::int_param("max_length", "16",
                        "Longest name, in characters, before an organisation suffix.")
        .range(1, 64),
};

BULLETIN_PLUGIN(kOrgsPlugin, Orgs, "cn.orgs", bulletin::PluginKind::Tagger,
                "Tags organisation names (人大常委会, 委员会, 办公厅, 局, 法院 ...) with expanded "
                "abbreviations (联工委 -> 选举任免联络工作委员会).",
                kOrgsParams);
BULLETIN_MODULE("cn-orgs", "1.0.0", "MIT", "Organisation tagger for Chinese bulletins.",
                &kOrgsPlugin)
