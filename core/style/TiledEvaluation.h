#pragma once

#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>

#include "core/model/FeatureNetwork.h"
#include "core/planning/TileLayout.h"
#include "core/settings/StyleSettings.h"
#include "core/style/LossBreakdown.h"
#include "core/style/StyleGuidance.h"
#include "core/style/StyleTargets.h"

namespace impasto {

// The style loss and its gradient computed tile by tile, so that memory grows with the tile
// rather than the picture, with the same values as StyleTargets::losses on the whole image
// (up to float32 rounding of the sums). Exact because every term is a sum over positions:
// - each tile runs the network on its core plus a halo of the deepest layer's receptive field,
//   its origin a multiple of the network's total stride so that its feature grid is the whole
//   image's; each feature position belongs to exactly one tile (TileLayout), and the halo's
//   features, which see the tile's edge, are left out;
// - pass 1 (no gradients) sums each style layer's Gram matrix and feature mean and each
//   content layer's squared error over the tiles; the style error and dL/dG, dL/dmean come
//   from those whole-image statistics;
// - pass 2 runs each tile again with gradients and backpropagates, from the features it owns,
//   dL/dF = F (dL/dG + dL/dG^T) / N + dL/dmean / N plus the content term's 2 (F - T) / (n p),
//   adding the tile's whole input gradient (halo included: owned features see it) into the
//   image's;
// - masks (StyleTargets::guidance()): each region's statistics are sums over positions too,
//   weighted by its mask at the whole layer's resolution (GuidanceMask::atResolution, computed
//   once for the picture and cropped to each tile's positions), so dL/dF gains the mask's square;
// - total variation and the keep mask's pixel term, and their gradients, are computed on the
//   whole image, in bands of rows, so they are exact across tiles;
// - normalizeGradients scales each layer's gradient by its L1 norm over the whole image: a pass
//   between the two (no gradients) sums each term's norm over the tiles first.
class TiledEvaluation {
public:
    using Features = StyleTargets::Features;

    // `layers`: every layer the evaluation will be asked for (the deepest sets the halo and the
    // alignment); `tileSide`: the core's side in pixels.
    TiledEvaluation(const FeatureNetwork& network, PoolingMode pooling,
                    const std::vector<std::string>& layers, int tileSide);

    TileLayout layoutFor(int width, int height) const;
    // The halo around each tile's core, in pixels.
    int halo() const { return halo_; }

    // The whole image's features at `layers` (content targets), computed tile by tile.
    Features features(const at::Tensor& rgb, const std::vector<std::string>& layers) const;
    // The Gram matrices and feature means at `layers` of `rgb` (style targets), over the region
    // `source` guides (its pixels at `rgb`'s size) when given, as StyleTargets::setStyles.
    std::pair<Features, Features> statistics(const at::Tensor& rgb,
                                             const std::vector<std::string>& layers,
                                             const GuidanceMask* source = nullptr) const;
    // What StyleTargets::losses gives for `image` (which requires gradients): the total, whose
    // gradient with respect to `image` is the whole image's, and the terms.
    std::pair<at::Tensor, LossBreakdown> losses(const at::Tensor& image,
                                                const StyleTargets& targets,
                                                const StyleSettings& settings) const;

private:
    struct Tile {
        TileSpan row;
        TileSpan column;
    };
    std::vector<Tile> tiles(const at::Tensor& image) const;
    // The pixels `tile` runs the network on.
    static at::Tensor input(const at::Tensor& image, const Tile& tile);
    // The positions of `features` (a tile's, at `layer`) that `tile` owns, in a whole image of
    // `imageHeight` x `imageWidth`; `begin` receives their place in the whole image's features.
    at::Tensor owned(const at::Tensor& features, const std::string& layer, const Tile& tile,
                     int imageHeight, int imageWidth, std::pair<int, int>* begin = nullptr) const;
    // The whole image's feature size at `layer`.
    std::pair<int, int> featureSize(const std::string& layer, int imageHeight,
                                    int imageWidth) const;

    const FeatureNetwork* network_;
    PoolingMode pooling_;
    int tileSide_;
    int alignment_ = 1;
    int halo_ = 0;
};

}  // namespace impasto
