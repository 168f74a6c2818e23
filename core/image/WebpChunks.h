#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace impasto {

// "RIFF", its size, then "WEBP".
bool hasWebpSignature(std::span<const uint8_t> bytes);

// One RIFF chunk of a WebP file; fourCC and data view the file bytes.
struct WebpChunk {
    std::string_view fourCC;  // e.g. "VP8 ", "VP8L", "VP8X", "EXIF"
    std::span<const uint8_t> data;
};

// The chunks after the 12-byte RIFF header, in file order, up to the first one that does not fit
// in `bytes`. The first is the image (VP8, VP8L) or the extended-format header (VP8X).
std::vector<WebpChunk> readWebpChunks(std::span<const uint8_t> bytes);

}  // namespace impasto
