#include "core/model/ModelLoader.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "core/common/Error.h"
#include "core/common/Text.h"
#include "core/model/ArchitectureMatch.h"
#include "core/model/FeatureNetwork.h"
#include "core/model/NetworkDescription.h"
#include "core/weights/WeightFile.h"

namespace impasto {

namespace {

// Every tensor name any known network could use; the rest of a file (VGG's fully connected
// layers, 90% of its size) is never decoded.
const std::set<std::string>& knownTensorNames() {
    static const std::set<std::string> names = [] {
        std::set<std::string> all;
        for (const NetworkDescription* net : NetworkDescription::all()) {
            for (const LayerSpec& layer : net->layers) {
                for (const WeightSlot& slot : weightSlots(layer)) {
                    for (const std::string& base : {slot.torchvisionName, slot.caffeName}) {
                        all.insert(base + ".weight");
                        all.insert(base + ".bias");
                    }
                }
            }
        }
        return all;
    }();
    return names;
}

bool hasWeights(const TensorSet& weights, const std::string& base) {
    return weights.contains(base + ".weight");
}

// Tells the architectures apart by names and shapes that only one of them has.
std::string inferArchitecture(const TensorSet& weights) {
    if (hasWeights(weights, "fire2/squeeze1x1") || hasWeights(weights, "features.3.squeeze")) {
        return "squeezenet1_1";
    }
    if (hasWeights(weights, "conv1_1")) {
        return hasWeights(weights, "conv3_4") || !hasWeights(weights, "conv3_3") ? "vgg19"
                                                                                 : "vgg16";
    }
    if (hasWeights(weights, "features.0") && hasWeights(weights, "features.2")) {
        // VGG-16 has a pool at features.16 and its fourth block starts at features.17.
        return hasWeights(weights, "features.16") || !hasWeights(weights, "features.17") ? "vgg19"
                                                                                         : "vgg16";
    }
    throw Error(weights.sourceFile.filename().string() +
                " holds none of the networks Impasto knows (VGG-19, VGG-16, SqueezeNet 1.1)");
}

// Weights named after Caffe's layers (conv1_1, fire2/squeeze1x1) come from Caffe and expect
// its input, whatever the container; torchvision's (features.N) expect torchvision's.
bool hasCaffeNames(const TensorSet& weights) {
    return std::any_of(weights.tensors.begin(), weights.tensors.end(),
                       [](const auto& entry) { return entry.first.rfind("features.", 0) != 0; });
}

Preprocessing defaultPreprocessing(const std::string& architecture, const TensorSet& weights) {
    if (hasCaffeNames(weights)) {
        return architecture == "squeezenet1_1" ? Preprocessing::caffe(104.006f, 116.669f, 122.679f)
                                               : Preprocessing::caffe(103.939f, 116.779f, 123.68f);
    }
    return Preprocessing::torchvision();
}

// The shared files describe their input as metadata: "mean_bgr" = "104.006,116.669,122.679".
std::optional<Preprocessing> preprocessingFromMetadata(const TensorSet& weights) {
    const auto mean = weights.metadata.find("mean_bgr");
    if (mean != weights.metadata.end()) {
        return Preprocessing::parse("caffe-bgr:" + mean->second);
    }
    const auto preprocessing = weights.metadata.find("preprocessing");
    if (preprocessing != weights.metadata.end()) {
        return Preprocessing::parse(preprocessing->second);
    }
    return std::nullopt;
}

std::vector<std::string> keepAvailable(const std::vector<std::string>& layers,
                                       const FeatureNetwork& network) {
    std::vector<std::string> kept;
    std::copy_if(layers.begin(), layers.end(), std::back_inserter(kept),
                 [&](const std::string& layer) { return network.isAvailable(layer); });
    return kept;
}

std::vector<std::string> leftOut(const std::vector<std::string>& layers,
                                 const FeatureNetwork& network) {
    std::vector<std::string> missing;
    std::copy_if(layers.begin(), layers.end(), std::back_inserter(missing),
                 [&](const std::string& layer) { return !network.isAvailable(layer); });
    return missing;
}

// The deepest available ReLU (or fire module) stands in for a content layer the file lacks.
std::string deepestActivation(const FeatureNetwork& network) {
    const auto& layers = network.availableLayers();
    for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
        if (it->rfind("relu", 0) == 0 || it->rfind("fire", 0) == 0) {
            return *it;
        }
    }
    return layers.back();
}

}  // namespace

