#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "core/image/Image.h"
#include "core/image/MaskSet.h"

namespace impasto {

struct PngExportOptions {
    int bitDepth = 8;  // 8 or 16
    // Stored as uncompressed PNG iTXt chunks right after IHDR, e.g.
    // {"impasto:settings", "<json>"}. Keywords: 1 to 79 Latin-1 characters (given as UTF-8),
    // no leading, trailing or double spaces. Text: UTF-8 without NUL.
    std::map<std::string, std::string> text{};
    // The run's masks, embedded as "maSk" chunks before IEND (core/image/EmbeddedMasks.h).
    MaskSet masks{};
};

// Writes `image` as PNG atomically: the bytes go to a temporary file in the same folder, are
// flushed to disk, then renamed over `file`, so an existing file is either replaced whole or
// left untouched. Samples are clamped to [0, 1] and rounded. With an alpha, the image is RGBA
// and its colour is un-composited from white, so that loading it again gives `image.rgb` back.
// Throws impasto::Error on failure (the temporary file is removed), also for a bit depth other
// than 8 or 16 and for invalid text entries.
void exportPng(const std::filesystem::path& file, const Image& image,
               const PngExportOptions& options = {});

}  // namespace impasto
