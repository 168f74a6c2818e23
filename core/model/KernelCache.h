#pragma once

namespace impasto {

// oneDNN keeps the kernels it generates (JIT code, one per convolution shape and direction) in a
// process-wide cache of 1024 by default. A session whose sizes or layers keep changing keeps
// adding kernels, so resident memory grows until the cache is full (impasto-soak shows it). This
// caps it at kKernelCacheCapacity, which holds every kernel one configuration uses, so a step
// is as fast as with the default. An ONEDNN_PRIMITIVE_CACHE_CAPACITY
// in the environment is the user's choice and stays. Call before the first convolution.
inline constexpr int kKernelCacheCapacity = 128;
void boundKernelCache();

// The capacity oneDNN reports, or -1 where this LibTorch does not expose oneDNN's API.
int kernelCacheCapacity();

}  // namespace impasto
