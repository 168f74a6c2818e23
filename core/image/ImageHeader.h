#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace impasto {

enum class ImageFormat { Jpeg, Png, Tiff, WebP, Bmp };

// Recognises the formats the loader accepts by their signature.
std::optional<ImageFormat> detectImageFormat(std::span<const uint8_t> bytes);

// What a file declares about itself before any pixel is decoded: enough to refuse
// decompression bombs without allocating their pixels, and what the decoder does not tell.
struct ImageHeader {
    ImageFormat format = ImageFormat::Jpeg;
    uint32_t width = 0;
    uint32_t height = 0;
    // Channels as stored, where the decoder does not keep them (RGB PNG with a tRNS chunk
    // decodes as four channels); 0 when the decoded image tells.
    int channels = 0;
    // 1..8, 1 = as stored: JPEG APP1 "Exif", PNG eXIf, TIFF first directory, WebP EXIF chunk.
    int exifOrientation = 1;
    // False when the file ends before its image data does (JPEG without EOI, PNG without IEND):
    // libjpeg decodes a truncated JPEG without an error and libpng may not reach the missing
    // part, so truncation is found in the file's structure. Not judged for other formats.
    bool complete = true;
    // An animated WebP, which OpenCV cannot decode.
    bool animated = false;
    // Samples OpenCV's TIFF decoder may fail on, for the message when it does: "64-bit
    // floating-point" or "32-bit integer"; empty otherwise.
    std::string unusualSamples = {};
};

// Parses the structure of a file of `format` once, up to the image data: PNG chunks, JPEG marker
// segments, WebP chunks, BMP info header, TIFF first directory. Empty when the header is
// missing, truncated or declares no pixels, and when OpenCV's decoder of `format` would not claim
// the file (cv::imdecode would then try its other decoders: DICOM, JPEG 2000, OpenEXR...).
std::optional<ImageHeader> readImageHeader(std::span<const uint8_t> bytes, ImageFormat format);

}  // namespace impasto
