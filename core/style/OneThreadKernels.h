#pragma once

#include <ATen/Parallel.h>

#include <omp.h>

namespace impasto {

// For the duration of a scope inside a parallel region: oneDNN sizes its work for
// omp_get_max_threads(), which there still reads the outer count, so a product run by one thread
// was split for all of them (up to 4x slower).
class OneThreadKernels {
public:
    OneThreadKernels() {
        // LibTorch sets a thread's count on its first operation there: before, not after, ours.
        at::internal::lazy_init_num_threads();
        omp_set_num_threads(1);
    }
    ~OneThreadKernels() { omp_set_num_threads(previous_); }
    OneThreadKernels(const OneThreadKernels&) = delete;
    OneThreadKernels& operator=(const OneThreadKernels&) = delete;

private:
    int previous_ = (at::internal::lazy_init_num_threads(), omp_get_max_threads());
};

}  // namespace impasto
