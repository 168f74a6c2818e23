#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "core/image/Image.h"
#include "core/image/MaskSet.h"

namespace impasto {

enum class ImageFormat { Png, Jpeg, Tiff };

// The format a file name's extension names: .png, .jpg or .jpeg, .tif or .tiff (any case).
std::optional<ImageFormat> imageFormatFor(const std::filesystem::path& file);

struct ImageExportOptions {
    // Bits per channel; 0 is the format's usual depth: 8 for PNG and JPEG, 16 for TIFF. JPEG
    // holds 8 only.
    int bitDepth = 0;
    int jpegQuality = 95;
    // The run's recipe (ASCII JSON), stored where each format's tools show it: a PNG tEXt chunk
    // "impasto:settings", a JPEG comment (COM segment), the TIFF ImageDescription tag.
    std::string settings;
    // Further PNG text chunks (PngExportOptions::text); other formats have no place for them.
    std::map<std::string, std::string> pngText;
    // The run's masks, which every format embeds beside the recipe (core/image/EmbeddedMasks.h):
    // PNG chunks, JPEG APP9 segments, a private TIFF tag.
    MaskSet masks{};
};

// Writes `image` in the format its extension names, atomically like exportPng (which writes the
// PNGs): an existing file is replaced whole or left untouched. Colour only: the image's RGB,
// which is composited over white. Throws impasto::Error for another extension, a bit depth the
// format cannot hold, or a failure to encode or write.
void exportImage(const std::filesystem::path& file, const Image& image,
                 const ImageExportOptions& options = {});

// The bit depth exportImage() writes for `format` given `requested` (0: the format's usual).
int exportBitDepth(ImageFormat format, int requested);

}  // namespace impasto
