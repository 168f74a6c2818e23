#pragma once

#include <cstdint>

#include <ATen/ATen.h>

#include "core/fast/InferenceNetwork.h"

namespace impasto {

// Halo around each tile, in full-resolution px: the network's receptive radius at the tiles'
// cut points (a 9x9 convolution's 4 px and a 3x3's 1 px on either side of a stride-2
// convolution or an upsampling, 5 px), rounded up to the network's total stride of 4.
inline constexpr int kFastTileHalo = 8;

// The same result as network.forward(rgb), computed in tiles of about `tileSide` px so that
// only quarter- and half-resolution tensors are held for the whole picture. Instance
// normalisation is global, so the statistics are still the whole picture's, exactly: one
// extra tiled pass measures conv1's before the downsampling and one up2's after the last
// upsampling, up1's are summed over its tiles, and the layers between run on the whole
// quarter-resolution tensors; the two extra passes add a little work. Each tile sees a halo of
// kFastTileHalo px, so no seams.
at::Tensor tiledForward(const InferenceNetwork& network, const at::Tensor& rgb, int tileSide);

// The tile side that fits applying to a width x height picture in `available` bytes with
// `network`; 0 when the whole picture fits untiled (or `available` is 0, unknown). Throws
// impasto::Error when even the tensors tiling keeps whole would not fit.
int automaticFastTileSide(const InferenceNetwork& network, int width, int height,
                          uint64_t available);

}  // namespace impasto
