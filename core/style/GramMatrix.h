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

// `features` as the symmetric Gram product takes them: bfloat16 as they are where oneDNN's
// bfloat16 GEMM is found (a float32 copy would hold the same values, and copying costs as much as
// the product), else float32.
at::Tensor gramInput(const at::Tensor& features, GramMethod method);

// Positions x channels view of one C x H x W item of dense features (either layout): row-major
// for channels-last memory, column-major for contiguous memory.
at::Tensor positionsByChannels(const at::Tensor& item);

// For a CPU Gram matrix summed over pieces of the positions by one thread each
// (core/style/RegionStatistics.cpp): gram (C x C, float32) += x^T x for x of P x C
// (positionsByChannels), on and above the diagonal only, on the calling thread; then
// mirrorUpperGram() fills the rest from those blocks.
void addUpperGram(const at::Tensor& x, at::Tensor gram);
void mirrorUpperGram(at::Tensor gram);
// out = x s (P x C times C x C) in out's type, float32 or bfloat16 with float32 sums, on the
// calling thread (inside a parallel region).
void productOnThisThread(at::Tensor out, const at::Tensor& x, const at::Tensor& s);

// a b for batches of matrices (N x R x K and N x K x C): through oneDNN's GEMM for float32 on the
// CPU, as the Gram matrix (OpenBLAS's fallback kernels are several times slower), else at::matmul.
// Not differentiable.
at::Tensor matrixProduct(const at::Tensor& a, const at::Tensor& b);

}  // namespace impasto
