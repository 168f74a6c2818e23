#include "core/model/ComputeDevice.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>

#include <dlfcn.h>

#include <thread>

#include "core/common/Error.h"

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

void useAllCores() {
    const unsigned cores = std::thread::hardware_concurrency();
    if (cores > 0 && at::get_num_threads() < static_cast<int>(cores)) {
        at::set_num_threads(static_cast<int>(cores));
    }
    // Looked up at run time: which BLAS libblas.so.3 is depends on the machine's alternatives.
    static const auto setBlasThreads =
        reinterpret_cast<void (*)(int)>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (setBlasThreads != nullptr) {
        setBlasThreads(1);
    }
}

int computeThreads() {
    return at::get_num_threads();
}

}  // namespace impasto
