#include "core/style/TiledEvaluation.h"

#include <c10/core/GradMode.h>
#include <torch/csrc/autograd/autograd.h>

#include <algorithm>
#include <map>
#include <optional>

#include "core/common/Error.h"
#include "core/settings/SmoothnessScale.h"
#include "core/style/GramMatrix.h"
#include "core/style/LayerAreas.h"
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

// Rows of the image that whole-image pixel terms handle at once: autograd over a print-sized
// image would hold several image-sized temporaries at once.
constexpr int64_t kBandRows = 256;

// Total variation (Losses.h's totalVariation times `weight`) of `pixels`, its gradient added into
// `gradient`, in bands of rows.
double addTotalVariation(const at::Tensor& pixels, double weight, at::Tensor& gradient) {
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

// The keep mask's term (StyleTargets::keepTerm) of `pixels`, its gradient added into `gradient`,
// in bands of rows.
double addKeepTerm(const at::Tensor& pixels, const StyleTargets& targets,
                   const StyleSettings& settings, at::Tensor& gradient) {
    if (!targets.guidance().keep.defined()) {
        return 0.0;
    }
    const c10::AutoGradMode gradients(true);
    const int64_t height = pixels.size(2);
    double value = 0.0;
    for (int64_t top = 0; top < height; top += kBandRows) {
        const int64_t rows = std::min(kBandRows, height - top);
        const at::Tensor band = pixels.narrow(2, top, rows).detach().requires_grad_(true);
        const at::Tensor term = targets.keepTerm(band, top, settings);
        if (!term.defined()) {
            return 0.0;
        }
        value += term.item<double>();
        gradient.narrow(2, top, rows).add_(torch::autograd::grad({term}, {band})[0]);
    }
    return value;
}

// Where one region of a style layer is (its mask at the layer's resolution; nullptr: the whole
// layer, unguided) and the sum of its mask's squares there, which normalises its statistics as
// GuidedFeatures does.
struct LayerRegion {
    const GuidanceMask::AtLayer* mask = nullptr;
    double area = 0.0;
};

// The owned features of a tile (`part`, at `begin` in the layer) that lie in a region: their
// offset in `part`, and the region's mask over them (undefined: unguided).
struct RegionPart {
    at::Tensor features;
    at::Tensor mask;
    int64_t top = 0;
    int64_t left = 0;

    // The features weighted by the mask, GuidedFeatures::weighted's share in this tile.
    at::Tensor weighted() const {
        return mask.defined() ? features * mask.to(features.scalar_type()) : features;
    }
    // `value` (the part's size or broadcast to it) times the mask, where there is one.
    at::Tensor masked(const at::Tensor& value) const {
        return mask.defined() ? value * mask.to(value.scalar_type()) : value;
    }
};

std::optional<RegionPart> regionPart(const at::Tensor& part, std::pair<int, int> begin,
                                     const LayerRegion& region) {
    if (region.mask == nullptr) {
        return RegionPart{part, at::Tensor()};
    }
    const GuidanceMask::AtLayer& mask = *region.mask;
    const Area tile{begin.first, begin.second, part.size(2), part.size(3)};
    if (!intersect(tile, mask.area())) {
        return std::nullopt;
    }
    const Area both = overlap(tile, mask.area());
    return RegionPart{impasto::part(part, both, tile), impasto::part(mask.mask, both, mask.area()),
                      both.top - tile.top, both.left - tile.left};
}

// The region `mask` guides (nullptr: the whole layer) in a layer of `rows` x `columns` positions.
LayerRegion layerRegion(const GuidanceMask* mask, int rows, int columns) {
    if (mask == nullptr) {
        return {nullptr, static_cast<double>(rows) * columns};
    }
    const GuidanceMask::AtLayer& atLayer = mask->atResolution(rows, columns);
    return {&atLayer, static_cast<double>(atLayer.mask.numel()) * atLayer.meanSquare};
}

// The regions a style layer of `rows` x `columns` positions is compared over: guidance's, or
// the whole layer.
std::vector<LayerRegion> layerRegions(const StyleGuidance& guidance, int rows, int columns) {
    if (!guidance.guided()) {
        return {layerRegion(nullptr, rows, columns)};
    }
    std::vector<LayerRegion> result;
    for (const StyleRegion& region : guidance.regions) {
        result.push_back(layerRegion(&region.mask, rows, columns));
    }
    return result;
}

// Adds a tile's share of a region's Gram matrix and feature mean, times the region's area (the
// sums the statistics are made of), to `gram` and `mean`.
void addRegionSums(const std::optional<RegionPart>& region, at::Tensor& gram, at::Tensor& mean) {
    if (!region || region->features.numel() == 0) {
        return;
    }
    const at::Tensor weighted = region->weighted();
    const double positions = static_cast<double>(weighted.size(2) * weighted.size(3));
    accumulate(gram, gramMatrix(weighted) * positions);
    accumulate(mean, featureMean(region->masked(weighted)) * positions);
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
    const at::Tensor& rgb, const std::vector<std::string>& layers,
    const GuidanceMask* source) const {
    const c10::NoGradGuard noGrad;
    const int height = static_cast<int>(rgb.size(2));
    const int width = static_cast<int>(rgb.size(3));
    std::map<std::string, LayerRegion> regions;
    for (const std::string& layer : layers) {
        const auto [layerHeight, layerWidth] = featureSize(layer, height, width);
        regions[layer] = layerRegion(source, layerHeight, layerWidth);
    }
    Features grams;
    Features means;
    for (const Tile& tile : tiles(rgb)) {
        const Features features = network_->extract(input(rgb, tile), layers, pooling_);
        for (const auto& [layer, activation] : features) {
            std::pair<int, int> begin;
            const at::Tensor part = owned(activation, layer, tile, height, width, &begin);
            addRegionSums(regionPart(part, begin, regions.at(layer)), grams[layer], means[layer]);
        }
    }
    for (const std::string& layer : layers) {
        grams[layer] = grams[layer] / regions.at(layer).area;
        means[layer] = means[layer] / regions.at(layer).area;
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
    const StyleGuidance& guidance = targets.guidance();

    // Each style layer's regions (masks at the whole layer's resolution, cropped per tile below)
    // and their statistics' sums over the tiles, then the error's gradient with respect to them.
    struct StyleLayer {
        std::vector<LayerRegion> regions;
        std::vector<at::Tensor> grams, means, gramGradients, meanGradients;
    };
    std::vector<StyleLayer> styleLayers;
    for (const WeightedLayer& term : style) {
        const auto [layerHeight, layerWidth] = featureSize(term.layer, height, width);
        StyleLayer& layer = styleLayers.emplace_back();
        layer.regions = layerRegions(guidance, layerHeight, layerWidth);
        for (auto* list :
             {&layer.grams, &layer.means, &layer.gramGradients, &layer.meanGradients}) {
            list->resize(layer.regions.size());
        }
    }

    // Pass 1: the whole image's style statistics and content errors.
    std::map<std::string, at::Tensor> contentSums;
    if (!layers.empty()) {
        const c10::NoGradGuard noGrad;
        for (const Tile& tile : all) {
            const Features features = network_->extract(input(pixels, tile), layers, pooling_);
            for (size_t i = 0; i < style.size(); ++i) {
                std::pair<int, int> begin;
                const at::Tensor part =
                    owned(features.at(style[i].layer), style[i].layer, tile, height, width, &begin);
                StyleLayer& layer = styleLayers[i];
                for (size_t r = 0; r < layer.regions.size(); ++r) {
                    addRegionSums(regionPart(part, begin, layer.regions[r]), layer.grams[r],
                                  layer.means[r]);
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
    if (!style.empty()) {
        const c10::AutoGradMode gradients(true);
        std::vector<at::Tensor> statistics;
        at::Tensor error = at::zeros({}, image.options());
        for (size_t i = 0; i < style.size(); ++i) {
            StyleLayer& layer = styleLayers[i];
            for (size_t r = 0; r < layer.regions.size(); ++r) {
                const double area = layer.regions[r].area;
                const at::Tensor gram = (layer.grams[r] / area).requires_grad_(true);
                const at::Tensor mean = (layer.means[r] / area).requires_grad_(true);
                const at::Tensor regionError =
                    guidance.guided() ? targets.regionErrorOf(r, style[i].layer, mean, gram)
                                      : targets.styleErrorOf(style[i].layer, mean, gram);
                error = error + regionError * style[i].weight;
                statistics.push_back(gram);
                statistics.push_back(mean);
            }
        }
        const auto derivatives =
            torch::autograd::grad({error}, statistics, {}, false, false, /*allow_unused=*/true);
        size_t next = 0;
        for (StyleLayer& layer : styleLayers) {
            for (size_t r = 0; r < layer.regions.size(); ++r) {
                layer.gramGradients[r] = derivatives[next++];
                layer.meanGradients[r] = derivatives[next++];
            }
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

    // Each term's dL/dF over the features a tile owns (style layers, then content layers; the
    // gradient undefined where the term has none there), from the whole image's statistics.
    struct TermGradient {
        std::string layer;
        at::Tensor part;  // the owned features
        at::Tensor gradient;
    };
    auto termGradients = [&](const Features& features, const Tile& tile) {
        std::vector<TermGradient> result;
        for (size_t i = 0; i < style.size(); ++i) {
            std::pair<int, int> begin;
            const at::Tensor part =
                owned(features.at(style[i].layer), style[i].layer, tile, height, width, &begin);
            TermGradient& term = result.emplace_back(TermGradient{style[i].layer, part, {}});
            const StyleLayer& layer = styleLayers[i];
            for (size_t r = 0; r < layer.regions.size(); ++r) {
                const auto region = regionPart(part, begin, layer.regions[r]);
                if (!region || region->features.numel() == 0) {
                    continue;
                }
                // dL/dF = m^2 (F (dL/dG + dL/dG^T) + dL/dmean) / area, m the mask (or 1).
                const double area = layer.regions[r].area;
                at::Tensor regionGradient;
                if (const at::Tensor& gram = layer.gramGradients[r]; gram.defined()) {
                    const at::Tensor symmetric = (gram[0] + gram[0].t()) / area;
                    regionGradient =
                        at::matmul(region->weighted().to(at::kFloat).permute({0, 2, 3, 1}),
                                   symmetric)
                            .permute({0, 3, 1, 2});
                }
                if (const at::Tensor& mean = layer.meanGradients[r]; mean.defined()) {
                    accumulate(regionGradient, region->masked((mean / area).view({1, -1, 1, 1}))
                                                   .expand_as(region->features));
                }
                if (!regionGradient.defined()) {
                    continue;
                }
                if (!term.gradient.defined()) {
                    term.gradient = at::zeros(part.sizes(), part.options().dtype(at::kFloat));
                }
                term.gradient.narrow(2, region->top, regionGradient.size(2))
                    .narrow(3, region->left, regionGradient.size(3))
                    .add_(region->masked(regionGradient));
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
            result.push_back({term.layer, part, (part.to(at::kFloat) - targetPart) * scale});
        }
        return result;
    };

    // normalizeGradients scales each term's gradient to an L1 norm of its weight over the whole
    // image (StyleTargets::weightedError), which needs every tile's share first: a pass of its
    // own, without gradients.
    const bool wantsGradient =
        !layers.empty() && image.requires_grad() && c10::GradMode::is_enabled();
    std::vector<double> scales(style.size() + content.size(), 1.0);
    if (wantsGradient && settings.normalizeGradients) {
        std::vector<double> norms(scales.size(), 0.0);
        const c10::NoGradGuard noGrad;
        for (const Tile& tile : all) {
            const std::vector<TermGradient> terms =
                termGradients(network_->extract(input(pixels, tile), layers, pooling_), tile);
            for (size_t k = 0; k < terms.size(); ++k) {
                if (terms[k].gradient.defined()) {
                    norms[k] += terms[k].gradient.abs().sum(at::kDouble).item<double>();
                }
            }
        }
        for (size_t k = 0; k < scales.size(); ++k) {
            const double strength =
                k < style.size() ? style[k].weight : content[k - style.size()].weight;
            scales[k] = strength / (norms[k] + 1e-8 * strength);
        }
    }

    // Pass 2: each tile's share of the gradient, from the features it owns.
    at::Tensor gradient = at::zeros_like(pixels);
    if (wantsGradient) {
        for (const Tile& tile : all) {
            const at::Tensor tilePixels = input(pixels, tile).clone().requires_grad_(true);
            const std::vector<TermGradient> terms =
                termGradients(network_->extract(tilePixels, layers, pooling_), tile);
            std::map<std::string, at::Tensor> parts, partGradients;
            for (size_t k = 0; k < terms.size(); ++k) {
                if (!terms[k].gradient.defined()) {
                    continue;
                }
                parts.emplace(terms[k].layer, terms[k].part);
                accumulate(partGradients[terms[k].layer], settings.normalizeGradients
                                                              ? terms[k].gradient * scales[k]
                                                              : terms[k].gradient);
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
    // The keep mask's term is reported with the content term, as StyleTargets::losses does.
    breakdown.content = contentValue + addKeepTerm(pixels, targets, settings, gradient);
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
