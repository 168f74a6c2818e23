// libFuzzer target: the fast style reader (safetensors plus the style's metadata, settings,
// thumbnail and network shapes, and a checkpoint's training state) on arbitrary bytes.
// Refusing with impasto::Error is fine; anything else is a finding.
#include <cstddef>
#include <cstdint>

#include "core/common/Error.h"
#include "core/fast/FastStyleFile.h"
#include "tests/fuzz/FuzzCheck.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        impasto::TrainingState training;
        const impasto::FastStyle style =
            impasto::readFastStyle({data, size}, "fuzz.safetensors", &training);
        impasto::fuzz::require(style.network != nullptr, "a style that reads has a network");
    } catch (const impasto::Error&) {
    }
    return 0;
}
