// cn.persons: person names with the position written before them.
//
// A name is only looked for in a name context, so words that look like names (杨柳, a willow)
// stay words elsewhere:
//   - after a title of the position lexicon: 省人大常委会党组副书记、副主任张剑飞 -> 张剑飞,
//   position
//     省人大常委会党组副书记、副主任 (the position runs back over organisation parts, a place
//     ending in 省/市/县/区/州, and "、" between titles);
//   - in a list sharing that position: 省人大代表李学元、杨柳等;
//   - before a title written after the name: 习近平总书记;
//   - the authors of a byline (no position);
//   - later mentions of a name found in one of those ways (张剑飞指出), without a position.
// Names are a surname (surnames.txt) and one or two characters; a follow word (followers.txt)
// after the first two characters makes it two (乌兰有关讲话).
#include "taggers_common.hpp"

#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using bulletin::taggers::Slot;
using bulletin::taggers::SuffixTrie;
using bulletin::taggers::Trie;

#include "kPersonsData.inc"

struct Lexicon {
    Trie surnames, titles_forward, post_titles, units_forward, followers, not_names;
    SuffixTrie titles, units;
    std::u32string stop_chars; ///< single-character follow words: end a place head

    static const Lexicon& get() {
        static const Lexicon lexicon;
        return lexicon;
    }

private:
    Lexicon() {
        auto files = bulletin::taggers::embedded_files(kPersonsData);
        auto each = [&](std::size_t file, auto&& fn) {
            bulletin::taggers::for_each_data_line(files.at(file), fn);
        };
        each(0, [&](std::string_view w) { surnames.insert(w, 0); });
        each(1, [&](std::string_view w) {
            titles.insert(w);
            titles_forward.insert(w, 0);
        });
        each(2, [&](std::string_view w) { post_titles.insert(w, 0); });
        each(3, [&](std::string_view w) {
            units.insert(w);
            units_forward.insert(w, 0);
        });
        each(4, [&](std::string_view w) {
            followers.insert(w, 0);
            auto u = bulletin::text::to_u32(w);
            if (u.size() == 1) stop_chars += u;
        });
        each(5, [&](std::string_view w) { not_names.insert(w, 0); });
    }
};

bool is_han(char32_t c) {
    return bulletin::text::is_han(c);
}

class Scanner {
public:
    explicit Scanner(std::u32string_view text) : lex_(Lexicon::get()), text_(text) {}

    std::size_t surname_length(std::size_t p) const {
        std::size_t best = 0;
        lex_.surnames.prefixes(text_, p, [&](std::size_t n, int) { best = n; });
        return best;
    }

    std::size_t han_run(std::size_t p, std::size_t max) const {
        std::size_t n = 0;
        while (p + n < text_.size() && n < max && is_han(text_[p + n]))
            ++n;
        return n;
    }

    bool follower_at(std::size_t p) const {
        if (p >= text_.size() || !is_han(text_[p])) return true;
        return lex_.followers.longest(text_, p).first > 0;
    }

    bool stop_char(char32_t c) const { return lex_.stop_chars.find(c) != std::u32string::npos; }

    /// Length of a name starting at p (surname + 1 or 2 characters), or 0.
    std::size_t name_at(std::size_t p) const {
        std::size_t s = surname_length(p);
        if (s == 0 || lex_.not_names.longest(text_, p).first > 0) return 0;
        if (lex_.titles_forward.longest(text_, p).first > 0) return 0;
        std::size_t run = han_run(p, s + 4);
        if (run < s + 1) return 0;
        if (run <= s + 2) return run;
        // 欧阳明等参加: 等 (and 的/与/及) never end a given name, so they win even when another
        // follow word comes after them; 张有为出席 keeps 为.
        static constexpr std::u32string_view kNeverInName = U"等的与及";
        bool short_name = follower_at(p + s + 1) &&
                          (!follower_at(p + s + 2) ||
                           kNeverInName.find(text_[p + s + 1]) != std::u32string_view::npos);
        return short_name ? s + 1 : s + 2;
    }

    /// Start of the position whose last title starts at `t`.
    std::size_t position_start(std::size_t t) const {
        std::size_t pos = extend_units(t);
        // 党组副书记、副主任: another title before "、" belongs to the same position.
        while (pos >= 2 && text_[pos - 1] == U'、') {
            auto [len, v] = lex_.titles.longest_ending(text_, pos - 1);
            if (len == 0) break;
            pos = extend_units(pos - 1 - len);
        }
        return pos;
    }

private:
    static bool is_admin(char32_t c) {
        return c == U'省' || c == U'市' || c == U'县' || c == U'区' || c == U'州';
    }

