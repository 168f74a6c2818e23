#include "core/style/CompactLbfgs.h"

#include <c10/core/GradMode.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace impasto {

namespace {

constexpr double kSufficientDecrease = 1e-4;  // Wolfe's c1
// Losses this close (relative) are equal: a step that changes a print-sized picture's float32
// loss by less than the rounding would otherwise send the search zooming into noise (Hager and
// Zhang's approximate Wolfe test).
constexpr double kLossResolution = 1e-6;
constexpr double kCurvature = 0.9;  // Wolfe's c2
constexpr int kMaximumSearchEvaluations = 25;
constexpr double kSmallestBracket = 1e-9;  // relative to the step
constexpr double kSmallestCurvature = 1e-10;
// Converted to float32 a piece at a time: a print-sized vector would need 340 MB at once.
constexpr int64_t kChunk = int64_t{1} << 20;

// a . b in float32 pieces summed in float64, whatever the two vectors' number formats.
double dotInFloat(const at::Tensor& a, const at::Tensor& b) {
    const at::Tensor x = a.reshape(-1);
    const at::Tensor y = b.reshape(-1);
    at::Tensor sum = at::zeros({}, x.options().dtype(at::kDouble));
    for (int64_t offset = 0; offset < x.numel(); offset += kChunk) {
        const int64_t length = std::min(kChunk, x.numel() - offset);
        sum += at::dot(x.narrow(0, offset, length).to(at::kFloat),
                       y.narrow(0, offset, length).to(at::kFloat));
    }
    return sum.item<double>();
}

}  // namespace

double CompactLbfgs::cubicMinimum(const Trial& a, const Trial& b, double low, double high) {
    const double d1 = a.slope + b.slope - 3.0 * (a.loss - b.loss) / (a.t - b.t);
    const double squared = d1 * d1 - a.slope * b.slope;
    if (squared >= 0.0) {
        const double d2 = std::sqrt(squared);
        const double t =
            a.t <= b.t ? b.t - (b.t - a.t) * (b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2)
                       : a.t - (a.t - b.t) * (a.slope + d2 - d1) / (a.slope - b.slope + 2 * d2);
        if (std::isfinite(t)) {
            return std::clamp(t, low, high);
        }
    }
    return (low + high) / 2.0;
}

CompactLbfgs::CompactLbfgs(const at::Tensor& parameter, const torch::optim::LBFGSOptions& options,
                           at::ScalarType historyType)
    : Optimizer({torch::optim::OptimizerParamGroup({parameter})},
                std::make_unique<torch::optim::LBFGSOptions>(options)),
      parameter_(parameter),
      historyType_(historyType) {}

torch::optim::LBFGSOptions& CompactLbfgs::options() {
    return static_cast<torch::optim::LBFGSOptions&>(param_groups()[0].options());
}

at::Tensor CompactLbfgs::step(LossClosure closure) {
    const at::Tensor loss = evaluate(closure);
    const c10::NoGradGuard noGrad;
    ++iterations_;
    positionT_ = 0.0;
    // The gradient is kept, not copied: every evaluation leaves a new one to the parameter.
    at::Tensor gradient = parameter_.grad();
    if (pendingStep_.defined()) {
        rememberStep(gradient);
    }
    previousGradient_ = gradient;
    at::Tensor direction = this->direction(gradient);
    double slope = dotInFloat(gradient, direction);
    if (!(slope < 0.0) && !history_.empty()) {
        history_.clear();  // a curvature model that points uphill is no use: start again
        direction = gradient.neg();
        slope = dotInFloat(gradient, direction);
    }
    if (!(slope < 0.0)) {
        pendingStep_.reset();  // a zero gradient: nowhere to go
        return loss;
    }
    const double lr = options().lr();
    // LibTorch's first step, which ImageOptimizer sizes per sample through the rate.
    double t = iterations_ == 1 ? std::min(1.0, 1.0 / gradient.norm(1).item<double>()) * lr : lr;
    gradient.reset();
    if (options().line_search_fn() == "strong_wolfe") {
        t = searchStep(closure, direction, Trial{0.0, loss.item<double>(), slope}, t);
    } else {
        moveTo(direction, t);
    }
    pendingStep_ = direction.mul_(t).to(historyType_);
    return loss;
}

