#pragma once

#include <ATen/ATen.h>

namespace impasto {

// Mean squared difference divided by `targetPower` (the target's mean square), so that every
// layer's error is relative and layers of very different magnitude weigh alike.
at::Tensor relativeSquaredError(const at::Tensor& current, const at::Tensor& target,
                                double targetPower);

// Mean square of a tensor, the normaliser for relativeSquaredError; never zero.
double meanPower(const at::Tensor& target);

// Total variation: mean squared difference between horizontal neighbours plus that between
// vertical neighbours of an N x C x H x W image.
at::Tensor totalVariation(const at::Tensor& image);

}  // namespace impasto
