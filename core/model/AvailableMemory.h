#pragma once

#include <cstdint>

#include <c10/core/Device.h>

namespace impasto {

// Bytes a run on `device` may still allocate: a GPU's free memory (cudaMemGetInfo), else the
// host's MemAvailable (/proc/meminfo), within what --memory-limit leaves (TensorMemoryLimit.h).
// 0 when unknown.
uint64_t availableMemory(const c10::Device& device);

}  // namespace impasto
