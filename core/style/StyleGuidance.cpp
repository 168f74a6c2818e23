#include "core/style/StyleGuidance.h"

#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>

#include "core/common/Error.h"
#include "core/settings/StyleSettings.h"
#include "core/style/GramMatrix.h"
#include "core/style/ImageTensor.h"
#include "core/style/LayerAreas.h"

namespace impasto {

namespace {

// Below this coverage a region has no pixel worth optimising for.
constexpr double kEmptyCoverage = 1e-6;

double meanOf(const at::Tensor& values) {
    return values.mean().item<double>();
}

// The sum of each region's gradient times its mask, placed at its crop (`crops`, with the
// mask's ones at `ones`), as one tensor of `sizes` in `layout`. Cell by cell of the grid the
// crops' edges cut: the first region over a cell writes it, the next add to it, cells no region
// covers are zeroed; every value is written once plus once per overlap (complementary regions
// barely overlap). Undefined without gradients.
at::Tensor scatteredMaskedGradients(const std::vector<int64_t>& sizes, at::MemoryFormat layout,
                                    const torch::autograd::variable_list& gradients,
                                    const std::vector<at::Tensor>& masks,
                                    const std::vector<Area>& crops, const std::vector<Area>& ones) {
    const auto first = std::find_if(gradients.begin(), gradients.end(),
                                    [](const at::Tensor& gradient) { return gradient.defined(); });
    if (first == gradients.end()) {
        return {};
    }
    at::Tensor full = at::empty(sizes, first->options().memory_format(layout));
    std::vector<Area> written;
    for (size_t i = 0; i < crops.size(); ++i) {
        if (gradients[i].defined()) {
            written.push_back(crops[i]);
        }
    }
    zeroUncovered(full, written);
    for (const Area& cell : cells({0, 0, sizes[2], sizes[3]}, crops)) {
        bool firstOverCell = true;
        for (size_t i = 0; i < crops.size(); ++i) {
            if (gradients[i].defined() && contains(crops[i], cell)) {
                at::Tensor target = part(full, cell);
                writeMasked(target, part(gradients[i], cell, crops[i]),
                            part(masks[i], cell, crops[i]), cell, cell, ones[i],
                            firstOverCell ? std::vector<Area>{} : std::vector<Area>{cell});
                firstOverCell = false;
            }
        }
    }
    return full;
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
        std::vector<int64_t> areas;  // each crop's area, then its ones
        torch::autograd::variable_list weighted;
        for (const GuidanceMask::AtLayer* crop : crops) {
            const at::Tensor& mask = crop->maskAs(features.scalar_type());
            masks.push_back(mask);
            const Area area = crop->area();
            const Area& ones = crop->ones;
            areas.insert(areas.end(), {area.top, area.left, area.rows, area.columns, ones.top,
                                       ones.left, ones.rows, ones.columns});
            const at::Tensor region = crop->crop(features);
            at::Tensor product =
                at::empty(region.sizes(), features.options().memory_format(layout));
            writeMasked(product, region, mask, area, area, ones);
            weighted.push_back(product);
        }
        context->saved_data["masks"] = masks;
        context->saved_data["areas"] = areas;
        context->saved_data["sizes"] = features.sizes().vec();
        context->saved_data["channelsLast"] = layout == at::MemoryFormat::ChannelsLast;
        return weighted;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                   torch::autograd::variable_list gradients) {
        const std::vector<at::Tensor> masks = context->saved_data["masks"].toTensorVector();
        const std::vector<int64_t> areas = context->saved_data["areas"].toIntVector();
        const std::vector<int64_t> sizes = context->saved_data["sizes"].toIntVector();
        const at::MemoryFormat layout = context->saved_data["channelsLast"].toBool()
                                            ? at::MemoryFormat::ChannelsLast
                                            : at::MemoryFormat::Contiguous;
        std::vector<Area> crops;
        std::vector<Area> ones;
        for (size_t i = 0; i < masks.size(); ++i) {
            const int64_t* a = &areas[8 * i];
            crops.push_back({a[0], a[1], a[2], a[3]});
            ones.push_back({a[4], a[5], a[6], a[7]});
        }
        const at::Tensor full =
            scatteredMaskedGradients(sizes, layout, gradients, masks, crops, ones);
        return {full, at::Tensor()};
    }
};

// The longest run of true in `flags` (1-D): its start and length.
std::pair<int64_t, int64_t> longestRun(const at::Tensor& flags) {
    const at::Tensor values = flags.to(at::kCPU).contiguous();
    const auto read = values.accessor<bool, 1>();
    std::pair<int64_t, int64_t> best{0, 0};
    for (int64_t i = 0, start = 0; i < values.size(0); ++i) {
        if (!read[i]) {
            start = i + 1;
        } else if (i + 1 - start > best.second) {
            best = {start, i + 1 - start};
        }
    }
    return best;
}

// AtLayer::ones of `layer`: its crop's longest band of whole rows or of whole columns of ones.
GuidanceMask::Area onesBand(const GuidanceMask::AtLayer& layer) {
    const at::Tensor ones = layer.mask[0][0] == 1.0;  // rows x columns
    const auto [firstRow, rowCount] = longestRun(ones.all(1).flatten());
    const auto [firstColumn, columnCount] = longestRun(ones.all(0).flatten());
    const Area crop = layer.area();
    if (rowCount * crop.columns >= columnCount * crop.rows) {
        return rowCount == 0 ? Area{}
                             : Area{crop.top + firstRow, crop.left, rowCount, crop.columns};
    }
    return {crop.top, crop.left + firstColumn, crop.rows, columnCount};
}

}  // namespace

const at::Tensor& GuidanceMask::AtLayer::maskAs(at::ScalarType type) const {
    if (type == mask.scalar_type()) {
        return mask;
    }
    auto found = converted.find(type);
    if (found == converted.end()) {
        found = converted.emplace(type, mask.to(type)).first;
    }
    return found->second;
}

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
        AtLayer layer;
        layer.mask = scaled;
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
        layer.ones = onesBand(layer);
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
    // The mean square divides with the Gram matrix's own normaliser: no operation of its own.
    return gramMatrix(weighted, method, crop->meanSquare);
}

GramAndMean GuidedFeatures::statistics(GramMethod method) const {
    // `weighted` holds one factor of the mask already; the mean weighs by its square too.
    return gramAndMean(weighted, crop->maskAs(weighted.scalar_type()), method, crop->meanSquare);
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
