#include "core/fast/InferenceNetwork.h"

#include <tuple>

#include "core/common/Error.h"
#include "core/fast/ReflectionPad.h"

namespace impasto {

namespace {

at::Tensor doubled(const at::Tensor& x) {
    return at::upsample_nearest2d(x, {x.size(2) * 2, x.size(3) * 2});
}

}  // namespace

InferenceNetwork::InferenceNetwork(const TransformNetwork& network, at::ScalarType type)
    : type_(type) {
    const auto& parameters = network.parameters();
    for (const auto& [name, tensor] : parameters) {
        if (!name.ends_with(".weight") || name.ends_with(".norm.weight")) {
            continue;
        }
        const std::string layer = name.substr(0, name.size() - 7);
        Layer converted;
        converted.weight = tensor.detach().to(type).contiguous(at::MemoryFormat::ChannelsLast);
        converted.bias = parameters.at(layer + ".bias").detach().to(type);
        if (parameters.contains(layer + ".norm.weight")) {
            converted.normWeight = parameters.at(layer + ".norm.weight").detach().to(at::kFloat);
            converted.normBias = parameters.at(layer + ".norm.bias").detach().to(at::kFloat);
        }
        layers_[layer] = std::move(converted);
    }
}

at::Tensor InferenceNetwork::convolution(const std::string& name, const at::Tensor& x,
                                         int64_t stride) const {
    const Layer& layer = layers_.at(name);
    return at::conv2d(reflectionPadded(x, layer.weight.size(2) / 2), layer.weight, layer.bias,
                      stride);
}

at::Tensor InferenceNetwork::normalised(const std::string& name, const at::Tensor& x,
                                        PictureStatistics& statistics, bool rectified) const {
    // With one picture in the batch, batch normalisation is instance normalisation, and
    // LibTorch's is fused, channels-last and bfloat16-capable with float32 statistics.
    const Layer& layer = layers_.at(name);
    at::Tensor y;
    if (const auto known = statistics.find(name); known != statistics.end()) {
        y = std::get<0>(at::native_batch_norm(x, layer.normWeight, layer.normBias,
                                              known->second.mean, known->second.variance, false,
                                              0.0, TransformNetwork::kNormalisationEpsilon));
    } else {
        at::Tensor mean, inverseDeviation;
        std::tie(y, mean, inverseDeviation) =
            at::native_batch_norm(x, layer.normWeight, layer.normBias, {}, {}, true, 0.0,
                                  TransformNetwork::kNormalisationEpsilon);
        statistics[name] = {
            mean, inverseDeviation.square().reciprocal() - TransformNetwork::kNormalisationEpsilon};
    }
    return rectified ? y.relu_() : y;
}

at::Tensor InferenceNetwork::firstConvolution(const at::Tensor& rgb) const {
    // Batch normalisation would pool the statistics of several pictures (normalised()).
    if (rgb.dim() != 4 || rgb.size(0) != 1) {
        throw Error("A fast style's network takes one picture at a time (1 x 3 x H x W)");
    }
    return convolution("conv1", rgb.to(type_).contiguous(at::MemoryFormat::ChannelsLast), 1);
}

at::Tensor InferenceNetwork::downsampled(const at::Tensor& rgb,
                                         PictureStatistics& statistics) const {
    return convolution("conv2", normalised("conv1", firstConvolution(rgb), statistics), 2);
}

at::Tensor InferenceNetwork::residual(const at::Tensor& conv2,
                                      PictureStatistics& statistics) const {
    at::Tensor x = normalised("conv2", conv2, statistics);
    x = normalised("conv3", convolution("conv3", x, 2), statistics);
    for (int i = 1; i <= TransformNetwork::kResidualBlocks; ++i) {
        const std::string block = "res" + std::to_string(i);
        const at::Tensor inner =
            normalised(block + ".conv1", convolution(block + ".conv1", x, 1), statistics);
        x = x + normalised(block + ".conv2", convolution(block + ".conv2", inner, 1), statistics,
                           false);
    }
    return x;
}

at::Tensor InferenceNetwork::firstUpsampling(const at::Tensor& trunk) const {
    return convolution("up1", doubled(trunk), 1);
}

at::Tensor InferenceNetwork::secondUpsampling(const at::Tensor& up1) const {
    return convolution("up2", doubled(up1), 1);
}

at::Tensor InferenceNetwork::output(const at::Tensor& up2, PictureStatistics& statistics) const {
    return convolution("out", normalised("up2", up2, statistics), 1).to(at::kFloat);
}

at::Tensor InferenceNetwork::forward(const at::Tensor& rgb) const {
    PictureStatistics statistics;
    const at::Tensor trunk = residual(downsampled(rgb, statistics), statistics);
    const at::Tensor up1 = normalised("up1", firstUpsampling(trunk), statistics);
    return output(secondUpsampling(up1), statistics);
}

}  // namespace impasto
