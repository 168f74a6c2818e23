#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace impasto {

bool hasJpegSignature(std::span<const uint8_t> bytes);

// A marker segment of a JPEG file; `data` views the payload after the length field.
struct JpegSegment {
    uint8_t marker = 0;  // the byte after 0xFF, e.g. 0xE1 for APP1, 0xC0 for SOF0
    std::span<const uint8_t> data;
};

struct JpegHeader {
    std::vector<JpegSegment> segments;  // from SOI up to and including the first SOS
    size_t scanOffset = 0;              // first byte of entropy-coded data; 0 when SOS is missing
};

// Walks the marker segments that precede the image data. Stops early, with what it found so
// far, at a segment that does not fit in `bytes`.
JpegHeader readJpegHeader(std::span<const uint8_t> bytes);

// Whether an EOI marker follows the image data; libjpeg decodes a truncated file without an
// error (the missing part comes out grey), so truncation has to be detected this way.
bool hasJpegEndMarker(std::span<const uint8_t> bytes, const JpegHeader& header);

// A JPEG segment's length field counts itself: a payload holds 65535 - 2 bytes at most.
inline constexpr size_t kMaxJpegSegmentPayload = 65533;

// Appends a marker segment (0xFF, `marker`, its length, `payload`) to `out`; `payload` must
// hold at most kMaxJpegSegmentPayload bytes.
void appendJpegSegment(std::vector<uint8_t>& out, uint8_t marker, std::span<const uint8_t> payload);

}  // namespace impasto
