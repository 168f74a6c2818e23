#include "core/style/ImageOptimizer.h"

#include <torch/optim/adam.h>
#include <torch/optim/lbfgs.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/common/Error.h"

namespace impasto {

namespace {

constexpr int kWarmupSteps = 5;
constexpr double kOvershootFactor = 2.0;
// L-BFGS keeps two image-sized vectors per remembered iteration: at most 30 of them, and no
// more than about 2 GB in all (a 4096 x 3072 image would otherwise need 9 GB).
constexpr int kMaximumHistory = 30;
constexpr int kMinimumHistory = 5;
constexpr double kHistoryBudgetBytes = 2e9;

int historyFor(const at::Tensor& image) {
    const double pairBytes = 2.0 * static_cast<double>(image.numel()) * sizeof(float);
    return std::clamp(static_cast<int>(kHistoryBudgetBytes / pairBytes), kMinimumHistory,
                      kMaximumHistory);
}

}  // namespace

ImageOptimizer::ImageOptimizer() = default;
ImageOptimizer::~ImageOptimizer() = default;

void ImageOptimizer::reset(const at::Tensor& image, OptimizerKind kind, double learningRate) {
    image_ = image.detach().clone().requires_grad_(true);
    kind_ = kind;
    learningRate_ = learningRate;
    rebuild();
}

void ImageOptimizer::forgetHistory() {
    if (optimizer_) {
        rebuild();
    }
}

void ImageOptimizer::rebuild() {
    if (kind_ == OptimizerKind::Lbfgs) {
        // One iteration per step and no convergence tests: the user decides when to stop.
        optimizer_ = std::make_unique<torch::optim::LBFGS>(std::vector<at::Tensor>{image_},
                                                           torch::optim::LBFGSOptions(learningRate_)
                                                               .max_iter(1)
                                                               .history_size(historyFor(image_))
                                                               .tolerance_grad(0.0)
                                                               .tolerance_change(0.0));
    } else {
        optimizer_ = std::make_unique<torch::optim::Adam>(std::vector<at::Tensor>{image_},
                                                          torch::optim::AdamOptions(learningRate_));
    }
    warmupStepsLeft_ = kWarmupSteps;
    lastStart_ = at::Tensor();
    ++resets_;
}

LossBreakdown ImageOptimizer::step(const Objective& objective,
                                   const std::function<void()>& checkCancel) {
    const at::Tensor start = image_.detach().clone();
    const bool plain = kind_ == OptimizerKind::Adam || warmupStepsLeft_ == 0;
    LossBreakdown atStart;
    try {
        atStart =
            kind_ == OptimizerKind::Lbfgs ? lbfgsStep(objective, checkCancel) : adamStep(objective);
    } catch (...) {
        // Whatever interrupted the step (cancel, out of memory) leaves the image where it was.
        const at::NoGradGuard noGrad;
        image_.copy_(start);
        rebuild();
        throw;
    }
    const bool overshot = lastStepWasPlain_ && kind_ == OptimizerKind::Lbfgs &&
                          lastStart_.defined() &&
                          atStart.total > kOvershootFactor * lastStartTotal_;
    if (!std::isfinite(atStart.total) || overshot) {
        const at::NoGradGuard noGrad;
        if (!lastStart_.defined()) {
            image_.copy_(start);
            rebuild();
            throw Error(
                "The optimisation diverged (the loss is no longer a finite number): lower the "
                "learning rate or the weights");
        }
        image_.copy_(lastStart_);
        rebuild();
        return lastLosses_;
    }
    lastStart_ = start;
    lastStartTotal_ = atStart.total;
    lastStepWasPlain_ = plain;
    lastLosses_ = atStart;
    return atStart;
}

LossBreakdown ImageOptimizer::lbfgsStep(const Objective& objective,
                                        const std::function<void()>& checkCancel) {
    auto& options =
        static_cast<torch::optim::LBFGSOptions&>(optimizer_->param_groups()[0].options());
    if (warmupStepsLeft_ > 0) {
        --warmupStepsLeft_;
        options.line_search_fn("strong_wolfe");
    } else {
        options.line_search_fn(c10::nullopt);
    }
    std::optional<LossBreakdown> atStart;
    optimizer_->step([&] {
        if (atStart) {
            checkCancel();  // a line-search trial: up to 25 of them
        }
        optimizer_->zero_grad();
        auto [total, terms] = objective(image_);
        total.backward();
        if (!atStart) {
            atStart = terms;
        }
        return total;
    });
    return *atStart;
}

LossBreakdown ImageOptimizer::adamStep(const Objective& objective) {
    optimizer_->zero_grad();
    auto [total, terms] = objective(image_);
    total.backward();
    optimizer_->step();
    const at::NoGradGuard noGrad;
    image_.clamp_(0.0, 1.0);
    return terms;
}

}  // namespace impasto
