#pragma once

#include <ATen/ATen.h>

#include "core/style/GramMethod.h"

namespace impasto {

// Gram matrix of N x C x H x W features, normalised by H * W so that it does not grow with the
// image size: G[c, d] = sum_xy F[c, xy] F[d, xy] / (H W). Returns N x C x C in float32 whatever
// the features' type (float32 or bfloat16, whose gradient stays bfloat16). Reads either memory
// layout (contiguous or channels-last) without copying. A `divisor` divides it further, at no
// cost (a guided region's mean square, core/style/StyleGuidance.h).
at::Tensor gramMatrix(const at::Tensor& features, GramMethod method = GramMethod::Symmetric,
                      double divisor = 1.0);

// The Gram matrix of `features` and their per-channel mean weighted by `positionWeights`
// (1 x 1 x H x W; undefined: all 1), mean[c] = sum_xy w[xy] F[c, xy] / (H W), both float32,
// from one autograd node: its backward pass adds the mean's share to the Gram matrix's in place
// (LibTorch's mean sends back a dense tensor of its own, in the contiguous layout, which then
// converts and adds: as much as the Gram matrix's backward pass again).
struct GramAndMean {
    at::Tensor gram;  // N x C x C
    at::Tensor mean;  // N x C
};
// Both divided by `divisor` as gramMatrix's.
GramAndMean gramAndMean(const at::Tensor& features, const at::Tensor& positionWeights = {},
                        GramMethod method = GramMethod::Symmetric, double divisor = 1.0);

// a b for batches of matrices (N x R x K and N x K x C): through oneDNN's GEMM for float32 on the
// CPU, as the Gram matrix (OpenBLAS's fallback kernels are several times slower), else at::matmul.
// Not differentiable.
at::Tensor matrixProduct(const at::Tensor& a, const at::Tensor& b);

}  // namespace impasto
