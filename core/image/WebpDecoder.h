#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/image/StreamedRows.h"

namespace impasto {

// A WebP decoded by libwebp straight into its shrunk size (its decoder scales the rows as it
// produces them, averaging areas with alpha premultiplied), so that memory is bounded by the
// output: a lossy 10950 x 10950 WebP never exists at full size. Lossless WebP still holds its
// whole image inside libwebp (its backward references need it) at 8 bits per channel. Nothing
// when the longest side is at most `maxSide` or without `maxSide`: OpenCV's decoder then reads
// it whole. Throws impasto::Error naming `name` for data libwebp finds corrupt, std::bad_alloc
// when libwebp runs out of memory.
std::optional<ShrunkSamples> decodeWebpShrunk(std::span<const uint8_t> bytes,
                                              const std::string& name, int maxSide);

}  // namespace impasto
