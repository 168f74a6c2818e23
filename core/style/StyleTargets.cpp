#include "core/style/StyleTargets.h"

#include "core/settings/SmoothnessScale.h"
#include "core/style/Losses.h"

namespace impasto {

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

void StyleTargets::setStyles(const std::vector<Features>& featuresPerImage) {
    grams_.clear();
    means_.clear();
    for (const Features& features : featuresPerImage) {
        Features grams;
        Features means;
        for (const auto& [layer, activation] : features) {
            grams[layer] = gramMatrix(activation, gramMethod_).detach();
            means[layer] = featureMean(activation).detach();
        }
        grams_.push_back(std::move(grams));
        means_.push_back(std::move(means));
    }
    blended_.clear();
    gaussians_.clear();
}

void StyleTargets::blend(std::vector<double> weights, StyleLoss styleLoss) {
    blended_.clear();
    gaussians_.clear();
    if (grams_.empty()) {
        return;
    }
    if (weights.empty()) {
        weights.assign(grams_.size(), 1.0);
    }
    weights = normalisedWeights(std::move(weights));
    auto mix = [&](const std::vector<Features>& perImage, const std::string& layer) {
        at::Tensor mixed = perImage[0].at(layer) * weights[0];
        for (size_t i = 1; i < perImage.size(); ++i) {
            mixed = mixed + perImage[i].at(layer) * weights[i];
        }
        return mixed;
    };
    for (const auto& [layer, unused] : grams_.front()) {
        const at::Tensor gram = mix(grams_, layer);
        if (styleLoss == StyleLoss::Wasserstein) {
            gaussians_[layer] = gaussianTarget(mix(means_, layer), gram);
        } else {
            blended_[layer] = {gram, meanPower(gram)};
        }
    }
}

at::Tensor StyleTargets::styleError(const std::string& layer, const at::Tensor& activation) const {
    if (const auto gaussian = gaussians_.find(layer); gaussian != gaussians_.end()) {
        return wassersteinError(featureMean(activation), gramMatrix(activation, gramMethod_),
                                gaussian->second);
    }
    const LayerTarget& target = blended_.at(layer);
    return relativeSquaredError(gramMatrix(activation, gramMethod_), target.target, target.power);
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
    const at::Tensor total = contentTerm + styleTerm + tvTerm;
    // One transfer for all four numbers: on a GPU each read waits for the queued work.
    const at::Tensor values =
        at::stack({contentTerm, styleTerm, tvTerm, total}).detach().to(at::kCPU, at::kDouble);
    const auto read = values.accessor<double, 1>();
    LossBreakdown breakdown;
    breakdown.content = read[0];
    breakdown.style = read[1];
    breakdown.totalVariation = read[2];
    breakdown.total = read[3];
    return {total, breakdown};
}

}  // namespace impasto
