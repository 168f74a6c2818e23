#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/PoolingMode.h"

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
    double tvWeight = 0.1;
    // Empty lists mean the model's recommended layers.
    std::vector<LayerWeight> contentLayers;
    std::vector<LayerWeight> styleLayers;
    // One weight per style image (normalised to sum 1); empty means equal weights.
    std::vector<double> styleBlend;
    // Style images are scaled to outputSize * styleScale: larger values give larger brush marks.
    double styleScale = 1.0;
    int outputSize = 512;  // longest side in pixels
    OptimizerKind optimizer = OptimizerKind::Lbfgs;
    double learningRate = 0.0;  // 0 picks the optimizer's own default
    InitKind init = InitKind::Content;
    uint64_t seed = 0;
    bool preserveColors = false;
    PoolingMode pooling = PoolingMode::Max;

    bool operator==(const StyleSettings&) const = default;
};

// Parses "relu1_1,relu2_1:0.5" (weight 1 when omitted); throws impasto::Error on bad syntax.
std::vector<LayerWeight> parseLayerWeights(const std::string& text);
std::string formatLayerWeights(const std::vector<LayerWeight>& layers);
std::vector<std::string> layerNames(const std::vector<LayerWeight>& layers);

std::string toString(OptimizerKind optimizer);
std::string toString(InitKind init);
std::string toString(PoolingMode pooling);

// The settings as a JSON object, stored with exported images and in reports.
std::string toJson(const StyleSettings& settings);

}  // namespace impasto
