#pragma once

#include <cstdint>

namespace impasto::bench {

// Peak memory over a stretch of work: host resident set size (the kernel's high-water mark,
// reset through /proc/self/clear_refs) and, with a CUDA LibTorch on a GPU, the device memory
// LibTorch's allocator handed out.
class PeakMemory {
public:
    // Starts a new stretch: resets both high-water marks.
    void reset();
    // Peak resident bytes since reset() (the process's lifetime peak where the kernel refuses
    // the reset).
    int64_t hostBytes() const;
    // Peak device bytes since reset(); 0 without CUDA.
    int64_t deviceBytes() const;
};

}  // namespace impasto::bench