    /// The earliest start reachable from `pos` going back over units (all segmentations are
    /// tried: 代表工作委员会 is 代表工作 + 委员会, not 代表 + 工作委员会), then over a place ahead
    /// of a bare 省/市/县/区/州.
    std::size_t extend_units(std::size_t pos) const {
        std::map<std::size_t, std::pair<std::size_t, std::size_t>> memo; // pos -> start, first len
        auto reach = [&](auto&& self, std::size_t at) -> std::pair<std::size_t, std::size_t> {
            if (auto it = memo.find(at); it != memo.end()) return it->second;
            std::pair<std::size_t, std::size_t> best{at, 0};
            auto consider = [&](std::size_t len) {
                auto [start, first] = self(self, at - len);
                if (start < best.first) best = {start, first == 0 ? len : first};
            };
            lex_.units.endings(text_, at, [&](std::size_t len, int) { consider(len); });
            if (std::size_t len = committee_name(at)) consider(len);
            memo[at] = best;
            return best;
        };
        auto [start, first_len] = reach(reach, pos);
        // first_len is the length of the leftmost unit: a bare admin character there means a
        // place name stands before it (娄底市人大常委会 -> from 娄, up to the previous break).
        if (first_len == 1 && is_admin(text_[start])) {
            std::size_t k = start;
            while (k > 0 && start - k < 9 && is_han(text_[k - 1]) && !stop_char(text_[k - 1]))
                --k;
            bool at_break = k == 0 || !is_han(text_[k - 1]) || stop_char(text_[k - 1]);
            if (k < start && at_break) start = k;
        }
        return start;
    }

    /// 法制委员会 when only 委员会 is in the lexicon: the name of a committee ends at pos when
    /// 委员会 starts there and a unit ends 2-8 characters before.
    std::size_t committee_name(std::size_t pos) const {
        static constexpr std::u32string_view kCommittee = U"委员会";
        if (text_.substr(pos, kCommittee.size()) != kCommittee) return 0;
        for (std::size_t n = 2; n <= 8 && n <= pos; ++n) {
            if (!is_han(text_[pos - n + 1]) || stop_char(text_[pos - n + 1])) return 0;
            if (lex_.units.longest_ending(text_, pos - n).first > 0) return n;
        }
        return 0;
    }

    const Lexicon& lex_;
    std::u32string_view text_;
};

struct Found {
    std::size_t start, end;
    std::string name, position;
};

class Persons final : public bulletin::Tagger {
public:
    explicit Persons(const bulletin::Params& params)
        : propagate_(params.boolean("propagate")), bylines_(params.boolean("bylines")) {}

    void tag(bulletin::Document& doc, bulletin::Context& ctx) override {
        const Lexicon& lex = Lexicon::get();
        auto slots = bulletin::taggers::text_slots(doc);
        const bulletin::taggers::SlotTexts texts(slots);
        std::vector<std::vector<Found>> found(slots.size());
        std::set<std::u32string> names;

        for (std::size_t i = 0; i < slots.size(); ++i) {
            if (slots[i].place == bulletin::EntityPlace::Byline) continue;
            scan(texts[i], lex, found[i]);
        }
        if (bylines_) {
            for (std::size_t i = 0; i < slots.size(); ++i) {
                if (slots[i].place != bulletin::EntityPlace::Byline) continue;
                const auto& byline =
                    *doc.articles[static_cast<std::size_t>(slots[i].article)].byline;
                for (const auto& author : byline.authors) {
                    auto a = bulletin::text::to_u32(author);
                    auto at = texts[i].find(a);
                    if (a.empty() || at == std::u32string::npos) continue;
                    add(found[i], {at, at + a.size(), author, {}});
                }
            }
        }
        for (const auto& list : found)
            for (const auto& f : list)
                names.insert(bulletin::text::to_u32(f.name));
        if (propagate_ && !names.empty()) {
            Trie known(64); // one pass per text over all names found (a few)
            std::vector<std::u32string> list(names.begin(), names.end());
            for (std::size_t n = 0; n < list.size(); ++n)
                known.insert(list[n], static_cast<int>(n));
            for (std::size_t i = 0; i < slots.size(); ++i) {
                Scanner scanner(texts[i]);
                for (std::size_t at = 0; at < texts[i].size(); ++at) {
                    if (!known.may_start(texts[i][at])) continue;
                    auto [len, id] = known.longest(texts[i], at);
                    if (len == 0) continue;
                    // A two-character name alone is a word unless a follow word ends it.
                    if (len == 2 && !scanner.follower_at(at + 2)) continue;
                    add(found[i], {at,
                                   at + len,
                                   bulletin::taggers::to_utf8(list[static_cast<std::size_t>(id)]),
                                   {}});
                }
            }
        }
        std::size_t count = 0;
        for (std::size_t i = 0; i < slots.size(); ++i) {
            std::sort(found[i].begin(), found[i].end(),
                      [](const Found& a, const Found& b) { return a.start < b.start; });
            for (auto& f : found[i]) {
                auto e = bulletin::taggers::make_entity("person", texts[i], f.start, f.end,
                                                        std::move(f.name), slots[i]);
                if (!f.position.empty()) e.attributes.emplace("position", std::move(f.position));
                doc.entities.push_back(std::move(e));
                ++count;
            }
        }
        ctx.debug("tagged ", count, " person mentions of ", names.size(), " names");
    }

private:
    /// Adds `f` unless it overlaps a mention already found in the same text.
    static bool add(std::vector<Found>& list, Found f) {
        for (const auto& g : list)
            if (f.start < g.end && g.start < f.end) return false;
        list.push_back(std::move(f));
        return true;
    }

