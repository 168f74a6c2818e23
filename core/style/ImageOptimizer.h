#pragma once

#include <functional>
#include <memory>
#include <utility>

#include <ATen/ATen.h>

#include "core/style/LossBreakdown.h"
#include "core/style/StyleSettings.h"

namespace torch::optim {
class Optimizer;
}

namespace impasto {

// Owns the image being optimised and the optimiser that moves it, one iteration per step().
//
// L-BFGS without a line search costs one evaluation per iteration but, until its history knows
// the curvature, can overshoot wildly; so the first iterations after every reset search for a
// step satisfying the strong Wolfe conditions, later ones take plain steps. A plain step that
// more than doubles the loss, or any step that makes it non-finite, is undone and the warm-up
// starts again.
class ImageOptimizer {
public:
    // Evaluates the loss (and its terms) at `image`; the optimiser calls backward on it.
    using Objective = std::function<std::pair<at::Tensor, LossBreakdown>(const at::Tensor& image)>;

    ImageOptimizer();
    ~ImageOptimizer();

    // Starts optimising `image` (1 x 3 x H x W) with a fresh optimiser.
    void reset(const at::Tensor& image, OptimizerKind kind, double learningRate);
    // Forgets the optimiser's history (after the objective changed), keeping the image.
    void forgetHistory();
    bool isReady() const { return optimizer_ != nullptr; }
    const at::Tensor& image() const { return image_; }
    int resets() const { return resets_; }

    // One iteration; returns the loss terms at the image it started from. `checkCancel` runs
    // before every extra evaluation of a line search and may throw: the step is then undone.
    // Throws impasto::Error when the loss is not finite and there is no earlier image to go
    // back to.
    LossBreakdown step(const Objective& objective, const std::function<void()>& checkCancel);

private:
    void rebuild();
    LossBreakdown lbfgsStep(const Objective& objective, const std::function<void()>& checkCancel);
    LossBreakdown adamStep(const Objective& objective);

    at::Tensor image_;
    OptimizerKind kind_ = OptimizerKind::Lbfgs;
    double learningRate_ = 1.0;
    std::unique_ptr<torch::optim::Optimizer> optimizer_;
    int warmupStepsLeft_ = 0;
    int resets_ = 0;
    // The start of the last step and the loss there: where an overshoot goes back to.
    at::Tensor lastStart_;
    double lastStartTotal_ = 0.0;
    bool lastStepWasPlain_ = false;
    LossBreakdown lastLosses_;
};

}  // namespace impasto
