#pragma once

#include <map>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "core/settings/StyleSettings.h"
#include "core/style/GramMatrix.h"
#include "core/style/LossBreakdown.h"
#include "core/style/WassersteinLoss.h"

namespace impasto {

// What the loss compares the image with, cached between steps: the content image's features
// and the style images' Gram matrices and feature means (kept per image, so moving a blend
// slider only re-mixes them; the Wasserstein loss's Gaussians are made from the mix).
class StyleTargets {
public:
    using Features = std::map<std::string, at::Tensor>;

    // How Gram matrices are computed, the targets' and the image's alike (before setStyles).
    void setGramMethod(GramMethod method);

    void setContent(const Features& features);
    void clearContent();
    // Gram matrices and means of each style image's features.
    void setStyles(const std::vector<Features>& featuresPerImage);
    // Mixes the per-image Gram matrices and means with `weights`, one per style image
    // (normalised here; empty means equal), into the targets of `styleLoss`.
    void blend(std::vector<double> weights, StyleLoss styleLoss = StyleLoss::Gram);

    // The weighted loss terms of `image` whose activations are `features`; a term without
    // targets, weight or active layers is zero.
    std::pair<at::Tensor, LossBreakdown> losses(const at::Tensor& image, const Features& features,
                                                const StyleSettings& settings) const;

private:
    struct LayerTarget {
        at::Tensor target;
        double power = 1.0;  // the target's mean square, the layer's normaliser
    };
    using Targets = std::map<std::string, LayerTarget>;

    // The error of one style layer (`activation`) against its target.
    at::Tensor styleError(const std::string& layer, const at::Tensor& activation) const;
    // The layers' errors, mixed by their normalised weights. With `normalizedTermWeight` above
    // 0 (normalizeGradients), each layer's gradient is that times its weight, in L1 norm.
    at::Tensor weightedError(const Targets& targets, const Features& features,
                             const std::vector<LayerWeight>& layers, bool compareStyle,
                             double normalizedTermWeight, const at::Tensor& zero) const;

    GramMethod gramMethod_ = GramMethod::Symmetric;
    Targets content_;
    std::vector<Features> grams_;
    std::vector<Features> means_;
    // One of these holds the blended targets, after the style loss blend() was given.
    Targets blended_;
    std::map<std::string, GaussianTarget> gaussians_;
};

}  // namespace impasto
