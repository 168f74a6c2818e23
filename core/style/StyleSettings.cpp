#include "core/style/StyleSettings.h"

#include <cstdlib>
#include <sstream>

#include "core/common/Error.h"
#include "core/common/JsonText.h"

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
    char* end = nullptr;
    const double weight = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(weight >= 0.0)) {
        throw Error("Bad layer weight in \"" + item +
                    "\": expected name:weight with a weight >= 0");
    }
    return weight;
}

std::string jsonLayers(const std::vector<LayerWeight>& layers) {
    std::ostringstream out;
    out << '[';
    for (size_t i = 0; i < layers.size(); ++i) {
        out << (i ? "," : "") << "{\"layer\":" << jsonQuoted(layers[i].layer)
            << ",\"weight\":" << layers[i].weight << '}';
    }
    out << ']';
    return out.str();
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

std::string formatLayerWeights(const std::vector<LayerWeight>& layers) {
    std::ostringstream out;
    for (size_t i = 0; i < layers.size(); ++i) {
        out << (i ? "," : "") << layers[i].layer;
        if (layers[i].weight != 1.0) {
            out << ':' << layers[i].weight;
        }
    }
    return out.str();
}

std::vector<std::string> layerNames(const std::vector<LayerWeight>& layers) {
    std::vector<std::string> names;
    for (const LayerWeight& layer : layers) {
        names.push_back(layer.layer);
    }
    return names;
}

std::string toString(OptimizerKind optimizer) {
    return optimizer == OptimizerKind::Lbfgs ? "lbfgs" : "adam";
}

std::string toString(InitKind init) {
    switch (init) {
        case InitKind::Content:
            return "content";
        case InitKind::Noise:
            return "noise";
        case InitKind::Image:
            return "image";
    }
    return "content";
}

std::string toString(PoolingMode pooling) {
    return pooling == PoolingMode::Max ? "max" : "avg";
}

std::string toJson(const StyleSettings& s) {
    std::ostringstream out;
    out << "{\"contentWeight\":" << s.contentWeight << ",\"styleWeight\":" << s.styleWeight
        << ",\"tvWeight\":" << s.tvWeight << ",\"contentLayers\":" << jsonLayers(s.contentLayers)
        << ",\"styleLayers\":" << jsonLayers(s.styleLayers) << ",\"styleBlend\":[";
    for (size_t i = 0; i < s.styleBlend.size(); ++i) {
        out << (i ? "," : "") << s.styleBlend[i];
    }
    out << "],\"styleScale\":" << s.styleScale << ",\"outputSize\":" << s.outputSize
        << ",\"optimizer\":" << jsonQuoted(toString(s.optimizer))
        << ",\"learningRate\":" << s.learningRate << ",\"init\":" << jsonQuoted(toString(s.init))
        << ",\"seed\":" << s.seed << ",\"preserveColors\":" << (s.preserveColors ? "true" : "false")
        << ",\"pooling\":" << jsonQuoted(toString(s.pooling)) << '}';
    return out.str();
}

}  // namespace impasto
