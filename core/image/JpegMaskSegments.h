#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/image/JpegSegments.h"

namespace impasto {

// A JPEG carries the masks' chunk stream (core/image/EmbeddedMasks.h) split over APP9 segments,
// as one segment holds less than 64 KB. APP9 because the common metadata lives elsewhere (EXIF
// and XMP in APP1, ICC profiles in APP2, JUMBF in APP11, Photoshop in APP13, Adobe in APP14), so
// their readers never parse these bytes; an identifier tells ours from anyone else's APP9.
// Each segment's payload: "Impasto masks" and a NUL, its part number (from 1) and the number of
// parts, both 16-bit big-endian, then its share of the stream.
inline constexpr uint8_t kJpegMaskMarker = 0xE9;

// The APP9 payloads that carry `stream`, in order; none for an empty stream. Throws
// impasto::Error for a stream that needs more than 65535 segments (4 GB).
std::vector<std::vector<uint8_t>> jpegMaskSegments(std::span<const uint8_t> stream);
// The stream joined again from the segments in `header`; empty when it has none. Throws
// impasto::Error naming `name` when a part is missing, repeated or out of order, or the parts
// disagree on their number: nothing of a damaged stream is read.
std::vector<uint8_t> joinJpegMaskSegments(const JpegHeader& header, const std::string& name);

}  // namespace impasto
