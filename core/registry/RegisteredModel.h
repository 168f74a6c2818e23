#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace impasto {

// One entry of the model manifest (models/registry.json): a pretrained feature network that
// users name on the command line and Impasto can download. Plain data so that code without Qt
// can use it; ModelRegistry has validated every field.
struct RegisteredModel {
    std::string name;          // command-line id, e.g. "vgg19"
    std::string title;         // for people, e.g. "VGG-19 (Oxford Visual Geometry Group)"
    std::string architecture;  // "vgg19", "vgg16" or "squeezenet1_1"
    std::string url;           // where downloadModel() fetches the file (http or https)
    std::string fileName;      // a bare file name, looked up in each model folder
    std::string format;        // "caffemodel" or "safetensors"
    int64_t sizeBytes = 0;     // 0 when unknown
    std::string sha256;        // 64 lowercase hex digits; empty when unknown
    // Kept as text for the model module to parse (Preprocessing::parse), which the registry
    // cannot link: e.g. "caffe-bgr:103.939,116.779,123.68".
    std::string preprocessing;
    std::vector<std::string> layers;  // the feature layers the file provides, input to output
    std::string license;
    // Recommended defaults, each a subset of `layers`.
    std::vector<std::string> contentLayers;
    std::vector<std::string> styleLayers;
};

}  // namespace impasto
