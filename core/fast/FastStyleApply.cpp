#include "core/fast/FastStyleApply.h"

#include <ATen/core/grad_mode.h>

#include "core/common/Error.h"
#include "core/fast/FastStyleTiles.h"
#include "core/image/LinearLightMix.h"
#include "core/model/AvailableMemory.h"
#include "core/model/ThreadPolicy.h"
#include "core/style/ImageTensor.h"

namespace impasto {

FastApplyOptions fastApplyOptions(const StyleSettings& settings) {
    FastApplyOptions options;
    options.threads = settings.threads;
    options.precision = settings.precision;
    options.tile = settings.tile;
    return options;
}

FastStyleApplier::FastStyleApplier(const TransformNetwork& network, const FastApplyOptions& options)
    : options_(options) {
    if (!(options.strength >= 0.0 && options.strength <= 1.0)) {
        throw Error("The strength of a fast style must be between 0 and 1");
    }
    const c10::InferenceMode inference;
    precision_ = choosePrecision(options.precision, "cpu");
    network_.emplace(network,
                     precision_.precision == Precision::Bfloat16 ? at::kBFloat16 : at::kFloat);
}

Image FastStyleApplier::apply(const Image& photo) {
    const c10::InferenceMode inference;
    ThreadPolicy().apply(options_.threads);
    const at::Tensor input = imageToTensor(photo);
    const at::Tensor padded = TransformNetwork::paddedToStride(input);
    lastTileSide_ = options_.tile >= 0
                        ? options_.tile
                        : automaticFastTileSide(*network_, photo.width(), photo.height(),
                                                availableMemory(at::kCPU));
    if (lastTileSide_ >= photo.width() && lastTileSide_ >= photo.height()) {
        lastTileSide_ = 0;  // one tile would only add the statistics' passes
    }
    at::Tensor styled = lastTileSide_ > 0 ? tiledForward(*network_, padded, lastTileSide_)
                                          : network_->forward(padded);
    styled = styled.narrow(2, 0, input.size(2)).narrow(3, 0, input.size(3)).clamp(0.0, 1.0);
    if (options_.preserveColors) {
        styled = transferLuminance(styled, input);
    }
    Image result = tensorToImage(styled);
    result.alpha = photo.alpha;
    // In linear light, as the strength slider mixes a run's result (StrengthBlend.h).
    return options_.strength < 1.0
               ? mixInLinearLight(photo, result, static_cast<float>(options_.strength))
               : result;
}

Image applyFastStyle(const TransformNetwork& network, const Image& photo,
                     const FastApplyOptions& options) {
    return FastStyleApplier(network, options).apply(photo);
}

}  // namespace impasto
