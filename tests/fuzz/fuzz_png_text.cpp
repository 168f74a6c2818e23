// libFuzzer target: the PNG text chunk reader (chunk walking, CRCs, tEXt/iTXt parsing) and the
// masks embedded beside the recipe ("maSk" chunks, decoded with their bounds).
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
    return 0;
}
