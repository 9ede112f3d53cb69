// Direct tests of bulletin/entities.hpp: entity spans nested into a tree for inline markup.
#include "bulletin/entities.hpp"

#include <gtest/gtest.h>

namespace {

bulletin::Entity entity(std::string type, int start, int end) {
    bulletin::Entity e;
    e.type = std::move(type);
    e.start = start;
    e.end = end;
    return e;
}

TEST(NestEntities, OrdersByPositionAndNestsContainedSpans) {
    auto org = entity("org", 0, 8), place = entity("place", 0, 3), date = entity("date", 10, 15);
    std::vector<const bulletin::Entity*> skipped;
    auto tree = bulletin::nest_entities({&date, &place, &org}, 20, skipped);
    ASSERT_EQ(tree.size(), 2u);
    EXPECT_EQ(tree[0].entity, &org);
    ASSERT_EQ(tree[0].children.size(), 1u);
    EXPECT_EQ(tree[0].children[0].entity, &place);
    EXPECT_EQ(tree[1].entity, &date);
    EXPECT_TRUE(skipped.empty());
}

TEST(NestEntities, SkipsCrossingRepeatedAndOutOfRangeSpans) {
    auto a = entity("org", 0, 5), crossing = entity("person", 3, 8), repeat = entity("org", 0, 5),
         outside = entity("date", 18, 25), empty = entity("date", 4, 4);
    std::vector<const bulletin::Entity*> skipped;
    auto tree = bulletin::nest_entities({&a, &crossing, &repeat, &outside, &empty}, 20, skipped);
    // One of the two equal org spans is kept, the other is a repeat.
    ASSERT_EQ(tree.size(), 1u);
    EXPECT_EQ(tree[0].entity->type, "org");
    EXPECT_EQ(tree[0].entity->end, 5);
    EXPECT_TRUE(tree[0].children.empty());
    EXPECT_EQ(skipped.size(), 4u);
}

TEST(NestEntities, SameSpanDifferentTypesNest) {
    auto org = entity("org", 2, 6), place = entity("place", 2, 6);
    std::vector<const bulletin::Entity*> skipped;
    auto tree = bulletin::nest_entities({&org, &place}, 10, skipped);
    ASSERT_EQ(tree.size(), 1u);
    EXPECT_EQ(tree[0].children.size(), 1u);
    EXPECT_TRUE(skipped.empty());
}

} // namespace
