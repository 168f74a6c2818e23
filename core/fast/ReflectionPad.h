#pragma once

#include <cstdint>

#include <ATen/ATen.h>

namespace impasto {

// `x` (N x C x H x W) reflection-padded by `pad` px on every side, as at::reflection_pad2d, in
// x's number format and memory layout: LibTorch 1.13 has no bfloat16 reflection padding, and
// converting around it costs more than the convolution it feeds. `pad` must be below H and W.
at::Tensor reflectionPadded(const at::Tensor& x, int64_t pad);

}  // namespace impasto
