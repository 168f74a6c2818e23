#pragma once

#include <ATen/ATen.h>

namespace impasto {

// Whether rowProducts and addRowGrams run here for `type` (float32 or bfloat16): built with
// oneDNN 2 (libdnnl-dev) and this processor has a real kernel for the type (bfloat16 needs
// AVX-512), not oneDNN's reference loops. Callers copy their bands otherwise.
bool rowProductsRun(at::ScalarType type);

// out[r] = in[r] weights for every row r of `in` and `out` (rows x positions x channels, each
// row's positions and channels dense, the rows at any stride: a band of columns of a
// channels-last layer, whose rows are no one matrix), one oneDNN product per row on the calling
// thread, written straight into `out`: a band's rows need no copy in or out, and a cached
// oneDNN primitive costs a small fraction of a LibTorch mm call.
// `weights` (channels x outChannels) and both bands share one type, float32 or bfloat16.
void rowProducts(const at::Tensor& out, const at::Tensor& in, const at::Tensor& weights);

// gram (channels x channels, float32) += in[r]^T in[r] summed over the rows of `in` (as above,
// float32 or bfloat16), one oneDNN product per row on the calling thread: a band's Gram matrix
// without copying it into one matrix first.
void addRowGrams(const at::Tensor& gram, const at::Tensor& in);

}  // namespace impasto
