#include "ui/session/MaskSet.h"

#include <algorithm>

namespace impasto::ui {

std::vector<std::optional<Mask>> MaskSet::forPaintings(int count) const {
    std::vector<std::optional<Mask>> masks = paintings;
    masks.resize(static_cast<size_t>(std::max(count, 0)));
    return masks;
}

bool MaskSet::any() const {
    return keep.has_value() ||
           std::any_of(paintings.begin(), paintings.end(),
                       [](const std::optional<Mask>& mask) { return mask.has_value(); });
}

}  // namespace impasto::ui
