#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/common/Error.h"

namespace impasto {

// An image as the engine works with it: float32 RGB in [0, 1], rows top to bottom, channels
// interleaved. Transparent images are composited over white for the network, and their alpha
// is kept to be put back on export. Plain memory, so that the engine (core/style) needs neither
// OpenCV nor Qt; core/image/ImageMat.h views it as cv::Mat without copying. Header-only, so
// that the engine-only build (IMPASTO_ENGINE_ONLY) uses it without the image library.
class Image {
public:
    Image() = default;
    // `width` x `height` black pixels, opaque (no alpha) unless `withAlpha` (all transparent).
    Image(int width, int height, bool withAlpha = false) {
        if (width < 0 || height < 0) {
            throw Error("An image cannot be " + std::to_string(width) + " x " +
                        std::to_string(height) + " pixels");
        }
        width_ = width;
        height_ = height;
        rgb.assign(pixelCount() * 3, 0.0f);
        alpha.assign(withAlpha ? pixelCount() : 0, 0.0f);
    }

    int width() const { return width_; }
    int height() const { return height_; }
    bool empty() const { return width_ == 0 || height_ == 0; }
    bool hasAlpha() const { return !alpha.empty(); }
    size_t pixelCount() const { return static_cast<size_t>(width_) * height_; }

    // pixelCount() * 3 samples, R G B for each pixel.
    std::vector<float> rgb;
    // pixelCount() samples, or empty when the image is opaque.
    std::vector<float> alpha;

private:
    int width_ = 0;
    int height_ = 0;
};

}  // namespace impasto
