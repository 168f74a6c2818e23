#include "core/image/JpegMaskSegments.h"

#include <algorithm>
#include <string_view>

#include "core/common/Error.h"
#include "core/image/ByteMatch.h"
#include "core/image/ByteReader.h"

namespace impasto {

namespace {

// The identifier with its NUL, then the part number and the number of parts.
constexpr std::string_view kIdentifier{"Impasto masks\0", 14};
constexpr size_t kHeaderSize = kIdentifier.size() + 4;
constexpr size_t kPartBytes = kMaxJpegSegmentPayload - kHeaderSize;
constexpr size_t kMaxParts = 65535;

void appendU16(std::vector<uint8_t>& out, size_t value) {
    out.push_back(static_cast<uint8_t>(value >> 8));
    out.push_back(static_cast<uint8_t>(value & 0xFF));
}

}  // namespace

std::vector<std::vector<uint8_t>> jpegMaskSegments(std::span<const uint8_t> stream) {
    const size_t parts = (stream.size() + kPartBytes - 1) / kPartBytes;
    if (parts > kMaxParts) {
        throw Error("The masks need more than " + std::to_string(kMaxParts) +
                    " JPEG segments (4 GB); export PNG to keep them");
    }
    std::vector<std::vector<uint8_t>> segments;
    for (size_t part = 0; part < parts; ++part) {
        std::vector<uint8_t> segment(kIdentifier.begin(), kIdentifier.end());
        appendU16(segment, part + 1);
        appendU16(segment, parts);
        const std::span<const uint8_t> share = stream.subspan(
            part * kPartBytes, std::min(kPartBytes, stream.size() - part * kPartBytes));
        segment.insert(segment.end(), share.begin(), share.end());
        segments.push_back(std::move(segment));
    }
    return segments;
}

std::vector<uint8_t> joinJpegMaskSegments(const JpegHeader& header, const std::string& name) {
    std::vector<uint8_t> stream;
    size_t received = 0;
    size_t parts = 0;
    for (const JpegSegment& segment : header.segments) {
        if (segment.marker != kJpegMaskMarker || !matchesAt(segment.data, 0, kIdentifier)) {
            continue;
        }
        ByteReader reader(segment.data, /*bigEndian=*/true);
        const size_t part = reader.u16(kIdentifier.size());
        const size_t count = reader.u16(kIdentifier.size() + 2);
        if (!reader.ok() || part != received + 1 || part > count ||
            (received > 0 && count != parts)) {
            throw Error(name + " is damaged: its mask segments are out of order (part " +
                        std::to_string(part) + " of " + std::to_string(count) + " follows part " +
                        std::to_string(received) + ")");
        }
        parts = count;
        ++received;
        stream.insert(stream.end(), segment.data.begin() + kHeaderSize, segment.data.end());
    }
    if (received < parts) {
        throw Error(name + " is truncated or damaged: it holds " + std::to_string(received) +
                    " of the " + std::to_string(parts) + " segments of its masks");
    }
    return stream;
}

}  // namespace impasto
