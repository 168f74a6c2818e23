#pragma once

#include <cstdint>
#include <filesystem>

#include "core/weights/TensorSet.h"

namespace impasto {

// Real headers are kilobytes; a larger one is damage or an attempt to exhaust memory.
constexpr uint64_t kMaxSafetensorsHeaderBytes = 100'000'000;

// Reads a .safetensors file: an 8-byte little-endian header length, a JSON header naming each
// tensor's dtype, shape and byte range, then the data. F32 is taken as is; F16, BF16 and F64
// are converted to float32. The whole header is validated; only tensors `wanted` accepts (all,
// when it is empty) are decoded. Throws impasto::Error naming the file and the problem.
TensorSet readSafetensors(const std::filesystem::path& file, const TensorFilter& wanted = {});

}  // namespace impasto
