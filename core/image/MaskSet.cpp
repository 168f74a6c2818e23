#include "core/image/MaskSet.h"

#include <algorithm>

namespace impasto {

namespace {

std::vector<std::optional<Mask>> resized(std::vector<std::optional<Mask>> masks, int count) {
    masks.resize(static_cast<size_t>(std::max(count, 0)));
    return masks;
}

bool anyOf(const std::vector<std::optional<Mask>>& masks) {
    return std::any_of(masks.begin(), masks.end(),
                       [](const std::optional<Mask>& mask) { return mask.has_value(); });
}

std::vector<std::optional<Mask>> noneIfEmpty(std::vector<std::optional<Mask>> masks) {
    return anyOf(masks) ? masks : std::vector<std::optional<Mask>>{};
}

}  // namespace

std::vector<std::optional<Mask>> MaskSet::forPaintings(int count) const {
    return resized(paintings, count);
}

std::vector<std::optional<Mask>> MaskSet::sourcesFor(int count) const {
    return resized(sources, count);
}

std::vector<std::optional<Mask>> MaskSet::paintingsForSession(int count) const {
    return noneIfEmpty(forPaintings(count));
}

std::vector<std::optional<Mask>> MaskSet::sourcesForSession(int count) const {
    return noneIfEmpty(sourcesFor(count));
}

bool MaskSet::any() const {
    return keep.has_value() || anyOf(paintings) || anyOf(sources);
}

}  // namespace impasto
