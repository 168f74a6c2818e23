#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>

#include <ATen/ATen.h>

#include "core/fast/TransformNetwork.h"
#include "core/image/Image.h"
#include "core/settings/StyleSettings.h"

namespace impasto {

// A trained fast style: the transformation network and what it was trained with.
struct FastStyle {
    std::shared_ptr<TransformNetwork> network;
    std::string lossNetwork;  // the loss network's architecture, e.g. "squeezenet1_1"
    StyleSettings settings;   // the losses' settings; outputSize is the training crop's side
    std::string paintingName;
    int steps = 0;
    Image thumbnail;  // the painting, its longest side at most kThumbnailSide px
};

// Where a run was when its checkpoint was written: Adam's moments per parameter (names as the
// network's) and the step count, which with the seed fixes every later crop.
struct TrainingState {
    int step = 0;
    uint64_t seed = 0;
    int trainSize = 0;
    int batchSize = 0;
    double learningRate = 0.0;
    // Training time so far, pauses left out, so that a timed training resumed trains only the
    // time left (0 in checkpoints written before it was kept).
    double trainedSeconds = 0.0;
    std::map<std::string, at::Tensor> firstMoments;
    std::map<std::string, at::Tensor> secondMoments;
};

inline constexpr int kFastStyleFormatVersion = 1;
inline constexpr int kThumbnailSide = 96;

// One .safetensors file: the float32 parameters under their names, the thumbnail as the
// tensor "thumbnail" (H x W x 3 in [0, 1]) and the rest in "__metadata__" ("format":
// "impasto-fast-style", "format_version", "width", "loss_network", "settings" (SettingsJson),
// "painting", "steps"). A checkpoint adds "adam.m.<name>", "adam.v.<name>" and "training"
// (JSON). Parameters are written exactly, so a style reads back bit for bit. Throws
// impasto::Error.
void writeFastStyle(const std::filesystem::path& file, const FastStyle& style,
                    const TrainingState* training = nullptr);
// Reads and validates a style file (a checkpoint too); `training`, when given, receives the
// training state, which a checkpoint must hold. Throws impasto::Error naming the file and what
// is wrong: not safetensors, truncated, a model's weights or another program's file, an
// unsupported version, a missing or misshapen tensor, settings it cannot read.
FastStyle readFastStyle(const std::filesystem::path& file, TrainingState* training = nullptr);
// The same for bytes in memory (the fuzzer's entry point); `name` stands for the file.
FastStyle readFastStyle(std::span<const uint8_t> bytes, const std::string& name,
                        TrainingState* training = nullptr);

}  // namespace impasto
