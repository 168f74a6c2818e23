#pragma once

#include <cstdint>

#include "core/model/ComputeDevice.h"
#include "core/settings/StyleSettings.h"

namespace impasto {

// Training photos are decoded at most this many times the crop size: crops then show a good part
// of the picture, and a folder of large photos fits in memory.
inline constexpr int kTrainingPhotoSideInCrops = 3;

struct FastTrainingOptions {
    int trainSize = 256;  // side of the square crops
    int batchSize = 4;
    double width = 0.5;
    double learningRate = 1e-3;  // Adam's, as in Johnson et al.
    uint64_t seed = 0;
    // The CPU unless asked: its training is the same for the same seed.
    DevicePreference device = DevicePreference::Cpu;
};

// The options for crops of `trainSize` px, batches of `batchSize` and a network of `width`,
// with the seed of `settings` and its learning rate when it sets one.
FastTrainingOptions trainingOptions(int trainSize, int batchSize, double width,
                                    const StyleSettings& settings);

}  // namespace impasto
