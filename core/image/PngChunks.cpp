#include "core/image/PngChunks.h"

#include <zlib.h>

#include <algorithm>

#include "core/image/ByteReader.h"

namespace impasto {

namespace {

// The PNG specification caps chunk lengths at 2^31 - 1 so that they fit a signed 32-bit int.
constexpr uint32_t kMaxChunkLength = 0x7FFFFFFF;

std::span<const uint8_t> asBytes(std::string_view text) {
    return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// zlib's CRC-32 of the chunk's type and data, as PNG stores it.
uint32_t chunkCrc(std::string_view type, std::span<const uint8_t> data) {
    uLong crc = ::crc32_z(0, asBytes(type).data(), type.size());
    if (!data.empty()) {  // zlib reads a null buffer as a request for the initial value
        crc = ::crc32_z(crc, data.data(), data.size());
    }
    return static_cast<uint32_t>(crc);
}

void appendU32(std::vector<uint8_t>& out, uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<uint8_t>(value >> shift));
    }
}

}  // namespace

bool hasPngSignature(std::span<const uint8_t> bytes) {
    return bytes.size() >= kPngSignature.size() &&
           std::equal(kPngSignature.begin(), kPngSignature.end(), bytes.begin());
}

bool PngChunk::crcMatches() const {
    return chunkCrc(type, data) == crc;
}

PngChunkList readPngChunks(std::span<const uint8_t> bytes) {
    PngChunkList list;
    if (!hasPngSignature(bytes)) {
        return list;
    }
    ByteReader reader(bytes, /*bigEndian=*/true);
    uint64_t offset = kPngSignature.size();
    while (reader.has(offset, 8)) {
        const uint32_t length = reader.u32(offset);
        if (length > kMaxChunkLength || !reader.has(offset + 8, uint64_t{length} + 4)) {
            return list;
        }
        PngChunk chunk;
        chunk.type = {reinterpret_cast<const char*>(bytes.data() + offset + 4), 4};
        chunk.data = bytes.subspan(offset + 8, length);
        chunk.crc = reader.u32(offset + 8 + length);
        chunk.end = offset + 12 + length;
        list.chunks.push_back(chunk);
        if (chunk.type == "IEND") {
            list.complete = true;
            return list;
        }
        offset = chunk.end;
    }
    return list;
}

void appendPngChunk(std::vector<uint8_t>& out, std::string_view type,
                    std::span<const uint8_t> data) {
    appendU32(out, static_cast<uint32_t>(data.size()));
    out.insert(out.end(), type.begin(), type.end());
    out.insert(out.end(), data.begin(), data.end());
    appendU32(out, chunkCrc(type, data));
}

}  // namespace impasto
