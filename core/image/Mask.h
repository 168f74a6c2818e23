#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/common/Error.h"

namespace impasto {

// A greyscale weight over an image: 0..1 per pixel, rows top to bottom (white = 1 = "here").
// Style regions, the painting's source region and the keep-the-photo area are masks. Masks of
// any size are accepted; the engine resizes them to each size it works at. Header-only, like
// Image, so that the engine-only build uses it without the image library.
class Mask {
public:
    Mask() = default;
    Mask(int width, int height, float fill = 0.0f) {
        if (width < 0 || height < 0) {
            throw Error("A mask cannot be " + std::to_string(width) + " x " +
                        std::to_string(height) + " pixels");
        }
        width_ = width;
        height_ = height;
        values.assign(static_cast<size_t>(width) * height, fill);
    }

    int width() const { return width_; }
    int height() const { return height_; }
    bool empty() const { return width_ == 0 || height_ == 0; }

    // width() * height() weights in [0, 1], row-major.
    std::vector<float> values;

    bool operator==(const Mask&) const = default;

private:
    int width_ = 0;
    int height_ = 0;
};

}  // namespace impasto
