#pragma once

#include <algorithm>
#include <cmath>

#include "core/image/Image.h"

namespace impasto {

namespace linear_light {

inline float fromSrgb(float value) {
    return value <= 0.04045f ? value / 12.92f : std::pow((value + 0.055f) / 1.055f, 2.4f);
}

inline float toSrgb(float value) {
    return value <= 0.0031308f ? value * 12.92f : 1.055f * std::pow(value, 1.0f / 2.4f) - 0.055f;
}

}  // namespace linear_light

// `stylised` over `photo` (same size) at `amount` (0: the photo, 1: the stylised one), mixed in
// linear light so that half-way has the brightness of a real 50% cross-fade; the stylised
// image's alpha is kept. The one mix behind the strength slider (StrengthBlend.h) and a fast
// style's strength; header-only, so that the engine-only build (no image library) has it too.
inline Image mixInLinearLight(const Image& photo, const Image& stylised, float amount) {
    Image mixed = stylised;
    for (size_t i = 0; i < mixed.rgb.size(); ++i) {
        const float from = linear_light::fromSrgb(std::clamp(photo.rgb[i], 0.0f, 1.0f));
        const float to = linear_light::fromSrgb(std::clamp(stylised.rgb[i], 0.0f, 1.0f));
        mixed.rgb[i] = linear_light::toSrgb(from + (to - from) * amount);
    }
    return mixed;
}

}  // namespace impasto
