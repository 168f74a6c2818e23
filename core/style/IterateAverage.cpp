#include "core/style/IterateAverage.h"

#include <c10/core/GradMode.h>

namespace impasto {

void IterateAverage::restart(double decay) {
    decay_ = decay;
    weight_ = 0.0;
    sum_ = at::Tensor();
}

void IterateAverage::add(const at::Tensor& image) {
    const c10::NoGradGuard noGrad;
    // What the user would have seen of each iterate: L-BFGS leaves pixels outside [0, 1].
    const at::Tensor detached = image.detach().clamp(0.0, 1.0);
    if (empty()) {
        sum_ = detached * (1.0 - decay_);
    } else {
        sum_.mul_(decay_).add_(detached, 1.0 - decay_);
    }
    weight_ = weight_ * decay_ + (1.0 - decay_);
}

at::Tensor IterateAverage::value() const {
    if (empty()) {
        return {};
    }
    return sum_ / weight_;
}

}  // namespace impasto
