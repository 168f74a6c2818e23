#include "core/model/ComputeDevice.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>

#include <dlfcn.h>
#include <malloc.h>
#include <sched.h>

#include <cstdlib>
#include <mutex>
#include <thread>

#include "core/common/Error.h"
#include "core/model/KernelCache.h"
#include "core/model/TensorMemoryLimit.h"

namespace impasto {

DevicePreference parseDevicePreference(const std::string& text) {
    if (text == "auto")
        return DevicePreference::Auto;
    if (text == "cpu")
        return DevicePreference::Cpu;
    if (text == "cuda")
        return DevicePreference::Cuda;
    throw Error("Unknown device \"" + text + "\" (expected auto, cpu or cuda)");
}

bool cudaAvailable() {
    return at::hasCUDA();
}

std::string resolveDevice(DevicePreference preference) {
    if (preference == DevicePreference::Cpu) {
        return "cpu";
    }
    if (cudaAvailable()) {
        return "cuda";
    }
    if (preference == DevicePreference::Cuda) {
        throw Error(
            "CUDA was requested but is not available: this LibTorch has no CUDA support or no "
            "GPU is visible (use --device cpu, or build against a CUDA LibTorch)");
    }
    return "cpu";
}

int availableCores() {
    cpu_set_t mask;
    if (::sched_getaffinity(0, sizeof mask, &mask) == 0) {
        return CPU_COUNT(&mask);
    }
    return static_cast<int>(std::thread::hardware_concurrency());
}

namespace {

// Looked up at run time: which BLAS libblas.so.3 is depends on the machine's alternatives. Only
// OpenBLAS's pthreads build keeps threads of its own (its OpenMP build shares LibTorch's pool,
// and setting its count would set LibTorch's too).
void keepOpenBlasToOneThread() {
    using GetParallel = int (*)();
    using SetThreads = void (*)(int);
    const auto parallelism =
        reinterpret_cast<GetParallel>(::dlsym(RTLD_DEFAULT, "openblas_get_parallel"));
    const auto setThreads =
        reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    constexpr int kOpenBlasPthreads = 1;
    if (parallelism != nullptr && setThreads != nullptr && parallelism() == kOpenBlasPthreads) {
        setThreads(1);
    }
}

// Keeps freed tensor memory in the process for the next iteration, which allocates the same
// large buffers again: given back to the system, they would return as page faults in every
// iteration. Setting the thresholds also stops glibc adjusting them by itself.
void keepFreedMemoryForReuse() {
    constexpr int kLargestHeapAllocation = 32 << 20;  // glibc's largest allowed on 64 bits
    constexpr int kRetainedFreeBytes = 256 << 20;
    ::mallopt(M_MMAP_THRESHOLD, kLargestHeapAllocation);
    ::mallopt(M_TRIM_THRESHOLD, kRetainedFreeBytes);
}

}  // namespace

void useAllCores() {
    static std::once_flag librariesConfigured;
    std::call_once(librariesConfigured, [] {
        keepOpenBlasToOneThread();
        keepFreedMemoryForReuse();
        boundKernelCache();
        guardTensorMemory();
    });
    // Once per thread (the OpenMP setting is per thread); an explicit OMP_NUM_THREADS is the
    // user's choice.
    thread_local const bool configured = [] {
        const int cores = availableCores();
        if (std::getenv("OMP_NUM_THREADS") == nullptr && cores > at::get_num_threads()) {
            at::set_num_threads(cores);
        }
        return true;
    }();
    (void)configured;
}

int computeThreads() {
    return at::get_num_threads();
}

}  // namespace impasto
