#pragma once

#include "core/image/Image.h"
#include "core/planning/ScaledSize.h"

namespace impasto {

// Scales so that the longest side is `maxSide` (never upscales when `allowUpscale` is false),
// keeping the aspect ratio; returns `image` itself when no scaling is needed. Throws
// impasto::Error when `maxSide` is not positive.
Image resizeToMaxSide(const Image& image, int maxSide, bool allowUpscale = false);

// Scales to an exact size (area averaging down, cubic up, clamped to [0, 1]), alpha included.
// Throws impasto::Error for an empty image or a size that is not positive.
Image resizeTo(const Image& image, int width, int height);

}  // namespace impasto
