#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "app/cli/Commands.h"
#include "app/cli/OutputChecks.h"
#include "app/cli/StylizeRun.h"
#include "core/common/Error.h"
#include "core/fast/FastStyleFile.h"
#include "core/fast/FastStyleTrainer.h"
#include "core/image/ImageLoader.h"
#include "core/registry/ModelChoice.h"

namespace impasto::cli {

namespace {

namespace fs = std::filesystem;

// Photos are decoded at most this many times the crop size: crops then show a good part of the
// picture, and a folder of large photos fits in memory.
constexpr int kPhotoSideInCrops = 3;

// Before hours of training: the style file and its checkpoint must be writable and neither may
// be an input. A style file without a checkpoint is a finished training that nothing resumes,
// so it is refused rather than overwritten by a fresh one.
void checkTrainingOutputs(const CliOptions& options, const fs::path& output,
                          const fs::path& checkpoint) {
    checkOutput(options, output, "--train-style");
    checkOutput(options, checkpoint, "--train-style's checkpoint");
    std::error_code error;
    if (fs::exists(output, error) && !fs::exists(checkpoint, error)) {
        throw Error("--train-style " + output.string() +
                    " already holds a trained style and there is no checkpoint to resume: "
                    "delete it or choose another name");
    }
}

// The folder's photos; one that cannot be decoded is named and skipped.
std::vector<Image> loadPhotos(const std::string& folder, int maxSide) {
    std::vector<Image> photos;
    ImageLoadOptions load;
    load.maxSide = maxSide;
    for (const fs::path& file : batchPhotos({folder})) {
        try {
            photos.push_back(loadImage(file, load).image);
        } catch (const Error& error) {
            std::fprintf(stderr, "Skipped %s: %s\n", file.c_str(), error.what());
        }
    }
    if (photos.empty()) {
        throw Error("None of the photos in " + folder + " could be read");
    }
    return photos;
}

}  // namespace

int runTrainStyle(const CliOptions& options) {
    const FastStyleOptions& fast = options.fast;
    const fs::path output = fast.styleFile;
    const fs::path checkpoint = output.string() + ".checkpoint";
    checkTrainingOutputs(options, output, checkpoint);
    const ModelChoice choice = chooseModelOrFile(options.model);
    const fs::path painting = options.styleFiles.front();
    std::vector<Image> photos = loadPhotos(fast.photosFolder, fast.trainSize * kPhotoSideInCrops);
    std::fprintf(stderr,
                 "Training a fast style for %s on %zu photos with %s (width %g, %d px "
                 "crops, batch %d)\n",
                 painting.c_str(), photos.size(), choice.displayName.c_str(), fast.width,
                 fast.trainSize, fast.batchSize);
    FastTrainingOptions training;
    training.trainSize = fast.trainSize;
    training.batchSize = fast.batchSize;
    training.width = fast.width;
    training.seed = options.settings.seed;
    if (options.settings.learningRate > 0.0) {
        training.learningRate = options.settings.learningRate;
    }
    FastStyleTrainer trainer(loadModel(choice), options.settings, loadImage(painting).image,
                             painting.stem().string(), std::move(photos), training);
    if (fs::exists(checkpoint)) {
        TrainingState state;
        const FastStyle style = readFastStyle(checkpoint, &state);
        trainer.resume(style, state);
        std::fprintf(stderr, "Resuming from %s at step %d\n", checkpoint.c_str(),
                     trainer.stepsDone());
    }
    auto writeCheckpoint = [&] {
        const TrainingState state = trainer.trainingState();
        writeFastStyle(checkpoint, trainer.style(), &state);
    };
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
            writeCheckpoint();
            std::fprintf(stderr,
                         "Stopped at step %d: checkpoint written to %s; run the same command "
                         "again to resume\n",
                         step, checkpoint.c_str());
            return stopSignalExitCode();
        }
        if (step % fast.checkpointEvery == 0 && step < fast.steps) {
            writeCheckpoint();
        }
    }
    writeFastStyle(output, trainer.style());
    std::error_code ignored;
    fs::remove(checkpoint, ignored);
    std::fprintf(stderr, "Fast style written to %s\n", output.c_str());
    return 0;
}

}  // namespace impasto::cli
