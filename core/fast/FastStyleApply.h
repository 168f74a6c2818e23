#pragma once

#include "core/fast/TransformNetwork.h"
#include "core/image/Image.h"

namespace impasto {

struct FastApplyOptions {
    double strength = 1.0;  // 0: the photo, 1: the network's output; blended in between
    bool preserveColors = false;
    int threads = 0;  // LibTorch's threads; 0 follows other programs' load (ThreadPolicy)
};

// One forward pass of `network` over `photo` at the photo's size; the photo's alpha is kept.
// Throws impasto::Error for a strength outside [0, 1].
Image applyFastStyle(const TransformNetwork& network, const Image& photo,
                     const FastApplyOptions& options = {});

}  // namespace impasto
