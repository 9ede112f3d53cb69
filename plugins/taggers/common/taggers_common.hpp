// Small helpers shared by the built-in taggers: embedded data files, a code-point trie, and a
// walk over every text slot of a document (titles, paragraphs, bylines) with entity positions.
// Header-only so each tagger module stays one self-contained shared library.
#pragma once

#include <bulletin/document.hpp>
#include <bulletin/text.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bulletin::taggers {

/// The files of an embedded data array (see embed-data.cmake): chunks joined, split at "".
inline std::vector<std::string> embedded_files(std::span<const char* const> chunks) {
    std::vector<std::string> files(1);
    for (std::string_view chunk : chunks) {
        if (chunk.empty())
            files.emplace_back();
        else
            files.back() += chunk;
    }
    files.pop_back(); // the array ends with a separator
    return files;
}

/// UTF-8 -> code points, the fast path for valid input (text::to_u32 handles the rest). Every
/// tagger converts each text once, so this matters for throughput.
inline std::u32string to_u32(std::string_view s) {
    std::u32string out(s.size(), U'\0');
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size();) {
        auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            out[n++] = b;
            ++i;
            continue;
        }
        std::size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
        if (len == 0 || i + len > s.size()) return text::to_u32(s);
        char32_t c = b & (0x3F >> (len - 1));
        for (std::size_t k = 1; k < len; ++k) {
            auto t = static_cast<unsigned char>(s[i + k]);
            if ((t & 0xC0) != 0x80) return text::to_u32(s);
            c = (c << 6) | (t & 0x3F);
        }
        out[n++] = c;
        i += len;
    }
    out.resize(n);
    return out;
}

/// Calls fn(line) for each non-empty line that is not a `#` comment, trimmed of ASCII space.
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

/// Splits `line` at the first tab: {key, rest}; rest is empty when there is no tab.
inline std::pair<std::string_view, std::string_view> split_tab(std::string_view line) {
    auto tab = line.find('\t');
    if (tab == std::string_view::npos) return {line, {}};
    return {line.substr(0, tab), line.substr(tab + 1)};
}

/// Open-addressing hash map from 64-bit keys to 32-bit values (linear probing, Fibonacci
/// hashing). The tries do one lookup per character, so this is the hot path of every tagger;
/// std::unordered_map's node allocation and modulo made it several times slower.
class EdgeMap {
public:
    EdgeMap() : slots_(1024, Slot{kEmpty, 0}) {}

    /// The value of `key`, inserting `fresh` when absent: {value, inserted}.
    std::pair<std::uint32_t, bool> try_emplace(std::uint64_t key, std::uint32_t fresh) {
        if ((size_ + 1) * 2 > slots_.size()) grow();
        std::size_t i = index(key);
        while (slots_[i].key != kEmpty) {
            if (slots_[i].key == key) return {slots_[i].value, false};
            i = (i + 1) & (slots_.size() - 1);
        }
        slots_[i] = {key, fresh};
        ++size_;
        return {fresh, true};
    }

    /// The value of `key`, or -1.
    long long find(std::uint64_t key) const {
        std::size_t i = index(key);
        while (slots_[i].key != kEmpty) {
            if (slots_[i].key == key) return slots_[i].value;
            i = (i + 1) & (slots_.size() - 1);
        }
        return -1;
    }

    bool empty() const { return size_ == 0; }

private:
    struct Slot {
        std::uint64_t key;
        std::uint32_t value;
    };
    static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};

    std::size_t index(std::uint64_t key) const {
        return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_) &
               (slots_.size() - 1);
    }
    void grow() {
        std::vector<Slot> old(slots_.size() * 2, Slot{kEmpty, 0});
        old.swap(slots_);
        --shift_;
        size_ = 0;
        for (const auto& s : old)
            if (s.key != kEmpty) try_emplace(s.key, s.value);
    }

    std::vector<Slot> slots_;
    std::size_t size_ = 0;
    int shift_ = 64 - 10; ///< top log2(capacity) bits of the product
};

/// A trie over code points mapping words to an int payload. Children sit in one hash map keyed
/// by (node, code point), so a lookup step is one probe; enough for lexicons of 100k words.
class Trie {
public:
    Trie() : values_(1, -1) {}

    /// Inserts `word` with `value`; a word inserted twice keeps the first value.
    void insert(std::u32string_view word, int value) {
        std::uint32_t node = 0;
        for (char32_t c : word) {
            auto next = static_cast<std::uint32_t>(values_.size());
            auto [child, added] = edges_.try_emplace(key(node, c), next);
            if (added) values_.push_back(-1);
            node = child;
        }
        if (values_[node] < 0) values_[node] = value;
    }
    void insert(std::string_view utf8, int value) { insert(text::to_u32(utf8), value); }

