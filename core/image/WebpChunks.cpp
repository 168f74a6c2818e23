#include "core/image/WebpChunks.h"

#include "core/image/ByteMatch.h"
#include "core/image/ByteReader.h"

namespace impasto {

bool hasWebpSignature(std::span<const uint8_t> bytes) {
    return matchesAt(bytes, 0, "RIFF") && matchesAt(bytes, 8, "WEBP");
}

std::vector<WebpChunk> readWebpChunks(std::span<const uint8_t> bytes) {
    std::vector<WebpChunk> chunks;
    if (!hasWebpSignature(bytes)) {
        return chunks;
    }
    ByteReader reader(bytes, /*bigEndian=*/false);
    uint64_t offset = 12;
    while (reader.has(offset, 8)) {
        const uint32_t size = reader.u32(offset + 4);
        if (!reader.has(offset + 8, size)) {
            return chunks;
        }
        chunks.push_back({{reinterpret_cast<const char*>(bytes.data() + offset), 4},
                          bytes.subspan(offset + 8, size)});
        // Payloads of odd size are padded to an even length.
        offset += 8 + uint64_t{size} + (size & 1);
    }
    return chunks;
}

}  // namespace impasto
