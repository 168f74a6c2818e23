#include "core/model/NetworkDescription.h"

#include <algorithm>

#include "core/common/Error.h"

namespace impasto {

namespace {

LayerSpec convolution(const std::string& name, int in, int out, int torchvisionIndex,
                      int kernel = 3, int stride = 1, int padding = 1) {
    LayerSpec layer;
    layer.name = name;
    layer.kind = LayerKind::Convolution;
    layer.convolution = {in, out, kernel, stride, padding};
    layer.torchvisionKey = "features." + std::to_string(torchvisionIndex);
    layer.caffeName = name;
    return layer;
}

LayerSpec relu(const std::string& name) {
    LayerSpec layer;
    layer.name = name;
    layer.kind = LayerKind::Relu;
    return layer;
}

LayerSpec pool(const std::string& name, int kernel, int stride, bool ceilMode) {
    LayerSpec layer;
    layer.name = name;
    layer.kind = LayerKind::Pool;
    layer.pool = {kernel, stride, ceilMode};
    return layer;
}

LayerSpec fire(const std::string& name, int in, int squeeze, int expand, int torchvisionIndex) {
    LayerSpec layer;
    layer.name = name;
    layer.kind = LayerKind::Fire;
    layer.fire = {in, squeeze, expand, expand};
    layer.torchvisionKey = "features." + std::to_string(torchvisionIndex);
    layer.caffeName = name;
    return layer;
}

// VGG: blocks of 3x3 convolutions each followed by ReLU, a 2x2 max pool after each block.
// torchvision numbers every module of `features`, pools included.
NetworkDescription vgg(const std::string& architecture, const std::string& title,
                       const std::vector<int>& convolutionsPerBlock) {
    NetworkDescription net;
    net.architecture = architecture;
    net.title = title;
    const int widths[] = {64, 128, 256, 512, 512};
    int index = 0;
    int inChannels = 3;
    for (size_t block = 0; block < convolutionsPerBlock.size(); ++block) {
        const std::string blockName = std::to_string(block + 1);
        for (int i = 1; i <= convolutionsPerBlock[block]; ++i) {
            const std::string suffix = blockName + "_" + std::to_string(i);
            net.layers.push_back(convolution("conv" + suffix, inChannels, widths[block], index++));
            net.layers.push_back(relu("relu" + suffix));
            ++index;
            inChannels = widths[block];
        }
        net.layers.push_back(pool("pool" + blockName, 2, 2, false));
        ++index;
    }
    // Gatys et al.'s choice: content at (the ReLU of) conv4_2, style at the first ReLU of
    // every block.
    net.defaultContentLayers = {"relu4_2"};
    net.defaultStyleLayers = {"relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"};
    net.inversionContentLayers = {"relu3_1"};
    return net;
}

NetworkDescription makeSqueezeNet11() {
    NetworkDescription net;
    net.architecture = "squeezenet1_1";
    net.title = "SqueezeNet 1.1";
    net.layers.push_back(convolution("conv1", 3, 64, 0, 3, 2, 0));
    net.layers.push_back(relu("relu1"));
    net.layers.push_back(pool("pool1", 3, 2, true));
    net.layers.push_back(fire("fire2", 64, 16, 64, 3));
    net.layers.push_back(fire("fire3", 128, 16, 64, 4));
    net.layers.push_back(pool("pool3", 3, 2, true));
    net.layers.push_back(fire("fire4", 128, 32, 128, 6));
    net.layers.push_back(fire("fire5", 256, 32, 128, 7));
    net.layers.push_back(pool("pool5", 3, 2, true));
    net.layers.push_back(fire("fire6", 256, 48, 192, 9));
    net.layers.push_back(fire("fire7", 384, 48, 192, 10));
    net.layers.push_back(fire("fire8", 384, 64, 256, 11));
    net.layers.push_back(fire("fire9", 512, 64, 256, 12));
    net.defaultContentLayers = {"fire6"};
    net.defaultStyleLayers = {"relu1", "fire2", "fire3", "fire5", "fire7"};
    net.inversionContentLayers = {"fire3"};
    return net;
}

}  // namespace

std::vector<WeightSlot> weightSlots(const LayerSpec& layer) {
    if (layer.kind == LayerKind::Convolution) {
        const ConvolutionSpec& c = layer.convolution;
        return {{layer.torchvisionKey,
                 layer.caffeName,
                 {c.outChannels, c.inChannels, c.kernel, c.kernel},
                 c.stride,
                 c.padding}};
    }
    if (layer.kind == LayerKind::Fire) {
        const FireSpec& f = layer.fire;
        return {
            {layer.torchvisionKey + ".squeeze",
             layer.caffeName + "/squeeze1x1",
             {f.squeeze, f.inChannels, 1, 1},
             1,
             0},
            {layer.torchvisionKey + ".expand1x1",
             layer.caffeName + "/expand1x1",
             {f.expand1x1, f.squeeze, 1, 1},
             1,
             0},
            {layer.torchvisionKey + ".expand3x3",
             layer.caffeName + "/expand3x3",
             {f.expand3x3, f.squeeze, 3, 3},
             1,
             1},
        };
    }
    return {};
}

int NetworkDescription::indexOf(const std::string& name) const {
    const auto found = std::find_if(layers.begin(), layers.end(),
                                    [&](const LayerSpec& layer) { return layer.name == name; });
    return found == layers.end() ? -1 : static_cast<int>(found - layers.begin());
}

int NetworkDescription::outputSide(int inputSide, int layerIndex) const {
    int side = inputSide;
    for (int i = 0; i <= layerIndex && side > 0; ++i) {
        const LayerSpec& layer = layers[static_cast<size_t>(i)];
        if (layer.kind == LayerKind::Convolution) {
            const ConvolutionSpec& c = layer.convolution;
            // FeatureNetwork repeats the edge until the last window reaches it.
            const int padded = side + 2 * c.padding;
            side = padded < c.kernel ? 0 : (padded - c.kernel + c.stride - 1) / c.stride + 1;
        } else if (layer.kind == LayerKind::Pool) {
            // LibTorch's rule: in ceil mode a last window may hang over the edge, as long as it
            // starts inside the image.
            const PoolSpec& p = layer.pool;
            const int numerator = side - p.kernel + (p.ceilMode ? p.stride - 1 : 0);
            int out = numerator < 0 ? 0 : numerator / p.stride + 1;
            if (p.ceilMode && out > 0 && (out - 1) * p.stride >= side) {
                --out;
            }
            side = out;
        }
    }
    return side;
}

int NetworkDescription::minimumInputSide(int layerIndex) const {
    int side = 1;
    while (outputSide(side, layerIndex) < 1) {
        ++side;
    }
    return side;
}

int NetworkDescription::stride(int layerIndex) const {
    int product = 1;
    for (int i = 0; i <= layerIndex; ++i) {
        const LayerSpec& layer = layers[static_cast<size_t>(i)];
        product *= layer.kind == LayerKind::Convolution ? layer.convolution.stride
                   : layer.kind == LayerKind::Pool      ? layer.pool.stride
                                                        : 1;
    }
    return product;
}

int NetworkDescription::receptiveField(int layerIndex) const {
    int field = 1;
    int jump = 1;
    for (int i = 0; i <= layerIndex; ++i) {
        const LayerSpec& layer = layers[static_cast<size_t>(i)];
        if (layer.kind == LayerKind::Convolution) {
            field += (layer.convolution.kernel - 1) * jump;
            jump *= layer.convolution.stride;
        } else if (layer.kind == LayerKind::Pool) {
            field += (layer.pool.kernel - 1) * jump;
            jump *= layer.pool.stride;
        } else if (layer.kind == LayerKind::Fire) {
            field += 2 * jump;  // the 3x3 expansion
        }
    }
    return field;
}

const NetworkDescription& NetworkDescription::vgg19() {
    static const NetworkDescription net = vgg("vgg19", "VGG-19", {2, 2, 4, 4, 4});
    return net;
}

const NetworkDescription& NetworkDescription::vgg16() {
    static const NetworkDescription net = vgg("vgg16", "VGG-16", {2, 2, 3, 3, 3});
    return net;
}

const NetworkDescription& NetworkDescription::squeezeNet11() {
    static const NetworkDescription net = makeSqueezeNet11();
    return net;
}

const std::vector<const NetworkDescription*>& NetworkDescription::all() {
    static const std::vector<const NetworkDescription*> networks = {&vgg19(), &vgg16(),
                                                                    &squeezeNet11()};
    return networks;
}

const NetworkDescription& NetworkDescription::forArchitecture(const std::string& architecture) {
    for (const NetworkDescription* net : all()) {
        if (net->architecture == architecture) {
            return *net;
        }
    }
    throw Error("Unknown network architecture \"" + architecture +
                "\" (known: vgg19, vgg16, squeezenet1_1)");
}

}  // namespace impasto
