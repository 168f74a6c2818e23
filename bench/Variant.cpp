#include "bench/Variant.h"

#include "core/image/ImageLoader.h"
#include "core/model/FeatureNetwork.h"

namespace impasto::bench {

Variant baselineVariant() {
    return {"single-scale", false, false, false, true, GramMethod::Plain};
}

Variant fastVariant() {
    return {"fast", true, true, true, false, GramMethod::Symmetric};
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
    model.network->setReducedPrecision(variant.reducedPrecision);
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
    session->applySettings(settings);
    return session;
}

}  // namespace impasto::bench
