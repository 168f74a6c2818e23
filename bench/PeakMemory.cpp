#include "bench/PeakMemory.h"

#include <sys/resource.h>

#include <fstream>
#include <string>

#ifdef IMPASTO_BENCH_CUDA_MEMORY
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include "core/model/ComputeDevice.h"

namespace impasto::bench {

namespace {

// "VmHWM:    123456 kB" from /proc/self/status, in bytes; -1 when unreadable.
int64_t highWaterMark() {
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "VmHWM:") {
            int64_t kilobytes = 0;
            status >> kilobytes;
            return kilobytes * 1024;
        }
        status.ignore(1 << 16, '\n');
    }
    return -1;
}

}  // namespace

void PeakMemory::reset() {
    // "5" resets the peak resident set size to the current one (Linux 4.0 and later).
    std::ofstream("/proc/self/clear_refs") << "5";
#ifdef IMPASTO_BENCH_CUDA_MEMORY
    if (cudaAvailable()) {
        c10::cuda::CUDACachingAllocator::resetPeakStats(0);
    }
#endif
}

int64_t PeakMemory::hostBytes() const {
    const int64_t mark = highWaterMark();
    if (mark >= 0) {
        return mark;
    }
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<int64_t>(usage.ru_maxrss) * 1024;
}

int64_t PeakMemory::deviceBytes() const {
#ifdef IMPASTO_BENCH_CUDA_MEMORY
    if (cudaAvailable()) {
        constexpr size_t kAllPools = 0;  // StatType::AGGREGATE
        return c10::cuda::CUDACachingAllocator::getDeviceStats(0).allocated_bytes[kAllPools].peak;
    }
#endif
    return 0;
}

}  // namespace impasto::bench
