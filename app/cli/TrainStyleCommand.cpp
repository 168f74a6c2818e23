#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "app/cli/Commands.h"
#include "app/cli/OutputChecks.h"
#include "app/cli/StylizeRun.h"
#include "core/common/Error.h"
#include "core/fast/FastStyleTrainer.h"
#include "core/fast/TrainingCheckpoint.h"
#include "core/image/ImageLoader.h"
#include "core/image/PhotoFolder.h"
#include "core/registry/ModelChoice.h"
#include "core/settings/SettingNames.h"

namespace impasto::cli {

namespace {

namespace fs = std::filesystem;

// Before hours of training: the style file and its checkpoint must be writable and neither may
// be an input, nor may a finished style be overwritten.
void checkTrainingOutputs(const CliOptions& options, const TrainingCheckpoint& checkpoint) {
    checkOutput(options, checkpoint.styleFile(), "--train-style");
    checkOutput(options, checkpoint.file(), "--train-style's checkpoint");
    try {
        checkpoint.refuseFinishedStyle();
    } catch (const Error& error) {
        throw Error(std::string("--train-style ") + error.what());
    }
}

}  // namespace

int runTrainStyle(const CliOptions& options) {
    const FastStyleOptions& fast = options.fast;
    const TrainingCheckpoint checkpoint(fast.styleFile);
    checkTrainingOutputs(options, checkpoint);
    const ModelChoice choice = chooseModelOrFile(options.model);
    const fs::path painting = options.styleFiles.front();
    DecodedPhotos decoded =
        decodePhotos(batchPhotos({fast.photosFolder}), fast.trainSize * kTrainingPhotoSideInCrops);
    for (const std::string& skipped : decoded.skipped) {
        std::fprintf(stderr, "Skipped %s\n", skipped.c_str());
    }
    std::vector<Image> photos = std::move(decoded.images);
    std::fprintf(stderr,
                 "Training a fast style for %s on %zu photos with %s (width %g, %d px "
                 "crops, batch %d)\n",
                 painting.c_str(), photos.size(), choice.displayName.c_str(), fast.width,
                 fast.trainSize, fast.batchSize);
    FastTrainingOptions training =
        trainingOptions(fast.trainSize, fast.batchSize, fast.width, options.settings);
    training.device = options.device;
    FastStyleTrainer trainer(loadModel(choice), options.settings, loadImage(painting).image,
                             painting.stem().string(), std::move(photos), training);
    std::fprintf(stderr, "Training on %s in %s (%s)\n", trainer.deviceName().c_str(),
                 toString(trainer.precision().precision).c_str(),
                 trainer.precision().reason.c_str());
    if (checkpoint.resume(trainer)) {
        std::fprintf(stderr, "Resuming from %s at step %d\n", checkpoint.file().c_str(),
                     trainer.stepsDone());
    }
    const auto guard = watchStopSignals();
    const int firstStep = trainer.stepsDone();
    const auto start = std::chrono::steady_clock::now();
    while (trainer.stepsDone() < fast.steps) {
        const LossBreakdown losses = trainer.step();
        const int step = trainer.stepsDone();
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const double perStep = elapsed / (step - firstStep);
        if (step == firstStep + 1 || step % 10 == 0 || step == fast.steps) {
            std::fprintf(stderr,
                         "step %d of %d: loss %.4g (content %.4g, style %.4g, smoothness %.4g), "
                         "%.2f s/step, ETA %s\n",
                         step, fast.steps, losses.total, losses.content, losses.style,
                         losses.totalVariation, perStep,
                         timeText(perStep * (fast.steps - step)).c_str());
        }
        if (stopRequested()) {
            checkpoint.write(trainer);
            std::fprintf(stderr,
                         "Stopped at step %d: checkpoint written to %s; run the same command "
                         "again to resume\n",
                         step, checkpoint.file().c_str());
            return stopSignalExitCode();
        }
        if (step % fast.checkpointEvery == 0 && step < fast.steps) {
            checkpoint.write(trainer);
        }
    }
    checkpoint.finish(trainer);
    std::fprintf(stderr, "Fast style written to %s\n", checkpoint.styleFile().c_str());
    return 0;
}

}  // namespace impasto::cli
