#include "core/image/ImageHeader.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "core/image/ByteReader.h"
#include "core/image/JpegSegments.h"
#include "core/image/PngChunks.h"
#include "core/image/TiffTags.h"

namespace impasto {

namespace {

bool startsWith(std::span<const uint8_t> bytes, size_t offset, std::string_view text) {
    return offset <= bytes.size() && text.size() <= bytes.size() - offset &&
           std::equal(text.begin(), text.end(), bytes.begin() + offset,
                      [](char a, uint8_t b) { return static_cast<uint8_t>(a) == b; });
}

std::optional<ImageHeader> pngHeader(std::span<const uint8_t> bytes) {
    const PngChunkList list = readPngChunks(bytes);
    if (list.chunks.empty() || list.chunks.front().type != "IHDR" ||
        list.chunks.front().data.size() != 13) {
        return std::nullopt;
    }
    ByteReader ihdr(list.chunks.front().data, /*bigEndian=*/true);
    ImageHeader header{ImageFormat::Png, ihdr.u32(0), ihdr.u32(4)};
    switch (ihdr.u8(9)) {  // colour type
        case 0:
            header.channels = 1;
            break;
        case 2:
            header.channels = 3;
            break;
        case 4:
            header.channels = 2;
            break;
        case 6:
            header.channels = 4;
            break;
        default:  // palette: whether it has alpha depends on a later tRNS chunk
            break;
    }
    return header;
}

// Start-of-frame markers: SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
bool isStartOfFrame(uint8_t marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

std::optional<ImageHeader> jpegHeader(std::span<const uint8_t> bytes) {
    for (const JpegSegment& segment : readJpegHeader(bytes).segments) {
        if (isStartOfFrame(segment.marker)) {
            // precision (1), height (2), width (2), components (1)
            ByteReader frame(segment.data, /*bigEndian=*/true);
            ImageHeader header{ImageFormat::Jpeg, frame.u16(3), frame.u16(1)};
            return frame.ok() ? std::optional(header) : std::nullopt;
        }
    }
    return std::nullopt;
}

std::optional<ImageHeader> webpHeader(std::span<const uint8_t> bytes) {
    // RIFF header (12 bytes), then the first chunk: FourCC, little-endian size, payload.
    ByteReader reader(bytes, /*bigEndian=*/false);
    constexpr size_t payload = 20;
    ImageHeader header{ImageFormat::WebP};
    if (startsWith(bytes, 12, "VP8 ")) {
        // Lossy: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height.
        if (!startsWith(bytes, payload + 3, "\x9D\x01\x2A")) {
            return std::nullopt;
        }
        header.width = reader.u16(payload + 6) & 0x3FFF;
        header.height = reader.u16(payload + 8) & 0x3FFF;
    } else if (startsWith(bytes, 12, "VP8L")) {
        // Lossless: signature 0x2F, then width - 1 and height - 1 in 14 bits each.
        if (reader.u8(payload) != 0x2F) {
            return std::nullopt;
        }
        const uint32_t bits = reader.u32(payload + 1);
        header.width = (bits & 0x3FFF) + 1;
        header.height = ((bits >> 14) & 0x3FFF) + 1;
    } else if (startsWith(bytes, 12, "VP8X")) {
        // Extended: flags and reserved bytes, then canvas width - 1 and height - 1 in 24 bits.
        header.width = reader.u24(payload + 4) + 1;
        header.height = reader.u24(payload + 7) + 1;
    } else {
        return std::nullopt;
    }
    return reader.ok() ? std::optional(header) : std::nullopt;
}

std::optional<ImageHeader> bmpHeader(std::span<const uint8_t> bytes) {
    // File header (14 bytes), then an info header that starts with its own size.
    ByteReader reader(bytes, /*bigEndian=*/false);
    ImageHeader header{ImageFormat::Bmp};
    if (reader.u32(14) == 12) {
        // OS/2 BITMAPCOREHEADER: 16-bit sizes.
        header.width = reader.u16(18);
        header.height = reader.u16(20);
    } else {
        // BITMAPINFOHEADER and later: signed 32-bit sizes; a negative height means top-down.
        const auto width = static_cast<int32_t>(reader.u32(18));
        const auto height = static_cast<int32_t>(reader.u32(22));
        if (width < 0) {
            return std::nullopt;
        }
        header.width = static_cast<uint32_t>(width);
        header.height = static_cast<uint32_t>(std::llabs(int64_t{height}));
    }
    return reader.ok() ? std::optional(header) : std::nullopt;
}

std::optional<ImageHeader> tiffHeader(std::span<const uint8_t> bytes) {
    constexpr uint16_t kImageWidth = 256;
    constexpr uint16_t kImageLength = 257;
    const std::optional<uint64_t> width = readTiffTag(bytes, kImageWidth);
    const std::optional<uint64_t> height = readTiffTag(bytes, kImageLength);
    if (!width || !height || *width > UINT32_MAX || *height > UINT32_MAX) {
        return std::nullopt;
    }
    return ImageHeader{ImageFormat::Tiff, static_cast<uint32_t>(*width),
                       static_cast<uint32_t>(*height)};
}

}  // namespace

std::optional<ImageFormat> detectImageFormat(std::span<const uint8_t> bytes) {
    if (hasJpegSignature(bytes)) {
        return ImageFormat::Jpeg;
    }
    if (hasPngSignature(bytes)) {
        return ImageFormat::Png;
    }
    if (hasTiffSignature(bytes)) {
        return ImageFormat::Tiff;
    }
    if (startsWith(bytes, 0, "RIFF") && startsWith(bytes, 8, "WEBP")) {
        return ImageFormat::WebP;
    }
    if (startsWith(bytes, 0, "BM")) {
        return ImageFormat::Bmp;
    }
    return std::nullopt;
}

std::optional<ImageHeader> readImageHeader(std::span<const uint8_t> bytes, ImageFormat format) {
    std::optional<ImageHeader> header;
    switch (format) {
        case ImageFormat::Jpeg:
            header = jpegHeader(bytes);
            break;
        case ImageFormat::Png:
            header = pngHeader(bytes);
            break;
        case ImageFormat::Tiff:
            header = tiffHeader(bytes);
            break;
        case ImageFormat::WebP:
            header = webpHeader(bytes);
            break;
        case ImageFormat::Bmp:
            header = bmpHeader(bytes);
            break;
    }
    if (header && (header->width == 0 || header->height == 0)) {
        return std::nullopt;
    }
    return header;
}

}  // namespace impasto
