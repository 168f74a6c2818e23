// impasto-fast-bench STYLE.safetensors PAINTING PHOTO MODEL OUTDIR [SIZE] [ITERATIONS]
// Times a fast style's application at 512, 1024 and 2048 px (with peak memory), then compares,
// on PHOTO at SIZE px, the losses of the fast style's output with those of ITERATIONS
// optimisation iterations under the same settings and style scale in pixels (the painting as
// large as during training), and writes the three pictures to OUTDIR. Last, the same
// optimisation started from the fast style's output: how many iterations (and seconds) it takes
// to reach the style loss the run from the photo ends with (both as the steps report it: the
// weighted style term), and that run's picture.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include <ATen/core/grad_mode.h>

#include "bench/PeakMemory.h"
#include "core/fast/FastStyleApply.h"
#include "core/fast/FastStyleFile.h"
#include "core/fast/FastStyleTrainer.h"
#include "core/image/ImageExport.h"
#include "core/image/ImageLoader.h"
#include "core/model/FeatureNetwork.h"
#include "core/style/ImageTensor.h"
#include "core/style/StyleSession.h"
#include "core/style/StyleTargets.h"

using namespace impasto;

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The losses of `image` against the photo and painting, as the optimisation run computes them.
LossBreakdown lossesOf(const LoadedModel& model, const StyleSettings& settings, const Image& photo,
                       const Image& painting, const Image& image) {
    const c10::NoGradGuard noGrad;
    const StyleSettings s = withModelLayers(settings, model.info);
    const auto content = layerNames(activeLayers(s.contentLayers));
    const auto style = layerNames(activeLayers(s.styleLayers));
    StyleTargets targets;
    targets.setContent(model.network->extract(imageToTensor(photo), content, s.pooling));
    targets.setStyles({model.network->extract(
        imageToTensor(resampledToLongestSide(painting, styleImageSide(s))), style, s.pooling)});
    targets.blend({}, s.styleLoss);
    auto layers = content;
    layers.insert(layers.end(), style.begin(), style.end());
    const at::Tensor pixels = imageToTensor(image);
    return targets.losses(pixels, model.network->extract(pixels, layers, s.pooling), s).second;
}

}  // namespace

int main(int argc, char* argv[]) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: %s STYLE PAINTING PHOTO MODEL OUTDIR [SIZE] [ITERATIONS]\n",
                     argv[0]);
        return 2;
    }
    const FastStyle style = readFastStyle(argv[1]);
    const Image painting = loadImage(argv[2]).image;
    const Image original = loadImage(argv[3]).image;
    const std::filesystem::path folder = argv[5];
    const int size = argc > 6 ? std::stoi(argv[6]) : 512;
    const int iterations = argc > 7 ? std::stoi(argv[7]) : 100;
    std::filesystem::create_directories(folder);

    std::printf("width %g, %lld parameters, trained %d steps at %d px\n", style.network->width(),
                static_cast<long long>(style.network->parameterCount()), style.steps,
                style.settings.outputSize);
    bench::PeakMemory memory;
    applyFastStyle(*style.network, resampledToLongestSide(original, 256));  // warm-up
    for (const int side : {512, 1024, 2048}) {
        const Image photo = resampledToLongestSide(original, side);
        memory.reset();
        const auto start = std::chrono::steady_clock::now();
        applyFastStyle(*style.network, photo);
        std::printf("apply at %d x %d: %.2f s, peak resident %.0f MiB\n", photo.width(),
                    photo.height(), secondsSince(start), memory.hostBytes() / 1048576.0);
    }

    const LoadedModel model = loadModel(argv[4]);
    StyleSettings settings = style.settings;
    // The painting at the size it had in training, whatever the output size.
    settings.styleScale = double(styleImageSide(style.settings)) / size;
    settings.outputSize = size;
    settings.coarseToFine = false;
    const Image photo = resampledToLongestSide(original, size);
    const Image fast = applyFastStyle(*style.network, photo);

    StyleSession session(model, DevicePreference::Cpu);
    session.setContent(photo);
    session.setStyles({painting});
    session.applySettings(settings);
    const auto start = std::chrono::steady_clock::now();
    double lastStyleLoss = 0.0;
    for (int i = 0; i < iterations; ++i) {
        lastStyleLoss = session.step().losses.style;
    }
    session.settle();
    const double optimisationSeconds = secondsSince(start);
    const Image optimised = session.currentImage();

    const LossBreakdown before = lossesOf(model, settings, photo, painting, photo);
    const LossBreakdown afterFast = lossesOf(model, settings, photo, painting, fast);
    const LossBreakdown afterOptimisation = lossesOf(model, settings, photo, painting, optimised);
    std::printf("at %d px: style loss photo %.4g, fast %.4g, %d iterations %.4g (%.0f s)\n", size,
                before.style, afterFast.style, iterations, afterOptimisation.style,
                optimisationSeconds);
    std::printf("content loss: fast %.4g, %d iterations %.4g\n", afterFast.content, iterations,
                afterOptimisation.content);
    std::printf(
        "fast style's share of the optimisation's style-loss reduction: %.0f%%\n",
        100.0 * (before.style - afterFast.style) / (before.style - afterOptimisation.style));
    // The race: the steps' own losses (each at the image its step started from) on both runs.
    StyleSettings fromFast = settings;
    fromFast.init = InitKind::Image;
    StyleSession raced(model, DevicePreference::Cpu);
    raced.setContent(photo);
    raced.setStyles({painting});
    raced.setInitImage(fast);
    raced.applySettings(fromFast);
    const auto raceStart = std::chrono::steady_clock::now();
    int reachedAt = 0;
    for (int i = 1; i <= iterations && reachedAt == 0; ++i) {
        if (raced.step().losses.style <= lastStyleLoss) {
            reachedAt = i;
        }
    }
    if (reachedAt > 0) {
        std::printf(
            "from the fast style: style loss %.4g (the photo's run after %d iterations) "
            "after %d iterations, %.1f s\n",
            lastStyleLoss, iterations, reachedAt, secondsSince(raceStart));
    } else {
        std::printf("from the fast style: style loss %.4g not reached within %d iterations\n",
                    lastStyleLoss, iterations);
    }
    raced.settle();
    exportImage(folder / "from-fast.png", raced.currentImage());
    exportImage(folder / "photo.png", photo);
    exportImage(folder / "fast.png", fast);
    exportImage(folder / "optimised.png", optimised);
    return 0;
}
