#include "core/image/JpegSegments.h"

#include "core/image/ByteReader.h"

namespace impasto {

namespace {

constexpr uint8_t kStartOfScan = 0xDA;
constexpr uint8_t kEndOfImage = 0xD9;

// Markers that stand alone, without a length field: TEM, RST0..7, SOI, EOI.
bool isStandalone(uint8_t marker) {
    return marker == 0x01 || (marker >= 0xD0 && marker <= 0xD9);
}

}  // namespace

bool hasJpegSignature(std::span<const uint8_t> bytes) {
    return bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;
}

JpegHeader readJpegHeader(std::span<const uint8_t> bytes) {
    JpegHeader header;
    if (!hasJpegSignature(bytes)) {
        return header;
    }
    ByteReader reader(bytes, /*bigEndian=*/true);
    size_t offset = 2;
    while (offset < bytes.size()) {
        if (bytes[offset] != 0xFF) {
            return header;
        }
        // Any number of 0xFF fill bytes may precede a marker.
        while (offset < bytes.size() && bytes[offset] == 0xFF) {
            ++offset;
        }
        if (offset >= bytes.size()) {
            return header;
        }
        const uint8_t marker = bytes[offset++];
        if (marker == kEndOfImage) {
            return header;
        }
        if (isStandalone(marker)) {
            continue;
        }
        const uint16_t length = reader.u16(offset);
        if (!reader.ok() || length < 2 || !reader.has(offset, length)) {
            return header;
        }
        header.segments.push_back({marker, bytes.subspan(offset + 2, length - 2u)});
        offset += length;
        if (marker == kStartOfScan) {
            header.scanOffset = offset;
            return header;
        }
    }
    return header;
}

bool hasJpegEndMarker(std::span<const uint8_t> bytes, const JpegHeader& header) {
    if (header.scanOffset == 0) {
        return false;
    }
    // Inside entropy-coded data 0xFF is always followed by 0x00 or a marker, so 0xFF 0xD9 can
    // only be the real EOI; later scans of progressive files come before it. Searched from the
    // end, where it nearly always is.
    for (size_t i = bytes.size() - 1; i > header.scanOffset; --i) {
        if (bytes[i - 1] == 0xFF && bytes[i] == kEndOfImage) {
            return true;
        }
    }
    return false;
}

void appendJpegSegment(std::vector<uint8_t>& out, uint8_t marker,
                       std::span<const uint8_t> payload) {
    const size_t length = payload.size() + 2;
    out.insert(out.end(), {0xFF, marker, static_cast<uint8_t>(length >> 8),
                           static_cast<uint8_t>(length & 0xFF)});
    out.insert(out.end(), payload.begin(), payload.end());
}

}  // namespace impasto
