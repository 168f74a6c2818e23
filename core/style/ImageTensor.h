#pragma once

#include <ATen/ATen.h>

#include "core/image/Image.h"

namespace impasto {

// Image (H x W RGB float) <-> 1 x 3 x H x W tensor on the CPU. Both copy.
at::Tensor imageToTensor(const Image& image);
// Clamps to [0, 1]; the tensor may live on any device. Alpha is left empty.
Image tensorToImage(const at::Tensor& tensor);

}  // namespace impasto
