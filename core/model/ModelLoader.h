#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/model/Preprocessing.h"

namespace impasto {

class FeatureNetwork;

// What a caller (CLI, GUI) needs to know about a loaded model, without LibTorch headers.
struct ModelInfo {
    std::string architecture;  // "vgg19", ...
    std::string title;         // "VGG-19"
    std::filesystem::path file;
    Preprocessing preprocessing;
    std::vector<std::string> availableLayers;
    // The description's recommended layers, restricted to what the file provides.
    std::vector<std::string> defaultContentLayers;
    std::vector<std::string> defaultStyleLayers;
    // The content layer for feature inversion (NetworkDescription), else the default's.
    std::vector<std::string> inversionContentLayers;
    // Recommended layers that a partial file lacks, left out of the defaults above.
    std::vector<std::string> leftOutContentLayers;
    std::vector<std::string> leftOutStyleLayers;
};

// "This file holds VGG-19 only up to pool3: the default content layer relu4_2 is left out,
// relu3_4 is used instead; ..." for a partial file; empty when no default was left out.
std::string describeLeftOutDefaults(const ModelInfo& info);

struct LoadedModel {
    std::shared_ptr<FeatureNetwork> network;
    ModelInfo info;
};

// What is known about a file beyond its contents (from the model registry, say).
struct ModelHints {
    std::optional<std::string> architecture;
    std::optional<Preprocessing> preprocessing;
    // Recommended layers for this particular file, overriding the architecture's.
    std::vector<std::string> defaultContentLayers;
    std::vector<std::string> defaultStyleLayers;
};

// Reads a safetensors or Caffe weight file, works out its architecture (hint, then the file's
// metadata, then its tensor names) and preprocessing (hint, then metadata, then lineage), and
// builds the feature network. Throws impasto::Error with a message for the user.
LoadedModel loadModel(const std::filesystem::path& file, const ModelHints& hints = {});

}  // namespace impasto
