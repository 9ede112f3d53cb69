// Small helpers shared by the built-in taggers: embedded data files, a code-point trie, and a
// walk over every text slot of a document (titles, paragraphs, bylines) with entity positions.
// Header-only so each tagger module stays one self-contained shared library.
#pragma once

#include <bulletin/document.hpp>
#include <bulletin/text.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

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

namespace detail {

/// One code point at p (scalar): its length in bytes, or 0 for what text::to_u32 must handle.
/// Lead bytes decide the length and continuation bytes are checked, as the taggers always did.
inline std::size_t decode_one(const unsigned char* p, const unsigned char* end, char32_t& c) {
    c = *p;
    if (c < 0x80) return 1;
    std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (len == 0 || len > static_cast<std::size_t>(end - p)) return 0;
    c &= 0x3Fu >> (len - 1);
    for (std::size_t k = 1; k < len; ++k) {
        if ((p[k] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (p[k] & 0x3Fu);
    }
    return len;
}

inline std::size_t decode_scalar(const unsigned char* p, const unsigned char* end, char32_t* o) {
    char32_t* start = o;
    while (p < end) {
        std::size_t len = decode_one(p, end, *o++);
        if (len == 0) return std::string_view::npos;
        p += len;
    }
    return static_cast<std::size_t>(o - start);
}

#if defined(__x86_64__)
/// Bulletins are almost all three-byte Han characters: where the next 12 bytes are four of them,
/// one SSSE3 shuffle puts each character's bytes in its own 32-bit lane, 3x faster than the
/// scalar loop. Written here because no SIMD decoder (simdutf) is packaged for Debian 12, and
/// it is the only shape worth a fast path.
[[gnu::target("ssse3")]] inline std::size_t decode_ssse3(const unsigned char* p,
                                                         const unsigned char* end, char32_t* o) {
    const auto b = [](int v) { return static_cast<char>(v); };
    const __m128i mask =
        _mm_setr_epi8(b(0xF0), b(0xC0), b(0xC0), b(0xF0), b(0xC0), b(0xC0), b(0xF0), b(0xC0),
                      b(0xC0), b(0xF0), b(0xC0), b(0xC0), 0, 0, 0, 0);
    const __m128i lead =
        _mm_setr_epi8(b(0xE0), b(0x80), b(0x80), b(0xE0), b(0x80), b(0x80), b(0xE0), b(0x80),
                      b(0x80), b(0xE0), b(0x80), b(0x80), 0, 0, 0, 0);
    // Lane k gets bytes 3k+2, 3k+1, 3k and a zero: the character's bytes, last one lowest.
    const __m128i shuffle = _mm_setr_epi8(2, 1, 0, -1, 5, 4, 3, -1, 8, 7, 6, -1, 11, 10, 9, -1);
    char32_t* start = o;
    while (p < end) {
        if (end - p >= 16) {
            __m128i in = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(in, mask), lead)) == 0xFFFF) {
                __m128i v = _mm_shuffle_epi8(in, shuffle);
                __m128i c = _mm_or_si128(
                    _mm_and_si128(v, _mm_set1_epi32(0x3F)),
                    _mm_or_si128(_mm_srli_epi32(_mm_and_si128(v, _mm_set1_epi32(0x3F00)), 2),
                                 _mm_srli_epi32(_mm_and_si128(v, _mm_set1_epi32(0x0F0000)), 4)));
                _mm_storeu_si128(reinterpret_cast<__m128i*>(o), c);
                o += 4;
                p += 12;
                continue;
            }
        }
        std::size_t len = decode_one(p, end, *o++);
        if (len == 0) return std::string_view::npos;
        p += len;
    }
    return static_cast<std::size_t>(o - start);
}
#endif

} // namespace detail

/// Decodes UTF-8 into `out` (room for s.size() code points): the number of code points, or
/// npos for input the slow path must handle (text::to_u32 turns it into U+FFFD). Every tagger
/// decodes each text once, so this is on the hot path.
inline std::size_t decode_utf8(std::string_view s, char32_t* out) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
#if defined(__x86_64__)
    static const bool ssse3 = __builtin_cpu_supports("ssse3");
    if (ssse3) return detail::decode_ssse3(p, p + s.size(), out);
