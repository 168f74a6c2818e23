#include "core/style/Losses.h"

#include <algorithm>

namespace impasto {

at::Tensor gramMatrix(const at::Tensor& features) {
    const int64_t batch = features.size(0);
    const int64_t channels = features.size(1);
    const int64_t positions = features.size(2) * features.size(3);
    if (features.is_contiguous(at::MemoryFormat::ChannelsLast)) {
        // Positions x channels is a view of channels-last memory: no copy.
        const at::Tensor flat =
            features.permute({0, 2, 3, 1}).reshape({batch, positions, channels});
        return at::bmm(flat.transpose(1, 2), flat) / static_cast<double>(positions);
    }
    const at::Tensor flat = features.reshape({batch, channels, positions});
    return at::bmm(flat, flat.transpose(1, 2)) / static_cast<double>(positions);
}

at::Tensor relativeSquaredError(const at::Tensor& current, const at::Tensor& target,
                                double targetPower) {
    return (current - target).pow(2).mean() / targetPower;
}

double meanPower(const at::Tensor& target) {
    // A dead layer (all zeros) must not divide by zero; its error then stays absolute.
    return std::max(target.pow(2).mean().item<double>(), 1e-8);
}

at::Tensor totalVariation(const at::Tensor& image) {
    const int64_t height = image.size(2);
    const int64_t width = image.size(3);
    const at::Tensor horizontal = image.narrow(3, 1, width - 1) - image.narrow(3, 0, width - 1);
    const at::Tensor vertical = image.narrow(2, 1, height - 1) - image.narrow(2, 0, height - 1);
    return horizontal.pow(2).mean() + vertical.pow(2).mean();
}

}  // namespace impasto
