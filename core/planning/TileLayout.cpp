#include "core/planning/TileLayout.h"

#include <algorithm>
#include <stdexcept>

namespace impasto {

namespace {

int roundUp(int value, int multiple) {
    return (value + multiple - 1) / multiple * multiple;
}

// Splits [0, size) into cores of about `tileSide` px whose inner boundaries are multiples of
// `alignment`, each at least one alignment wide.
std::vector<TileSpan> spans(int size, int tileSide, int alignment, int halo) {
    const int count = std::max(1, std::min((size + tileSide - 1) / tileSide, size / alignment));
    std::vector<int> boundaries{0};
    for (int i = 1; i < count; ++i) {
        const int even = static_cast<int>(static_cast<long long>(size) * i / count);
        const int aligned = even / alignment * alignment;
        if (aligned > boundaries.back() && aligned < size) {
            boundaries.push_back(aligned);
        }
    }
    boundaries.push_back(size);
    std::vector<TileSpan> result;
    for (size_t i = 0; i + 1 < boundaries.size(); ++i) {
        TileSpan span;
        span.coreBegin = boundaries[i];
        span.coreEnd = boundaries[i + 1];
        span.inputBegin = std::max(0, span.coreBegin - halo);
        span.inputEnd = std::min(size, span.coreEnd + halo);
        span.last = i + 2 == boundaries.size();
        result.push_back(span);
    }
    return result;
}

}  // namespace

int TileSpan::ownedBegin(int stride, int length) const {
    return std::min(coreBegin / stride, length);
}

int TileSpan::ownedEnd(int stride, int length) const {
    return last ? length : std::min(coreEnd / stride, length);
}

TileLayout::TileLayout(int width, int height, int tileSide, int alignment, int halo) {
    if (width < 1 || height < 1 || tileSide < 1 || alignment < 1 || halo < 0) {
        throw std::invalid_argument("TileLayout: sizes must be positive");
    }
    const int alignedHalo = roundUp(halo, alignment);
    const int side = std::max(roundUp(tileSide, alignment), alignment);
    columns_ = spans(width, side, alignment, alignedHalo);
    rows_ = spans(height, side, alignment, alignedHalo);
}

}  // namespace impasto
