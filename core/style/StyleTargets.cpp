#include "core/style/StyleTargets.h"

#include "core/settings/SmoothnessScale.h"
#include "core/style/Losses.h"
#include "core/style/RegionStatistics.h"

namespace impasto {

namespace {

// The keep mask's pixel term per unit of the other weights: strong enough that the style's pull
// across the mask's edge (deep layers' receptive fields reach over it) moves kept pixels little
// (measured in tests/test_style_masks.cpp).
constexpr double kKeepWeight = 100.0;

}  // namespace

void StyleTargets::setGramMethod(GramMethod method) {
    gramMethod_ = method;
}

void StyleTargets::setContent(const Features& features) {
    content_.clear();
    for (const auto& [layer, activation] : features) {
        // float32, like the losses, whatever the network computed in.
        const at::Tensor target = activation.detach().to(at::kFloat);
        content_[layer] = {target, meanPower(target)};
    }
}

void StyleTargets::clearContent() {
    content_.clear();
}

void StyleTargets::setStyles(const std::vector<Features>& featuresPerImage,
                             const std::vector<GuidanceMask>& sourceMasks) {
    std::vector<Features> gramsPerImage;
    std::vector<Features> meansPerImage;
    for (size_t i = 0; i < featuresPerImage.size(); ++i) {
        const GuidanceMask* source =
            i < sourceMasks.size() && sourceMasks[i].defined() ? &sourceMasks[i] : nullptr;
        Features grams;
        Features means;
        for (const auto& [layer, activation] : featuresPerImage[i]) {
            if (source) {
                const GramAndMean region =
                    regionStatistics(activation, {source}, gramMethod_, true).front();
                grams[layer] = region.gram.detach();
                means[layer] = region.mean.detach();
            } else {
                const GramAndMean whole = gramAndMean(activation, {}, gramMethod_);
                grams[layer] = whole.gram.detach();
                means[layer] = whole.mean.detach();
            }
        }
        gramsPerImage.push_back(std::move(grams));
        meansPerImage.push_back(std::move(means));
    }
    setStyleStatistics(std::move(gramsPerImage), std::move(meansPerImage));
}

void StyleTargets::setStyleStatistics(std::vector<Features> grams, std::vector<Features> means) {
    grams_ = std::move(grams);
    means_ = std::move(means);
    blended_.clear();
    gaussians_.clear();
    perImageGrams_.clear();
    perImageGaussians_.clear();
}

const StyleTargets::LayerTarget* StyleTargets::contentTarget(const std::string& layer) const {
    const auto found = content_.find(layer);
    return found == content_.end() ? nullptr : &found->second;
}

void StyleTargets::mix(const std::vector<double>& weights, StyleLoss styleLoss, Targets& grams,
                       Gaussians& gaussians) const {
    auto mixed = [&](const std::vector<Features>& perImage, const std::string& layer) {
        at::Tensor sum = perImage[0].at(layer) * weights[0];
        for (size_t i = 1; i < perImage.size(); ++i) {
            sum = sum + perImage[i].at(layer) * weights[i];
        }
        return sum;
    };
    for (const auto& [layer, unused] : grams_.front()) {
        const at::Tensor gram = mixed(grams_, layer);
        if (styleLoss == StyleLoss::Wasserstein) {
            gaussians[layer] = gaussianTarget(mixed(means_, layer), gram);
        } else {
            grams[layer] = {gram, meanPower(gram)};
        }
    }
}

void StyleTargets::blend(std::vector<double> weights, StyleLoss styleLoss, bool perImage) {
    blended_.clear();
    gaussians_.clear();
    perImageGrams_.clear();
    perImageGaussians_.clear();
    if (grams_.empty()) {
        return;
    }
    if (weights.empty()) {
        weights.assign(grams_.size(), 1.0);
    }
    mix(normalisedWeights(std::move(weights)), styleLoss, blended_, gaussians_);
    for (size_t i = 0; perImage && i < grams_.size(); ++i) {
        std::vector<double> only(grams_.size(), 0.0);
        only[i] = 1.0;
        mix(only, styleLoss, perImageGrams_.emplace_back(), perImageGaussians_.emplace_back());
    }
}

void StyleTargets::setGuidance(StyleGuidance guidance) {
    guidance_ = std::move(guidance);
}

at::Tensor StyleTargets::errorAgainst(const Targets& grams, const Gaussians& gaussians,
                                      const std::string& layer, const at::Tensor& mean,
                                      const at::Tensor& gram, double weight) const {
    if (const auto gaussian = gaussians.find(layer); gaussian != gaussians.end()) {
        const at::Tensor error = wassersteinError(mean, gram, gaussian->second);
        return weight == 1.0 ? error : error * weight;
    }
    // The weight divides the normaliser: no operation of its own (and none back).
    const LayerTarget& target = grams.at(layer);
    return relativeSquaredError(gram, target.target, target.power / weight);
}

at::Tensor StyleTargets::styleError(const std::string& layer, const at::Tensor& activation) const {
    const bool wasserstein = !gaussians_.empty();
    if (!guidance_.guided()) {
        if (!wasserstein) {
            return styleErrorOf(layer, {}, gramMatrix(activation, gramMethod_));
        }
        const GramAndMean statistics = gramAndMean(activation, {}, gramMethod_);
        return styleErrorOf(layer, statistics.mean, statistics.gram);
    }
    // Each region: the image's statistics over it against its painting's (or the blend's).
    std::vector<const GuidanceMask*> masks;
    for (const StyleRegion& region : guidance_.regions) {
        masks.push_back(&region.mask);
    }
    const std::vector<GramAndMean> regions =
        regionStatistics(activation, masks, gramMethod_, wasserstein);
    at::Tensor error;
    for (size_t i = 0; i < regions.size(); ++i) {
        const at::Tensor term = regionErrorOf(i, layer, regions[i].mean, regions[i].gram);
        error = error.defined() ? error + term : term;
    }
    return error;
}

at::Tensor StyleTargets::regionErrorOf(size_t region, const std::string& layer,
                                       const at::Tensor& mean, const at::Tensor& gram) const {
    const StyleRegion& guided = guidance_.regions.at(region);
    return guided.style ? errorAgainst(perImageGrams_.at(*guided.style),
                                       perImageGaussians_.at(*guided.style), layer, mean, gram,
                                       guided.weight)
                        : errorAgainst(blended_, gaussians_, layer, mean, gram, guided.weight);
}

at::Tensor StyleTargets::keepTerm(const at::Tensor& rows, int64_t top,
                                  const StyleSettings& settings) const {
    if (!guidance_.keep.defined() || !guidance_.photo.defined()) {
        return {};
    }
    const at::Tensor& keep = guidance_.keep.pixels();
    const at::Tensor difference =
        rows - guidance_.photo.narrow(2, top, rows.size(2)).to(rows.scalar_type());
    // The mean squared difference from the photo over the kept area (the coverage), weighed by
    // that area: the whole image's mean of the masked squares.
    const double values = static_cast<double>(rows.size(1) * keep.size(2) * keep.size(3));
    return (difference * difference * keep.narrow(2, top, rows.size(2))).sum() *
           (kKeepWeight * (settings.contentWeight + settings.styleWeight) / values);
}

at::Tensor StyleTargets::styleErrorOf(const std::string& layer, const at::Tensor& mean,
                                      const at::Tensor& gram) const {
    return errorAgainst(blended_, gaussians_, layer, mean, gram);
}

namespace {

// `activation` unchanged, except that the gradient coming back through it is scaled to an L1
// norm of `strength`: jcjohnson/neural-style's -normalize_gradients, which divides each loss
// module's gradient by its L1 norm before its weight applies. The view is the loss's own
// branch, so the hook sees that loss's gradient alone, not the next layer's.
at::Tensor withNormalizedGradient(const at::Tensor& activation, double strength) {
    at::Tensor branch = activation.view_as(activation);
    branch.register_hook([strength](const at::Tensor& gradient) {
        return gradient * (strength / (gradient.abs().sum() + 1e-8 * strength));
    });
    return branch;
}

}  // namespace

at::Tensor StyleTargets::weightedError(const Targets& targets, const Features& features,
                                       const std::vector<LayerWeight>& layers, bool compareStyle,
                                       double normalizedTermWeight, const at::Tensor& zero) const {
    const std::vector<LayerWeight> active = activeLayers(layers);
    at::Tensor error = zero;
    if ((compareStyle ? blended_.empty() && gaussians_.empty() : targets.empty()) ||
        active.empty()) {
        return error;
    }
    std::vector<double> weights;
    for (const LayerWeight& layer : active) {
        weights.push_back(layer.weight);
    }
    weights = normalisedWeights(std::move(weights));
    for (size_t i = 0; i < active.size(); ++i) {
        at::Tensor activation = features.at(active[i].layer);
        if (normalizedTermWeight > 0.0 && activation.requires_grad()) {
            activation = withNormalizedGradient(activation, normalizedTermWeight * weights[i]);
        }
        if (compareStyle) {
            error = error + styleError(active[i].layer, activation) * weights[i];
            continue;
        }
        const LayerTarget& target = targets.at(active[i].layer);
        error = error + relativeSquaredError(activation, target.target, target.power) * weights[i];
    }
    return error;
}

std::pair<at::Tensor, LossBreakdown> StyleTargets::losses(const at::Tensor& image,
                                                          const Features& features,
                                                          const StyleSettings& settings) const {
    const at::Tensor zero = at::zeros({}, image.options());
    const at::Tensor contentTerm =
        weightedError(content_, features, settings.contentLayers, false,
                      settings.normalizeGradients ? settings.contentWeight : 0.0, zero) *
        settings.contentWeight;
    const at::Tensor styleTerm =
        weightedError(blended_, features, settings.styleLayers, true,
                      settings.normalizeGradients ? settings.styleWeight : 0.0, zero) *
        settings.styleWeight;
    const at::Tensor tvTerm = totalVariation(image) * (settings.tvWeight * kSmoothnessScale);
    at::Tensor total = contentTerm + styleTerm + tvTerm;
    at::Tensor reportedContent = contentTerm;
    if (const at::Tensor keep = keepTerm(image, 0, settings); keep.defined()) {
        // Reported with the content term: both hold the photo.
        total = total + keep;
        reportedContent = contentTerm + keep;
    }
    // One transfer for all four numbers: on a GPU each read waits for the queued work.
    const at::Tensor values =
        at::stack({reportedContent, styleTerm, tvTerm, total}).detach().to(at::kCPU, at::kDouble);
    const auto read = values.accessor<double, 1>();
    LossBreakdown breakdown;
    breakdown.content = read[0];
    breakdown.style = read[1];
    breakdown.totalVariation = read[2];
    breakdown.total = read[3];
    return {total, breakdown};
}

}  // namespace impasto
