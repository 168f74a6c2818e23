#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/image/Image.h"
#include "core/model/ComputeDevice.h"
#include "core/style/LossBreakdown.h"

namespace impasto::bench {

// What every measurement of the engine check runs on: a photo, a painting, a weight file and a
// device. Sessions are single-scale (no coarse-to-fine), so that sizes are what they say.
struct EngineSetup {
    Image content;
    Image style;
    std::filesystem::path weights;
    DevicePreference device = DevicePreference::Cpu;
};

struct LossTrace {
    std::vector<double> totals;  // total loss after each requested iteration
    Image result;
};
// L-BFGS from the photo, float32 convolutions, total loss after each of `iterations`
// (ascending): the same inputs give the same numbers on every device, up to rounding.
LossTrace lossesAt(const EngineSetup& setup, int size, const std::vector<int>& iterations);

// Median milliseconds of an Adam iteration (one forward and backward pass) after two warm-up
// iterations; nullopt when bfloat16 convolutions were asked for and the device has none.
std::optional<double> millisecondsPerIteration(const EngineSetup& setup, int size, bool bfloat16,
                                               int iterations);

struct LbfgsRun {
    int iterations = 0;
    int evaluations = 0;
    double seconds = 0.0;
    LossBreakdown losses;
    Image result;
};
// An L-BFGS run of `iterations` with the engine's defaults (automatic precision), timed from
// the first step (model loading and the first targets included).
LbfgsRun runLbfgs(const EngineSetup& setup, int size, int iterations);

// Peak memory of two L-BFGS iterations at `size`: the device's (CUDA) or else the host's
// resident set.
int64_t peakMemoryBytes(const EngineSetup& setup, int size);

}  // namespace impasto::bench
