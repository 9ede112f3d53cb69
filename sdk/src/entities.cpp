#include "bulletin/entities.hpp"

#include <algorithm>

namespace bulletin {

std::vector<EntitySpan> nest_entities(std::vector<const Entity*> entities, int length,
                                      std::vector<const Entity*>& skipped) {
    std::sort(entities.begin(), entities.end(), [](const Entity* a, const Entity* b) {
        return a->start != b->start ? a->start < b->start : a->end > b->end;
    });
    std::vector<const Entity*> accepted, open; // open: ancestors of the next span
    for (const Entity* e : entities) {
        while (!open.empty() && open.back()->end <= e->start)
            open.pop_back();
        bool out_of_range = e->start < 0 || e->end > length || e->start >= e->end;
        bool crosses = !open.empty() && e->end > open.back()->end;
        bool repeats = !open.empty() && open.back()->start == e->start &&
                       open.back()->end == e->end && open.back()->type == e->type;
        if (out_of_range || crosses || repeats) {
            skipped.push_back(e);
            continue;
        }
        accepted.push_back(e);
        open.push_back(e);
    }
    // The accepted list is sorted and nests properly, so one pass builds the tree.
    std::size_t i = 0;
    auto build = [&](auto& self, int end) -> std::vector<EntitySpan> {
        std::vector<EntitySpan> spans;
        while (i < accepted.size() && accepted[i]->start < end) {
            EntitySpan span{accepted[i++], {}};
            span.children = self(self, span.entity->end);
            spans.push_back(std::move(span));
        }
        return spans;
    };
    return build(build, length);
}

} // namespace bulletin
