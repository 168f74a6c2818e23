#pragma once

#include <ATen/ATen.h>

#include "core/image/Image.h"

namespace impasto {

// Image (H x W RGB float) <-> 1 x 3 x H x W tensor on the CPU. Both copy.
at::Tensor imageToTensor(const Image& image);
// Clamps to [0, 1]; the tensor may live on any device. Alpha is left empty.
Image tensorToImage(const at::Tensor& tensor);
// The alpha channel as a 1 x 1 x H x W tensor on the CPU (undefined when the image is opaque),
// and back into `image` (same size).
at::Tensor alphaToTensor(const Image& image);
void setAlpha(Image& image, const at::Tensor& alpha);

// Scales N x C x H x W samples to `width` x `height` as core/image's resizeTo does: area
// averaging when shrinking (no aliasing), bicubic otherwise, clamped to [0, 1].
at::Tensor resampled(const at::Tensor& samples, int width, int height);
// The same for an Image, alpha included.
Image resampled(const Image& image, int width, int height);
// Scales so that the longest side is `side` (up or down), keeping the aspect ratio.
Image resampledToLongestSide(const Image& image, int side);

// Keeps the brightness of `stylized` and takes the colour of `colourSource` (same size, both
// 1 x 3 x H x W): Gatys et al.'s luminance-only transfer, in YCbCr as BT.601 defines it. The
// conversion is affine, so keeping one image's Y and the other's chroma is adding the
// difference of their Y to every channel of the colour source.
at::Tensor transferLuminance(const at::Tensor& stylized, const at::Tensor& colourSource);

}  // namespace impasto