#endif
    return detail::decode_scalar(p, p + s.size(), out);
}

/// Appends code points as UTF-8, as text::to_utf8 does (U+FFFD for surrogates and values past
/// U+10FFFF); entity texts are short, so this saves a call and a string per entity.
inline void append_utf8(std::string& out, std::u32string_view text) {
    std::size_t at = out.size();
    out.resize(at + 4 * text.size());
    auto* o = reinterpret_cast<unsigned char*>(out.data() + at);
    for (char32_t c : text) {
        if (c < 0x80) {
            *o++ = static_cast<unsigned char>(c);
        } else if (c < 0x800) {
            *o++ = static_cast<unsigned char>(0xC0 | (c >> 6));
            *o++ = static_cast<unsigned char>(0x80 | (c & 0x3F));
        } else if (c < 0x10000 && (c < 0xD800 || c > 0xDFFF)) {
            *o++ = static_cast<unsigned char>(0xE0 | (c >> 12));
            *o++ = static_cast<unsigned char>(0x80 | ((c >> 6) & 0x3F));
            *o++ = static_cast<unsigned char>(0x80 | (c & 0x3F));
        } else if (c >= 0x10000 && c <= 0x10FFFF) {
            *o++ = static_cast<unsigned char>(0xF0 | (c >> 18));
            *o++ = static_cast<unsigned char>(0x80 | ((c >> 12) & 0x3F));
            *o++ = static_cast<unsigned char>(0x80 | ((c >> 6) & 0x3F));
            *o++ = static_cast<unsigned char>(0x80 | (c & 0x3F));
        } else {
            *o++ = 0xEF; // U+FFFD
            *o++ = 0xBF;
            *o++ = 0xBD;
        }
    }
    out.resize(static_cast<std::size_t>(reinterpret_cast<char*>(o) - out.data()));
}
inline std::string to_utf8(std::u32string_view text) {
    std::string out;
    append_utf8(out, text);
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
    /// `capacity`: a power of two, the slots to start with (the map doubles at half full).
    explicit EdgeMap(std::size_t capacity = 1024)
        : slots_(capacity, Slot{kEmpty, 0}), shift_(64 - std::countr_zero(capacity)) {}

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
    int shift_; ///< top log2(capacity) bits of the product
};

/// A trie over code points mapping words to an int payload. Children sit in one hash map keyed
/// by (node, code point), so a lookup step is one probe; enough for lexicons of 100k words.
/// Taggers probe it at every position of a text and most positions start no word, so a bit per
/// first code point answers those without a probe.
class Trie {
public:
    /// `capacity`: edges to make room for at first (a power of two; the trie grows as needed).
    explicit Trie(std::size_t capacity = 1024) : edges_(capacity), values_(1, -1) {}

