#include "ui/widgets/MaskOverlay.h"

#include <algorithm>

namespace impasto::ui {

namespace {

constexpr float kOverlayOpacity = 0.5f;

}  // namespace

QImage maskOverlay(const std::vector<ColouredMask>& masks) {
    if (masks.empty() || masks.front().mask == nullptr || masks.front().mask->empty()) {
        return {};
    }
    const int width = masks.front().mask->width();
    const int height = masks.front().mask->height();
    QImage overlay(width, height, QImage::Format_ARGB32_Premultiplied);
    overlay.fill(Qt::transparent);
    for (const ColouredMask& coloured : masks) {
        if (coloured.mask == nullptr || coloured.mask->width() != width ||
            coloured.mask->height() != height) {
            continue;
        }
        const float red = coloured.colour.redF();
        const float green = coloured.colour.greenF();
        const float blue = coloured.colour.blueF();
        for (int y = 0; y < height; ++y) {
            auto* line = reinterpret_cast<QRgb*>(overlay.scanLine(y));
            const float* values = coloured.mask->values.data() + size_t(y) * width;
            for (int x = 0; x < width; ++x) {
                const float alpha = std::clamp(values[x], 0.0f, 1.0f) * kOverlayOpacity;
                if (alpha <= 0.0f) {
                    continue;
                }
                // Premultiplied "over": this colour at `alpha` over what is there.
                const QRgb below = line[x];
                const float keep = 1.0f - alpha;
                line[x] = qRgba(int(red * alpha * 255.0f + qRed(below) * keep + 0.5f),
                                int(green * alpha * 255.0f + qGreen(below) * keep + 0.5f),
                                int(blue * alpha * 255.0f + qBlue(below) * keep + 0.5f),
                                int(alpha * 255.0f + qAlpha(below) * keep + 0.5f));
            }
        }
    }
    return overlay;
}

}  // namespace impasto::ui
