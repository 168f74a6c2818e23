#pragma once

#include <map>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "core/model/NetworkDescription.h"
#include "core/settings/PoolingMode.h"
#include "core/model/Preprocessing.h"
#include "core/weights/TensorSet.h"

namespace impasto {

// A feature network built from a description and a weight set. It owns only the weights the
// file provides; a file holding part of a network (the first blocks of VGG-19, say) gives a
// network that reports those layers as available and refuses requests for deeper ones.
// Immutable after construction apart from the device it lives on.
class FeatureNetwork {
public:
    // Takes the weights out of `weights`; throws impasto::Error when a tensor has the wrong
    // shape for this architecture or when not even the first layer is present.
    FeatureNetwork(const NetworkDescription& description, TensorSet& weights,
                   const Preprocessing& preprocessing);

    const NetworkDescription& description() const { return *description_; }
    const std::vector<std::string>& availableLayers() const { return availableLayers_; }
    bool isAvailable(const std::string& layer) const;
    // Throws impasto::Error naming the first unknown or unavailable layer.
    void requireLayers(const std::vector<std::string>& layers) const;

    // Moves the weights; a no-op on the device they are on. Not thread-safe.
    void to(const at::Device& device);

    // Turns RGB in [0, 1] (N x 3 x H x W) into the network's input.
    at::Tensor preprocess(const at::Tensor& rgb) const;
    // Preprocesses `rgb` and runs the network only as far as the deepest of `layers`, returning
    // the activation of each requested layer.
    std::map<std::string, at::Tensor> extract(const at::Tensor& rgb,
                                              const std::vector<std::string>& layers,
                                              PoolingMode pooling) const;

private:
    struct Convolution {
        at::Tensor weight;
        at::Tensor bias;
    };

    at::Tensor convolve(const Convolution& convolution, const at::Tensor& input, int stride,
                        int padding) const;
    at::Tensor runLayer(size_t index, const at::Tensor& input, PoolingMode pooling) const;

    const NetworkDescription* description_;
    Preprocessing preprocessing_;
    // Per layer of the description: nothing for ReLU/pool, one for a convolution, three
    // (squeeze, expand1x1, expand3x3) for a fire module.
    std::vector<std::vector<Convolution>> convolutions_;
    std::vector<std::string> availableLayers_;
    at::Tensor mean_;
    at::Tensor stddev_;
    at::Device device_ = at::kCPU;
};

}  // namespace impasto
