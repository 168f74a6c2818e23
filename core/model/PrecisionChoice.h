#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/settings/Precision.h"

namespace impasto {

class FeatureNetwork;

// The precision a session's convolutions run in, and why, for the status bar and the CLI.
struct PrecisionChoice {
    Precision precision = Precision::Float32;  // Float32 or Bfloat16, never Auto
    std::string reason;  // "auto: measured 3.1x as fast as float32 on this CPU"

    bool operator==(const PrecisionChoice&) const = default;
};

// What the automatic choice depends on: the processor and the libraries that compute.
struct MachineKey {
    // The CPU's model name and its bfloat16 features (virtual machines often report a generic
    // name such as "Intel Xeon Processor" whatever the generation).
    std::string cpu;
    // LibTorch's version, and oneDNN's where LibTorch links it as a library of its own.
    std::string libraries;

    bool operator==(const MachineKey&) const = default;
};
MachineKey thisMachine();

// The convolution micro-benchmark's result: the fastest of five alternating runs of a 3x3
// convolution and ReLU, forward and backward to the input, channels-last, on one thread.
struct ConvolutionTiming {
    double float32Ms = 0.0;
    double bfloat16Ms = 0.0;

    // How many times as fast bfloat16 ran.
    double speedup() const { return float32Ms / bfloat16Ms; }
};
// Runs the micro-benchmark on the CPU (well under a second where bfloat16 is emulated).
ConvolutionTiming measureConvolutions();

// Auto picks bfloat16 only when it measured at least this much faster: a draw is not worth
// the fewer digits.
inline constexpr double kMinimumBfloat16Speedup = 1.1;

// $XDG_CACHE_HOME/impasto/precision.json, else ~/.cache/impasto/precision.json.
std::filesystem::path precisionCacheFile();
// The timing cached for `machine`; nullopt when the file is missing, unreadable or for another
// processor or library version.
std::optional<ConvolutionTiming> readCachedTiming(const std::filesystem::path& file,
                                                  const MachineKey& machine);
// Replaces the cache (atomically); throws impasto::Error when it cannot be written.
void writeCachedTiming(const std::filesystem::path& file, const MachineKey& machine,
                       const ConvolutionTiming& timing);
// The cached timing for this machine, else a fresh measurement, which is then cached (a cache
// that cannot be written is not an error: the next run measures again).
ConvolutionTiming convolutionTimingForThisMachine(const std::filesystem::path& cacheFile);

// Auto's choice on the CPU, given how the convolutions measured there.
PrecisionChoice automaticCpuPrecision(const ConvolutionTiming& timing);
// The precision for `requested` on `device` ("cpu", "cuda:0"): on the CPU, Auto reads or takes
// the measurement (precisionCacheFile(), at most once per process); on CUDA, Auto is bfloat16
// (the caller falls back to float32 where the GPU refuses it).
PrecisionChoice choosePrecision(Precision requested, const std::string& device);
// Chooses the precision for `requested` on the network's device and sets the network to it:
// float32 where that device's convolutions refuse bfloat16.
PrecisionChoice usePrecision(FeatureNetwork& network, Precision requested);

}  // namespace impasto
