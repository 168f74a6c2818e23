#include "core/style/TiledEvaluation.h"

#include <c10/core/GradMode.h>
#include <torch/csrc/autograd/autograd.h>

#include <algorithm>
#include <map>

#include "core/common/Error.h"
#include "core/settings/SmoothnessScale.h"
#include "core/style/GramMatrix.h"
#include "core/style/WassersteinLoss.h"

namespace impasto {

namespace {

// A loss layer with its share of the term: its normalised layer weight times the term's
// weight, as StyleTargets::weightedError mixes them.
struct WeightedLayer {
    std::string layer;
    double weight = 0.0;
};

std::vector<WeightedLayer> weightedLayers(const std::vector<LayerWeight>& layers,
                                          double termWeight) {
    const std::vector<LayerWeight> active = activeLayers(layers);
    std::vector<double> weights;
    for (const LayerWeight& layer : active) {
        weights.push_back(layer.weight);
    }
    weights = normalisedWeights(std::move(weights));
    std::vector<WeightedLayer> result;
    for (size_t i = 0; i < active.size(); ++i) {
        result.push_back({active[i].layer, weights[i] * termWeight});
    }
    return result;
}

// `sum` plus `value`, where an undefined `sum` is nothing yet.
void accumulate(at::Tensor& sum, const at::Tensor& value) {
    sum = sum.defined() ? sum + value : value;
}

// Total variation (Losses.h's totalVariation times `weight`) of `pixels`, its gradient added into
// `gradient`, in bands of rows: autograd over a print-sized image would hold several
// image-sized temporaries at once.
double addTotalVariation(const at::Tensor& pixels, double weight, at::Tensor& gradient) {
    constexpr int64_t kBandRows = 256;
    const int64_t height = pixels.size(2);
    const int64_t width = pixels.size(3);
    const double planes = static_cast<double>(pixels.size(0) * pixels.size(1));
    const double horizontalCount = planes * static_cast<double>(height * (width - 1));
    const double verticalCount = planes * static_cast<double>((height - 1) * width);
    double horizontal = 0.0;
    double vertical = 0.0;
    for (int64_t top = 0; top < height; top += kBandRows) {
        const int64_t rows = std::min(kBandRows, height - top);
        const at::Tensor band = pixels.narrow(2, top, rows);
        const at::Tensor across = band.narrow(3, 1, width - 1) - band.narrow(3, 0, width - 1);
        horizontal += across.pow(2).sum(at::kDouble).item<double>();
        const double acrossScale = 2.0 * weight / horizontalCount;
        at::Tensor bandGradient = gradient.narrow(2, top, rows);
        bandGradient.narrow(3, 1, width - 1).add_(across, acrossScale);
        bandGradient.narrow(3, 0, width - 1).add_(across, -acrossScale);
        // Between each of the band's rows and the next, where there is one.
        const int64_t pairs = std::min(rows, height - 1 - top);
        if (pairs > 0) {
            const at::Tensor down = pixels.narrow(2, top + 1, pairs) - pixels.narrow(2, top, pairs);
            vertical += down.pow(2).sum(at::kDouble).item<double>();
            const double downScale = 2.0 * weight / verticalCount;
            gradient.narrow(2, top + 1, pairs).add_(down, downScale);
            gradient.narrow(2, top, pairs).add_(down, -downScale);
        }
    }
    return weight * (horizontal / horizontalCount + vertical / verticalCount);
}

}  // namespace

TiledEvaluation::TiledEvaluation(const FeatureNetwork& network, PoolingMode pooling,
                                 const std::vector<std::string>& layers, int tileSide)
    : network_(&network), pooling_(pooling), tileSide_(tileSide) {
    const NetworkDescription& description = network.description();
    int deepest = 0;
    for (const std::string& layer : layers) {
        deepest = std::max(deepest, description.indexOf(layer));
    }
    alignment_ = description.stride(deepest);
    halo_ = description.receptiveField(deepest);
}

std::optional<std::string> TiledEvaluation::unsupported(const StyleSettings& settings) {
    if (settings.normalizeGradients) {
        return "normalised gradients scale each layer's gradient by its norm over the whole "
               "image, which tiles do not see";
    }
    return std::nullopt;
}

TileLayout TiledEvaluation::layoutFor(int width, int height) const {
    return TileLayout(width, height, tileSide_, alignment_, halo_);
}

std::vector<TiledEvaluation::Tile> TiledEvaluation::tiles(const at::Tensor& image) const {
    const TileLayout layout =
        layoutFor(static_cast<int>(image.size(3)), static_cast<int>(image.size(2)));
    std::vector<Tile> result;
    for (const TileSpan& row : layout.rows()) {
        for (const TileSpan& column : layout.columns()) {
            result.push_back({row, column});
        }
    }
    return result;
}

at::Tensor TiledEvaluation::input(const at::Tensor& image, const Tile& tile) {
    return image.narrow(2, tile.row.inputBegin, tile.row.inputEnd - tile.row.inputBegin)
        .narrow(3, tile.column.inputBegin, tile.column.inputEnd - tile.column.inputBegin);
}

std::pair<int, int> TiledEvaluation::featureSize(const std::string& layer, int imageHeight,
                                                 int imageWidth) const {
    const NetworkDescription& description = network_->description();
    const int index = description.indexOf(layer);
    return {description.outputSide(imageHeight, index), description.outputSide(imageWidth, index)};
}

at::Tensor TiledEvaluation::owned(const at::Tensor& features, const std::string& layer,
                                  const Tile& tile, int imageHeight, int imageWidth,
                                  std::pair<int, int>* begin) const {
    const int stride = network_->description().stride(network_->description().indexOf(layer));
    const auto [height, width] = featureSize(layer, imageHeight, imageWidth);
    const int top = tile.row.ownedBegin(stride, height);
    const int left = tile.column.ownedBegin(stride, width);
    const int rows = tile.row.ownedEnd(stride, height) - top;
    const int columns = tile.column.ownedEnd(stride, width) - left;
    // Tile origins are multiples of the total stride, so positions map by a plain offset.
    const int tileTop = top - tile.row.inputBegin / stride;
    const int tileLeft = left - tile.column.inputBegin / stride;
    if (tileTop < 0 || tileLeft < 0 || tileTop + rows > features.size(2) ||
        tileLeft + columns > features.size(3)) {
        throw Error("Tile at " + std::to_string(tile.column.coreBegin) + ", " +
                    std::to_string(tile.row.coreBegin) + " does not cover its features at " +
                    layer);
    }
    if (begin != nullptr) {
        *begin = {top, left};
    }
    return features.narrow(2, tileTop, rows).narrow(3, tileLeft, columns);
}

TiledEvaluation::Features TiledEvaluation::features(const at::Tensor& rgb,
                                                    const std::vector<std::string>& layers) const {
    const c10::NoGradGuard noGrad;
    const int height = static_cast<int>(rgb.size(2));
    const int width = static_cast<int>(rgb.size(3));
    Features whole;
    for (const Tile& tile : tiles(rgb)) {
        const Features features = network_->extract(input(rgb, tile), layers, pooling_);
        for (const auto& [layer, activation] : features) {
            if (whole.count(layer) == 0) {
                const auto [layerHeight, layerWidth] = featureSize(layer, height, width);
                whole[layer] = at::empty({1, activation.size(1), layerHeight, layerWidth},
                                         activation.options().dtype(at::kFloat));
            }
            std::pair<int, int> begin;
            const at::Tensor part = owned(activation, layer, tile, height, width, &begin);
            whole[layer]
                .narrow(2, begin.first, part.size(2))
                .narrow(3, begin.second, part.size(3))
                .copy_(part);
        }
    }
    return whole;
}

std::pair<TiledEvaluation::Features, TiledEvaluation::Features> TiledEvaluation::statistics(
    const at::Tensor& rgb, const std::vector<std::string>& layers) const {
    const c10::NoGradGuard noGrad;
    const int height = static_cast<int>(rgb.size(2));
    const int width = static_cast<int>(rgb.size(3));
    Features grams;
    Features means;
    for (const Tile& tile : tiles(rgb)) {
        const Features features = network_->extract(input(rgb, tile), layers, pooling_);
        for (const auto& [layer, activation] : features) {
            const at::Tensor part = owned(activation, layer, tile, height, width);
            const double positions = static_cast<double>(part.size(2) * part.size(3));
            if (positions > 0) {
                accumulate(grams[layer], gramMatrix(part) * positions);
                accumulate(means[layer], featureMean(part) * positions);
            }
        }
    }
    for (const std::string& layer : layers) {
        const auto [layerHeight, layerWidth] = featureSize(layer, height, width);
        const double positions = static_cast<double>(layerHeight) * layerWidth;
        grams[layer] = grams[layer] / positions;
        means[layer] = means[layer] / positions;
    }
    return {grams, means};
}

std::pair<at::Tensor, LossBreakdown> TiledEvaluation::losses(const at::Tensor& image,
                                                             const StyleTargets& targets,
                                                             const StyleSettings& settings) const {
    const int height = static_cast<int>(image.size(2));
    const int width = static_cast<int>(image.size(3));
    std::vector<WeightedLayer> style;
    if (targets.hasStyleTargets() && settings.styleWeight != 0.0) {
        style = weightedLayers(settings.styleLayers, settings.styleWeight);
    }
    std::vector<WeightedLayer> content;
    const std::vector<LayerWeight> contentLayers = activeLayers(settings.contentLayers);
    if (!contentLayers.empty() && targets.contentTarget(contentLayers.front().layer) != nullptr &&
        settings.contentWeight != 0.0) {
        content = weightedLayers(settings.contentLayers, settings.contentWeight);
    }
    std::vector<std::string> layers;
    for (const auto* terms : {&style, &content}) {
        for (const WeightedLayer& term : *terms) {
            if (std::find(layers.begin(), layers.end(), term.layer) == layers.end()) {
                layers.push_back(term.layer);
            }
        }
    }
    const at::Tensor pixels = image.detach();
    const std::vector<Tile> all = tiles(pixels);
    auto positionsAt = [&](const std::string& layer) {
        const auto [layerHeight, layerWidth] = featureSize(layer, height, width);
        return static_cast<double>(layerHeight) * layerWidth;
    };

    // Pass 1: the whole image's style statistics and content errors.
    std::map<std::string, at::Tensor> gramSums, meanSums, contentSums;
    if (!layers.empty()) {
        const c10::NoGradGuard noGrad;
        for (const Tile& tile : all) {
            const Features features = network_->extract(input(pixels, tile), layers, pooling_);
            for (const WeightedLayer& term : style) {
                const at::Tensor part =
                    owned(features.at(term.layer), term.layer, tile, height, width);
                const double positions = static_cast<double>(part.size(2) * part.size(3));
                if (positions > 0) {
                    accumulate(gramSums[term.layer], gramMatrix(part) * positions);
                    accumulate(meanSums[term.layer], featureMean(part) * positions);
                }
            }
            for (const WeightedLayer& term : content) {
                std::pair<int, int> begin;
                const at::Tensor part =
                    owned(features.at(term.layer), term.layer, tile, height, width, &begin);
                const at::Tensor target = targets.contentTarget(term.layer)
                                              ->target.narrow(2, begin.first, part.size(2))
                                              .narrow(3, begin.second, part.size(3));
                accumulate(contentSums[term.layer],
                           (part.to(at::kFloat) - target).pow(2).sum(at::kDouble));
            }
        }
    }

    // The style error from the statistics, and its gradient with respect to them.
    double styleValue = 0.0;
    std::map<std::string, at::Tensor> gramGradients, meanGradients;
    if (!style.empty()) {
        const c10::AutoGradMode gradients(true);
        std::vector<at::Tensor> statistics;
        at::Tensor error = at::zeros({}, image.options());
        for (const WeightedLayer& term : style) {
            const double positions = positionsAt(term.layer);
            const at::Tensor gram = (gramSums.at(term.layer) / positions).requires_grad_(true);
            const at::Tensor mean = (meanSums.at(term.layer) / positions).requires_grad_(true);
            error = error + targets.styleErrorOf(term.layer, mean, gram) * term.weight;
            statistics.push_back(gram);
            statistics.push_back(mean);
        }
        const auto derivatives =
            torch::autograd::grad({error}, statistics, {}, false, false, /*allow_unused=*/true);
        for (size_t i = 0; i < style.size(); ++i) {
            gramGradients[style[i].layer] = derivatives[2 * i];
            meanGradients[style[i].layer] = derivatives[2 * i + 1];
        }
        styleValue = error.item<double>();
    }
    double contentValue = 0.0;
    for (const WeightedLayer& term : content) {
        const at::Tensor& target = targets.contentTarget(term.layer)->target;
        contentValue +=
            contentSums.at(term.layer).item<double>() * term.weight /
            (static_cast<double>(target.numel()) * targets.contentTarget(term.layer)->power);
    }

    // Pass 2: each tile's share of the gradient, from the features it owns.
    at::Tensor gradient = at::zeros_like(pixels);
    if (!layers.empty() && image.requires_grad() && c10::GradMode::is_enabled()) {
        for (const Tile& tile : all) {
            const at::Tensor tilePixels = input(pixels, tile).clone().requires_grad_(true);
            const Features features = network_->extract(tilePixels, layers, pooling_);
            std::map<std::string, at::Tensor> parts, partGradients;
            for (const WeightedLayer& term : style) {
                const at::Tensor part =
                    owned(features.at(term.layer), term.layer, tile, height, width);
                const double positions = positionsAt(term.layer);
                const at::Tensor gram = gramGradients.at(term.layer);
                at::Tensor partGradient;
                if (gram.defined()) {
                    const at::Tensor symmetric = (gram[0] + gram[0].t()) / positions;
                    partGradient = at::matmul(part.to(at::kFloat).permute({0, 2, 3, 1}), symmetric)
                                       .permute({0, 3, 1, 2});
                }
                if (const at::Tensor& mean = meanGradients.at(term.layer); mean.defined()) {
                    accumulate(partGradient, (mean / positions).view({1, -1, 1, 1}));
                }
                parts[term.layer] = part;
                if (partGradient.defined()) {
                    accumulate(partGradients[term.layer], partGradient.expand_as(part));
                }
            }
            for (const WeightedLayer& term : content) {
                std::pair<int, int> begin;
                const at::Tensor part =
                    owned(features.at(term.layer), term.layer, tile, height, width, &begin);
                const StyleTargets::LayerTarget& target = *targets.contentTarget(term.layer);
                const at::Tensor targetPart = target.target.narrow(2, begin.first, part.size(2))
                                                  .narrow(3, begin.second, part.size(3));
                // d/dF of mean((F - T)^2) / p over the whole layer.
                const double scale =
                    2.0 * term.weight / (static_cast<double>(target.target.numel()) * target.power);
                parts.emplace(term.layer, part);
                accumulate(partGradients[term.layer], (part.to(at::kFloat) - targetPart) * scale);
            }
            std::vector<at::Tensor> outputs, outputGradients;
            for (const auto& [layer, partGradient] : partGradients) {
                const at::Tensor& part = parts.at(layer);
                if (part.numel() > 0) {
                    outputs.push_back(part);
                    outputGradients.push_back(partGradient.to(part.scalar_type()));
                }
            }
            if (outputs.empty()) {
                continue;
            }
            torch::autograd::backward(outputs, outputGradients);
            input(gradient, tile).add_(tilePixels.grad());
        }
    }

    LossBreakdown breakdown;
    breakdown.content = contentValue;
    breakdown.style = styleValue;
    breakdown.totalVariation =
        addTotalVariation(pixels, settings.tvWeight * kSmoothnessScale, gradient);
    breakdown.total = breakdown.content + breakdown.style + breakdown.totalVariation;
    // Value: the terms; gradient: `gradient` (the difference of `linear` with itself is 0). A
    // dot product, which unlike a product and sum makes no image-sized temporary.
    const at::Tensor linear = at::dot(image.reshape(-1), gradient.reshape(-1));
    const at::Tensor total =
        at::scalar_tensor(breakdown.total, image.options()) + (linear - linear.detach());
    return {total, breakdown};
}

}  // namespace impasto
