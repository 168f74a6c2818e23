// libFuzzer target: the PNG text chunk reader (chunk walking, CRCs, tEXt/iTXt parsing) and the
// masks embedded beside the recipe ("maSk" chunks, decoded with their bounds), in a PNG or
// carried by a JPEG's APP9 segments or a TIFF's tag.
#include <cstddef>
#include <cstdint>

#include "core/common/Error.h"
#include "core/image/EmbeddedMasks.h"
#include "core/image/PngTextReader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        impasto::readPngText({data, size}, "fuzz.png");
    } catch (const impasto::Error&) {
    }
    try {
        impasto::masksFromPngChunks(impasto::readPngChunks({data, size}), "fuzz.png");
    } catch (const impasto::Error&) {
    }
    try {
        impasto::embeddedMasks({data, size}, "fuzz");
    } catch (const impasto::Error&) {
    }
    return 0;
}
