#include "core/style/RegionStatistics.h"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>

#include "core/style/LayerAreas.h"
#include "core/style/OneThreadKernels.h"
#include "core/style/RowProducts.h"

namespace impasto {

namespace {

// A region at a layer's resolution, as the pieces need it: its mask in the features' type.
struct Crop {
    at::Tensor mask;  // 1 x 1 x rows x columns
    Area area;
    Area ones;
    double meanSquare = 1.0;
};

// The most feature bytes one piece of a crop holds: pieces of 2 MiB measured faster than smaller
// ones (their calls cost more than the cache saves) and than whole crops.
constexpr int64_t kPieceBytes = 2 * 1024 * 1024;

// Whether rows of a layer's crops can be multiplied where they lie (rowProducts): channels-last
// memory, whose rows are dense matrices, and products that run here for the features' type.
bool rowsInPlace(const at::Tensor& features) {
    return features.suggest_memory_format() == at::MemoryFormat::ChannelsLast &&
           rowProductsRun(features.scalar_type());
}

// The shortest rows whose products go straight into the gradient one row at a time
// (rowProducts): on shorter rows the calls cost more than the copies in and out they save.
constexpr int64_t kShortestProductRow = 48;

// The shortest rows of ones whose Gram matrices are summed one row at a time (addRowGrams),
// reading the features in place: on shorter rows the calls cost more than the copy they save.
constexpr int64_t kShortestGramRow = 96;

// The most channels summed by rows: each row's product is the whole Gram matrix, where
// addUpperGram multiplies only the blocks on and above the diagonal of layers wider than its
// block (128 channels).
constexpr int64_t kWidestGramByRows = 128;

// Whether a piece's Gram matrix is summed by rows where its mask is 1 rather than from one
// weighted copy. Whole rows of the layer are one matrix already (plainRows).
bool gramByRows(const at::Tensor& features, const Area& piece) {
    return piece.columns >= kShortestGramRow && piece.columns < features.size(3) &&
           features.size(1) <= kWidestGramByRows && rowsInPlace(features);
}

// A cell's positions as rows x columns x channels (channels-last memory: dense rows).
at::Tensor rowsOf(const at::Tensor& item) {
    return item.permute({1, 2, 0});
}

// A band of rows of one region's crop, weighted and multiplied by one thread.
struct Piece {
    size_t region = 0;
    Area area;
};

// Every crop's rows in pieces of at most kPieceBytes (bands of columns read in place: of any
// size), enough of them to keep every thread busy, cut where a band of whole rows of ones begins
// and ends (inside it, pieces of the layer's whole width are the features themselves:
// plainRows()).
std::vector<Piece> piecesOf(const std::vector<Crop>& crops, const at::Tensor& features) {
    const int64_t threads = at::get_num_threads();
    const int64_t perRegion = (threads + static_cast<int64_t>(crops.size()) - 1) /
                              std::max<int64_t>(1, static_cast<int64_t>(crops.size()));
    std::vector<Piece> pieces;
    for (size_t region = 0; region < crops.size(); ++region) {
        const Area& crop = crops[region].area;
        const Area& ones = crops[region].ones;
        const int64_t rowBytes =
            crop.columns * features.size(0) * features.size(1) * features.element_size();
        // Bands of columns whose rows are read and written in place need not fit the cache:
        // fewer pieces, fewer cells at their edges.
        const bool inPlace = rowsInPlace(features) && crop.columns >= kShortestProductRow &&
                             crop.columns < features.size(3);
        const int64_t rows = std::max<int64_t>(
            1, std::min(inPlace ? crop.rows : kPieceBytes / std::max<int64_t>(1, rowBytes),
                        (crop.rows + perRegion - 1) / perRegion));
        std::vector<int64_t> edges{crop.top, crop.top + crop.rows};
        if (ones.rows > 0 && ones.columns == crop.columns) {
            edges.insert(edges.begin() + 1, {ones.top, ones.top + ones.rows});
        }
        for (size_t band = 0; band + 1 < edges.size(); ++band) {
            for (int64_t top = edges[band]; top < edges[band + 1]; top += rows) {
                pieces.push_back(
                    {region,
                     {top, crop.left, std::min(rows, edges[band + 1] - top), crop.columns}});
            }
        }
    }
    return pieces;
}

// Whether `piece` is whole rows of the layer where the mask is 1: its features as they are, a
// view without a copy in channels-last memory.
bool plainRows(const at::Tensor& features, const Crop& crop, const Area& piece) {
    return piece.columns == features.size(3) && crop.ones.rows > 0 && contains(crop.ones, piece);
}

// The features of `piece` weighted by the crop's mask, dense in the features' layout.
at::Tensor weightedPiece(const at::Tensor& features, const Crop& crop, const Area& piece) {
    if (plainRows(features, crop, piece)) {
        return part(features, piece);
    }
    at::Tensor out = at::empty({features.size(0), features.size(1), piece.rows, piece.columns},
                               features.options().memory_format(features.suggest_memory_format()));
    writeMasked(out, part(features, piece), part(crop.mask, piece, crop.area), piece, piece,
                crop.ones);
    return out;
}

double normaliser(const Crop& crop) {
    return static_cast<double>(crop.area.rows * crop.area.columns) * crop.meanSquare;
}

// Every region's Gram matrix (and mean), piece by piece over the threads, each thread summing
// its own per region.
std::vector<GramAndMean> statisticsOf(const at::Tensor& features, const std::vector<Crop>& crops,
                                      bool means) {
    const std::vector<Piece> pieces = piecesOf(crops, features);
    const int64_t batch = features.size(0);
    const int64_t channels = features.size(1);
    const at::TensorOptions floats = features.options().dtype(at::kFloat);
    // [thread][region]
    std::vector<std::vector<GramAndMean>> sums(at::get_num_threads(),
                                               std::vector<GramAndMean>(crops.size()));
    at::parallel_for(0, static_cast<int64_t>(pieces.size()), 1, [&](int64_t begin, int64_t end) {
        const OneThreadKernels oneThread;
        std::vector<GramAndMean>& own = sums[at::get_thread_num()];
        for (int64_t index = begin; index < end; ++index) {
            const Piece& piece = pieces[index];
            const Crop& crop = crops[piece.region];
            GramAndMean& sum = own[piece.region];
            if (!sum.gram.defined()) {
                sum = {at::zeros({batch, channels, channels}, floats),
                       means ? at::zeros({batch, channels}, floats) : at::Tensor()};
            }
            const bool byRows = gramByRows(features, piece.area);
            for (const Area& cell : cells(piece.area, {byRows ? crop.ones : Area{}})) {
                if (byRows && crop.ones.rows > 0 && contains(crop.ones, cell) &&
                    gramByRows(features, cell)) {
                    const at::Tensor ones = part(features, cell);
                    for (int64_t item = 0; item < batch; ++item) {
                        addRowGrams(sum.gram[item], rowsOf(ones[item]));
                    }
                    if (means) {
                        sum.mean.add_(at::sum(ones, {2, 3}, false, at::kFloat));
                    }
                    continue;
                }
                const at::Tensor weighted = weightedPiece(features, crop, cell);
                for (int64_t item = 0; item < batch; ++item) {
                    addUpperGram(positionsByChannels(weighted[item]), sum.gram[item]);
                }
                if (means) {
                    // The mean weighs by the mask's square: `weighted` holds one factor.
                    sum.mean.add_(at::sum(plainRows(features, crop, cell)
                                              ? weighted
                                              : weighted * part(crop.mask, cell, crop.area),
                                          {2, 3}, false, at::kFloat));
                }
            }
        }
    });
    std::vector<GramAndMean> result;
    for (size_t region = 0; region < crops.size(); ++region) {
        GramAndMean total;
        for (const std::vector<GramAndMean>& own : sums) {
            if (own[region].gram.defined()) {
                total.gram =
                    total.gram.defined() ? total.gram.add_(own[region].gram) : own[region].gram;
                if (means) {
                    total.mean =
                        total.mean.defined() ? total.mean.add_(own[region].mean) : own[region].mean;
                }
            }
        }
        // Every crop has a row, so every region has a piece.
        TORCH_CHECK(total.gram.defined(), "A guided region without pieces");
        for (int64_t item = 0; item < batch; ++item) {
            mirrorUpperGram(total.gram[item]);
        }
        const double divisor = normaliser(crops[region]);
        result.push_back(
            {total.gram.div_(divisor), means ? total.mean.div_(divisor) : at::Tensor()});
    }
    return result;
}

// A region's dL/dF and where it goes.
struct RegionGradient {
    Crop crop;
    at::Tensor symmetric;   // (dG + dG^T) / (P d) in the features' type; undefined: none
    at::Tensor perChannel;  // dL/dmean / (P d), N x C x 1 x 1; undefined: none
    // crop.mask squared (a region's gradient carries its mask twice), where rows of its crop
    // go straight into the gradient (channels-last memory, rowProductsRun); else undefined.
    at::Tensor maskSquared;
};

// Whether `cell`'s gradient goes straight into the layer's, one product per row: rows that can
// (maskSquared) and are long enough to pay.
bool productsByRow(const RegionGradient& region, const Area& cell) {
    return region.maskSquared.defined() && cell.columns >= kShortestProductRow;
}

// Writes `cell`'s dL/dF, mask^2 (X S + dL/dmean / (P d)), into `full` one product per row: the
// features themselves where the mask is 1, else weighted by mask^2 first.
void writeByRows(at::Tensor& full, const at::Tensor& features, const RegionGradient& region,
                 const Area& cell) {
    const Crop& crop = region.crop;
    const bool unit = crop.ones.rows > 0 && contains(crop.ones, cell);
    const at::Tensor squared = part(region.maskSquared, cell, crop.area);
    at::Tensor source = part(features, cell);
    if (!unit) {
        source = at::mul(source, squared);
    }
    const at::Tensor target = part(full, cell);
    for (int64_t item = 0; item < features.size(0); ++item) {
        rowProducts(rowsOf(target[item]), rowsOf(source[item]), region.symmetric[item]);
    }
    if (region.perChannel.defined()) {
        unit ? target.add_(region.perChannel) : target.addcmul_(region.perChannel, squared);
    }
}

// dL/dF of `piece`: mask (weighted S + mask dL/dmean / (P d)), without its outer mask factor;
// into `out` where given (dense rows of the features' layout).
at::Tensor pieceGradient(const at::Tensor& features, const RegionGradient& region,
                         const Area& piece, const at::Tensor& pieceMask, at::Tensor out = {}) {
    if (!region.symmetric.defined()) {
        const at::Tensor gradient =
            (region.perChannel * pieceMask)
                .expand({features.size(0), features.size(1), piece.rows, piece.columns});
        return out.defined() ? out.copy_(gradient) : gradient;
    }
    const at::Tensor weighted = weightedPiece(features, region.crop, piece);
    at::Tensor gradient = out.defined() ? out : at::empty_like(weighted);
    for (int64_t item = 0; item < features.size(0); ++item) {
        const at::Tensor target = positionsByChannels(gradient[item]);
        // Whole rows view either layout; a copy here would lose the product written in place.
        TORCH_CHECK(target.is_alias_of(gradient), "A piece's gradient is no view of its rows");
        productOnThisThread(target, positionsByChannels(weighted[item]), region.symmetric[item]);
    }
    if (region.perChannel.defined()) {
        gradient.addcmul_(region.perChannel, pieceMask);
    }
    return gradient;
}

// A cell of a piece that other regions cover too: written after the parallel pieces, in the
// regions' order, so that no two threads add to one value.
struct SharedCell {
    size_t region = 0;
    Area cell;
    at::Tensor gradient;
    at::Tensor mask;
};

// Every region's dL/dF in one tensor of the features' layout: each region's share times its
// mask, summed where regions overlap, zero where none goes.
at::Tensor gradientOf(const at::Tensor& features, const std::vector<RegionGradient>& regions) {
    std::vector<Crop> crops;
    std::vector<Area> covered;
    for (const RegionGradient& region : regions) {
        crops.push_back(region.crop);
        covered.push_back(region.crop.area);
    }
    at::Tensor full = at::empty(features.sizes(),
                                features.options().memory_format(features.suggest_memory_format()));
    zeroUncovered(full, covered);
    const std::vector<Piece> pieces = piecesOf(crops, features);
    std::vector<std::vector<SharedCell>> shared(at::get_num_threads());
    at::parallel_for(0, static_cast<int64_t>(pieces.size()), 1, [&](int64_t begin, int64_t end) {
        const OneThreadKernels oneThread;
        for (int64_t index = begin; index < end; ++index) {
            const Piece& piece = pieces[index];
            const Crop& crop = crops[piece.region];
            const at::Tensor pieceMask = part(crop.mask, piece.area, crop.area);
            std::vector<Area> others = covered;
            others.erase(others.begin() + static_cast<std::ptrdiff_t>(piece.region));
            if (plainRows(features, crop, piece.area) &&
                std::none_of(others.begin(), others.end(),
                             [&](const Area& other) { return intersect(other, piece.area); })) {
                // Whole rows of ones no other region shares: the product writes them in place.
                pieceGradient(features, regions[piece.region], piece.area, pieceMask,
                              part(full, piece.area));
                continue;
            }
            const RegionGradient& region = regions[piece.region];
            // By rows, each cell of ones apart (its rows need no weighting); else one product
            // for the piece, cut into cells.
            const bool byRows = productsByRow(region, piece.area);
            std::vector<Area> edges = others;
            if (byRows) {
                edges.push_back(crop.ones);
            }
            const at::Tensor gradient =
                byRows ? at::Tensor() : pieceGradient(features, region, piece.area, pieceMask);
            for (const Area& cell : cells(piece.area, edges)) {
                const bool sharedCell =
                    std::any_of(others.begin(), others.end(),
                                [&](const Area& other) { return contains(other, cell); });
                if (byRows && !sharedCell && productsByRow(region, cell)) {
                    writeByRows(full, features, region, cell);
                    continue;
                }
                // The cell's gradient without its outer mask factor, and that mask.
                const at::Tensor cellMask = part(pieceMask, cell, piece.area);
                const at::Tensor cellGradient =
                    byRows ? pieceGradient(features, region, cell, cellMask)
                           : part(gradient, cell, piece.area);
                if (sharedCell) {
                    shared[at::get_thread_num()].push_back(
                        {piece.region, cell, cellGradient, cellMask});
                    continue;
                }
                at::Tensor target = part(full, cell);
                writeMasked(target, cellGradient, cellMask, cell, cell, crop.ones);
            }
        }
    });
    std::vector<SharedCell> ordered;
    for (std::vector<SharedCell>& own : shared) {
        ordered.insert(ordered.end(), own.begin(), own.end());
    }
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const SharedCell& a, const SharedCell& b) { return a.region < b.region; });
    for (const SharedCell& entry : ordered) {
        const std::vector<Area> earlier(
            covered.begin(), covered.begin() + static_cast<std::ptrdiff_t>(entry.region));
        at::Tensor target = part(full, entry.cell);
        writeMasked(target, entry.gradient, entry.mask, entry.cell, entry.cell,
                    crops[entry.region].ones, earlier);
    }
    return full;
}

