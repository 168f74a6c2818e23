#include "core/image/ExifOrientation.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include "core/image/JpegSegments.h"
#include "core/image/PngChunks.h"
#include "core/image/TiffTags.h"

namespace impasto {

namespace {

constexpr uint16_t kOrientationTag = 0x0112;
constexpr uint8_t kApp1 = 0xE1;
constexpr std::string_view kExifPrefix{"Exif\0\0", 6};

bool hasExifPrefix(std::span<const uint8_t> data) {
    return data.size() >= kExifPrefix.size() &&
           std::equal(kExifPrefix.begin(), kExifPrefix.end(), data.begin(),
                      [](char a, uint8_t b) { return static_cast<uint8_t>(a) == b; });
}

std::optional<int> orientationIn(std::span<const uint8_t> tiff) {
    const std::optional<uint64_t> value = readTiffTag(tiff, kOrientationTag);
    if (value && *value >= 1 && *value <= 8) {
        return static_cast<int>(*value);
    }
    return std::nullopt;
}

}  // namespace

int readExifOrientation(std::span<const uint8_t> bytes) {
    if (hasJpegSignature(bytes)) {
        for (const JpegSegment& segment : readJpegHeader(bytes).segments) {
            // APP1 also carries XMP; only the segment with the EXIF prefix holds the TIFF block.
            if (segment.marker == kApp1 && hasExifPrefix(segment.data)) {
                return orientationIn(segment.data.subspan(kExifPrefix.size())).value_or(1);
            }
        }
    } else if (hasPngSignature(bytes)) {
        for (const PngChunk& chunk : readPngChunks(bytes).chunks) {
            if (chunk.type == "eXIf") {
                // The PNG specification has no prefix, but some writers copy the JPEG one.
                const std::span<const uint8_t> tiff =
                    hasExifPrefix(chunk.data) ? chunk.data.subspan(kExifPrefix.size()) : chunk.data;
                return orientationIn(tiff).value_or(1);
            }
        }
    }
    return 1;
}

cv::Mat applyExifOrientation(const cv::Mat& image, int orientation) {
    cv::Mat result;
    switch (orientation) {
        case 2:
            cv::flip(image, result, 1);
            break;
        case 3:
            cv::rotate(image, result, cv::ROTATE_180);
            break;
        case 4:
            cv::flip(image, result, 0);
            break;
        case 5:
            cv::transpose(image, result);
            break;
        case 6:
            cv::rotate(image, result, cv::ROTATE_90_CLOCKWISE);
            break;
        case 7:
            // Transpose across the other diagonal: transpose, then turn half way.
            cv::transpose(image, result);
            cv::rotate(result, result, cv::ROTATE_180);
            break;
        case 8:
            cv::rotate(image, result, cv::ROTATE_90_COUNTERCLOCKWISE);
            break;
        default:
            result = image;
            break;
    }
    return result;
}

}  // namespace impasto
