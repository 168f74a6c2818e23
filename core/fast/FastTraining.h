#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/fast/FastTrainingOptions.h"
#include "core/image/Image.h"
#include "core/settings/StyleSettings.h"
#include "core/style/LossBreakdown.h"

namespace impasto {

// A fast style's training bound to its style file, with plain values in and out: the trainer,
// its loss network and its checkpoint behind one object, so that the app's training worker
// never sees LibTorch.
class FastTraining {
public:
    // Loads `model` (a registry name or a weight file) and `painting`, and resumes from the
    // style file's checkpoint when there is one. Throws impasto::Error.
    FastTraining(const std::string& model, const StyleSettings& settings,
                 const std::filesystem::path& painting, std::vector<Image> photos,
                 const FastTrainingOptions& options, const std::filesystem::path& styleFile);
    ~FastTraining();

    int stepsDone() const;
    // Training time so far, resumes included (FastStyleTrainer::trainedSeconds).
    double trainedSeconds() const;
    // One batch; its losses (before the update).
    LossBreakdown step();
    // `photo` stylised by the network as trained so far.
    Image apply(const Image& photo) const;
    void writeCheckpoint() const;
    // Writes the style file and removes the checkpoint.
    void finish() const;

private:
    struct Parts;
    std::unique_ptr<Parts> parts_;
};

}  // namespace impasto
