#include "bench/Variant.h"

#include "core/image/ImageLoader.h"
#include "core/model/FeatureNetwork.h"

namespace impasto::bench {

Variant baselineVariant() {
    return {.name = "single-scale",
            .channelsLast = false,
            .precision = Precision::Float32,
            .coarseToFine = false,
            .classicLbfgs = true,
            .gram = GramMethod::Plain,
            .threads = std::nullopt};
}

Variant fastVariant() {
    return {.name = "fast",
            .channelsLast = true,
            .precision = Precision::Auto,
            .coarseToFine = true,
            .classicLbfgs = false,
            .gram = GramMethod::Symmetric,
            .threads = std::nullopt};
}

Variant float32Variant() {
    Variant variant = fastVariant();
    variant.name = "float32";
    variant.precision = Precision::Float32;
    return variant;
}

Variant bfloat16Variant() {
    Variant variant = fastVariant();
    variant.name = "bfloat16";
    variant.precision = Precision::Bfloat16;
    return variant;
}

BenchImages loadBenchImages(const std::filesystem::path& sharedDir) {
    // Decoded at the largest size measured; the session scales them down as needed.
    ImageLoadOptions options;
    options.maxSide = 1024;
    return {loadImage(sharedDir / "images" / "tubingen.jpg", options).image,
            loadImage(sharedDir / "images" / "starry_night.jpg", options).image};
}

LoadedModel loadModelFor(const Variant& variant, const std::filesystem::path& weights) {
    LoadedModel model = loadModel(weights);
    model.network->setChannelsLast(variant.channelsLast);
    return model;
}

std::unique_ptr<StyleSession> makeSession(const Variant& variant, LoadedModel model,
                                          const BenchImages& images, StyleSettings settings,
                                          int size, DevicePreference device) {
    auto session = std::make_unique<StyleSession>(std::move(model), device);
    session->setClassicLbfgs(variant.classicLbfgs);
    session->setGramMethod(variant.gram);
    session->setContent(images.content);
    session->setStyles({images.style});
    settings.outputSize = size;
    settings.coarseToFine = variant.coarseToFine;
    settings.precision = variant.precision;
    settings.threads = variant.threads.value_or(computeThreads());
    session->applySettings(settings);
    return session;
}

}  // namespace impasto::bench
