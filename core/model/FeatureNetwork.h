#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "core/model/NetworkDescription.h"
#include "core/model/Preprocessing.h"
#include "core/settings/PoolingMode.h"
#include "core/weights/TensorSet.h"

namespace impasto {

// A feature network built from a description and a weight set. It owns only the weights the
// file provides; a file holding part of a network (the first blocks of VGG-19, say) gives a
// network that reports those layers as available and refuses requests for deeper ones.
// Immutable after construction apart from the device it lives on and how it computes. A copy
// shares the float32 weights, which nothing writes in place, and has a device and precision of
// its own: a copy per thread can change those without a lock.
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

    // Moves the weights; a no-op on the device they are on. Not thread-safe. On CUDA this also
    // applies the chosen cuDNN use (CudnnUse.h: autotuned by default) and probes whether
    // reduced precision works there.
    void to(const at::Device& device);
    const at::Device& device() const { return device_; }

    // Channels-last (NHWC) activations: oneDNN's CPU convolutions and cuDNN's tensor-core
    // kernels work in that layout natively instead of reordering every call. On by default; the
    // benchmark turns it off for its baseline. Not thread-safe.
    void setChannelsLast(bool enabled);
    bool channelsLast() const { return channelsLast_; }
    // The first convolution (VGG's conv1_1) repeats the image's edge instead of padding with
    // zeros, which are a frame of the mean colour to the network (a darker or unstyled border),
    // as crowsonkb's replicate padding does. Only there: LibTorch 1.13 has no bfloat16 kernel
    // for replicate padding, and a copy of a 64-channel activation with its edge repeated cost
    // more than its convolution; SqueezeNet's fire modules measured worse with it, and its first
    // convolution has no padding. On by default; the look report turns it off for its baseline.
    void setEdgeRepeated(bool enabled) { edgeRepeated_ = enabled; }
    // Convolutions and the layers between them in bfloat16 (float16's range is too small: the
    // gradients of the normalised Gram losses reach 1e-10 and would flush to zero without loss
    // scaling); the activations are handed back in bfloat16 too, and the Gram matrices and
    // losses computed from them are float32. Ignored on devices whose convolutions refuse
    // bfloat16 (GPUs before Ampere). Off by default: the session chooses
    // (core/model/PrecisionChoice.h). Not thread-safe.
    void setReducedPrecision(bool enabled);
    // Whether convolutions run in reduced precision now (enabled and supported).
    bool reducedPrecision() const { return computeType_ != at::kFloat; }

    // Turns RGB in [0, 1] (N x 3 x H x W) into the network's input.
    at::Tensor preprocess(const at::Tensor& rgb) const;
    // Preprocesses `rgb` and runs the network only as far as the deepest of `layers`, returning
    // the activation of each requested layer (in the network's compute type and memory
    // layout).
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
    // `mayOverwrite`: the input is no caller's feature, so a ReLU may work in place (saving one
    // activation-sized buffer per layer; convolutions keep their input, not their output, for
    // the backward pass).
    at::Tensor runLayer(size_t index, at::Tensor input, PoolingMode pooling,
                        bool mayOverwrite) const;
    // Rebuilds the weights the layers run with from the float32 masters.
    void prepareWeights();
    at::MemoryFormat memoryFormat() const;

    const NetworkDescription* description_;
    Preprocessing preprocessing_;
    // Per layer of the description: nothing for ReLU/pool, one for a convolution, three
    // (squeeze, expand1x1, expand3x3) for a fire module.
    std::vector<std::vector<Convolution>> convolutions_;
    // The same weights in the compute type and memory layout; shares convolutions_'s tensors
    // when those need no conversion.
    std::vector<std::vector<Convolution>> running_;
    std::vector<std::string> availableLayers_;
    // Preprocessing folded into one multiply-add per channel: input * scale_ + shift_.
    at::Tensor scale_;
    at::Tensor shift_;
    at::Device device_ = at::kCPU;
    bool channelsLast_ = true;
    bool edgeRepeated_ = true;
    bool reducedPrecisionWanted_ = false;
    // Probed on the current device when first wanted there.
    std::optional<bool> reducedPrecisionWorks_;
    at::ScalarType computeType_ = at::kFloat;
};

}  // namespace impasto
