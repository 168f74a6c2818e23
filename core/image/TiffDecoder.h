#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/image/StreamedRows.h"

namespace impasto {

// A TIFF decoded a band of rows at a time straight into its shrunk size, so that memory is
// bounded by the output: a 16-bit 10950 x 10950 TIFF never exists at full size. Strips go
// through libtiff's scanline interface (which decodes a strip as it goes), tiles one row of tiles
// at a time, separate planes a strip or row of tiles of each plane at a time. Covers what
// cameras and editors write: 8 or 16-bit unsigned samples, gray or RGB, optionally with
// unassociated alpha, any compression libtiff decodes. Nothing for other samples (palettes,
// YCbCr, float, premultiplied alpha), for bands over 64 MB (huge tiles, a plane in one strip),
// for a longest side of at most `maxSide`, or without `maxSide`: OpenCV's decoder then reads
// them whole. Throws impasto::Error naming `name` for a file that libtiff finds truncated or
// corrupt, or whose strips or tiles claim bytes past its end.
std::optional<ShrunkSamples> decodeTiffShrunk(std::span<const uint8_t> bytes,
                                              const std::string& name, int maxSide);

}  // namespace impasto
