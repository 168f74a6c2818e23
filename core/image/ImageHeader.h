#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace impasto {

enum class ImageFormat { Jpeg, Png, Tiff, WebP, Bmp };

// Recognises the formats the loader accepts by their signature.
std::optional<ImageFormat> detectImageFormat(std::span<const uint8_t> bytes);

// What a file declares about itself before any pixel is decoded: enough to refuse
// decompression bombs without allocating their pixels.
struct ImageHeader {
    ImageFormat format = ImageFormat::Jpeg;
    uint32_t width = 0;
    uint32_t height = 0;
    // Channels as stored, where the decoder does not keep them (OpenCV decodes gray+alpha PNG
    // as four channels); 0 when the decoded image tells.
    int channels = 0;
};

// Parses the header of a file of `format`: PNG IHDR, JPEG SOFn, WebP VP8/VP8L/VP8X, BMP info
// header, TIFF first directory. Empty when the header is missing, truncated or declares no
// pixels.
std::optional<ImageHeader> readImageHeader(std::span<const uint8_t> bytes, ImageFormat format);

}  // namespace impasto