    /// Calls fn(length, value) for every word that starts at text[pos], shortest first.
    template <class Fn> void prefixes(std::u32string_view text, std::size_t pos, Fn&& fn) const {
        std::uint32_t node = 0;
        for (std::size_t i = pos; i < text.size(); ++i) {
            long long next = edges_.find(key(node, text[i]));
            if (next < 0) return;
            node = static_cast<std::uint32_t>(next);
            if (values_[node] >= 0) fn(i - pos + 1, values_[node]);
        }
    }

    /// The longest word starting at text[pos]: {length, value}, or {0, -1}.
    std::pair<std::size_t, int> longest(std::u32string_view text, std::size_t pos) const {
        std::pair<std::size_t, int> best{0, -1};
        prefixes(text, pos, [&](std::size_t n, int v) { best = {n, v}; });
        return best;
    }

    /// The value of exactly `word`, or -1.
    int find(std::u32string_view word) const {
        std::uint32_t node = 0;
        for (char32_t c : word) {
            long long next = edges_.find(key(node, c));
            if (next < 0) return -1;
            node = static_cast<std::uint32_t>(next);
        }
        return values_[node];
    }

    bool empty() const { return edges_.empty(); }

    /// One step down from `node` (0 is the root) by `c`: the child, or -1.
    long long step(std::uint32_t node, char32_t c) const { return edges_.find(key(node, c)); }
    int value_at(std::uint32_t node) const { return values_[node]; }

private:
    static std::uint64_t key(std::uint32_t node, char32_t c) {
        return (static_cast<std::uint64_t>(node) << 21) | static_cast<std::uint64_t>(c);
    }
    EdgeMap edges_;
    std::vector<int> values_;
};

/// A lexicon matched backwards: longest word ending at a position.
class SuffixTrie {
public:
    void insert(std::u32string_view word, int value = 0) {
        trie_.insert(std::u32string(word.rbegin(), word.rend()), value);
    }
    void insert(std::string_view utf8, int value = 0) { insert(text::to_u32(utf8), value); }

    /// Longest word ending just before text[end] (text[end-len, end)): {length, value} or {0,-1}.
    std::pair<std::size_t, int> longest_ending(std::u32string_view text, std::size_t end) const {
        std::pair<std::size_t, int> best{0, -1};
        endings(text, end, [&](std::size_t n, int v) { best = {n, v}; });
        return best;
    }
    /// Every word ending just before text[end], shortest first.
    template <class Fn> void endings(std::u32string_view text, std::size_t end, Fn&& fn) const {
        // Walk back one code point at a time; the trie holds reversed words.
        std::uint32_t node = 0;
        for (std::size_t n = 1; n <= end; ++n) {
            long long next = trie_.step(node, text[end - n]);
            if (next < 0) return;
            node = static_cast<std::uint32_t>(next);
            if (int v = trie_.value_at(node); v >= 0) fn(n, v);
        }
    }

private:
    Trie trie_;
};

/// Where a text sits: its entity coordinates and the string itself.
struct Slot {
    int article;
    int paragraph;
    const std::string* text;
};

/// Every taggable string of the document: titles, paragraphs, bylines (Byline::text).
inline std::vector<Slot> text_slots(const Document& doc) {
    std::vector<Slot> slots;
    for (std::size_t a = 0; a < doc.articles.size(); ++a) {
        const auto& article = doc.articles[a];
        int ai = static_cast<int>(a);
        slots.push_back({ai, Entity::kTitle, &article.title});
        for (std::size_t p = 0; p < article.paragraphs.size(); ++p)
            slots.push_back({ai, static_cast<int>(p), &article.paragraphs[p]});
        if (article.byline && !article.byline->text.empty())
            slots.push_back({ai, Entity::kByline, &article.byline->text});
    }
    return slots;
}

/// Spans [start, end) of the document's entities of one type, grouped by (article, paragraph),
/// so a tagger can look up earlier taggers' results per text in one pass.
inline std::map<std::pair<int, int>, std::vector<std::pair<int, int>>>
spans_by_slot(const Document& doc, std::string_view type) {
    std::map<std::pair<int, int>, std::vector<std::pair<int, int>>> out;
    for (const auto& e : doc.entities)
        if (e.type == type) out[{e.article, e.paragraph}].emplace_back(e.start, e.end);
    return out;
}

inline Entity make_entity(std::string type, std::u32string_view text, std::size_t start,
                          std::size_t end, std::string value, const Slot& slot) {
    Entity e;
    e.type = std::move(type);
    e.text = bulletin::text::to_utf8(text.substr(start, end - start));
    e.value = std::move(value);
    e.article = slot.article;
    e.paragraph = slot.paragraph;
    e.start = static_cast<int>(start);
    e.end = static_cast<int>(end);
    return e;
}

} // namespace bulletin::taggers
