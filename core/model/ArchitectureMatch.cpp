#include "core/model/ArchitectureMatch.h"

#include <algorithm>
#include <optional>
#include <set>
#include <vector>

#include "core/common/Error.h"
#include "core/weights/Shape.h"

namespace impasto {

namespace {

struct MissingSlot {
    std::string layer;
    std::string tensor;  // as the file's naming would have it
    std::vector<int64_t> shape;
};

// What a network takes from a file: its layers in order while each is complete, and the first
// weight the file lacks.
struct Placement {
    std::set<std::string> taken;
    std::optional<MissingSlot> missing;
};

// A file names its tensors one way throughout: torchvision's "features.N" or Caffe's layers.
bool usesCaffeNames(const TensorSet& weights) {
    return std::any_of(weights.tensors.begin(), weights.tensors.end(),
                       [](const auto& entry) { return !entry.first.starts_with("features."); });
}

Placement place(const NetworkDescription& network, const TensorSet& weights) {
    Placement placement;
    const bool caffeNames = usesCaffeNames(weights);
    for (const LayerSpec& layer : network.layers) {
        std::vector<std::string> layerTensors;
        for (const WeightSlot& slot : weightSlots(layer)) {
            const std::string base = caffeNames ? slot.caffeName : slot.torchvisionName;
            if (!weights.contains(base + ".weight")) {
                placement.missing = MissingSlot{layer.name, base + ".weight", slot.weightShape};
                return placement;
            }
            layerTensors.push_back(base + ".weight");
            layerTensors.push_back(base + ".bias");
        }
        placement.taken.insert(layerTensors.begin(), layerTensors.end());
    }
    return placement;
}

std::vector<std::string> leftOver(const Placement& placement, const TensorSet& weights) {
    std::vector<std::string> names;
    for (const auto& entry : weights.tensors) {
        if (!placement.taken.contains(entry.first)) {
            names.push_back(entry.first);
        }
    }
    return names;
}

// Names in the order `network` applies them (features.3 before features.10), others after.
void sortByLayerOrder(std::vector<std::string>& names, const NetworkDescription& network) {
    std::vector<std::string> order;
    for (const LayerSpec& layer : network.layers) {
        for (const WeightSlot& slot : weightSlots(layer)) {
            for (const std::string& base : {slot.torchvisionName, slot.caffeName}) {
                order.push_back(base + ".weight");
                order.push_back(base + ".bias");
            }
        }
    }
    auto rank = [&](const std::string& name) {
        return std::find(order.begin(), order.end(), name) - order.begin();
    };
    std::stable_sort(names.begin(), names.end(),
                     [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
}

const NetworkDescription* networkTheTensorsFit(const NetworkDescription& claimed,
                                               const TensorSet& weights) {
    for (const NetworkDescription* network : NetworkDescription::all()) {
        const Placement placement = place(*network, weights);
        if (network != &claimed && !placement.taken.empty() &&
            leftOver(placement, weights).empty()) {
            return network;
        }
    }
    return nullptr;
}

std::string claimant(ArchitectureSource source) {
    switch (source) {
        case ArchitectureSource::ModelList:
            return "the model list says";
        case ArchitectureSource::FileMetadata:
            return "the file's metadata says";
        case ArchitectureSource::TensorNames:
            return "its tensor names suggest";
    }
    return {};
}

std::string whatToDo(ArchitectureSource source, const NetworkDescription* fit) {
    if (!fit) {
        return "The file is damaged or holds another network.";
    }
    switch (source) {
        case ArchitectureSource::ModelList:
            return "This is not the file the model list describes: download the model again.";
        case ArchitectureSource::FileMetadata:
            return "Correct the \"architecture\" entry of the file's metadata, or remove it so "
                   "that Impasto tells the network from the tensors.";
        case ArchitectureSource::TensorNames:
            return "Give the file an \"architecture\" entry in its metadata.";
    }
    return {};
}

}  // namespace

void requireTensorsOf(const NetworkDescription& architecture, const TensorSet& weights,
                      ArchitectureSource source) {
    const Placement placement = place(architecture, weights);
    std::vector<std::string> unplaced = leftOver(placement, weights);
    if (unplaced.empty()) {
        return;
    }
    const NetworkDescription* fit = networkTheTensorsFit(architecture, weights);
    sortByLayerOrder(unplaced, fit ? *fit : architecture);

    std::string message = weights.sourceFile.filename().string() + ": " + claimant(source) + " " +
                          architecture.architecture + ", but its tensors are " +
                          (fit ? fit->title + "'s" : "not " + architecture.title + "'s") + ": " +
                          architecture.title;
    if (placement.missing) {
        const MissingSlot& missing = *placement.missing;
        const bool firstLayer = missing.layer == architecture.layers.front().name;
        const std::string layer =
            missing.tensor.starts_with(missing.layer) ? "" : " (" + missing.layer + ")";
        message += " needs " + missing.tensor + " " + shapeToString(missing.shape) + layer +
                   (firstLayer ? " first" : " next") + ", which the file lacks, and";
    }
    const std::string& first = unplaced.front();
    message += " has no place for " + first + " " + shapeToString(weights.at(first).shape);
    if (unplaced.size() > 1) {
        message += " and " + std::to_string(unplaced.size() - 1) + " more tensors";
    }
    throw Error(message + ". " + whatToDo(source, fit));
}

}  // namespace impasto