    /// Inserts `word` with `value`; a word inserted twice keeps the first value.
    void insert(std::u32string_view word, int value) {
        if (!word.empty())
            first_[(word[0] >> 6) % first_.size()] |= std::uint64_t{1} << (word[0] & 63);
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

    /// Whether a word may start with `c` (false: certainly none does).
    bool may_start(char32_t c) const { return (first_[(c >> 6) % first_.size()] >> (c & 63)) & 1u; }

    /// Calls fn(length, value) for every word that starts at text[pos], shortest first.
    template <class Fn> void prefixes(std::u32string_view text, std::size_t pos, Fn&& fn) const {
        if (pos >= text.size() || !may_start(text[pos])) return;
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
    std::array<std::uint64_t, 256> first_{}; ///< code points mod 2^14: Han ones rarely collide
};

/// A set of code points asked about in inner loops: a bit per code point modulo 2^14 answers
/// most questions, the sorted list the rest.
class CharSet {
public:
    void insert(char32_t c) {
        bits_[(c >> 6) % bits_.size()] |= std::uint64_t{1} << (c & 63);
        list_.insert(std::lower_bound(list_.begin(), list_.end(), c), c);
    }
    void insert(std::u32string_view chars) {
        for (char32_t c : chars)
            insert(c);
    }
    bool contains(char32_t c) const {
        return ((bits_[(c >> 6) % bits_.size()] >> (c & 63)) & 1u) &&
               std::binary_search(list_.begin(), list_.end(), c);
    }

private:
    std::array<std::uint64_t, 256> bits_{};
    std::vector<char32_t> list_;
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
    /// Whether a word may end with `c` (false: certainly none does).
    bool may_end(char32_t c) const { return trie_.may_start(c); }
    /// Every word ending just before text[end], shortest first.
    template <class Fn> void endings(std::u32string_view text, std::size_t end, Fn&& fn) const {
        // Walk back one code point at a time; the trie holds reversed words.
        if (end == 0 || !may_end(text[end - 1])) return;
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
    EntityPlace place;
    int article;
    int index;
    const std::string* text;
};

/// Every taggable string of the document: titles, paragraphs, bylines (Byline::text).
inline std::vector<Slot> text_slots(const Document& doc) {
    std::vector<Slot> slots;
    for (std::size_t a = 0; a < doc.articles.size(); ++a) {
        const auto& article = doc.articles[a];
        int ai = static_cast<int>(a);
        slots.push_back({EntityPlace::Title, ai, 0, &article.title});
        for (std::size_t p = 0; p < article.paragraphs.size(); ++p)
            slots.push_back(
                {EntityPlace::Paragraph, ai, static_cast<int>(p), &article.paragraphs[p].text});
        if (article.byline && !article.byline->text.empty())
            slots.push_back({EntityPlace::Byline, ai, 0, &article.byline->text});
    }
    return slots;
}

/// Spans [start, end) of the document's entities of one type, grouped by the text they sit in
/// (place, article, index), so a tagger can look up earlier taggers' results per text. A sorted
/// vector: a document has tens of entities, a map allocated a node per text.
class SlotSpans {
public:
    SlotSpans(const Document& doc, std::string_view type) {
        for (const auto& e : doc.entities)
            if (e.type == type) spans_.push_back({{e.place, e.article, e.index}, e.start, e.end});
        std::stable_sort(spans_.begin(), spans_.end(),
                         [](const Span& a, const Span& b) { return a.key < b.key; });
    }

    using Key = std::tuple<EntityPlace, int, int>;
    struct Span {
        Key key;
        int start, end;
    };
    /// The spans in the text of `slot`, in document order.
    std::span<const Span> of(const Slot& slot) const {
        Key key{slot.place, slot.article, slot.index};
        auto [first, last] =
            std::equal_range(spans_.begin(), spans_.end(), key,
                             [](const auto& a, const auto& b) { return as_key(a) < as_key(b); });
        return {first, last};
    }

private:
    static const Key& as_key(const Span& s) { return s.key; }
    static const Key& as_key(const Key& k) { return k; }
    std::vector<Span> spans_;
};

/// The code points of every slot's text, decoded into one buffer (one allocation per document).
class SlotTexts {
public:
    explicit SlotTexts(const std::vector<Slot>& slots) {
        std::size_t bytes = 0;
        for (const auto& slot : slots)
            bytes += slot.text->size();
        buffer_ = std::make_unique_for_overwrite<char32_t[]>(bytes + 1);
        char32_t* at = buffer_.get();
        texts_.reserve(slots.size());
        for (const auto& slot : slots) {
            std::size_t n = decode_utf8(*slot.text, at);
            if (n == std::string_view::npos) {
                // Ill-formed: text::to_u32 gives at most one code point per byte too.
                auto u = text::to_u32(*slot.text);
                n = static_cast<std::size_t>(std::copy(u.begin(), u.end(), at) - at);
            }
            texts_.emplace_back(at, n);
            at += n;
        }
    }
    std::u32string_view operator[](std::size_t i) const { return texts_[i]; }

private:
    std::unique_ptr<char32_t[]> buffer_;
    std::vector<std::u32string_view> texts_;
};

inline Entity make_entity(std::string type, std::u32string_view text, std::size_t start,
                          std::size_t end, std::string value, const Slot& slot) {
    Entity e;
    e.type = std::move(type);
    append_utf8(e.text, text.substr(start, end - start));
    e.value = std::move(value);
    e.place = slot.place;
    e.article = slot.article;
    e.index = slot.index;
    e.start = static_cast<int>(start);
    e.end = static_cast<int>(end);
    return e;
}

} // namespace bulletin::taggers
