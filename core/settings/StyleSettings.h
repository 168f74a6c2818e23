#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/settings/PoolingMode.h"
#include "core/settings/Precision.h"
#include "core/settings/StyleLoss.h"

namespace impasto {

struct LayerWeight {
    std::string layer;
    double weight = 1.0;

    bool operator==(const LayerWeight&) const = default;
};

enum class OptimizerKind { Lbfgs, Adam };
enum class InitKind { Content, Noise, Image };

// Everything that steers a run, as a plain value: the UI edits a copy and hands it to the
// session, which works out what changed. Loss terms are normalised (each layer's error relative
// to its target's magnitude, total variation per pixel in [0, 1] units) so the same weights
// suit every network, layer choice and size.
struct StyleSettings {
    double contentWeight = 1.0;
    double styleWeight = 100.0;
    double tvWeight = 0.001;  // on kSmoothnessScale's scale: the term it always was, no smoothing
    // Empty lists mean the model's recommended layers.
    std::vector<LayerWeight> contentLayers;
    std::vector<LayerWeight> styleLayers;
    // One weight per style image (normalised to sum 1); empty means equal weights.
    std::vector<double> styleBlend;
    // Style images are scaled to outputSize * styleScale. Smaller values carry the painting's
    // large motifs, larger ones its fine brushwork (finer marks in the result, as measured).
    double styleScale = 1.0;
    int outputSize = 512;  // longest side in pixels
    OptimizerKind optimizer = OptimizerKind::Lbfgs;
    double learningRate = 0.0;  // 0 picks the optimizer's own default
    InitKind init = InitKind::Content;
    uint64_t seed = 0;
    bool preserveColors = false;
    PoolingMode pooling = PoolingMode::Max;
    // Large outputs are optimised at a lower resolution first and then refined at full size.
    bool coarseToFine = true;
    // The convolutions' number format; Auto picks bfloat16 only where it measured faster
    // (core/model/PrecisionChoice.h).
    Precision precision = Precision::Auto;
    // LibTorch's CPU threads; 0 follows other programs' load (core/model/ThreadPolicy.h).
    int threads = 0;
    StyleLoss styleLoss = StyleLoss::Gram;
    // The preview and the result show an exponential moving average of the iterates with this
    // decay (0: the last iterate), which smooths the jitter of the last steps away.
    double averageDecay = 0.0;
    // Coarse-to-fine by hand (0: automatic, see core/planning/ScalePlan.h): the coarsest stage's
    // longest side, the iterations at that stage and at each later one.
    int minScale = 0;
    int initialIterations = 0;
    int scaleIterations = 0;
    // Each loss layer's gradient scaled to unit L1 norm before its weight applies, as
    // jcjohnson/neural-style's -normalize_gradients does (the losses reported are unchanged).
    bool normalizeGradients = false;
    // Steps L-BFGS remembers (0: automatic, 10 or fewer to fit memory).
    int lbfgsHistory = 0;
    // Side in px of the tiles the loss is evaluated in, which bounds memory by the tile
    // (core/style/TiledEvaluation.h): -1 automatic (only what would not fit in memory whole),
    // 0 never, else that side (at least kMinimumTileSide).
    int tile = -1;
    // How much of the stylised result shows over the photo (0: the photo, 1: the result),
    // blended in linear light for the preview and the export (core/image/StrengthBlend.h); the
    // run itself does not depend on it.
    double strength = 1.0;

    bool operator==(const StyleSettings&) const = default;
};

// `layers`, or the model's recommended `defaults` at weight 1 when the list is empty (an empty
// list in the settings means "the model's choice").
std::vector<LayerWeight> layersOrDefaults(const std::vector<LayerWeight>& layers,
                                          const std::vector<std::string>& defaults);

// The limits the engine accepts; validate() names the setting at fault.
inline constexpr int kMinimumOutputSize = 16;
inline constexpr int kMaximumOutputSize = 8192;
inline constexpr int kMinimumTileSide = 64;
inline constexpr double kMaximumStyleScale = 8.0;
// Loss weights (content, style, smoothness) and the learning rate: far above any useful value,
// well below what overflows the engine's float32 arithmetic.
inline constexpr double kMaximumLossWeight = 1e9;
inline constexpr double kMaximumLearningRate = 1e6;
inline constexpr int kMaximumThreads = 1024;
// Below 1, or the average would never move; iterations per stage up to a million.
inline constexpr double kMaximumAverageDecay = 0.9999;
inline constexpr int kMaximumStageIterations = 1000000;
inline constexpr int kMaximumLbfgsHistory = 1000;

// Throws impasto::Error for a value no run can use (sizes out of range, negative or
// non-finite weights...). Layer names are checked against the model by the session.
void validate(const StyleSettings& settings);

// Parses "relu1_1,relu2_1:0.5" (weight 1 when omitted); throws impasto::Error on bad syntax.
std::vector<LayerWeight> parseLayerWeights(const std::string& text);
std::vector<std::string> layerNames(const std::vector<LayerWeight>& layers);
// `weights` (each finite and at least 0) scaled to sum to 1, equal when all are 0: for blend
// and layer weights. Computed by way of the largest, so that no sum overflows, even of weights
// near the largest double.
std::vector<double> normalisedWeights(std::vector<double> weights);
// The layers that take part in the loss: those with a weight above zero.
std::vector<LayerWeight> activeLayers(const std::vector<LayerWeight>& layers);
// Longest side of the style images: the output size times the style scale.
int styleImageSide(const StyleSettings& settings);

// The names of OptimizerKind, InitKind, PoolingMode, Precision and StyleLoss are in
// core/settings/SettingNames.h.

// The settings as a JSON object, stored with exported images and in reports (written and read
// in core/settings/SettingsJson.cpp).
std::string toJson(const StyleSettings& settings);

}  // namespace impasto
