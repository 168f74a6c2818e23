#pragma once

#include "core/image/Image.h"

namespace impasto {

// The stylised result shown over the photo at `strength` (0: the photo, 1: the result, as an
// opacity slider): both sRGB images are decoded to linear light, mixed there and encoded again,
// so that a half-way mix has the brightness of a real 50% cross-fade. The photo is resized to
// the result's size when they differ; the result's alpha is kept. Throws impasto::Error for a
// strength outside 0..1 or an empty image.
Image blendStrength(const Image& photo, const Image& stylised, double strength);

}  // namespace impasto