LoadedModel loadModel(const std::filesystem::path& file, const ModelHints& hints) {
    TensorSet weights = readWeightFile(
        file, [](const std::string& name) { return knownTensorNames().count(name) > 0; });

    std::string architecture;
    ArchitectureSource source = ArchitectureSource::TensorNames;
    if (hints.architecture) {
        architecture = *hints.architecture;
        source = ArchitectureSource::ModelList;
    } else if (weights.metadata.count("architecture")) {
        architecture = weights.metadata.at("architecture");
        source = ArchitectureSource::FileMetadata;
    } else {
        architecture = inferArchitecture(weights);
    }
    const NetworkDescription& description = NetworkDescription::forArchitecture(architecture);
    requireTensorsOf(description, weights, source);

    std::optional<Preprocessing> preprocessing = hints.preprocessing;
    if (!preprocessing) {
        preprocessing = preprocessingFromMetadata(weights);
    }
    if (!preprocessing) {
        preprocessing = defaultPreprocessing(architecture, weights);
    }

    auto network = std::make_shared<FeatureNetwork>(description, weights, *preprocessing);

    ModelInfo info;
    info.architecture = description.architecture;
    info.title = description.title;
    info.file = file;
    info.preprocessing = *preprocessing;
    info.availableLayers = network->availableLayers();
    auto preferred = [](const std::vector<std::string>& hinted,
                        const std::vector<std::string>& architectural) {
        return hinted.empty() ? architectural : hinted;
    };
    const std::vector<std::string> recommendedContent =
        preferred(hints.defaultContentLayers, description.defaultContentLayers);
    const std::vector<std::string> recommendedStyle =
        preferred(hints.defaultStyleLayers, description.defaultStyleLayers);
    info.defaultContentLayers = keepAvailable(recommendedContent, *network);
    if (info.defaultContentLayers.empty()) {
        info.defaultContentLayers = {deepestActivation(*network)};
    }
    info.defaultStyleLayers = keepAvailable(recommendedStyle, *network);
    info.inversionContentLayers = keepAvailable(description.inversionContentLayers, *network);
    if (info.inversionContentLayers.empty()) {
        info.inversionContentLayers = info.defaultContentLayers;
    }
    info.leftOutContentLayers = leftOut(recommendedContent, *network);
    info.leftOutStyleLayers = leftOut(recommendedStyle, *network);
    return {network, info};
}

std::string describeLeftOutDefaults(const ModelInfo& info) {
    std::vector<std::string> parts;
    for (const auto& [what, leftOutLayers, used] :
         {std::tuple{"content", &info.leftOutContentLayers, &info.defaultContentLayers},
          std::tuple{"style", &info.leftOutStyleLayers, &info.defaultStyleLayers}}) {
        if (leftOutLayers->empty()) {
            continue;
        }
        const bool one = leftOutLayers->size() == 1;
        parts.push_back(std::string("the default ") + what + (one ? " layer " : " layers ") +
                        join(*leftOutLayers, ", ") + (one ? " is" : " are") + " left out, " +
                        join(*used, ", ") + (used->size() == 1 ? " is" : " are") + " used instead");
    }
    if (parts.empty()) {
        return {};
    }
    return "This file holds " + info.title + " only up to " + info.availableLayers.back() + ": " +
           join(parts, "; ");
}

}  // namespace impasto
