#include "core/settings/StyleSettings.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "core/common/Error.h"
#include "core/common/Text.h"

namespace impasto {

namespace {

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

// "1e+09", "1000", "0.5": short, and with a decimal point in every locale.
std::string numberText(double value) {
    char text[32];
    const std::to_chars_result result =
        std::to_chars(text, text + sizeof text, value, std::chars_format::general, 6);
    return std::string(text, result.ptr);
}

double parseWeight(const std::string& text, const std::string& item) {
    const std::optional<double> weight = parseNumber(text);
    if (!weight || *weight < 0.0) {
        throw Error("Bad layer weight in \"" + item +
                    "\": expected name:weight with a weight >= 0");
    }
    return *weight;
}

}  // namespace

std::vector<LayerWeight> parseLayerWeights(const std::string& text) {
    std::vector<LayerWeight> layers;
    std::stringstream items(text);
    std::string item;
    while (std::getline(items, item, ',')) {
        item = trimmed(item);
        if (item.empty()) {
            continue;
        }
        LayerWeight layer;
        const auto colon = item.find(':');
        layer.layer = trimmed(item.substr(0, colon));
        if (colon != std::string::npos) {
            layer.weight = parseWeight(trimmed(item.substr(colon + 1)), item);
        }
        if (layer.layer.empty()) {
            throw Error("Missing layer name in \"" + item + "\"");
        }
        layers.push_back(layer);
    }
    if (layers.empty()) {
        throw Error("No layers given in \"" + text + "\"");
    }
    return layers;
}

std::vector<std::string> layerNames(const std::vector<LayerWeight>& layers) {
    std::vector<std::string> names;
    for (const LayerWeight& layer : layers) {
        names.push_back(layer.layer);
    }
    return names;
}

std::vector<LayerWeight> layersOrDefaults(const std::vector<LayerWeight>& layers,
                                          const std::vector<std::string>& defaults) {
    if (!layers.empty()) {
        return layers;
    }
    std::vector<LayerWeight> chosen;
    for (const std::string& name : defaults) {
        chosen.push_back({name, 1.0});
    }
    return chosen;
}

void validate(const StyleSettings& s) {
    if (s.outputSize < kMinimumOutputSize || s.outputSize > kMaximumOutputSize) {
        throw Error("The output size must be between " + std::to_string(kMinimumOutputSize) +
                    " and " + std::to_string(kMaximumOutputSize) + " pixels, not " +
                    std::to_string(s.outputSize));
    }
    if (!(s.styleScale > 0.0 && s.styleScale <= kMaximumStyleScale)) {
        throw Error("The style scale must be above 0 and at most 8");
    }
    if (styleImageSide(s) > kMaximumOutputSize) {
        throw Error("Style images would be " + std::to_string(styleImageSide(s)) +
                    " px (output size x style scale); the limit is " +
                    std::to_string(kMaximumOutputSize));
    }
    auto requireWeight = [](double weight, const std::string& what) {
        if (!std::isfinite(weight) || weight < 0.0) {
            throw Error("The " + what + " must be a finite number of at least 0");
        }
    };
    requireWeight(s.contentWeight, "content weight");
    requireWeight(s.styleWeight, "style weight");
    requireWeight(s.tvWeight, "smoothness (TV) weight");
    requireWeight(s.learningRate, "learning rate");
    // The engine computes in float32: beyond these the loss or the step overflows, which would
    // surface as an internal error or a diverged run instead of naming the setting.
    auto requireAtMost = [](double value, double maximum, const std::string& what) {
        if (value > maximum) {
            throw Error("The " + what + " must be at most " + numberText(maximum) + ", not " +
                        numberText(value));
        }
    };
    requireAtMost(s.contentWeight, kMaximumLossWeight, "content weight");
    requireAtMost(s.styleWeight, kMaximumLossWeight, "style weight");
    requireAtMost(s.tvWeight, kMaximumLossWeight, "smoothness (TV) weight");
    requireAtMost(s.learningRate, kMaximumLearningRate, "learning rate");
    if (!(s.averageDecay >= 0.0 && s.averageDecay <= kMaximumAverageDecay)) {
        throw Error("The averaging decay must be between 0 (off) and " +
                    numberText(kMaximumAverageDecay) + ", not " + numberText(s.averageDecay));
    }
    if (!(s.strength >= 0.0 && s.strength <= 1.0)) {
        throw Error("The strength must be between 0 (the photo) and 1 (the result), not " +
                    numberText(s.strength));
    }
    if (s.minScale != 0 && (s.minScale < kMinimumOutputSize || s.minScale > kMaximumOutputSize)) {
        throw Error("The smallest scale must be 0 (automatic) or between " +
                    std::to_string(kMinimumOutputSize) + " and " +
                    std::to_string(kMaximumOutputSize) + " pixels, not " +
                    std::to_string(s.minScale));
    }
    for (const auto& [count, what] : {std::pair{s.initialIterations, "initial iterations"},
                                      std::pair{s.scaleIterations, "iterations per scale"}}) {
        if (count < 0 || count > kMaximumStageIterations) {
            throw Error(std::string("The ") + what + " must be 0 (automatic) or up to " +
                        std::to_string(kMaximumStageIterations) + ", not " + std::to_string(count));
        }
    }
    if (s.threads < 0 || s.threads > kMaximumThreads) {
        throw Error("The thread count must be 0 (automatic) or up to " +
                    std::to_string(kMaximumThreads) + ", not " + std::to_string(s.threads));
    }
    if (s.lbfgsHistory < 0 || s.lbfgsHistory > kMaximumLbfgsHistory) {
        throw Error("The L-BFGS history must be 0 (automatic) or up to " +
                    std::to_string(kMaximumLbfgsHistory) + " steps, not " +
                    std::to_string(s.lbfgsHistory));
    }
    if (s.tile != -1 && s.tile != 0 && (s.tile < kMinimumTileSide || s.tile > kMaximumOutputSize)) {
        throw Error("The tile size must be automatic (auto; -1 in a preset), 0 (off) or between " +
                    std::to_string(kMinimumTileSide) + " and " +
                    std::to_string(kMaximumOutputSize) + " px, not " + std::to_string(s.tile));
    }
    for (const double weight : s.styleBlend)
        requireWeight(weight, "style blend weight");
    for (const auto* layers : {&s.contentLayers, &s.styleLayers}) {
        for (const LayerWeight& layer : *layers) {
            requireWeight(layer.weight, "weight of layer " + layer.layer);
        }
    }
    // All-zero weights would silently mean equal weights, or no content or style at all.
    auto allZero = [](const auto& items, auto weightOf) {
        return !items.empty() && std::all_of(items.begin(), items.end(), [&](const auto& item) {
            return weightOf(item) == 0.0;
        });
    };
    if (allZero(s.styleBlend, [](double weight) { return weight; })) {
        throw Error(
            "The style blend weights are all 0: give at least one painting a weight above "
            "0 (1,0 uses the first alone)");
    }
    auto layerWeight = [](const LayerWeight& layer) { return layer.weight; };
    if (allZero(s.styleLayers, layerWeight)) {
        throw Error(
            "Every style layer has weight 0, which would apply no style: give at least "
            "one a weight above 0 (a style weight of 0 leaves the style out)");
    }
    if (allZero(s.contentLayers, layerWeight)) {
        throw Error(
            "Every content layer has weight 0, which would keep nothing of the photo: "
            "give at least one a weight above 0 (a content weight of 0 leaves it out)");
    }
}

std::vector<double> normalisedWeights(std::vector<double> weights) {
    const double largest =
        weights.empty() ? 0.0 : *std::max_element(weights.begin(), weights.end());
    if (!(largest > 0.0)) {
        weights.assign(weights.size(), 1.0 / static_cast<double>(weights.size()));
        return weights;
    }
    // Scaled by the largest first, every weight is at most 1 and the sum at most their count.
    double sum = 0.0;
    for (double& weight : weights) {
        weight /= largest;
        sum += weight;
    }
    for (double& weight : weights) {
        weight /= sum;
    }
    return weights;
}

std::vector<LayerWeight> activeLayers(const std::vector<LayerWeight>& layers) {
    std::vector<LayerWeight> active;
    for (const LayerWeight& layer : layers) {
        if (layer.weight > 0.0)
            active.push_back(layer);
    }
    return active;
}

int styleImageSide(const StyleSettings& settings) {
    return static_cast<int>(std::lround(settings.outputSize * settings.styleScale));
}

}  // namespace impasto
