// bulletin/entities.hpp - entity spans as a tree, for exporters that mark entities inline
// (TEI, Markdown, HTML) and so need properly nested spans.
#pragma once

#include "bulletin/document.hpp"

#include <vector>

namespace bulletin {

/// An entity inside a text, with the entities nested inside it.
struct EntitySpan {
    const Entity* entity = nullptr;
    std::vector<EntitySpan> children;
};

/// Nests the entities of one text (title, paragraph, byline) of `length` code points, in text
/// order. Entities that cross another one, repeat one (same span and type), or lie outside the
/// text cannot be marked inline: they are appended to `skipped`.
std::vector<EntitySpan> nest_entities(std::vector<const Entity*> entities, int length,
                                      std::vector<const Entity*>& skipped);

} // namespace bulletin
