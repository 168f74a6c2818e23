#include "core/settings/StyleSettings.h"

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
    for (const double weight : s.styleBlend)
        requireWeight(weight, "style blend weight");
    for (const auto* layers : {&s.contentLayers, &s.styleLayers}) {
        for (const LayerWeight& layer : *layers) {
            requireWeight(layer.weight, "weight of layer " + layer.layer);
        }
    }
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
