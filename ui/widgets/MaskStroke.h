#pragma once

#include <QPointF>

#include <optional>
#include <vector>

#include "core/image/Mask.h"

namespace impasto::ui {

// The brush of the mask mode. Sizes are in mask pixels.
struct MaskBrush {
    double size = 48.0;     // diameter
    double hardness = 0.5;  // the fully painted share of the radius; the rest fades out
    double opacity = 1.0;   // the most one stroke changes a pixel
    bool erasing = false;   // towards 0 instead of 1

    static constexpr double kMinimumSize = 2.0;
    static constexpr double kMaximumSize = 1000.0;
};

// One stroke of the brush over a mask: round dabs along the path, an eighth of the brush apart,
// so the line has no beads. Each pixel moves towards white (or black when
// erasing) by the opacity times the most coverage any dab gave it: going over a spot twice in
// one stroke does not paint it twice, as in a paint program.
class MaskStroke {
public:
    MaskStroke(Mask before, const MaskBrush& brush);

    // Paints from the last point to `point` (mask pixels); the first point is a single dab.
    void addPoint(QPointF point);

    const Mask& before() const { return before_; }
    const Mask& result() const { return result_; }
    bool changed() const { return result_ != before_; }

private:
    void dab(QPointF centre);

    Mask before_;
    Mask result_;
    MaskBrush brush_;
    std::vector<float> coverage_;
    std::optional<QPointF> last_;
};

}  // namespace impasto::ui
