#include "core/fast/FastTraining.h"

#include "core/fast/FastStyleApply.h"
#include "core/fast/FastStyleTrainer.h"
#include "core/fast/TrainingCheckpoint.h"
#include "core/image/ImageLoader.h"
#include "core/registry/ModelChoice.h"

namespace impasto {

struct FastTraining::Parts {
    Parts(const std::string& model, const StyleSettings& settings,
          const std::filesystem::path& painting, std::vector<Image> photos,
          const FastTrainingOptions& options, const std::filesystem::path& styleFile)
        : checkpoint(styleFile),
          trainer(loadModel(chooseModelOrFile(model)), settings, loadImage(painting).image,
                  painting.stem().string(), std::move(photos), options) {}

    TrainingCheckpoint checkpoint;
    FastStyleTrainer trainer;
};

FastTraining::FastTraining(const std::string& model, const StyleSettings& settings,
                           const std::filesystem::path& painting, std::vector<Image> photos,
                           const FastTrainingOptions& options,
                           const std::filesystem::path& styleFile)
    : parts_(std::make_unique<Parts>(model, settings, painting, std::move(photos), options,
                                     styleFile)) {
    parts_->checkpoint.resume(parts_->trainer);
}

FastTraining::~FastTraining() = default;

int FastTraining::stepsDone() const {
    return parts_->trainer.stepsDone();
}

double FastTraining::trainedSeconds() const {
    return parts_->trainer.trainedSeconds();
}

LossBreakdown FastTraining::step() {
    return parts_->trainer.step();
}

Image FastTraining::apply(const Image& photo) const {
    // On the CPU, as every fast style is applied, whichever device trains.
    return applyFastStyle(*parts_->trainer.style().network, photo);
}

void FastTraining::writeCheckpoint() const {
    parts_->checkpoint.write(parts_->trainer);
}

void FastTraining::finish() const {
    parts_->checkpoint.finish(parts_->trainer);
}

}  // namespace impasto
