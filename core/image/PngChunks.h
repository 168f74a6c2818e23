#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace impasto {

inline constexpr std::array<uint8_t, 8> kPngSignature = {0x89, 'P',  'N',  'G',
                                                         '\r', '\n', 0x1A, '\n'};

bool hasPngSignature(std::span<const uint8_t> bytes);

// One chunk of a PNG file; type and data view the file bytes.
struct PngChunk {
    std::string_view type;  // four ASCII letters, e.g. "IHDR"
    std::span<const uint8_t> data;
    uint32_t crc = 0;  // as stored
    size_t end = 0;    // offset just past the chunk in the file

    // Computed on demand: hashing the image data is wasted work for readers of metadata.
    bool crcMatches() const;
};

struct PngChunkList {
    std::vector<PngChunk> chunks;
    bool complete = false;  // IEND was reached and every chunk before it lies whole in the bytes
};

// Splits a PNG file (signature included) into chunks, up to IEND or up to the first chunk that
// does not fit in `bytes`.
PngChunkList readPngChunks(std::span<const uint8_t> bytes);

// Appends a chunk (length, type, data, CRC) to `out`; `type` must be four ASCII letters and
// `data` shorter than 2^31 bytes.
void appendPngChunk(std::vector<uint8_t>& out, std::string_view type,
                    std::span<const uint8_t> data);

}  // namespace impasto
