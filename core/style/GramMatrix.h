#pragma once

#include <ATen/ATen.h>

namespace impasto {

// How gramMatrix() computes. Both give the same matrix and gradient; the choice stays open so
// that impasto-bench can time the engine against the plain LibTorch formulation.
enum class GramMethod {
    // at::bmm under autograd. Its backward pass runs two products and adds them, and on the CPU
    // every product is a single BLAS call on one thread.
    Plain,
    // The engine's: on the CPU only the blocks on and above the diagonal, spread over the
    // compute threads, and a backward pass of one product (G is symmetric). About 4x faster
    // forward + backward for SqueezeNet's layers at 512 px on two cores.
    Symmetric,
};

// Gram matrix of N x C x H x W features, normalised by H * W so that it does not grow with the
// image size: G[c, d] = sum_xy F[c, xy] F[d, xy] / (H W). Returns N x C x C. Reads either
// memory layout (contiguous or channels-last) without copying.
at::Tensor gramMatrix(const at::Tensor& features, GramMethod method = GramMethod::Symmetric);

}  // namespace impasto
