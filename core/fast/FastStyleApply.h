#pragma once

#include <optional>

#include "core/fast/InferenceNetwork.h"
#include "core/fast/TransformNetwork.h"
#include "core/image/Image.h"
#include "core/model/PrecisionChoice.h"
#include "core/settings/Precision.h"
#include "core/settings/StyleSettings.h"

namespace impasto {

struct FastApplyOptions {
    // 0: the photo, 1: the network's output; mixed in linear light in between, as the
    // strength slider mixes a run's result (StrengthBlend.h).
    double strength = 1.0;
    bool preserveColors = false;
    int threads = 0;  // LibTorch's threads; 0 follows other programs' load (ThreadPolicy)
    // The convolutions' number format; Auto takes bfloat16 where it measures faster
    // (PrecisionChoice.h).
    Precision precision = Precision::Auto;
    // Side in px of the tiles applying runs in (FastStyleTiles.h); 0 never tiles, -1 tiles
    // only a picture that would not fit in the memory available (AvailableMemory.h).
    int tile = -1;
};

// The options `settings` ask for (threads, precision, tile), at full strength and in the
// network's colours: the CLI and the app apply a fast style the same way.
FastApplyOptions fastApplyOptions(const StyleSettings& settings);

// Applies one fast style to any number of photos: resolves the precision and converts the
// weights to it once. Throws impasto::Error for a strength outside [0, 1].
class FastStyleApplier {
public:
    FastStyleApplier(const TransformNetwork& network, const FastApplyOptions& options = {});

    const PrecisionChoice& precision() const { return precision_; }

    // One forward pass over `photo` at the photo's size; the photo's alpha is kept.
    Image apply(const Image& photo);
    // The tile side the last apply() ran with; 0 when it ran on the whole picture (as it does
    // when one tile would hold it).
    int lastTileSide() const { return lastTileSide_; }

private:
    FastApplyOptions options_;
    PrecisionChoice precision_;
    std::optional<InferenceNetwork> network_;
    int lastTileSide_ = 0;
};

// FastStyleApplier(network, options).apply(photo).
Image applyFastStyle(const TransformNetwork& network, const Image& photo,
                     const FastApplyOptions& options = {});

}  // namespace impasto
