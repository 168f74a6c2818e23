#pragma once

#include <map>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "core/settings/StyleSettings.h"
#include "core/style/GramMatrix.h"
#include "core/style/LossBreakdown.h"
#include "core/style/StyleGuidance.h"
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
    // Gram matrices and means of each style image's features, over the region of the painting
    // `sourceMasks[i]` guides where it is defined (missing or undefined: the whole painting).
    void setStyles(const std::vector<Features>& featuresPerImage,
                   const std::vector<GuidanceMask>& sourceMasks = {});
    // Mixes the per-image Gram matrices and means with `weights`, one per style image
    // (normalised here; empty means equal), into the targets of `styleLoss`; with `perImage`,
    // also each image's own targets, for regions that follow one painting.
    void blend(std::vector<double> weights, StyleLoss styleLoss = StyleLoss::Gram,
               bool perImage = false);
    // Masks for the loss (core/style/StyleGuidance.h): the style error becomes the sum of the
    // regions' guided errors, and a keep mask adds a pixel term holding the photo there.
    void setGuidance(StyleGuidance guidance);

    // The weighted loss terms of `image` whose activations are `features`; a term without
    // targets, weight or active layers is zero.
    std::pair<at::Tensor, LossBreakdown> losses(const at::Tensor& image, const Features& features,
                                                const StyleSettings& settings) const;

    // What tiled evaluation (core/style/TiledEvaluation.h) needs, as it computes the image's
    // statistics tile by tile instead of from whole-image features.
    struct LayerTarget {
        at::Tensor target;
        double power = 1.0;  // the target's mean square, the layer's normaliser
    };
    // setStyles() from each style image's Gram matrices and feature means, computed elsewhere.
    void setStyleStatistics(std::vector<Features> grams, std::vector<Features> means);
    // The content target of `layer`, or nullptr when there is none.
    const LayerTarget* contentTarget(const std::string& layer) const;
    bool hasStyleTargets() const { return !blended_.empty() || !gaussians_.empty(); }
    // The masks guiding the loss (setGuidance).
    const StyleGuidance& guidance() const { return guidance_; }
    // The error of one style layer from the image's feature mean and Gram matrix at it.
    at::Tensor styleErrorOf(const std::string& layer, const at::Tensor& mean,
                            const at::Tensor& gram) const;
    // The same for guidance().regions[region], from the image's statistics over the region,
    // times the region's weight.
    at::Tensor regionErrorOf(size_t region, const std::string& layer, const at::Tensor& mean,
                             const at::Tensor& gram) const;
    // The keep mask's pixel term (a share of the content term's scale) over the rows of the
    // image from `top` whose pixels are `rows`: the bands of an image sum to its term. Undefined
    // without a keep mask.
    at::Tensor keepTerm(const at::Tensor& rows, int64_t top, const StyleSettings& settings) const;

private:
    using Targets = std::map<std::string, LayerTarget>;
    using Gaussians = std::map<std::string, GaussianTarget>;
    // The style images' statistics mixed with `weights` (normalised) into `grams` (Gram loss)
    // or `gaussians` (Wasserstein).
    void mix(const std::vector<double>& weights, StyleLoss styleLoss, Targets& grams,
             Gaussians& gaussians) const;
    // The error of one style layer from the image's mean and Gram matrix against `grams` or
    // `gaussians` (whichever holds targets), times `weight`.
    at::Tensor errorAgainst(const Targets& grams, const Gaussians& gaussians,
                            const std::string& layer, const at::Tensor& mean,
                            const at::Tensor& gram, double weight = 1.0) const;

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
    Gaussians gaussians_;
    // Each image's own targets, when blend() was asked for them (regions following one painting).
    std::vector<Targets> perImageGrams_;
    std::vector<Gaussians> perImageGaussians_;
    StyleGuidance guidance_;
};

}  // namespace impasto
