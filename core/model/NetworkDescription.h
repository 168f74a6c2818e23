#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace impasto {

// A declarative description of a feature network: the ordered layers with their names, so the
// engine can build it from any weight file and cut it at the deepest layer a run needs.
enum class LayerKind { Convolution, Relu, Pool, Fire };

struct ConvolutionSpec {
    int inChannels = 0;
    int outChannels = 0;
    int kernel = 3;
    int stride = 1;
    int padding = 1;
};

// SqueezeNet's fire module: squeeze 1x1 + ReLU, then concat(expand1x1 + ReLU, expand3x3 + ReLU).
struct FireSpec {
    int inChannels = 0;
    int squeeze = 0;
    int expand1x1 = 0;
    int expand3x3 = 0;
};

struct PoolSpec {
    int kernel = 2;
    int stride = 2;
    bool ceilMode = false;
};

struct LayerSpec {
    std::string name;  // "relu3_1", "fire6", "pool2"
    LayerKind kind = LayerKind::Relu;
    ConvolutionSpec convolution;  // Convolution only
    FireSpec fire;                // Fire only
    PoolSpec pool;                // Pool only
    // Where the weights live (Convolution and Fire): the torchvision key ("features.10",
    // "features.9" + ".squeeze") and the Caffe layer name ("conv3_1", "fire6" + "/squeeze1x1").
    std::string torchvisionKey;
    std::string caffeName;
};

// One convolution's weights as a file names them: "<torchvision>.weight" / ".bias" or
// "<caffe>.weight" / ".bias" (the Caffe reader's naming), with the shape the layer needs.
struct WeightSlot {
    std::string torchvisionName;       // "features.9.squeeze"
    std::string caffeName;             // "fire6/squeeze1x1"
    std::vector<int64_t> weightShape;  // out, in, kernel, kernel
    int stride = 1;
    int padding = 0;
};

// The convolutions a layer needs, in the order it applies them (none for ReLU and pooling).
std::vector<WeightSlot> weightSlots(const LayerSpec& layer);

struct NetworkDescription {
    std::string architecture;  // "vgg19", "vgg16", "squeezenet1_1"
    std::string title;
    std::vector<LayerSpec> layers;
    // Layers that give a good result with this network when the user names none.
    std::vector<std::string> defaultContentLayers;
    std::vector<std::string> defaultStyleLayers;
    // The content layer for feature inversion (no style) from noise: deep enough that the result
    // shows what the network keeps rather than the photo, shallow enough to rebuild it (from
    // noise, SqueezeNet's fire6 stays noise and VGG's relu3_4 keeps colour speckle).
    std::vector<std::string> inversionContentLayers;

    // Index of the layer named `name`, or -1.
    int indexOf(const std::string& name) const;
    // The smallest image side for which every layer up to `layerIndex` still has at least one
    // pixel (unpadded convolutions and pools shrink the image).
    int minimumInputSide(int layerIndex) const;
    // The side of layer `layerIndex`'s output for an input side of `inputSide` (0: none).
    int outputSide(int inputSide, int layerIndex) const;
    // Input pixels per position of layer `layerIndex`'s output (the product of the strides up
    // to it), and the side of the input window one such position sees: what tiles need to
    // align to and overlap by (core/style/TiledEvaluation.h).
    int stride(int layerIndex) const;
    int receptiveField(int layerIndex) const;

    static const NetworkDescription& vgg19();
    static const NetworkDescription& vgg16();
    static const NetworkDescription& squeezeNet11();
    static const std::vector<const NetworkDescription*>& all();
    // Throws impasto::Error for an unknown architecture name.
    static const NetworkDescription& forArchitecture(const std::string& architecture);
};

}  // namespace impasto
