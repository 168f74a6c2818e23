#include "core/style/TilingChoice.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/style/ImageOptimizer.h"

namespace impasto {

namespace {

constexpr int kSmallestAutomaticTile = 256;
constexpr int kTileGranularity = 64;

}  // namespace

double evaluationBytesPerPixel(const NetworkDescription& description,
                               const std::vector<std::string>& layers, bool reducedPrecision) {
    int deepest = 0;
    for (const std::string& layer : layers) {
        deepest = std::max(deepest, description.indexOf(layer));
    }
    double values = 3.0;  // the image
    int channels = 3;
    for (int i = 0; i <= deepest; ++i) {
        const LayerSpec& layer = description.layers[static_cast<size_t>(i)];
        const double area = std::pow(static_cast<double>(description.stride(i)), 2.0);
        if (layer.kind == LayerKind::Convolution) {
            channels = layer.convolution.outChannels;
        } else if (layer.kind == LayerKind::Fire) {
            const FireSpec& f = layer.fire;
            channels = f.expand1x1 + f.expand3x3;
            values += (f.squeeze + f.expand1x1 + f.expand3x3) / area;  // before concatenating
        }
        values += channels / area;
    }
    return 2.0 * values * (reducedPrecision ? 2.0 : 4.0);
}

TilingChoice chooseTiling(int requested, int width, int height, double bytesPerPixel, int halo,
                          uint64_t available) {
    const int longest = std::max(width, height);
    if (requested == 0) {
        return {0, "tiling off (--tile 0)"};
    }
    if (requested > 0) {
        if (longest <= requested) {
            return {0, "the image fits in one tile of " + std::to_string(requested) + " px"};
        }
        return {requested, "--tile " + std::to_string(requested)};
    }
    const double whole = bytesPerPixel * width * height;
    if (available == 0 || whole <= available / 2.0) {
        return {0, kFitsUntiled};
    }
    const double tileBytes = available / 4.0;
    const int withHalo = static_cast<int>(std::sqrt(tileBytes / bytesPerPixel));
    const int side = std::max(kSmallestAutomaticTile,
                              (withHalo - 2 * halo) / kTileGranularity * kTileGranularity);
    return {side, gigabytes(static_cast<double>(available)) +
                      " available, the whole image would need about " + gigabytes(whole)};
}

LbfgsHistoryChoice lbfgsHistoryForMemory(int64_t pixels, uint64_t available) {
    const double pairBytes = 2.0 * 3.0 * static_cast<double>(pixels) * sizeof(float);
    const int ownChoice = automaticLbfgsHistory(3 * pixels);
    const double budget = available / 8.0;
    if (available == 0 || ownChoice * pairBytes <= budget) {
        return {};
    }
    const double reducedPairBytes = pairBytes / 2.0;
    return {std::clamp(static_cast<int>(budget / reducedPairBytes), 2, ownChoice), true};
}

std::string gigabytes(double bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GB", bytes / 1e9);
    return text;
}

}  // namespace impasto
