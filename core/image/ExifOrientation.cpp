#include "core/image/ExifOrientation.h"

#include <optional>

#include "core/image/ByteMatch.h"
#include "core/image/TiffTags.h"

namespace impasto {

int exifOrientation(std::span<const uint8_t> exif) {
    constexpr uint16_t kOrientationTag = 0x0112;
    const std::span<const uint8_t> tiff =
        matchesAt(exif, 0, kExifPrefix) ? exif.subspan(kExifPrefix.size()) : exif;
    const std::optional<uint64_t> value = readTiffTag(tiff, kOrientationTag);
    return value && *value >= 1 && *value <= 8 ? static_cast<int>(*value) : 1;
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
