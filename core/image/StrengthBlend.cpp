#include "core/image/StrengthBlend.h"

#include <string>

#include "core/image/LinearLightMix.h"
#include "core/image/Resize.h"

namespace impasto {

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
    return mixInLinearLight(matching, stylised, static_cast<float>(strength));
}

}  // namespace impasto
