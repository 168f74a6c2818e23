// libFuzzer target: the safetensors reader on arbitrary bytes. Refusing with impasto::Error is
// fine; anything else (a crash, a sanitizer report, another exception) is a finding.
#include <cstddef>
#include <cstdint>

#include "core/common/Error.h"
#include "core/weights/SafetensorsReader.h"
#include "tests/fuzz/FuzzCheck.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        const impasto::TensorSet set = impasto::readSafetensors({data, size}, "fuzz.safetensors");
        for (const auto& [name, tensor] : set.tensors) {
            impasto::fuzz::require(
                static_cast<int64_t>(tensor.values.size()) == tensor.elementCount(),
                "every tensor holds as many values as its shape says");
        }
    } catch (const impasto::Error&) {
    }
    return 0;
}
