#include "core/planning/ScaledSize.h"

#include <algorithm>
#include <cmath>

namespace impasto {

ScaledSize sizeForMaxSide(int width, int height, int maxSide) {
    const double scale = double(maxSide) / std::max(width, height);
    return {std::max(1, int(std::lround(width * scale))),
            std::max(1, int(std::lround(height * scale)))};
}

}  // namespace impasto
