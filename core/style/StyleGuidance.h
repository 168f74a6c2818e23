#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "core/image/Mask.h"
#include "core/style/GramMatrix.h"

namespace impasto {

// Spatial control as in Gatys et al., "Controlling Perceptual Factors in Neural Style Transfer"
// (CVPR 2017): a mask (guidance channel) is taken to every layer's resolution by area averaging,
// the features are weighted by it and their Gram matrix is normalised by its mean square, the
// region's own area. Area averaging keeps a region's mass at every depth (a thin stroke never
// vanishes at a coarse layer) and gives a cell the share of its pixels the region covers.
class GuidanceMask {
public:
    GuidanceMask() = default;
    // `mask` is 1 x 1 x H x W at the size of the image it guides.
    explicit GuidanceMask(at::Tensor mask);

    bool defined() const { return mask_.defined(); }
    const at::Tensor& pixels() const { return mask_; }
    // Mean of the mask over the image: the share of the image the region covers.
    double coverage() const { return coverage_; }
    // A rectangle of a layer's positions.
    struct Area {
        int64_t top = 0;
        int64_t left = 0;
        int64_t rows = 0;
        int64_t columns = 0;
    };
    // The mask at a layer's resolution, cropped to the rows and columns where it is above zero
    // (so that complementary regions cost about one Gram matrix, not one each), and its mean
    // square over the crop.
    struct AtLayer {
        at::Tensor mask;  // 1 x 1 x rows x columns
        int64_t top = 0;
        int64_t left = 0;
        double meanSquare = 1.0;
        // Where the mask is exactly 1, in layer positions: the longest band of the crop's whole
        // rows or columns (a hard edge's inside), where weighting is a copy, twice as fast as a
        // product. Empty where there is none.
        Area ones;

        Area area() const { return {top, left, mask.size(2), mask.size(3)}; }

        // `features` (N x C x H x W at the layer's resolution) cropped the same way.
        at::Tensor crop(const at::Tensor& features) const {
            return features.slice(2, top, top + mask.size(2)).slice(3, left, left + mask.size(3));
        }
        // `mask` in the features' type (bfloat16 under automatic precision), converted once
        // rather than at every step.
        const at::Tensor& maskAs(at::ScalarType type) const;
        mutable std::map<at::ScalarType, at::Tensor> converted;  // maskAs()'s, by type
    };
    // The mask at `features`' resolution (kept once computed).
    const AtLayer& atResolutionOf(const at::Tensor& features) const;
    // The mask at a layer of `rows` x `columns` positions (kept once computed).
    const AtLayer& atResolution(int64_t rows, int64_t columns) const;

private:
    at::Tensor mask_;
    double coverage_ = 0.0;
    mutable std::map<std::pair<int64_t, int64_t>, AtLayer> atLayers_;
};

// `mask` (any size) as a 1 x 1 x `height` x `width` tensor on `device`: area averaging down,
// bicubic up (clamped), like images (core/style/ImageTensor.h).
at::Tensor maskTensor(const Mask& mask, int width, int height, const at::Device& device);

// A layer's N x C x H x W features over one region: weighted by the mask and cropped to it.
struct GuidedFeatures {
    at::Tensor weighted;
    const GuidanceMask::AtLayer* crop = nullptr;

    // The Gram matrix and the per-channel mean over the region, weighted by the mask's square
    // and normalised by its mean square: over a hard-edged region exactly the plain statistics
    // of the features inside it.
    at::Tensor gram(GramMethod method) const;
    // Both at once (core/style/GramMatrix.h's gramAndMean: one pass back for the two).
    GramAndMean statistics(GramMethod method) const;
};
// `features` over each of `masks`, with one gradient pass back for all of them.
std::vector<GuidedFeatures> guidedFeatures(const at::Tensor& features,
                                           const std::vector<const GuidanceMask*>& masks);

// Which painting a region of the output follows, and how much its error weighs.
struct StyleRegion {
    std::optional<size_t> style;  // the painting's own targets; nullopt: the blend of all
    GuidanceMask mask;
    double weight = 1.0;
};

// The masks of a run at one stage size, as the loss uses them. Without regions and keep mask the
// loss is the plain one.
struct StyleGuidance {
    std::vector<StyleRegion> regions;
    // Where the image stays close to the photo (white = keep), and the photo at the stage size.
    GuidanceMask keep;
    at::Tensor photo;

    bool guided() const { return !regions.empty(); }
};

// The guidance for `styleMasks` (one per painting, nullopt = everywhere) and `keepMask` at
// `width` x `height`. Each painting's region is its mask less the keep mask; its error weighs
// its blend weight (normalised to average 1) times its coverage, so a painting pushes each pixel
// of its region as hard as an unmasked one pushes every pixel. Throws impasto::Error when the
// masks leave no pixel for any painting.
StyleGuidance makeStyleGuidance(const std::vector<std::optional<Mask>>& styleMasks,
                                const std::optional<Mask>& keepMask,
                                const std::vector<double>& blendWeights, const at::Tensor& photo,
                                int width, int height, const at::Device& device);

}  // namespace impasto