void CompactLbfgs::rememberStep(const at::Tensor& gradient) {
    const at::Tensor y = previousGradient_.sub_(gradient).neg_().to(historyType_);
    previousGradient_.reset();
    Pair pair{pendingStep_, y};
    pendingStep_.reset();
    // Measured on the stored vectors, so that the model they make stays positive definite.
    const double ys = dotInFloat(pair.y, pair.s);
    if (ys <= kSmallestCurvature) {
        return;
    }
    if (static_cast<int64_t>(history_.size()) == options().history_size()) {
        history_.pop_front();
    }
    pair.rho = 1.0 / ys;
    gamma_ = ys / dotInFloat(pair.y, pair.y);
    history_.push_back(std::move(pair));
}

at::Tensor CompactLbfgs::direction(const at::Tensor& gradient) const {
    at::Tensor q = gradient.neg();
    std::vector<double> alpha(history_.size());
    for (size_t i = history_.size(); i-- > 0;) {
        alpha[i] = history_[i].rho * dotInFloat(history_[i].s, q);
        q.add_(history_[i].y, -alpha[i]);
    }
    if (!history_.empty()) {
        q.mul_(gamma_);
    }
    for (size_t i = 0; i < history_.size(); ++i) {
        const double beta = history_[i].rho * dotInFloat(history_[i].y, q);
        q.add_(history_[i].s, alpha[i] - beta);
    }
    return q;
}

void CompactLbfgs::moveTo(const at::Tensor& direction, double t) {
    parameter_.add_(direction, t - positionT_);
    positionT_ = t;
}

at::Tensor CompactLbfgs::evaluate(const LossClosure& closure) {
    parameter_.mutable_grad().reset();
    const c10::AutoGradMode withGradients(true);
    return closure();
}

CompactLbfgs::Trial CompactLbfgs::evaluate(const LossClosure& closure, const at::Tensor& direction,
                                           double t) {
    moveTo(direction, t);
    const double loss = evaluate(closure).item<double>();
    return {t, loss, dotInFloat(parameter_.grad(), direction)};
}

double CompactLbfgs::searchStep(const LossClosure& closure, const at::Tensor& direction,
                                const Trial& start, double t) {
    Trial previous = start;
    for (int evaluations = 1; evaluations <= kMaximumSearchEvaluations; ++evaluations) {
        const Trial trial = evaluate(closure, direction, t);
        const bool finite = std::isfinite(trial.loss) && std::isfinite(trial.slope);
        const double noise = kLossResolution * std::abs(start.loss);
        if (!finite || trial.loss > start.loss + kSufficientDecrease * t * start.slope + noise ||
            (evaluations > 1 && trial.loss > previous.loss + noise)) {
            return zoom(closure, direction, start, previous, trial,
                        kMaximumSearchEvaluations - evaluations);
        }
        if (std::abs(trial.slope) <= -kCurvature * start.slope) {
            return t;
        }
        if (trial.slope >= 0.0) {
            return zoom(closure, direction, start, trial, previous,
                        kMaximumSearchEvaluations - evaluations);
        }
        const double next = cubicMinimum(previous, trial, t + 0.01 * (t - previous.t), 10.0 * t);
        previous = trial;
        t = next;
    }
    return positionT_;  // the last try, which decreased the loss enough
}

double CompactLbfgs::zoom(const LossClosure& closure, const at::Tensor& direction,
                          const Trial& start, Trial low, Trial high, int evaluationsLeft) {
    for (; evaluationsLeft > 0; --evaluationsLeft) {
        const double width = std::abs(high.t - low.t);
        if (width <= kSmallestBracket * std::max(std::abs(low.t), std::abs(high.t))) {
            break;
        }
        // Kept a tenth of the bracket away from its ends, so that it shrinks.
        const double lowEnd = std::min(low.t, high.t) + 0.1 * width;
        const double highEnd = std::max(low.t, high.t) - 0.1 * width;
        const double t = cubicMinimum(low, high, lowEnd, highEnd);
        const Trial trial = evaluate(closure, direction, t);
        if (!std::isfinite(trial.loss) ||
            trial.loss > start.loss + kSufficientDecrease * t * start.slope +
                             kLossResolution * std::abs(start.loss) ||
            trial.loss >= low.loss) {
            high = trial;
            continue;
        }
        if (std::abs(trial.slope) <= -kCurvature * start.slope) {
            return t;
        }
        if (trial.slope * (high.t - low.t) >= 0.0) {
            high = low;
        }
        low = trial;
    }
    moveTo(direction, low.t);
    return low.t;
}

}  // namespace impasto
