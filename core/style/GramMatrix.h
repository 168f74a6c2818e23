#pragma once

#include <ATen/ATen.h>

#include "core/style/GramMethod.h"

namespace impasto {

// Gram matrix of N x C x H x W features, normalised by H * W so that it does not grow with the
// image size: G[c, d] = sum_xy F[c, xy] F[d, xy] / (H W). Returns N x C x C in float32 whatever
// the features' type (float32 or bfloat16, whose gradient stays bfloat16). Reads either memory
// layout (contiguous or channels-last) without copying.
at::Tensor gramMatrix(const at::Tensor& features, GramMethod method = GramMethod::Symmetric);

}  // namespace impasto
