#pragma once

#include <ATen/ATen.h>

namespace impasto {

// An exponential moving average of the optimised image over iterations (crowsonkb's
// --avg-decay): the last steps of an optimisation jitter at the finest scale, and the average
// smooths that away. Bias-corrected like Adam's moments, so that right after a restart it is
// the image itself rather than a blend with zero.
class IterateAverage {
public:
    // Forgets every image so far; the next add() starts again, with `decay` (0 to below 1).
    void restart(double decay);
    void add(const at::Tensor& image);
    bool empty() const { return !sum_.defined(); }
    // The average of the images added since the restart; undefined when empty.
    at::Tensor value() const;

private:
    double decay_ = 0.0;
    double weight_ = 0.0;  // 1 - decay^n after n images: what the sum's weights add up to
    at::Tensor sum_;
};

}  // namespace impasto
