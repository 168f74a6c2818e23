#include "core/fast/FastStyleTiles.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/common/Error.h"
#include "core/planning/TileLayout.h"

namespace impasto {

namespace {

constexpr int kNetworkStride = 4;

// Per-channel mean and variance merged over tiles (Chan et al.'s parallel update), in double.
class ChannelMoments {
public:
    void add(const at::Tensor& x) {
        const at::Tensor samples = x.to(at::kFloat);
        const auto [variance, mean] = at::var_mean(samples, {0, 2, 3}, false);
        const double count = double(samples.numel() / samples.size(1));
        const at::Tensor m = mean.to(at::kDouble);
        const at::Tensor v = variance.to(at::kDouble);
        if (count_ == 0.0) {
            mean_ = m;
            squares_ = v * count;
        } else {
            const at::Tensor delta = m - mean_;
            const double total = count_ + count;
            mean_ = mean_ + delta * (count / total);
            squares_ = squares_ + v * count + delta.square() * (count_ * count / total);
        }
        count_ += count;
    }

    LayerStatistics statistics() const {
        return {mean_.to(at::kFloat), (squares_ / count_).to(at::kFloat)};
    }

private:
    double count_ = 0.0;
    at::Tensor mean_;
    at::Tensor squares_;
};

// Runs `stage` on each tile of `input` (at 1/inputScale of the full resolution) with its halo
// and hands `sink` the part of the result the tile owns (at 1/outputScale), with that part's
// top-left position there.
void forEachTile(const TileLayout& layout, const at::Tensor& input, int inputScale, int outputScale,
                 const std::function<at::Tensor(const at::Tensor&)>& stage,
                 const std::function<void(const at::Tensor&, int64_t, int64_t)>& sink) {
    for (const TileSpan& row : layout.rows()) {
        for (const TileSpan& column : layout.columns()) {
            const at::Tensor tile = input
                                        .narrow(2, row.inputBegin / inputScale,
                                                (row.inputEnd - row.inputBegin) / inputScale)
                                        .narrow(3, column.inputBegin / inputScale,
                                                (column.inputEnd - column.inputBegin) / inputScale);
            const at::Tensor owned =
                stage(tile)
                    .narrow(2, (row.coreBegin - row.inputBegin) / outputScale,
                            (row.coreEnd - row.coreBegin) / outputScale)
                    .narrow(3, (column.coreBegin - column.inputBegin) / outputScale,
                            (column.coreEnd - column.coreBegin) / outputScale);
            sink(owned, row.coreBegin / outputScale, column.coreBegin / outputScale);
        }
    }
}

// A whole-picture tensor that tiles fill in, channels-last like the convolutions' outputs.
at::Tensor assembled(int64_t channels, int64_t height, int64_t width, at::ScalarType type) {
    return at::empty({1, channels, height, width},
                     at::TensorOptions(type).memory_format(at::MemoryFormat::ChannelsLast));
}

std::function<void(const at::Tensor&, int64_t, int64_t)> into(at::Tensor& whole) {
    return [&whole](const at::Tensor& owned, int64_t top, int64_t left) {
        whole.narrow(2, top, owned.size(2)).narrow(3, left, owned.size(3)).copy_(owned);
    };
}

std::function<void(const at::Tensor&, int64_t, int64_t)> into(ChannelMoments& moments) {
    return [&moments](const at::Tensor& owned, int64_t, int64_t) { moments.add(owned); };
}

// Memory per pixel in full-resolution channel planes, above the peak resident memory measured
// untiled and for what tiling keeps whole (README), as a tile is taken to need the untiled amount.
constexpr double kUntiledPlanes = 10.0;
constexpr double kTilePlanes = 12.0;
constexpr double kTiledWholePlanes = 3.0;

}  // namespace

at::Tensor tiledForward(const InferenceNetwork& network, const at::Tensor& rgb, int tileSide) {
    const int64_t height = rgb.size(2);
    const int64_t width = rgb.size(3);
    const TileLayout layout(int(width), int(height), tileSide, kNetworkStride, kFastTileHalo);
    const at::ScalarType type = network.type();
    PictureStatistics statistics;

    ChannelMoments first;
    forEachTile(
        layout, rgb, 1, 1, [&](const at::Tensor& tile) { return network.firstConvolution(tile); },
        into(first));
    statistics["conv1"] = first.statistics();

    at::Tensor conv2;
    forEachTile(
        layout, rgb, 1, 2,
        [&](const at::Tensor& tile) {
            const at::Tensor owned = network.downsampled(tile, statistics);
            if (!conv2.defined()) {
                conv2 = assembled(owned.size(1), height / 2, width / 2, type);
            }
            return owned;
        },
        into(conv2));
    at::Tensor trunk = network.residual(std::move(conv2), statistics);

    // up1 is normalised tile by tile further on, so that no second whole copy is made.
    at::Tensor up1;
    ChannelMoments third;
    forEachTile(
        layout, trunk, 4, 2,
        [&](const at::Tensor& tile) {
            const at::Tensor owned = network.firstUpsampling(tile);
            if (!up1.defined()) {
                up1 = assembled(owned.size(1), height / 2, width / 2, type);
            }
            return owned;
        },
        [&](const at::Tensor& owned, int64_t top, int64_t left) {
            into(up1)(owned, top, left);
            third.add(owned);
        });
    trunk.reset();
    statistics["up1"] = third.statistics();
    const auto upsampled = [&](const at::Tensor& tile) {
        return network.secondUpsampling(network.normalised("up1", tile, statistics));
    };

    ChannelMoments second;
    forEachTile(layout, up1, 2, 1, upsampled, into(second));
    statistics["up2"] = second.statistics();

    at::Tensor styled = at::empty({1, 3, height, width}, at::kFloat);
    forEachTile(
        layout, up1, 2, 1,
        [&](const at::Tensor& tile) { return network.output(upsampled(tile), statistics); },
        into(styled));
    return styled;
}

int automaticFastTileSide(const InferenceNetwork& network, int width, int height,
                          uint64_t available) {
    const double bytesPerPlane =
        double(network.fullResolutionChannels()) * double(at::elementSize(network.type()));
    const double pixels = double(width) * double(height);
    if (available == 0 || pixels * bytesPerPlane * kUntiledPlanes <= 0.5 * double(available)) {
        return 0;
    }
    // What the whole-picture tensors leave, with a margin, shared by one tile at a time.
    const double forTiles = 0.5 * double(available) - pixels * bytesPerPlane * kTiledWholePlanes;
    if (forTiles <= 0.0) {
        throw Error("A " + std::to_string(width) + " x " + std::to_string(height) +
                    " px picture does not fit in the memory available to apply a fast style, "
                    "even in tiles: choose a smaller output size (--size), or allow more memory "
                    "(close other programs or raise --memory-limit)");
    }
    const double side = std::sqrt(forTiles / (bytesPerPlane * kTilePlanes));
    constexpr int kSmallestTile = 256;
    return std::max(kSmallestTile, int(side) / kNetworkStride * kNetworkStride);
}

}  // namespace impasto
