#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/image/Image.h"
#include "core/model/ComputeDevice.h"
#include "core/model/ModelLoader.h"
#include "core/settings/StyleSettings.h"
#include "core/style/StyleSession.h"

namespace impasto::bench {

// One way of running the engine: the plain single-scale L-BFGS baseline or the fast paths.
struct Variant {
    std::string name;
    bool channelsLast = false;
    Precision precision = Precision::Float32;
    bool coarseToFine = false;
    // L-BFGS as the engine had it before the speed work (StyleSession::setClassicLbfgs).
    bool classicLbfgs = false;
    GramMethod gram = GramMethod::Symmetric;
    // settings.threads (0: follow the load). Unset, a session keeps the count of the thread
    // that made it (all cores, or OMP_NUM_THREADS), so that alternating runs compare like with
    // like.
    std::optional<int> threads;
};

// Contiguous float32 activations, every iteration at the full size, classic L-BFGS, LibTorch's
// own Gram product: the engine before the speed work.
Variant baselineVariant();
// The engine's defaults: channels-last, automatic precision, coarse-to-fine, the default L-BFGS
// and Gram product.
Variant fastVariant();
// The fast paths with float32 or with bfloat16 convolutions, whatever the automatic choice.
Variant float32Variant();
Variant bfloat16Variant();

// The photo and the painting every measurement uses, decoded once (never timed).
struct BenchImages {
    Image content;  // tubingen.jpg
    Image style;    // starry_night.jpg
};
BenchImages loadBenchImages(const std::filesystem::path& sharedDir);

// Loads a weight file and sets its network's memory layout the variant's way.
LoadedModel loadModelFor(const Variant& variant, const std::filesystem::path& weights);

// A session on `model` with the bench images at `size` px, the settings' other values as given
// and the variant's precision, coarse-to-fine, start and thread choices.
std::unique_ptr<StyleSession> makeSession(const Variant& variant, LoadedModel model,
                                          const BenchImages& images, StyleSettings settings,
                                          int size, DevicePreference device);

}  // namespace impasto::bench
