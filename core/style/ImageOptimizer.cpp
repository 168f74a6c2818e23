#include "core/style/ImageOptimizer.h"

#include <c10/core/GradMode.h>
#include <torch/optim/adam.h>
#include <torch/optim/lbfgs.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/common/Error.h"
#include "core/style/CompactLbfgs.h"

namespace impasto {

namespace {

constexpr int kWarmupSteps = 5;
constexpr int kStartSearchSteps = 1;
constexpr double kOvershootFactor = 2.0;
// L-BFGS keeps two image-sized vectors per remembered iteration: at most 10 of them (30 when
// classic), and no more than about 2 GB in all (a 4096 x 3072 image would otherwise need 9 GB).
constexpr int kMaximumHistory = 10;
constexpr int kClassicMaximumHistory = 30;
constexpr int kMinimumHistory = 5;
constexpr double kHistoryBudgetBytes = 2e9;
// L-BFGS's first step moves the average sample by this much (at rate 1), whatever the size:
// within what the line search accepts, and the choice that went furthest in early iterations.
constexpr double kFirstStepPerSample = 0.01;

}  // namespace

int automaticLbfgsHistory(int64_t imageSamples, bool classic) {
    const double pairBytes = 2.0 * static_cast<double>(imageSamples) * sizeof(float);
    return std::clamp(static_cast<int>(kHistoryBudgetBytes / pairBytes), kMinimumHistory,
                      classic ? kClassicMaximumHistory : kMaximumHistory);
}

namespace {

int historyFor(const at::Tensor& image, bool classic) {
    return automaticLbfgsHistory(image.numel(), classic);
}

// Thrown from inside an evaluation whose start is ruled out, so that no line search is wasted
// on it; the optimiser is left before anything is undone.
struct RejectedStart {
    LossBreakdown losses;
};

}  // namespace

ImageOptimizer::ImageOptimizer() = default;
ImageOptimizer::~ImageOptimizer() = default;

void ImageOptimizer::reset(const at::Tensor& image, OptimizerKind kind, double learningRate) {
    image_ = image.detach().clone().requires_grad_(true);
    if (kind != kind_ || learningRate != requestedLearningRate_) {
        learningRate_ = learningRate;
        requestedLearningRate_ = learningRate;
    }
    kind_ = kind;
    lastFinite_ = {};
    unjudgedStepResult_ = false;
    rejectionsSinceKept_ = 0;
    rebuildForStart();
}

void ImageOptimizer::forgetHistory() {
    if (optimizer_) {
        rebuildForStart();
    }
}

void ImageOptimizer::rebuildForStart() {
    rebuild(classic_ ? kWarmupSteps : kStartSearchSteps);
}

void ImageOptimizer::rebuild(int warmupSteps) {
    if (kind_ == OptimizerKind::Lbfgs) {
        // One iteration per step and no convergence tests: the user decides when to stop.
        const auto options =
            torch::optim::LBFGSOptions(learningRate_)
                .max_iter(1)
                .history_size(historySize_ > 0 ? historySize_ : historyFor(image_, classic_))
                .tolerance_grad(0.0)
                .tolerance_change(0.0);
        if (historyType_ == at::kFloat) {
            optimizer_ =
                std::make_unique<torch::optim::LBFGS>(std::vector<at::Tensor>{image_}, options);
        } else {
            optimizer_ = std::make_unique<CompactLbfgs>(image_, options, historyType_);
        }
    } else {
        optimizer_ = std::make_unique<torch::optim::Adam>(std::vector<at::Tensor>{image_},
                                                          torch::optim::AdamOptions(learningRate_));
    }
    warmupStepsLeft_ = warmupSteps;
    firstStepPending_ = true;
    best_ = {};
    ++resets_;
}

bool ImageOptimizer::rejects(const LossBreakdown& losses) const {
    return !std::isfinite(losses.total) ||
           (best_.image.defined() && losses.total > kOvershootFactor * best_.losses.total);
}

LossBreakdown ImageOptimizer::goBack(const LossBreakdown& losses, const at::Tensor& start) {
    const Snapshot back = std::isfinite(losses.total) ? best_ : lastFinite_;
    unjudgedStepResult_ = false;
    ++rejectionsSinceKept_;
    if (kind_ == OptimizerKind::Adam || rejectionsSinceKept_ > 1) {
        learningRate_ /= 2.0;
    }
    const c10::NoGradGuard noGrad;
    if (!back.image.defined()) {
        image_.copy_(start);
        rebuild(kWarmupSteps);
        throw Error(
            "The optimisation diverged (the loss is no longer a finite number): lower the "
            "learning rate or the weights");
    }
    image_.copy_(back.image);
    rebuild(kWarmupSteps);
    return back.losses;
}

void ImageOptimizer::judgedAccepted() {
    if (unjudgedStepResult_) {
        ++keptSteps_;
        rejectionsSinceKept_ = 0;
        unjudgedStepResult_ = false;
    }
}

void ImageOptimizer::remember(const LossBreakdown& losses, const at::Tensor& start) {
    lastFinite_ = {start, losses};
    if (!best_.image.defined() || losses.total < best_.losses.total) {
        best_ = {start, losses};
    }
}

LossBreakdown ImageOptimizer::step(const Objective& objective,
                                   const std::function<void()>& checkCancel) {
    const at::Tensor start = image_.detach().clone();
    try {
        const LossBreakdown atStart = kind_ == OptimizerKind::Lbfgs
                                          ? lbfgsStep(objective, checkCancel)
                                          : adamStep(objective, checkCancel);
        judgedAccepted();
        unjudgedStepResult_ = true;
        remember(atStart, start);
        return atStart;
    } catch (const RejectedStart& rejected) {
        return goBack(rejected.losses, start);
    } catch (...) {
        // Whatever interrupted the step (cancel, out of memory) leaves the image where it was.
        const c10::NoGradGuard noGrad;
        image_.copy_(start);
        rebuildForStart();
        throw;
    }
}

LossBreakdown ImageOptimizer::settle(const Objective& objective) {
    if (!optimizer_) {
        return {};
    }
    const c10::NoGradGuard noGrad;
    const LossBreakdown losses = objective(image_).second;
    if (rejects(losses)) {
        return goBack(losses, image_.detach().clone());
    }
    judgedAccepted();
    return losses;
}

void ImageOptimizer::clearGradient() {
    image_.mutable_grad().reset();
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
    // Both L-BFGSs take the gradient scaled to a unit sum times the rate as their first step:
    // a rate times the sample count makes it move the average sample by the rate.
    options.lr(firstStepPending_
                   ? learningRate_ * kFirstStepPerSample * static_cast<double>(image_.numel())
                   : learningRate_);
    firstStepPending_ = false;
    std::optional<LossBreakdown> atStart;
    optimizer_->step([&] {
        clearGradient();
        ++evaluations_;
        auto [total, terms] = objective(image_);
        checkCancel();  // before the backward pass, the costlier half
        if (!atStart) {
            if (rejects(terms)) {
                throw RejectedStart{terms};
            }
            atStart = terms;
        }
        total.backward();
        return total;
    });
    return *atStart;
}

LossBreakdown ImageOptimizer::adamStep(const Objective& objective,
                                       const std::function<void()>& checkCancel) {
    clearGradient();
    ++evaluations_;
    auto [total, terms] = objective(image_);
    checkCancel();
    if (rejects(terms)) {
        throw RejectedStart{terms};
    }
    total.backward();
    optimizer_->step();
    const c10::NoGradGuard noGrad;
    image_.clamp_(0.0, 1.0);
    return terms;
}

}  // namespace impasto
