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
#include "core/settings/StyleSettings.h"
#include "core/style/LossBreakdown.h"
#include "core/style/StyleTargets.h"

namespace impasto {

// Trains a TransformNetwork for one painting against a loss network, with the content, style
// and smoothness losses of the optimisation mode (StyleTargets, the same settings and layer
// choices). One step() is one Adam step on a batch of random square crops of the photos; the
// crops are a function of the seed and the step alone, so a run resumed from a checkpoint
// continues exactly, and a run on the CPU is the same for the same seed.
class FastStyleTrainer {
public:
    // `photos` are decoded by the caller (core/fast reads no image files); each is scaled so
    // its short side lies between the crop size and twice that. Throws impasto::Error for
    // invalid settings, layers the model lacks or no photos.
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
    const TransformNetwork& network() const { return *network_; }

    // The style as trained so far, and the state a checkpoint keeps.
    FastStyle style() const;
    TrainingState trainingState() const;
    // Continues from a checkpoint's network and state (crop size, batch and seed as stored).
    void resume(const FastStyle& style, const TrainingState& state);

private:
    at::Tensor batch(int step) const;
    void adamUpdate();

    LoadedModel model_;
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
