#include "core/image/Resize.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <opencv2/imgproc.hpp>

#include "core/common/Error.h"

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
    const double scale = double(maxSide) / longest;
    const int width = std::max(1, int(std::lround(image.width() * scale)));
    const int height = std::max(1, int(std::lround(image.height() * scale)));
    return resizeTo(image, width, height);
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
    Image resized;
    cv::resize(image.rgb, resized.rgb, cv::Size(width, height), 0, 0, interpolation);
    if (!image.alpha.empty()) {
        cv::resize(image.alpha, resized.alpha, cv::Size(width, height), 0, 0, interpolation);
    }
    if (!shrinking) {
        // Cubic interpolation overshoots at edges.
        resized.rgb = cv::min(cv::max(resized.rgb, 0.0), 1.0);
        if (!resized.alpha.empty()) {
            resized.alpha = cv::min(cv::max(resized.alpha, 0.0), 1.0);
        }
    }
    return resized;
}

}  // namespace impasto
