#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/NetworkDescription.h"

namespace impasto {

// TilingChoice::reason when the whole image fits, the usual case (nothing to announce).
inline constexpr const char* kFitsUntiled = "fits untiled";

// Whether a stage's loss is evaluated tile by tile (core/style/TiledEvaluation.h), and how.
struct TilingChoice {
    int tileSide = 0;    // the tiles' core side in px; 0: the whole image at once
    std::string reason;  // why, for the user: "--tile 512", "11.2 GB free, ..."
};

// Bytes one evaluation with gradients holds per input pixel, estimated from the activations of
// the layers up to the deepest of `layers` (each counted twice: forward and backward buffers),
// in float32 or bfloat16.
double evaluationBytesPerPixel(const NetworkDescription& description,
                               const std::vector<std::string>& layers, bool reducedPrecision);

// `requested`: settings.tile (-1 automatic, 0 off, else the side in px). Automatic tiles only
// when an evaluation of the whole `width` x `height` image would need more than half of
// `available` bytes (the rest is the image, the optimiser's state and headroom), with tiles
// (their `halo` included) that fit in a quarter of it; an image no larger than one tile runs
// whole.
TilingChoice chooseTiling(int requested, int width, int height, double bytesPerPixel, int halo,
                          uint64_t available);

// How L-BFGS remembers its steps for an image of `pixels`.
struct LbfgsHistoryChoice {
    int steps = 0;                  // 0: the optimiser's own choice (automaticLbfgsHistory)
    bool reducedPrecision = false;  // stored in bfloat16 instead of float32
};

// With `available` bytes: the optimiser's own choice (up to 2 GB) in float32 when it fits in an
// eighth of them; else in bfloat16, its steps or as many as fit there, from 2 to 10. An eighth:
// print sizes' images, gradients and snapshots take most of the rest.
LbfgsHistoryChoice lbfgsHistoryForMemory(int64_t pixels, uint64_t available);

// "1.5 GB"
std::string gigabytes(double bytes);

}  // namespace impasto
