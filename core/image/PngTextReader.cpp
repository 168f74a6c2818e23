#include "core/image/PngTextReader.h"

#include <cstdint>
#include <vector>

#include "core/common/Error.h"
#include "core/image/FileBytes.h"
#include "core/image/PngChunks.h"
#include "core/image/PngText.h"

namespace impasto {

std::map<std::string, std::string> readPngText(const std::filesystem::path& file) {
    return readPngText(readFileBytes(file), file.string());
}

std::map<std::string, std::string> readPngText(std::span<const uint8_t> bytes,
                                               const std::string& name) {
    if (!hasPngSignature(bytes)) {
        throw Error(name + " is not a PNG file");
    }
    const PngChunkList chunks = readPngChunks(bytes);
    if (!chunks.complete) {
        throw Error(name + " is truncated or corrupt");
    }
    std::map<std::string, std::string> text;
    for (const PngChunk& chunk : chunks.chunks) {
        if (chunk.type != "tEXt" && chunk.type != "iTXt") {
            continue;
        }
        if (!chunk.crcMatches()) {
            throw Error(name + " is corrupt (a " + std::string(chunk.type) +
                        " chunk fails its checksum)");
        }
        if (auto entry = parseTextChunk(chunk)) {
            // The first entry wins when a keyword repeats, as in most PNG readers.
            text.insert(std::move(*entry));
        }
    }
    return text;
}

}  // namespace impasto
