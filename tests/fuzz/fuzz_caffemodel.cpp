// libFuzzer target: the .caffemodel reader (both encodings) on arbitrary bytes. Refusing with
// impasto::Error is fine; anything else is a finding.
#include <cstddef>
#include <cstdint>

#include "core/common/Error.h"
#include "core/weights/CaffeModelReader.h"
#include "tests/fuzz/FuzzCheck.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        const impasto::TensorSet set = impasto::readCaffeModel({data, size}, "fuzz.caffemodel");
        for (const auto& [name, tensor] : set.tensors) {
            impasto::fuzz::require(
                static_cast<int64_t>(tensor.values.size()) == tensor.elementCount(),
                "every blob holds as many values as its shape says");
        }
    } catch (const impasto::Error&) {
    }
    return 0;
}