    static void scan(std::u32string_view text, const Lexicon& lex, std::vector<Found>& out) {
        Scanner s(text);
        auto u8 = [&](std::size_t a, std::size_t b) {
            return bulletin::taggers::to_utf8(text.substr(a, b - a));
        };
        for (std::size_t p = 1; p < text.size(); ++p) {
            // Only a surname (title then name) or a post title (name then title) starts here.
            if (!lex.surnames.may_start(text[p]) && !lex.post_titles.may_start(text[p])) continue;
            // Title then name: 副主任张剑飞. A title must end here and a surname start: the
            // cheaper test first.
            bool titled = lex.titles.may_end(text[p - 1]) && s.surname_length(p) > 0;
            auto [tlen, tv] =
                titled ? lex.titles.longest_ending(text, p) : std::pair<std::size_t, int>{0, -1};
            if (tlen > 0 && lex.units_forward.longest(text, p - tlen).first <= tlen) {
                std::size_t n = s.name_at(p);
                if (n > 0) {
                    std::size_t start = s.position_start(p - tlen);
                    std::string position = u8(start, p);
                    std::size_t end = p + n;
                    if (!add(out, {p, end, u8(p, end), position})) continue;
                    // 李学元、杨柳等: a list sharing the position.
                    while (end + 1 < text.size() && text[end] == U'、') {
                        std::size_t m = s.name_at(end + 1);
                        if (m == 0 || !s.follower_at(end + 1 + m)) break;
                        if (!add(out, {end + 1, end + 1 + m, u8(end + 1, end + 1 + m), position}))
                            break;
                        end += 1 + m;
                    }
                    p = end - 1;
                    continue;
                }
            }
            // Name then title: 习近平总书记.
            auto [plen, pv] = lex.post_titles.longest(text, p);
            if (plen > 0) {
                for (std::size_t n : {std::size_t{3}, std::size_t{2}}) {
                    if (n > p) continue;
                    std::size_t st = p - n;
                    if (s.han_run(st, n) != n) continue;
                    std::size_t sl = s.surname_length(st);
                    if (sl == 0 || sl >= n || lex.not_names.longest(text, st).first > 0) continue;
                    if (add(out, {st, p, u8(st, p), u8(p, p + plen)})) break;
                }
            }
        }
    }

    bool propagate_;
    bool bylines_;
};

} // namespace

constexpr bulletin::ParamSpec kPersonsParams[] = {
    bulletin::bool_param("propagate", "true",
                         "Also tag later mentions of a name found in a name context (张剑飞指出), "
                         "without a position."),
    bulletin::bool_param("bylines", "true",
                         "Tag the authors of article bylines (Byline::authors) as persons."),
};

BULLETIN_PLUGIN(kPersonsPlugin, Persons, "cn.persons", bulletin::PluginKind::Tagger,
                "Tags person names with the position written before them (or 总书记 after), "
                "lists sharing a position, and byline authors.",
                kPersonsParams);
BULLETIN_MODULE("cn-persons", "1.0.0", "MIT", "Person tagger for Chinese bulletins.",
                &kPersonsPlugin)