// Every region's statistics of a layer's features (its Gram matrix, then its mean with
// `means`); the gradients go back in one tensor of the features' layout.
struct RegionStatisticsFunction : torch::autograd::Function<RegionStatisticsFunction> {
    static torch::autograd::variable_list forward(torch::autograd::AutogradContext* context,
                                                  const at::Tensor& features,
                                                  const std::vector<Crop>& crops, bool means) {
        RECORD_FUNCTION("impasto::region_statistics", std::vector<c10::IValue>());
        context->save_for_backward({features});
        c10::List<at::Tensor> masks;
        std::vector<int64_t> areas;  // each crop's area, then its ones
        std::vector<double> meanSquares;
        for (const Crop& crop : crops) {
            masks.push_back(crop.mask);
            areas.insert(areas.end(),
                         {crop.area.top, crop.area.left, crop.area.rows, crop.area.columns,
                          crop.ones.top, crop.ones.left, crop.ones.rows, crop.ones.columns});
            meanSquares.push_back(crop.meanSquare);
        }
        context->saved_data["masks"] = masks;
        context->saved_data["areas"] = areas;
        context->saved_data["meanSquares"] = meanSquares;
        context->saved_data["means"] = means;
        // Regions whose statistics the loss does not use send back nothing, not zeros.
        context->set_materialize_grads(false);
        torch::autograd::variable_list outputs;
        for (GramAndMean& statistics : statisticsOf(features.detach(), crops, means)) {
            outputs.push_back(statistics.gram);
            if (means) {
                outputs.push_back(statistics.mean);
            }
        }
        return outputs;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                   torch::autograd::variable_list gradients) {
        RECORD_FUNCTION("impasto::region_statistics_backward", std::vector<c10::IValue>());
        const at::Tensor features = context->get_saved_variables()[0].detach();
        const std::vector<at::Tensor> masks = context->saved_data["masks"].toTensorVector();
        const std::vector<int64_t> areas = context->saved_data["areas"].toIntVector();
        const std::vector<double> meanSquares = context->saved_data["meanSquares"].toDoubleVector();
        const size_t outputsPerRegion = context->saved_data["means"].toBool() ? 2 : 1;
        auto gradient = [&](size_t region, size_t which) {
            const size_t index = region * outputsPerRegion + which;
            return which < outputsPerRegion && gradients[index].defined()
                       ? gradients[index].detach()
                       : at::Tensor();
        };
        // Regions whose statistics carry a gradient write it.
        std::vector<RegionGradient> regions;
        for (size_t i = 0; i < masks.size(); ++i) {
            const at::Tensor gram = gradient(i, 0);
            const at::Tensor mean = gradient(i, 1);
            if (!gram.defined() && !mean.defined()) {
                continue;
            }
            const int64_t* a = &areas[8 * i];
            RegionGradient region;
            region.crop = {
                masks[i], {a[0], a[1], a[2], a[3]}, {a[4], a[5], a[6], a[7]}, meanSquares[i]};
            const double divisor = normaliser(region.crop);
            if (gram.defined()) {
                region.symmetric = (gram + gram.transpose(1, 2))
                                       .div_(divisor)
                                       .to(features.scalar_type())
                                       .contiguous();
            }
            if (mean.defined()) {
                region.perChannel = (mean / divisor)
                                        .to(features.scalar_type())
                                        .view({features.size(0), features.size(1), 1, 1});
            }
            if (region.symmetric.defined() && rowsInPlace(features)) {
                region.maskSquared = region.crop.mask * region.crop.mask;
            }
            regions.push_back(std::move(region));
        }
        const at::Tensor full = gradientOf(features, regions);
        return {full, at::Tensor(), at::Tensor()};
    }
};

}  // namespace

