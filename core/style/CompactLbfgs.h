#pragma once

#include <deque>

#include <ATen/ATen.h>
#include <torch/optim/lbfgs.h>

namespace impasto {

// L-BFGS on one tensor whose remembered steps (s and y) are stored in `historyType`
// (bfloat16 halves the history of a print-sized picture). The two-loop recursion computes in
// float32, converting one stored vector at a time in small chunks, and the strong-Wolfe line
// search (LBFGSOptions::line_search_fn "strong_wolfe") moves the image in place instead of
// keeping copies: during an evaluation it holds the history, the last gradient (that
// evaluation's own, not a copy) and, while searching, the direction. Takes LibTorch's LBFGSOptions
// and, like torch::optim::LBFGS with max_iter 1 and no tolerances, makes one iteration per step()
// (ImageOptimizer's use).
class CompactLbfgs : public torch::optim::Optimizer {
public:
    CompactLbfgs(const at::Tensor& parameter, const torch::optim::LBFGSOptions& options,
                 at::ScalarType historyType);

    at::Tensor step(LossClosure closure) override;

private:
    struct Pair {
        at::Tensor s;
        at::Tensor y;
        double rho = 0.0;  // 1 / (y . s)
    };
    struct Trial {
        double t = 0.0;
        double loss = 0.0;
        double slope = 0.0;  // the gradient's component along the direction
    };

    // The minimiser of the cubic through two trials with their slopes, within [low, high]; the
    // middle when the cubic has none.
    static double cubicMinimum(const Trial& a, const Trial& b, double low, double high);
    torch::optim::LBFGSOptions& options();
    // Completes the last step's pair from the gradient at its end (skipped when y . s is not
    // positive, which would break the curvature model).
    void rememberStep(const at::Tensor& gradient);
    at::Tensor direction(const at::Tensor& gradient) const;
    // The loss and, in a new tensor, the parameter's gradient.
    at::Tensor evaluate(const LossClosure& closure);
    // Moves the parameter to `t` along `direction` and evaluates the loss there.
    Trial evaluate(const LossClosure& closure, const at::Tensor& direction, double t);
    // A step along `direction` satisfying the strong Wolfe conditions (Nocedal & Wright,
    // algorithms 3.5 and 3.6, cubic interpolation), from `start` (t = 0) and a first try `t`;
    // leaves the parameter at the step returned.
    double searchStep(const LossClosure& closure, const at::Tensor& direction, const Trial& start,
                      double t);
    double zoom(const LossClosure& closure, const at::Tensor& direction, const Trial& start,
                Trial low, Trial high, int evaluationsLeft);
    void moveTo(const at::Tensor& direction, double t);

    at::Tensor parameter_;
    at::ScalarType historyType_;
    std::deque<Pair> history_;
    at::Tensor previousGradient_;  // float32, at the start of the last step
    at::Tensor pendingStep_;       // the last step taken, s, waiting for its y
    double gamma_ = 1.0;           // the initial inverse Hessian's scale, y . s / y . y
    double positionT_ = 0.0;       // where the parameter is along the current direction
    int iterations_ = 0;
};

}  // namespace impasto
