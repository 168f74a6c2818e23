#pragma once

#include <string>

namespace impasto {

enum class DevicePreference { Auto, Cpu, Cuda };

// "auto", "cpu" or "cuda"; throws impasto::Error otherwise.
DevicePreference parseDevicePreference(const std::string& text);

// Whether this LibTorch was built with CUDA and sees a GPU.
bool cudaAvailable();

// "cuda" when asked for and available (or on auto with a GPU), else "cpu"; asking for CUDA
// without it throws impasto::Error explaining why.
std::string resolveDevice(DevicePreference preference);

// Debian's LibTorch starts with one thread: give its OpenMP pool every core, and keep OpenBLAS,
// when it is the system BLAS, to one thread of its own, since its threads on top of OpenMP's
// oversubscribe the cores.
// Once per process it also bounds oneDNN's kernel cache (KernelCache.h) and guards the tensors'
// memory (TensorMemoryLimit.h). The OpenMP setting is
// per thread: call this on the thread that computes.
void useAllCores();
// Threads LibTorch uses for CPU work (on the calling thread; see ThreadPolicy.h).
int computeThreads();
// The cores this process may run on (taskset and cgroup masks included).
int availableCores();

}  // namespace impasto
