#pragma once

#include <QColor>
#include <QImage>

#include <vector>

#include "core/image/Mask.h"

namespace impasto::ui {

struct ColouredMask {
    const Mask* mask = nullptr;
    QColor colour;
};

// How the masks look over the preview: each mask's colour wherever it is white, half
// transparent so the picture shows through, later masks over earlier ones. All masks must be
// of one size, which the image has; null for none.
QImage maskOverlay(const std::vector<ColouredMask>& masks);

}  // namespace impasto::ui
