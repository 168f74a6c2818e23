#include "core/model/AvailableMemory.h"

#include <dlfcn.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "core/model/TensorMemoryLimit.h"

namespace impasto {

namespace {

// The CUDA runtime's, looked up at run time: CPU-only LibTorch builds have no CUDA headers, and
// a CUDA build has loaded the runtime before a tensor reaches the GPU.
using MemGetInfo = int (*)(size_t* free, size_t* total);

uint64_t freeGpuMemory() {
    static const auto memGetInfo =
        reinterpret_cast<MemGetInfo>(::dlsym(RTLD_DEFAULT, "cudaMemGetInfo"));
    size_t free = 0;
    size_t total = 0;
    return memGetInfo != nullptr && memGetInfo(&free, &total) == 0 ? free : 0;
}

uint64_t hostMemAvailable() {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    uint64_t kilobytes = 0;
    std::string unit;
    while (meminfo >> key >> kilobytes >> unit) {
        if (key == "MemAvailable:") {
            return kilobytes * 1024;
        }
    }
    return 0;
}

}  // namespace

uint64_t availableMemory(const c10::Device& device) {
    if (device.is_cuda()) {
        return freeGpuMemory();
    }
    uint64_t available = hostMemAvailable();
    if (const uint64_t limit = tensorMemoryLimit(); limit > 0) {
        const uint64_t inUse = tensorMemoryInUse();
        const uint64_t left = limit > inUse ? limit - inUse : 0;
        available = available == 0 ? left : std::min(available, left);
    }
    return available;
}

}  // namespace impasto