std::vector<GramAndMean> regionStatistics(const at::Tensor& features,
                                          const std::vector<const GuidanceMask*>& masks,
                                          GramMethod method, bool means) {
    std::vector<GramAndMean> result;
    if (method != GramMethod::Symmetric || !features.is_cpu()) {
        for (const GuidedFeatures& region : guidedFeatures(features, masks)) {
            result.push_back(means ? region.statistics(method)
                                   : GramAndMean{region.gram(method), at::Tensor()});
        }
        return result;
    }
    const at::Tensor input = gramInput(features, method);
    std::vector<Crop> crops;
    for (const GuidanceMask* mask : masks) {
        const GuidanceMask::AtLayer& layer = mask->atResolutionOf(features);
        crops.push_back(
            {layer.maskAs(input.scalar_type()), layer.area(), layer.ones, layer.meanSquare});
    }
    const torch::autograd::variable_list outputs = RegionStatisticsFunction::apply(
        input.contiguous(input.suggest_memory_format()), crops, means);
    for (size_t i = 0; i < crops.size(); ++i) {
        result.push_back(means ? GramAndMean{outputs[2 * i], outputs[2 * i + 1]}
                               : GramAndMean{outputs[i], at::Tensor()});
    }
    return result;
}

}  // namespace impasto
