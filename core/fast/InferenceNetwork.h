#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <ATen/ATen.h>

#include "core/fast/TransformNetwork.h"

namespace impasto {

// One instance-normalised layer's per-channel mean and (biased) variance over a whole picture,
// float32 whatever the convolutions' format.
struct LayerStatistics {
    at::Tensor mean;
    at::Tensor variance;
};
// By layer name ("conv1", "res3.conv2", "up2", ...).
using PictureStatistics = std::map<std::string, LayerStatistics>;

// A TransformNetwork for applying only: its weights converted once to `type` (float32 or
// bfloat16) in the channels-last layout oneDNN's convolutions are fastest in, and its forward
// pass cut into the stages that tiled applying runs tile by tile (FastStyleTiles.h).
// Instance normalisation uses a layer's entry in `statistics` when it has one, else measures
// its input and records the measurement there; the normalisation statistics are float32.
// Inputs are 1 x 3 x H x W RGB (one picture: the normalisation is LibTorch's batch norm),
// float32 or `type`, with H and W multiples of 4; others throw impasto::Error.
class InferenceNetwork {
public:
    InferenceNetwork(const TransformNetwork& network, at::ScalarType type);

    at::ScalarType type() const { return type_; }
    // Channels of the full-resolution layers, which dominate the memory a picture needs.
    int64_t fullResolutionChannels() const { return layers_.at("conv1").weight.size(0); }

    // The whole pass on a whole picture: float32, not clamped.
    at::Tensor forward(const at::Tensor& rgb) const;

    // The stages, each taking the previous one's output (the `up1` and `up2` layers' outputs
    // before their normalisation are the tiled pass's cut points):
    // full-resolution RGB -> conv1 before its normalisation (full resolution);
    at::Tensor firstConvolution(const at::Tensor& rgb) const;
    // full-resolution RGB -> conv2 before its normalisation (half resolution);
    at::Tensor downsampled(const at::Tensor& rgb, PictureStatistics& statistics) const;
    // conv2's output -> the residual blocks' (quarter resolution);
    at::Tensor residual(const at::Tensor& conv2, PictureStatistics& statistics) const;
    // the residual blocks' output -> up1 before its normalisation (half resolution);
    at::Tensor firstUpsampling(const at::Tensor& trunk) const;
    // up1's normalised and rectified output -> up2 before its normalisation (full resolution);
    at::Tensor secondUpsampling(const at::Tensor& up1) const;
    // up2's output -> the stylised RGB (float32, full resolution).
    at::Tensor output(const at::Tensor& up2, PictureStatistics& statistics) const;
    // Layer `name`'s instance normalisation (and ReLU) of `x`.
    at::Tensor normalised(const std::string& name, const at::Tensor& x,
                          PictureStatistics& statistics, bool rectified = true) const;

private:
    struct Layer {
        at::Tensor weight;  // `type`, channels-last
        at::Tensor bias;
        at::Tensor normWeight;  // float32; undefined for the last layer
        at::Tensor normBias;
    };

    at::Tensor convolution(const std::string& name, const at::Tensor& x, int64_t stride) const;

    at::ScalarType type_;
    std::map<std::string, Layer> layers_;
};

}  // namespace impasto
