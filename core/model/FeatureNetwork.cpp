#include "core/model/FeatureNetwork.h"

#include <c10/core/GradMode.h>
#include <algorithm>
#include <memory>

#include <ATen/Context.h>
#include <c10/core/GradMode.h>

#include "core/common/Error.h"
#include "core/common/Text.h"
#include "core/model/CudnnUse.h"
#include "core/weights/Shape.h"

namespace impasto {

namespace {

std::vector<int64_t> withoutUnitDimensions(const std::vector<int64_t>& shape) {
    std::vector<int64_t> kept;
    std::copy_if(shape.begin(), shape.end(), std::back_inserter(kept),
                 [](int64_t size) { return size != 1; });
    return kept;
}

// Caffe's legacy encoding stores a bias of N values as [1,1,1,N] and 1x1 kernels keep their
// unit dimensions: shapes agree when they do apart from dimensions of size 1.
bool sameShape(const std::vector<int64_t>& stored, const std::vector<int64_t>& expected) {
    return withoutUnitDimensions(stored) == withoutUnitDimensions(expected);
}

// Hands the values to a tensor without copying; the tensor frees them.
at::Tensor adoptTensor(WeightTensor&& weight, const std::vector<int64_t>& shape) {
    auto owned = std::make_unique<std::vector<float>>(std::move(weight.values));
    float* data = owned->data();
    at::Tensor tensor = at::from_blob(
        data, shape, [owned = owned.get()](void*) { delete owned; }, at::kFloat);
    owned.release();
    return tensor;
}

// Finds the weights under either naming, or returns "" when the file lacks them.
std::string storedName(const TensorSet& weights, const WeightSlot& slot) {
    for (const std::string& base : {slot.torchvisionName, slot.caffeName}) {
        if (weights.contains(base + ".weight")) {
            return base;
        }
    }
    return {};
}

}  // namespace

FeatureNetwork::FeatureNetwork(const NetworkDescription& description, TensorSet& weights,
                               const Preprocessing& preprocessing)
    : description_(&description), preprocessing_(preprocessing) {
    const std::string fileName = weights.sourceFile.filename().string();
    for (const LayerSpec& layer : description.layers) {
        std::vector<Convolution> layerConvolutions;
        bool complete = true;
        for (const WeightSlot& slot : weightSlots(layer)) {
            const std::string base = storedName(weights, slot);
            if (base.empty()) {
                complete = false;
                break;
            }
            WeightTensor weight = weights.take(base + ".weight");
            if (!sameShape(weight.shape, slot.weightShape)) {
                throw Error(fileName + ": " + base + " has shape " + shapeToString(weight.shape) +
                            " but " + description.title + " needs " +
                            shapeToString(slot.weightShape) + " (is this file another network?)");
            }
            const std::vector<int64_t> biasShape{slot.weightShape[0]};
            // Caffe and torchvision always store biases: a missing one means a damaged file.
            if (!weights.contains(base + ".bias")) {
                throw Error(fileName + ": " + base + " has weights but no bias");
            }
            WeightTensor storedBias = weights.take(base + ".bias");
            if (!sameShape(storedBias.shape, biasShape)) {
                throw Error(fileName + ": bias of " + base + " has shape " +
                            shapeToString(storedBias.shape) + " but " + description.title +
                            " needs " + shapeToString(biasShape));
            }
            const at::Tensor bias = adoptTensor(std::move(storedBias), biasShape);
            layerConvolutions.push_back({adoptTensor(std::move(weight), slot.weightShape), bias});
        }
        if (!complete) {
            break;
        }
        convolutions_.push_back(std::move(layerConvolutions));
        availableLayers_.push_back(layer.name);
    }
    if (availableLayers_.empty()) {
        throw Error(fileName + " has no weights for the first layer of " + description.title);
    }
    // (x * inputScale - mean) / stddev = x * scale + shift, per channel.
    std::vector<float> scale, shift;
    for (size_t channel = 0; channel < 3; ++channel) {
        const auto& p = preprocessing_;
        scale.push_back(p.inputScale / p.stddev[channel]);
        shift.push_back(-p.mean[channel] / p.stddev[channel]);
    }
    scale_ = at::tensor(scale).view({1, 3, 1, 1});
    shift_ = at::tensor(shift).view({1, 3, 1, 1});
    prepareWeights();
}

bool FeatureNetwork::isAvailable(const std::string& layer) const {
    return std::find(availableLayers_.begin(), availableLayers_.end(), layer) !=
           availableLayers_.end();
}

void FeatureNetwork::requireLayers(const std::vector<std::string>& layers) const {
    const bool partial = availableLayers_.size() < description_->layers.size();
    // Every name that would work, so that nobody has to guess; a partial file's own range.
    const std::string usable = join(availableLayers_, ", ");
    const std::string range = "from " + availableLayers_.front() + " to " + availableLayers_.back();
    for (const std::string& layer : layers) {
        if (description_->indexOf(layer) < 0) {
            throw Error("\"" + layer + "\" is not a layer of " + description_->title + ". " +
                        (partial ? "This weight file holds its layers " + range + ": "
                                 : "Its layers are ") +
                        usable);
        }
        if (!isAvailable(layer)) {
            throw Error("Layer " + layer + " is not in this weight file: it holds " +
                        description_->title + " only " + range + ", the layers " + usable);
        }
    }
}

namespace {

// Whether a bfloat16 convolution and its backward pass run on `device`: cuDNN refuses them on
// GPUs before Ampere; LibTorch's CPU convolutions take them everywhere (emulated where the
// processor lacks bfloat16 instructions).
bool bfloat16ConvolutionWorks(const at::Device& device) {
    try {
        const c10::AutoGradMode gradients(true);
        const auto options = at::TensorOptions().device(device).dtype(at::kBFloat16);
        const at::Tensor input = at::ones({1, 3, 8, 8}, options).requires_grad_(true);
        at::conv2d(input, at::ones({4, 3, 3, 3}, options)).sum().backward();
        return input.grad().defined();
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

void FeatureNetwork::to(const at::Device& device) {
    if (device == device_) {
        return;  // sessions sharing the network on one device must not rewrite its tensors
    }
    for (auto& layer : convolutions_) {
        for (Convolution& convolution : layer) {
            convolution.weight = convolution.weight.to(device);
            convolution.bias = convolution.bias.to(device);
        }
    }
    scale_ = scale_.to(device);
    shift_ = shift_.to(device);
    device_ = device;
    reducedPrecisionWorks_.reset();
    if (device.is_cuda()) {
        applyChosenCudnnUse();
    }
    prepareWeights();
}

void FeatureNetwork::setChannelsLast(bool enabled) {
    channelsLast_ = enabled;
    prepareWeights();
}

void FeatureNetwork::setReducedPrecision(bool enabled) {
    if (enabled == reducedPrecisionWanted_) {
        return;  // the session asks again whenever its settings change
    }
    reducedPrecisionWanted_ = enabled;
    prepareWeights();
}

at::MemoryFormat FeatureNetwork::memoryFormat() const {
    return channelsLast_ ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
}

void FeatureNetwork::prepareWeights() {
    if (reducedPrecisionWanted_ && !reducedPrecisionWorks_) {
        reducedPrecisionWorks_ = bfloat16ConvolutionWorks(device_);
    }
    computeType_ = reducedPrecisionWanted_ && *reducedPrecisionWorks_ ? at::kBFloat16 : at::kFloat;
    running_.clear();
    for (const auto& layer : convolutions_) {
        std::vector<Convolution> converted;
        for (const Convolution& convolution : layer) {
            converted.push_back({convolution.weight.to(computeType_).contiguous(memoryFormat()),
                                 convolution.bias.to(computeType_)});
        }
        running_.push_back(std::move(converted));
    }
}

at::Tensor FeatureNetwork::preprocess(const at::Tensor& rgb) const {
    at::Tensor input = rgb;
    if (preprocessing_.channelOrder == Preprocessing::ChannelOrder::Bgr) {
        input = input.flip({1});
    }
    return at::addcmul(shift_, input, scale_);
}

at::Tensor FeatureNetwork::convolve(const Convolution& convolution, const at::Tensor& input,
                                    int stride, int padding) const {
    return at::conv2d(input, convolution.weight, convolution.bias, {stride, stride},
                      {padding, padding});
}

namespace {

// A strided convolution whose windows do not fit the input exactly never reads its last rows
// or columns (SqueezeNet's first layer, stride 2 without padding, skips the last of an even-sized
// image), so those pixels would keep their starting value: the edge is repeated until the last
// window reaches it.
at::Tensor coveredByWindows(const at::Tensor& input, const ConvolutionSpec& spec) {
    auto missing = [&](int64_t side) -> int64_t {
        if (side + 2 * spec.padding < spec.kernel) {
            return 0;  // too small for one window: the convolution refuses it
        }
        const int64_t overhang = (side + 2 * spec.padding - spec.kernel) % spec.stride;
        return overhang == 0 ? 0 : spec.stride - overhang;
    };
    const int64_t right = missing(input.size(3));
    const int64_t bottom = missing(input.size(2));
    if (right == 0 && bottom == 0) {
        return input;
    }
    const auto format = input.suggest_memory_format();
    at::Tensor covered = input;
    if (right > 0) {
        const int64_t width = covered.size(3);
        covered =
            at::cat({covered, covered.narrow(3, width - 1, 1).expand({-1, -1, -1, right})}, 3);
    }
    if (bottom > 0) {
        const int64_t height = covered.size(2);
        covered =
            at::cat({covered, covered.narrow(2, height - 1, 1).expand({-1, -1, bottom, -1})}, 2);
    }
    return covered.contiguous(format);
}

// `input` with its outermost rows and columns repeated `padding` times (replicate padding, which
// LibTorch 1.13 has no bfloat16 CPU kernel for).
at::Tensor edgeRepeated(const at::Tensor& input, int64_t padding) {
    const auto format = input.suggest_memory_format();
    const int64_t width = input.size(3);
    const auto columns = [&](int64_t at) {
        return input.narrow(3, at, 1).expand({-1, -1, -1, padding});
    };
    const at::Tensor wider = at::cat({columns(0), input, columns(width - 1)}, 3);
    const int64_t height = wider.size(2);
    const auto rows = [&](int64_t at) {
        return wider.narrow(2, at, 1).expand({-1, -1, padding, -1});
    };
    return at::cat({rows(0), wider, rows(height - 1)}, 2).contiguous(format);
}

}  // namespace

at::Tensor FeatureNetwork::runLayer(size_t index, at::Tensor input, PoolingMode pooling,
                                    bool mayOverwrite) const {
    const LayerSpec& layer = description_->layers[index];
    switch (layer.kind) {
        case LayerKind::Convolution: {
            const ConvolutionSpec& spec = layer.convolution;
            const at::Tensor covered = coveredByWindows(input, spec);
            if (edgeRepeated_ && spec.padding > 0 && index == 0) {
                // Zeros around the image are a frame of the mean colour that the style loss
                // sees (see setEdgeRepeated).
                return convolve(running_[index][0], edgeRepeated(covered, spec.padding),
                                spec.stride, 0);
            }
            return convolve(running_[index][0], covered, spec.stride, spec.padding);
        }
        case LayerKind::Relu:
            return mayOverwrite ? at::relu_(input) : at::relu(input);
        case LayerKind::Pool: {
            const PoolSpec& spec = layer.pool;
            if (pooling == PoolingMode::Average) {
                return at::avg_pool2d(input, {spec.kernel, spec.kernel}, {spec.stride, spec.stride},
                                      {0, 0}, spec.ceilMode);
            }
            return at::max_pool2d(input, {spec.kernel, spec.kernel}, {spec.stride, spec.stride},
                                  {0, 0}, {1, 1}, spec.ceilMode);
        }
        case LayerKind::Fire: {
            const auto& fire = running_[index];
            // Fresh convolution outputs: their ReLUs may work in place.
            const at::Tensor squeezed = convolve(fire[0], input, 1, 0).relu_();
            return at::cat({convolve(fire[1], squeezed, 1, 0).relu_(),
                            convolve(fire[2], squeezed, 1, 1).relu_()},
                           1);
        }
    }
    throw Error("Unknown layer kind in " + description_->title);
}

std::map<std::string, at::Tensor> FeatureNetwork::extract(const at::Tensor& rgb,
                                                          const std::vector<std::string>& layers,
                                                          PoolingMode pooling) const {
    requireLayers(layers);
    int deepest = -1;
    for (const std::string& layer : layers) {
        deepest = std::max(deepest, description_->indexOf(layer));
    }
    std::map<std::string, at::Tensor> features;
    at::Tensor activation = preprocess(rgb).to(computeType_).contiguous(memoryFormat());
    bool activationIsFeature = false;
    for (int index = 0; index <= deepest; ++index) {
        activation =
            runLayer(static_cast<size_t>(index), activation, pooling, !activationIsFeature);
        const std::string& name = description_->layers[static_cast<size_t>(index)].name;
        activationIsFeature = std::find(layers.begin(), layers.end(), name) != layers.end();
        if (activationIsFeature) {
            features[name] = activation;
        }
    }
    return features;
}

}  // namespace impasto
