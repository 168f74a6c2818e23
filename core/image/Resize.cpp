#include "core/image/Resize.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <opencv2/imgproc.hpp>

#include "core/common/Error.h"
#include "core/image/ImageMat.h"

namespace impasto {

Image resizeToMaxSide(const Image& image, int maxSide, bool allowUpscale) {
    if (maxSide <= 0) {
        throw Error("Cannot scale an image to a longest side of " + std::to_string(maxSide) +
                    " pixels");
    }
    const int longest = std::max(image.width(), image.height());
    if (longest == 0 || longest == maxSide || (longest < maxSide && !allowUpscale)) {
        return image;
    }
    const ScaledSize size = sizeForMaxSide(image.width(), image.height(), maxSide);
    return resizeTo(image, size.width, size.height);
}

Image resizeTo(const Image& image, int width, int height) {
    if (width <= 0 || height <= 0) {
        throw Error("Cannot scale an image to " + std::to_string(width) + " x " +
                    std::to_string(height) + " pixels");
    }
    if (image.empty()) {
        throw Error("Cannot scale an empty image");
    }
    if (width == image.width() && height == image.height()) {
        return image;
    }
    const bool shrinking = width <= image.width() && height <= image.height();
    const int interpolation = shrinking ? cv::INTER_AREA : cv::INTER_CUBIC;
    Image resized(width, height, image.hasAlpha());
    cv::Mat rgb = rgbView(resized);
    cv::resize(rgbView(image), rgb, rgb.size(), 0, 0, interpolation);
    cv::Mat alpha = alphaView(resized);
    if (image.hasAlpha()) {
        cv::resize(alphaView(image), alpha, alpha.size(), 0, 0, interpolation);
    }
    if (!shrinking) {
        // Cubic interpolation overshoots at edges.
        cv::min(cv::max(rgb, 0.0), 1.0, rgb);
        if (image.hasAlpha()) {
            cv::min(cv::max(alpha, 0.0), 1.0, alpha);
        }
    }
    return resized;
}

}  // namespace impasto
