#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include <opencv2/core.hpp>

namespace impasto {

// What precedes the TIFF structure in a JPEG APP1 segment, telling EXIF from XMP.
inline constexpr std::string_view kExifPrefix{"Exif\0\0", 6};

// The orientation (1..8) an EXIF block gives: a TIFF structure whose first directory may hold
// the Orientation tag, with or without kExifPrefix (PNG eXIf and WebP EXIF chunks should have
// none, but some writers copy it). A TIFF file is such a structure itself. 1 when the tag is
// absent or invalid.
int exifOrientation(std::span<const uint8_t> exif);

// Turns an image as stored into the image as meant to be seen (1 = as stored,
// 2 = mirrored, 3 = rotated 180, 4 = flipped, 5 = transposed, 6 = rotated 90 clockwise,
// 7 = transverse, 8 = rotated 90 counter-clockwise).
cv::Mat applyExifOrientation(const cv::Mat& image, int orientation);

}  // namespace impasto
