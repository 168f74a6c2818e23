#pragma once

#include <vector>

namespace impasto {

// One band of tiles along one axis, in image pixels: the tile owns [coreBegin, coreEnd) and
// runs the network on [inputBegin, inputEnd), its core plus a halo each side (cut at the image
// edge), so that the features it owns see the same pixels as in the whole image.
struct TileSpan {
    int coreBegin = 0;
    int coreEnd = 0;
    int inputBegin = 0;
    int inputEnd = 0;
    bool last = false;  // reaches the image's far edge

    // The feature positions the tile owns at a layer of `stride` (pixels per feature) and
    // `length` positions over the whole image: consecutive spans partition [0, length).
    int ownedBegin(int stride, int length) const;
    int ownedEnd(int stride, int length) const;
};

// How an image is cut into tiles for exact tiled evaluation (core/style/TiledEvaluation.h):
// about `tileSide` px a side, every boundary a multiple of `alignment` (the network's total
// stride, so each tile's feature grid is the whole image's), with `halo` px around each core
// (rounded up to the alignment). Torch-free so that it is tested on its own.
class TileLayout {
public:
    TileLayout() = default;
    TileLayout(int width, int height, int tileSide, int alignment, int halo);

    const std::vector<TileSpan>& columns() const { return columns_; }
    const std::vector<TileSpan>& rows() const { return rows_; }
    int count() const { return static_cast<int>(columns_.size() * rows_.size()); }

private:
    std::vector<TileSpan> columns_;
    std::vector<TileSpan> rows_;
};

}  // namespace impasto
