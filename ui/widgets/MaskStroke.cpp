#include "ui/widgets/MaskStroke.h"

#include <QLineF>

#include <algorithm>
#include <cmath>
#include <utility>

namespace impasto::ui {

MaskStroke::MaskStroke(Mask before, const MaskBrush& brush)
    : before_(std::move(before)),
      result_(before_),
      brush_(brush),
      coverage_(before_.values.size(), 0.0f) {}

void MaskStroke::addPoint(QPointF point) {
    if (!last_) {
        dab(point);
    } else {
        const double length = QLineF(*last_, point).length();
        const double spacing = std::max(0.5, brush_.size / 8.0);
        const int steps = std::max(1, int(std::ceil(length / spacing)));
        for (int step = 1; step <= steps; ++step) {
            dab(*last_ + (point - *last_) * (double(step) / steps));
        }
    }
    last_ = point;
}

void MaskStroke::dab(QPointF centre) {
    const double radius = std::max(brush_.size, MaskBrush::kMinimumSize) / 2.0;
    const double solid = std::clamp(brush_.hardness, 0.0, 1.0) * radius;
    const float target = brush_.erasing ? 0.0f : 1.0f;
    const float opacity = float(std::clamp(brush_.opacity, 0.0, 1.0));
    const int width = result_.width();
    const int x0 = std::max(0, int(std::floor(centre.x() - radius)));
    const int x1 = std::min(width - 1, int(std::ceil(centre.x() + radius)));
    const int y0 = std::max(0, int(std::floor(centre.y() - radius)));
    const int y1 = std::min(result_.height() - 1, int(std::ceil(centre.y() + radius)));
    for (int y = y0; y <= y1; ++y) {
        for (int x = x0; x <= x1; ++x) {
            // Pixel centres at +0.5: a dab at (10, 10) covers pixels 9 and 10 alike.
            const double distance = std::hypot(x + 0.5 - centre.x(), y + 0.5 - centre.y());
            if (distance >= radius) {
                continue;
            }
            double cover = 1.0;
            if (distance > solid) {
                const double t = (distance - solid) / (radius - solid);
                cover = 1.0 - t * t * (3.0 - 2.0 * t);  // smoothstep down to the rim
            }
            const size_t at = size_t(y) * width + x;
            if (cover <= coverage_[at]) {
                continue;
            }
            coverage_[at] = float(cover);
            const float from = before_.values[at];
            result_.values[at] = from + (target - from) * opacity * float(cover);
        }
    }
}

}  // namespace impasto::ui
