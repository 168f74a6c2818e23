#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/image/StreamedRows.h"

namespace impasto {

// A TIFF decoded row by row (libtiff's scanline interface, which decodes a strip as it goes)
// straight into its shrunk size, so that memory is bounded by the output: a 16-bit single-strip
// 10950 x 10950 TIFF never exists at full size. Covers what cameras and editors write: strips,
// 8 or 16-bit unsigned samples interleaved, gray or RGB, optionally with unassociated alpha,
// any compression libtiff decodes. Nothing for other layouts (tiles, planes, palettes, YCbCr,
// float, premultiplied alpha), for a longest side of at most `maxSide`, or without `maxSide`:
// OpenCV's decoder then reads them whole. Throws impasto::Error naming `name` for a file that
// libtiff finds truncated or corrupt.
std::optional<ShrunkSamples> decodeTiffShrunk(std::span<const uint8_t> bytes,
                                              const std::string& name, int maxSide);

}  // namespace impasto
