#include "core/style/StyleGuidance.h"

#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>

#include "core/common/Error.h"
#include "core/settings/StyleSettings.h"
#include "core/style/GramMatrix.h"
#include "core/style/ImageTensor.h"

namespace impasto {

namespace {

// Below this coverage a region has no pixel worth optimising for.
constexpr double kEmptyCoverage = 1e-6;

double meanOf(const at::Tensor& values) {
    return values.mean().item<double>();
}

// Every region's crop of a layer's features, weighted by its mask, in the features' memory
// layout; the gradients go back in one tensor of that layout (LibTorch's slices would send back
// one contiguous, zero-filled tensor per region, which a channels-last network's backward pass
// then converts and adds at every layer).
struct MaskedCropsFunction : torch::autograd::Function<MaskedCropsFunction> {
    static torch::autograd::variable_list forward(
        torch::autograd::AutogradContext* context, const at::Tensor& features,
        const std::vector<const GuidanceMask::AtLayer*>& crops) {
        const at::MemoryFormat layout = features.suggest_memory_format();
        c10::List<at::Tensor> masks;
        std::vector<int64_t> corners;
        torch::autograd::variable_list weighted;
        for (const GuidanceMask::AtLayer* crop : crops) {
            const at::Tensor mask = crop->mask.to(features.scalar_type());
            masks.push_back(mask);
            corners.insert(corners.end(), {crop->top, crop->left});
            weighted.push_back((crop->crop(features) * mask).contiguous(layout));
        }
        context->saved_data["masks"] = masks;
        context->saved_data["corners"] = corners;
        context->saved_data["sizes"] = features.sizes().vec();
        context->saved_data["channelsLast"] = layout == at::MemoryFormat::ChannelsLast;
        return weighted;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                   torch::autograd::variable_list gradients) {
        const std::vector<at::Tensor> masks = context->saved_data["masks"].toTensorVector();
        const std::vector<int64_t> corners = context->saved_data["corners"].toIntVector();
        const std::vector<int64_t> sizes = context->saved_data["sizes"].toIntVector();
        const at::MemoryFormat layout = context->saved_data["channelsLast"].toBool()
                                            ? at::MemoryFormat::ChannelsLast
                                            : at::MemoryFormat::Contiguous;
        // The first region's masked gradient is written straight into its crop and only the
        // rest is zeroed; the others add theirs in place: one pass each, no temporaries.
        at::Tensor full;
        for (size_t i = 0; i < masks.size(); ++i) {
            if (!gradients[i].defined()) {
                continue;
            }
            const int64_t top = corners[2 * i];
            const int64_t left = corners[2 * i + 1];
            const int64_t rows = masks[i].size(2);
            const int64_t columns = masks[i].size(3);
            if (full.defined()) {
                full.slice(2, top, top + rows)
                    .slice(3, left, left + columns)
                    .addcmul_(gradients[i], masks[i]);
                continue;
            }
            // In the features' layout, which the network's backward pass reads.
            full = at::empty(sizes, gradients[i].options().memory_format(layout));
            at::Tensor crop = full.slice(2, top, top + rows).slice(3, left, left + columns);
            at::mul_out(crop, gradients[i], masks[i]);
            full.slice(2, 0, top).zero_();
            full.slice(2, top + rows, sizes[2]).zero_();
            full.slice(2, top, top + rows).slice(3, 0, left).zero_();
            full.slice(2, top, top + rows).slice(3, left + columns, sizes[3]).zero_();
        }
        return {full, at::Tensor()};
    }
};

}  // namespace

GuidanceMask::GuidanceMask(at::Tensor mask) : mask_(std::move(mask)), coverage_(meanOf(mask_)) {}

const GuidanceMask::AtLayer& GuidanceMask::atResolutionOf(const at::Tensor& features) const {
    return atResolution(features.size(2), features.size(3));
}

const GuidanceMask::AtLayer& GuidanceMask::atResolution(int64_t layerRows,
                                                        int64_t layerColumns) const {
    const std::pair<int64_t, int64_t> size{layerRows, layerColumns};
    auto found = atLayers_.find(size);
    if (found == atLayers_.end()) {
        // Area averaging (adaptive average pooling) whatever the layer's stride.
        const at::Tensor scaled = at::adaptive_avg_pool2d(mask_, {size.first, size.second});
        AtLayer layer{.mask = scaled};
        const at::Tensor rows = at::nonzero(scaled.amax({0, 1, 3}) > 0).flatten();
        const at::Tensor columns = at::nonzero(scaled.amax({0, 1, 2}) > 0).flatten();
        if (rows.numel() > 0 && columns.numel() > 0) {
            layer.top = rows.min().item<int64_t>();
            layer.left = columns.min().item<int64_t>();
            layer.mask = scaled.slice(2, layer.top, rows.max().item<int64_t>() + 1)
                             .slice(3, layer.left, columns.max().item<int64_t>() + 1)
                             .contiguous();
        }
        layer.meanSquare = std::max(meanOf(layer.mask * layer.mask), 1e-12);
        found = atLayers_.emplace(size, std::move(layer)).first;
    }
    return found->second;
}

at::Tensor maskTensor(const Mask& mask, int width, int height, const at::Device& device) {
    if (mask.empty() || mask.values.size() != static_cast<size_t>(mask.width()) * mask.height()) {
        throw Error("A mask is empty or its size is inconsistent");
    }
    const at::Tensor pixels =
        at::from_blob(const_cast<float*>(mask.values.data()), {1, 1, mask.height(), mask.width()},
                      at::kFloat)
            .clamp(0.0, 1.0);  // a copy, so the tensor does not outlive `mask`'s memory
    return resampled(pixels, width, height).contiguous().to(device);
}

std::vector<GuidedFeatures> guidedFeatures(const at::Tensor& features,
                                           const std::vector<const GuidanceMask*>& masks) {
    std::vector<const GuidanceMask::AtLayer*> crops;
    for (const GuidanceMask* mask : masks) {
        crops.push_back(&mask->atResolutionOf(features));
    }
    const torch::autograd::variable_list weighted = MaskedCropsFunction::apply(features, crops);
    std::vector<GuidedFeatures> result;
    for (size_t i = 0; i < crops.size(); ++i) {
        result.push_back({weighted[i], crops[i]});
    }
    return result;
}

at::Tensor GuidedFeatures::gram(GramMethod method) const {
    return gramMatrix(weighted, method) / crop->meanSquare;
}

GramAndMean GuidedFeatures::statistics(GramMethod method) const {
    // `weighted` holds one factor of the mask already; the mean weighs by its square too.
    const GramAndMean both = gramAndMean(weighted, crop->mask, method);
    return {both.gram / crop->meanSquare, both.mean / crop->meanSquare};
}

StyleGuidance makeStyleGuidance(const std::vector<std::optional<Mask>>& styleMasks,
                                const std::optional<Mask>& keepMask,
                                const std::vector<double>& blendWeights, const at::Tensor& photo,
                                int width, int height, const at::Device& device) {
    StyleGuidance guidance;
    at::Tensor free;  // where the style may go: 1 - keep
    if (keepMask) {
        guidance.keep = GuidanceMask(maskTensor(*keepMask, width, height, device));
        guidance.photo = photo;
        free = 1.0 - guidance.keep.pixels();
    }
    const bool styleMasked = std::any_of(styleMasks.begin(), styleMasks.end(),
                                         [](const std::optional<Mask>& mask) { return mask; });
    if (!styleMasked && !keepMask) {
        return guidance;
    }
    if (!styleMasked) {
        guidance.regions.push_back({std::nullopt, GuidanceMask(free), 1.0});
    } else {
        std::vector<double> weights = blendWeights;
        if (weights.size() != styleMasks.size()) {
            weights.assign(styleMasks.size(), 1.0);
        }
        weights = normalisedWeights(std::move(weights));
        for (size_t i = 0; i < styleMasks.size(); ++i) {
            at::Tensor region = styleMasks[i]
                                    ? maskTensor(*styleMasks[i], width, height, device)
                                    : at::ones({1, 1, height, width}, at::TensorOptions(device));
            if (free.defined()) {
                region = region * free;
            }
            guidance.regions.push_back(
                {i, GuidanceMask(region), weights[i] * static_cast<double>(styleMasks.size())});
        }
    }
    bool anyPixel = false;
    for (StyleRegion& region : guidance.regions) {
        anyPixel = anyPixel || region.mask.coverage() > kEmptyCoverage;
        region.weight *= region.mask.coverage();
    }
    if (!anyPixel) {
        throw Error(keepMask ? "The masks leave no pixel for any painting: the keep mask covers "
                               "every pixel the style masks select"
                             : "The style masks leave no pixel for any painting: each is black "
                               "everywhere");
    }
    // Regions without pixels would only divide by their zero area.
    std::erase_if(guidance.regions, [](const StyleRegion& region) {
        return region.mask.coverage() <= kEmptyCoverage;
    });
    return guidance;
}

}  // namespace impasto
