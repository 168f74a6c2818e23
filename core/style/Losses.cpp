#include "core/style/Losses.h"

#include <algorithm>

namespace impasto {

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
