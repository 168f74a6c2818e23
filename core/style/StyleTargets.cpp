#include "core/style/StyleTargets.h"

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
    for (const Features& features : featuresPerImage) {
        Features grams;
        for (const auto& [layer, activation] : features) {
            grams[layer] = gramMatrix(activation, gramMethod_).detach();
        }
        grams_.push_back(std::move(grams));
    }
    blended_.clear();
}

void StyleTargets::blend(std::vector<double> weights) {
    blended_.clear();
    if (grams_.empty()) {
        return;
    }
    if (weights.empty()) {
        weights.assign(grams_.size(), 1.0);
    }
    weights = normalisedWeights(std::move(weights));
    for (const auto& [layer, unused] : grams_.front()) {
        at::Tensor mixed = grams_[0].at(layer) * weights[0];
        for (size_t i = 1; i < grams_.size(); ++i) {
            mixed = mixed + grams_[i].at(layer) * weights[i];
        }
        blended_[layer] = {mixed, meanPower(mixed)};
    }
}

at::Tensor StyleTargets::weightedError(const Targets& targets, const Features& features,
                                       const std::vector<LayerWeight>& layers, bool compareGrams,
                                       const at::Tensor& zero) const {
    const std::vector<LayerWeight> active = activeLayers(layers);
    at::Tensor error = zero;
    if (targets.empty() || active.empty()) {
        return error;
    }
    std::vector<double> weights;
    for (const LayerWeight& layer : active) {
        weights.push_back(layer.weight);
    }
    weights = normalisedWeights(std::move(weights));
    for (size_t i = 0; i < active.size(); ++i) {
        const LayerTarget& target = targets.at(active[i].layer);
        const at::Tensor& activation = features.at(active[i].layer);
        const at::Tensor current = compareGrams ? gramMatrix(activation, gramMethod_) : activation;
        error = error + relativeSquaredError(current, target.target, target.power) * weights[i];
    }
    return error;
}

std::pair<at::Tensor, LossBreakdown> StyleTargets::losses(const at::Tensor& image,
                                                          const Features& features,
                                                          const StyleSettings& settings) const {
    const at::Tensor zero = at::zeros({}, image.options());
    const at::Tensor contentTerm =
        weightedError(content_, features, settings.contentLayers, false, zero) *
        settings.contentWeight;
    const at::Tensor styleTerm =
        weightedError(blended_, features, settings.styleLayers, true, zero) * settings.styleWeight;
    const at::Tensor tvTerm = totalVariation(image) * settings.tvWeight;
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
