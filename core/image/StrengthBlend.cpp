#include "core/image/StrengthBlend.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/image/Resize.h"

namespace impasto {

namespace {

float srgbToLinear(float value) {
    return value <= 0.04045f ? value / 12.92f : std::pow((value + 0.055f) / 1.055f, 2.4f);
}

float linearToSrgb(float value) {
    return value <= 0.0031308f ? value * 12.92f : 1.055f * std::pow(value, 1.0f / 2.4f) - 0.055f;
}

}  // namespace

Image blendStrength(const Image& photo, const Image& stylised, double strength) {
    if (!(strength >= 0.0 && strength <= 1.0)) {
        throw Error("The strength must be between 0 and 1, not " + std::to_string(strength));
    }
    if (photo.empty() || stylised.empty()) {
        throw Error("Cannot blend the result over the photo: an image is empty");
    }
    if (strength == 1.0) {
        return stylised;
    }
    const Image matching = photo.width() == stylised.width() && photo.height() == stylised.height()
                               ? photo
                               : resizeTo(photo, stylised.width(), stylised.height());
    Image blended = stylised;
    const auto amount = static_cast<float>(strength);
    for (size_t i = 0; i < blended.rgb.size(); ++i) {
        const float from = srgbToLinear(std::clamp(matching.rgb[i], 0.0f, 1.0f));
        const float to = srgbToLinear(std::clamp(stylised.rgb[i], 0.0f, 1.0f));
        blended.rgb[i] = linearToSrgb(from + (to - from) * amount);
    }
    return blended;
}

}  // namespace impasto
