#include "core/image/ImageHeader.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include <webp/decode.h>

#include "core/image/ByteMatch.h"
#include "core/image/ByteReader.h"
#include "core/image/ExifOrientation.h"
#include "core/image/JpegSegments.h"
#include "core/image/PngChunks.h"
#include "core/image/TiffTags.h"
#include "core/image/WebpChunks.h"

namespace impasto {

namespace {

constexpr uint8_t kApp1 = 0xE1;

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
    // libpng may decode without reaching the missing part of a truncated file.
    header.complete = list.complete;
    const auto exif = std::find_if(list.chunks.begin(), list.chunks.end(),
                                   [](const PngChunk& chunk) { return chunk.type == "eXIf"; });
    if (exif != list.chunks.end()) {
        header.exifOrientation = exifOrientation(exif->data);
    }
    return header;
}

// Start-of-frame markers: SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
bool isStartOfFrame(uint8_t marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

std::optional<ImageHeader> jpegHeader(std::span<const uint8_t> bytes) {
    const JpegHeader jpeg = readJpegHeader(bytes);
    const auto frame = std::find_if(jpeg.segments.begin(), jpeg.segments.end(),
                                    [](const JpegSegment& s) { return isStartOfFrame(s.marker); });
    if (frame == jpeg.segments.end()) {
        return std::nullopt;
    }
    // precision (1), height (2), width (2), components (1)
    ByteReader reader(frame->data, /*bigEndian=*/true);
    ImageHeader header{ImageFormat::Jpeg, reader.u16(3), reader.u16(1)};
    if (!reader.ok()) {
        return std::nullopt;
    }
    // Gray stays gray; colour and CMYK decode to colour. Said here because a reduced decode
    // (ImageLoader) always asks for colour.
    header.channels = reader.u8(5) == 1 ? 1 : 3;
    // APP1 also carries XMP; only the segment with the EXIF prefix holds the TIFF block.
    const auto exif =
        std::find_if(jpeg.segments.begin(), jpeg.segments.end(), [](const JpegSegment& s) {
            return s.marker == kApp1 && matchesAt(s.data, 0, kExifPrefix);
        });
    if (exif != jpeg.segments.end()) {
        header.exifOrientation = exifOrientation(exif->data);
    }
    // libjpeg decodes a truncated file without an error, the missing part grey.
    header.complete = hasJpegEndMarker(bytes, jpeg);
    return header;
}

// OpenCV's WebP decoder claims a file only when libwebp accepts its first 32 bytes (padded with
// spaces, as cv::imdecode pads them); a file it declines goes on to OpenCV's later decoders, among
// them GDCM's DICOM decoder, which aborts on crafted data. Refused here, such a file reaches none.
std::optional<WebPBitstreamFeatures> openCvWebpFeatures(std::span<const uint8_t> bytes) {
    constexpr size_t kOpenCvWebpSignatureSize = 32;
    std::string signature(kOpenCvWebpSignatureSize, ' ');
    std::copy_n(bytes.begin(), std::min(bytes.size(), signature.size()), signature.begin());
    WebPBitstreamFeatures features{};
    if (WebPGetFeatures(reinterpret_cast<const uint8_t*>(signature.data()), signature.size(),
                        &features) != VP8_STATUS_OK) {
        return std::nullopt;
    }
    return features;
}

std::optional<ImageHeader> webpHeader(std::span<const uint8_t> bytes) {
    const std::vector<WebpChunk> chunks = readWebpChunks(bytes);
    const std::optional<WebPBitstreamFeatures> features = openCvWebpFeatures(bytes);
    if (chunks.empty() || !features) {
        return std::nullopt;
    }
    const WebpChunk& first = chunks.front();
    ByteReader reader(first.data, /*bigEndian=*/false);
    ImageHeader header{ImageFormat::WebP};
    if (first.fourCC == "VP8 ") {
        // Lossy: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height.
        if (!matchesAt(first.data, 3, "\x9D\x01\x2A")) {
            return std::nullopt;
        }
        header.width = reader.u16(6) & 0x3FFF;
        header.height = reader.u16(8) & 0x3FFF;
    } else if (first.fourCC == "VP8L") {
        // Lossless: signature 0x2F, then width - 1 and height - 1 in 14 bits each.
        if (reader.u8(0) != 0x2F) {
            return std::nullopt;
        }
        const uint32_t bits = reader.u32(1);
        header.width = (bits & 0x3FFF) + 1;
        header.height = ((bits >> 14) & 0x3FFF) + 1;
    } else if (first.fourCC == "VP8X") {
        // Extended: flags and reserved bytes, then canvas width - 1 and height - 1 in 24 bits.
        header.width = reader.u24(4) + 1;
        header.height = reader.u24(7) + 1;
    } else {
        return std::nullopt;
    }
    const auto exif = std::find_if(chunks.begin(), chunks.end(),
                                   [](const WebpChunk& chunk) { return chunk.fourCC == "EXIF"; });
    if (exif != chunks.end()) {
        header.exifOrientation = exifOrientation(exif->data);
    }
    header.animated = features->has_animation != 0;
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
    ImageHeader header{ImageFormat::Tiff, static_cast<uint32_t>(*width),
                       static_cast<uint32_t>(*height)};
    header.exifOrientation = exifOrientation(bytes);
    constexpr uint16_t kBitsPerSample = 258;
    constexpr uint16_t kSampleFormat = 339;  // 1 unsigned (the default), 2 signed, 3 floating point
    const uint64_t bits = readTiffTag(bytes, kBitsPerSample).value_or(1);
    const uint64_t sampleFormat = readTiffTag(bytes, kSampleFormat).value_or(1);
    if (bits == 64 && sampleFormat == 3) {
        header.unusualSamples = "64-bit floating-point";
    } else if (bits == 32 && (sampleFormat == 1 || sampleFormat == 2)) {
        header.unusualSamples = "32-bit integer";
    }
    return header;
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
    if (hasWebpSignature(bytes)) {
        return ImageFormat::WebP;
    }
    if (matchesAt(bytes, 0, "BM")) {
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
