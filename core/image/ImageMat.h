#pragma once

#include <opencv2/core.hpp>

#include "core/image/Image.h"

namespace impasto {

// OpenCV views of an Image's pixels (no copy): CV_32FC3 RGB and CV_32FC1 alpha (empty when the
// image is opaque). Writing through a view changes the image; the view dangles once the image
// is resized or destroyed.
cv::Mat rgbView(Image& image);
cv::Mat alphaView(Image& image);
// Read-only views: cv::Mat has no constant-data form, so these must not be written to.
cv::Mat rgbView(const Image& image);
cv::Mat alphaView(const Image& image);

// An Image holding a copy of `rgb` (CV_32FC3) and `alpha` (CV_32FC1 of the same size, or empty).
// Throws impasto::Error for other types or sizes.
Image imageFromMats(const cv::Mat& rgb, const cv::Mat& alpha = {});

}  // namespace impasto
