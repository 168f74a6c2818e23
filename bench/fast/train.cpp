// impasto-fast-train-bench PAINTING PHOTOS_DIR MODEL [STEPS] [LOSS_STEPS] [THREADS]
// Times a fast-style training step (width 0.5) in float32 and in bfloat16 (FastStyleTrainer)
// at 256 px batch 2 and 4 and 192 px batch 2: the variants alternate step by step after two
// warm-up steps each, STEPS timed steps each (the fastest and the median reported: a
// neighbour's load only ever adds time). THREADS (default: every core) 1 measures one core
// undisturbed by threads waiting for each other on a busy machine. Then trains LOSS_STEPS
// steps at 128 px from the same seed in each precision and prints the mean loss of the first
// and last ten: bfloat16 must lower the loss as float32 does. Also times the trainer's copy of
// the loss network, and the transformation network's forward and backward pass alone in
// float32 against autocast's bfloat16 (the weights staying float32).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>

#include "core/fast/FastStyleTrainer.h"
#include "core/image/ImageLoader.h"
#include "core/image/PhotoFolder.h"
#include "core/model/ComputeDevice.h"
#include "core/model/FeatureNetwork.h"
#include "core/registry/ModelChoice.h"
#include "core/settings/SettingNames.h"

using namespace impasto;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

struct Inputs {
    LoadedModel model;
    Image painting;
    std::vector<Image> photos;
};

std::unique_ptr<FastStyleTrainer> trainer(const Inputs& inputs, Precision precision, int trainSize,
                                          int batch) {
    StyleSettings settings;
    settings.precision = precision;
    FastTrainingOptions options;
    options.trainSize = trainSize;
    options.batchSize = batch;
    return std::make_unique<FastStyleTrainer>(inputs.model, settings, inputs.painting, "painting",
                                              inputs.photos, options);
}

double transformPass(const TransformNetwork& network, const at::Tensor& input, bool bfloat16) {
    at::autocast::set_cpu_enabled(bfloat16);
    const auto start = Clock::now();
    network.forward(input).to(at::kFloat).square().mean().backward();
    const double seconds = secondsSince(start);
    at::autocast::set_cpu_enabled(false);
    at::autocast::clear_cache();
    return seconds;
}

double meanLoss(const std::vector<double>& losses, size_t first, size_t count) {
    double sum = 0.0;
    for (size_t i = first; i < first + count; ++i) {
        sum += losses[i];
    }
    return sum / count;
}

}  // namespace

int measure(int argc, char* argv[]) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s PAINTING PHOTOS_DIR MODEL [STEPS] [LOSS_STEPS] [THREADS]\n",
                     argv[0]);
        return 2;
    }
    useAllCores();
    if (argc > 6) {
        at::set_num_threads(std::stoi(argv[6]));
    }
    Inputs inputs{loadModel(chooseModelOrFile(argv[3])), loadImage(argv[1]).image, {}};
    inputs.photos = decodePhotos(imageFilesIn(argv[2]), 256 * kTrainingPhotoSideInCrops).images;
    const int steps = argc > 4 ? std::stoi(argv[4]) : 5;
    const int lossSteps = argc > 5 ? std::stoi(argv[5]) : 60;

    const auto copyStart = Clock::now();
    FeatureNetwork copy(*inputs.model.network);
    copy.setReducedPrecision(true);
    std::printf("loss network copy in bfloat16: %.2f ms\n", secondsSince(copyStart) * 1000);

    try {
        const TransformNetwork network(0.5, 1);
        const at::Tensor input = at::rand({2, 3, 256, 256});
        std::vector<double> float32, bfloat16;
        for (int pass = 0; pass < steps + 2; ++pass) {
            float32.push_back(transformPass(network, input, false));
            bfloat16.push_back(transformPass(network, input, true));
        }
        std::printf(
            "transformation network alone, 256 px, batch 2, forward and backward: "
            "float32 %.3f s, autocast bfloat16 %.3f s (fastest)\n",
            *std::min_element(float32.begin() + 2, float32.end()),
            *std::min_element(bfloat16.begin() + 2, bfloat16.end()));
    } catch (const std::exception& error) {
        std::printf("autocast bfloat16 failed: %s\n", error.what());
    }

    const std::vector<Precision> precisions = {Precision::Float32, Precision::Bfloat16};
    for (const auto& [side, batch] :
         std::vector<std::pair<int, int>>{{256, 2}, {192, 2}, {256, 4}}) {
        std::vector<std::unique_ptr<FastStyleTrainer>> trainers;
        for (const Precision precision : precisions) {
            trainers.push_back(trainer(inputs, precision, side, batch));
            trainers.back()->step();
            trainers.back()->step();
        }
        std::vector<std::vector<double>> times(precisions.size());
        for (int step = 0; step < steps; ++step) {
            for (size_t i = 0; i < trainers.size(); ++i) {
                const auto start = Clock::now();
                trainers[i]->step();
                times[i].push_back(secondsSince(start));
            }
        }
        for (size_t i = 0; i < trainers.size(); ++i) {
            std::printf("%d px, batch %d, %s: %.3f s/step fastest, %.3f median of %d\n", side,
                        batch, toString(precisions[i]).c_str(),
                        *std::min_element(times[i].begin(), times[i].end()), median(times[i]),
                        steps);
        }
    }

    for (const Precision precision : precisions) {
        const auto run = trainer(inputs, precision, 128, 2);
        std::vector<double> losses;
        for (int step = 0; step < lossSteps; ++step) {
            losses.push_back(run->step().total);
        }
        std::printf("%s, %d steps at 128 px: mean loss of steps 1-10 %.4g, of the last 10 %.4g\n",
                    toString(precision).c_str(), lossSteps, meanLoss(losses, 0, 10),
                    meanLoss(losses, losses.size() - 10, 10));
    }
    return 0;
}

int main(int argc, char* argv[]) {
    try {
        return measure(argc, argv);
    } catch (const std::exception& error) {
        // Unreadable files and arguments that are not numbers (std::stoi) end here.
        std::fprintf(stderr, "impasto-fast-train-bench: %s\n", error.what());
        return 1;
    }
}
