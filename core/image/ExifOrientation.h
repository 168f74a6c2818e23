#pragma once

#include <cstdint>
#include <span>

#include <opencv2/core.hpp>

namespace impasto {

// The EXIF orientation (1..8) of a JPEG (APP1 "Exif" segment) or PNG (eXIf chunk) file; 1 when
// there is none or it is invalid. OpenCV applies it only when not asked for IMREAD_UNCHANGED,
// which the loader needs for alpha and 16-bit, hence this parser.
int readExifOrientation(std::span<const uint8_t> bytes);

// Turns an image as stored into the image as meant to be seen (1 = as stored,
// 2 = mirrored, 3 = rotated 180, 4 = flipped, 5 = transposed, 6 = rotated 90 clockwise,
// 7 = transverse, 8 = rotated 90 counter-clockwise).
cv::Mat applyExifOrientation(const cv::Mat& image, int orientation);

}  // namespace impasto
