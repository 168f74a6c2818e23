#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "core/image/Image.h"

namespace impasto {

struct ImageLoadOptions {
    // Longest side after loading; 0 keeps the decoded size. Downscaling uses area averaging.
    int maxSide = 0;
    // Images whose header declares more pixels than this are refused before decoding
    // (decompression bombs). 0 disables the check.
    double maxMegapixels = 120.0;
};

// What was learnt about the source while decoding, for messages and for export choices.
struct ImageSourceInfo {
    int originalWidth = 0;  // after EXIF orientation, before resizing
    int originalHeight = 0;
    int bitDepth = 8;         // 8 or 16 (32 for float TIFF)
    int channels = 3;         // as stored: 1 gray, 2 gray+alpha, 3 colour, 4 colour+alpha
    int exifOrientation = 1;  // 1..8, 1 = as stored
};

struct LoadedImage {
    Image image;
    ImageSourceInfo info;
};

// Decodes JPEG, PNG, TIFF, WebP and BMP (PNG with libpng, the others through OpenCV): applies the
// EXIF orientation (JPEG APP1, PNG eXIf, TIFF tag, WebP EXIF chunk), turns grayscale into RGB,
// keeps 16-bit precision, clamps floating-point TIFF to [0, 1], composites alpha over white
// (keeping the alpha; an alpha that is opaque everywhere is dropped). Other formats OpenCV knows
// are refused, since only these five have their size checked before decoding. Throws impasto::Error
// with a message naming the file and the problem: missing, empty, text, not an image, too many
// pixels, too large for the memory available, truncated or corrupt.
LoadedImage loadImage(const std::filesystem::path& file, const ImageLoadOptions& options = {});
// The same for bytes already in memory (clipboard, drag and drop of data); `name` is used in
// messages.
LoadedImage decodeImage(std::span<const uint8_t> bytes, const std::string& name,
                        const ImageLoadOptions& options = {});

}  // namespace impasto
