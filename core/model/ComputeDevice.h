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

// Debian's LibTorch starts with one thread; use every core (about 2x faster on two cores).
void useAllCores();
// Threads LibTorch uses for CPU work.
int computeThreads();

}  // namespace impasto
