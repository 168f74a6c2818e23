#pragma once

#include <opencv2/core.hpp>

namespace impasto {

// An image as the engine works with it: float32 RGB in [0, 1]. Transparent images are
// composited over white for the network, and their alpha is kept to be put back on export.
struct Image {
    cv::Mat rgb;    // CV_32FC3, RGB channel order, values in [0, 1]
    cv::Mat alpha;  // CV_32FC1 in [0, 1], or empty when the source was opaque

    int width() const { return rgb.cols; }
    int height() const { return rgb.rows; }
    bool empty() const { return rgb.empty(); }
};

}  // namespace impasto
