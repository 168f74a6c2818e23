#pragma once

#include <opencv2/core.hpp>

#include "core/image/Image.h"

namespace impasto::bench {

// A rectangle as fractions of an image's width and height.
struct RelativeArea {
    double left = 0.0;
    double top = 0.0;
    double right = 1.0;
    double bottom = 1.0;
};

// The share of the luminance's spectral energy (its mean removed, Hann-windowed) above half the
// Nyquist frequency in either direction, within `area` of `image`: pixel-level speckle on a flat
// area such as a sky raises it, brush strokes hardly do.
double highFrequencyShare(const Image& image, RelativeArea area = {});

// How a result's border compares with its interior, each side's outermost pixel row or column
// against the ring 4-8 px inside: the mean change from the photo there (a ratio, about 1 when
// the border is styled like the interior, near 0 when it kept the photo) and the luminance
// (the result's drop at the border minus the photo's; above 0 is a dark frame).
struct BorderMeasures {
    double changeRatio = 0.0;
    double darkening = 0.0;
};
BorderMeasures borderMeasures(const Image& result, const Image& photo);

}  // namespace impasto::bench
