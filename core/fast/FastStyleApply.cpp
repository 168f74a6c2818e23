#include "core/fast/FastStyleApply.h"

#include <ATen/core/grad_mode.h>

#include "core/common/Error.h"
#include "core/model/ThreadPolicy.h"
#include "core/style/ImageTensor.h"

namespace impasto {

Image applyFastStyle(const TransformNetwork& network, const Image& photo,
                     const FastApplyOptions& options) {
    if (!(options.strength >= 0.0 && options.strength <= 1.0)) {
        throw Error("The strength of a fast style must be between 0 and 1");
    }
    const c10::InferenceMode inference;
    ThreadPolicy().apply(options.threads);
    const at::Tensor input = imageToTensor(photo);
    at::Tensor styled = network.forward(input).clamp(0.0, 1.0);
    if (options.preserveColors) {
        styled = transferLuminance(styled, input);
    }
    if (options.strength < 1.0) {
        styled = input + (styled - input) * options.strength;
    }
    Image result = tensorToImage(styled);
    result.alpha = photo.alpha;
    return result;
}

}  // namespace impasto
