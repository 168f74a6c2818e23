// libFuzzer target: the PNG text chunk reader (chunk walking, CRCs, tEXt/iTXt parsing).
#include <cstddef>
#include <cstdint>

#include "core/common/Error.h"
#include "core/image/PngTextReader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        impasto::readPngText({data, size}, "fuzz.png");
    } catch (const impasto::Error&) {
    }
    return 0;
}
