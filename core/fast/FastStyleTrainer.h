#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "core/fast/FastStyleFile.h"
#include "core/fast/FastTrainingOptions.h"
#include "core/fast/TransformNetwork.h"
#include "core/image/Image.h"
#include "core/model/ModelLoader.h"
#include "core/model/PrecisionChoice.h"
#include "core/settings/StyleSettings.h"
#include "core/style/LossBreakdown.h"
#include "core/style/StyleTargets.h"

namespace impasto {

// Trains a TransformNetwork for one painting against a loss network, with the content, style
// and smoothness losses of the optimisation mode (StyleTargets, the same settings and layer
// choices). One step() is one Adam step on a batch of random square crops of the photos; the
// crops are a function of the seed and the step alone, so a run resumed from a checkpoint
// continues with the crops it would have had, and a run on the CPU is the same for the same
// seed. Device and precision are each run's own choice: a resume on another device, or one
// whose automatic precision chooses otherwise, continues in that one (the CLI says which).
// It trains on options.device with a loss network of its own (a copy of the model's). Its
// precision follows settings.precision as in the optimisation mode: in bfloat16 the loss
// network and the transformation network's convolutions compute in bfloat16, while the trained
// weights and Adam's moments stay float32. style() and trainingState() hand back CPU copies.
class FastStyleTrainer {
public:
    // `photos` are decoded by the caller (core/fast reads no image files); each is scaled so
    // its short side lies between the crop size and twice that. Throws impasto::Error for
    // invalid settings, layers the model lacks, no photos or CUDA asked for without it.
    FastStyleTrainer(LoadedModel model, StyleSettings settings, const Image& painting,
                     std::string paintingName, std::vector<Image> photos,
                     FastTrainingOptions options);
    ~FastStyleTrainer();

    // One batch; returns its losses (before the update).
    LossBreakdown step();
    int stepsDone() const { return step_; }
    // The time step() has taken, over every run of this training (resumes included).
    double trainedSeconds() const { return trainedSeconds_; }
    const FastTrainingOptions& options() const { return options_; }
    // The network being trained, on the training device.
    const TransformNetwork& network() const { return *network_; }
    // "cpu" or "cuda"; the loss network's precision and why.
    std::string deviceName() const;
    const PrecisionChoice& precision() const { return precision_; }
    const FeatureNetwork& lossNetwork() const { return *model_.network; }

    // The style as trained so far, and the state a checkpoint keeps.
    FastStyle style() const;
    TrainingState trainingState() const;
    // Continues from a checkpoint's network and state (crop size, batch and seed as stored).
    void resume(const FastStyle& style, const TrainingState& state);

private:
    at::Tensor batch(int step) const;
    void adamUpdate();

    LoadedModel model_;  // with the trainer's own copy of the network
    at::Device device_;
    PrecisionChoice precision_;
    StyleSettings settings_;
    std::string paintingName_;
    Image thumbnail_;
    std::vector<at::Tensor> photos_;  // 1 x 3 x H x W each
    FastTrainingOptions options_;
    std::vector<std::string> lossLayers_;
    StyleTargets targets_;
    std::shared_ptr<TransformNetwork> network_;
    std::map<std::string, at::Tensor> firstMoments_;
    std::map<std::string, at::Tensor> secondMoments_;
    int step_ = 0;
    double trainedSeconds_ = 0.0;
};

// The settings with the model's recommended layers filled in where they name none.
StyleSettings withModelLayers(StyleSettings settings, const ModelInfo& info);

}  // namespace impasto
