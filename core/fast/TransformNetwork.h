#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <ATen/ATen.h>

namespace impasto {

// Johnson, Alahi and Fei-Fei's image transformation network with the refinements its users
// adopted: reflection padding, instance normalisation, and upsampling by nearest-neighbour
// resize plus a convolution (transposed convolutions leave checkerboards). A 9x9 convolution,
// two stride-2 downsampling convolutions, five residual blocks, two upsampling steps and a 9x9
// convolution back to RGB. `width` multiplies every layer's channels (32, 64, 128 at 1).
// Plain at:: ops over named parameter tensors, so that saving is a list of float32 tensors.
class TransformNetwork {
public:
    static constexpr int kResidualBlocks = 5;
    // Instance normalisation's epsilon: training's and applying's must agree.
    static constexpr double kNormalisationEpsilon = 1e-5;

    // Freshly initialised (uniform in +-1/sqrt(fan in), as LibTorch's own layers) from `seed`.
    TransformNetwork(double width, uint64_t seed);
    // Takes the parameters as they are; throws impasto::Error when a name is missing or extra
    // or a shape is wrong for `width`.
    TransformNetwork(double width, std::map<std::string, at::Tensor> parameters);

    // The widths a style may have; others are refused (validation of files and options).
    static bool isSupportedWidth(double width);
    // Every parameter's name and shape for `width`, in a fixed order.
    static std::map<std::string, std::vector<int64_t>> parameterShapes(double width);

    double width() const { return width_; }
    const std::map<std::string, at::Tensor>& parameters() const { return parameters_; }
    std::vector<at::Tensor> parameterList() const;
    int64_t parameterCount() const;

    // N x 3 x H x W RGB in [0, 1] to the stylised image of the same size (any size: the input is
    // reflection-padded to a multiple of 4 and the result cropped back). Not clamped.
    at::Tensor forward(const at::Tensor& rgb) const;
    // `rgb` replication-padded at the bottom and right to multiples of 4: two halvings and two
    // doublings give back the size only for those.
    static at::Tensor paddedToStride(const at::Tensor& rgb);

private:
    at::Tensor convolution(const std::string& name, const at::Tensor& input, int stride) const;
    at::Tensor normalised(const std::string& name, const at::Tensor& input) const;

    double width_;
    std::map<std::string, at::Tensor> parameters_;
};

}  // namespace impasto
