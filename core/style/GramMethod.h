#pragma once

namespace impasto {

// How gramMatrix() computes. Both give the same matrix and gradient; the choice stays open so
// that impasto-bench can time the engine against the plain LibTorch formulation.
enum class GramMethod {
    // at::bmm under autograd: its backward pass runs two products and adds them, each a single
    // BLAS call on the CPU.
    Plain,
    // The engine's: on the CPU only the blocks on and above the diagonal, spread over the
    // compute threads, and a backward pass of one product (G is symmetric).
    Symmetric,
};

}  // namespace impasto
