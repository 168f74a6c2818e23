#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

#include <ATen/ATen.h>

#include "core/settings/StyleSettings.h"
#include "core/style/LossBreakdown.h"

namespace torch::optim {
class Optimizer;
}

namespace impasto {

// The steps L-BFGS remembers when the settings leave it automatic, for an image of
// `imageSamples` floats: as many as about 2 GB hold, 5 to 10 (to 30 when `classic`).
int automaticLbfgsHistory(int64_t imageSamples, bool classic = false);

// Owns the image being optimised and the optimiser that moves it, one iteration per step().
//
// L-BFGS without a line search costs one evaluation per iteration. Its first step moves the
// average sample by 0.01 (times the rate) at any size, where LibTorch's (the gradient scaled to
// a unit sum) shrank with the pixel count and cost print sizes many evaluations to grow; the
// first iteration after every rebuild still searches for a step satisfying the strong Wolfe
// conditions (usually accepting that first try), and later ones take plain steps (the README's
// speed section has the figures). An image whose loss is more than twice the best since the last
// rebuild is abandoned for that best image, and a non-finite loss for the last image whose loss was
// finite; the next iterations then search (a warm-up of five iterations) before plain steps
// resume. A rejected step must change something, or the same step would be taken and undone
// forever: Adam's learning rate is halved at every rejection, L-BFGS's at the second one
// without a kept step between (its searching warm-up comes first). The halved rate holds until
// reset() asks for another one.
//
// L-BFGS remembers its last 10 steps: each iteration reads every remembered step twice, so
// fewer make iterations cheaper for about the same progress per iteration. The classic set-up
// (impasto-bench's baseline) remembers 30 steps and does the five-iteration warm-up after
// every rebuild (a start, a new objective).
class ImageOptimizer {
public:
    // Evaluates the loss (and its terms) at `image`; the optimiser calls backward on it.
    using Objective = std::function<std::pair<at::Tensor, LossBreakdown>(const at::Tensor& image)>;

    ImageOptimizer();
    ~ImageOptimizer();

    // Starts optimising `image` (1 x 3 x H x W) with a fresh optimiser.
    void reset(const at::Tensor& image, OptimizerKind kind, double learningRate);
    // Forgets the optimiser's history and the best loss (after the objective changed), keeping
    // the image.
    void forgetHistory();
    // The classic L-BFGS set-up (see above); off by default. Takes effect at the next rebuild.
    void setClassic(bool classic) { classic_ = classic; }
    // Steps L-BFGS remembers, exactly (jcjohnson/neural-style's -lbfgs_num_correction); 0 sizes
    // it to the image as above. Takes effect at the next rebuild.
    void setHistorySize(int steps) { historySize_ = steps; }
    // The number format L-BFGS stores its remembered steps in: float32 (LibTorch's L-BFGS), or
    // bfloat16 to halve them for print sizes (core/style/CompactLbfgs.h). Takes effect at the
    // next rebuild.
    void setHistoryType(at::ScalarType type) { historyType_ = type; }
    bool isReady() const { return optimizer_ != nullptr; }
    const at::Tensor& image() const { return image_; }
    int resets() const { return resets_; }
    // The rate in use: the one asked for, halved once per rejection as above.
    double learningRate() const { return learningRate_; }
    // Steps whose result was kept (judged by the next evaluation) since construction: 0 after
    // some iterations means the image never moved.
    int keptSteps() const { return keptSteps_; }
    // Loss evaluations with their gradient (forward and backward passes) since construction.
    int evaluations() const { return evaluations_; }

    // One iteration; returns the loss terms at the image it started from. `checkCancel` runs
    // during every evaluation and may throw: the step is then undone. Throws impasto::Error
    // when the loss is not finite and no earlier image had a finite one.
    LossBreakdown step(const Objective& objective, const std::function<void()>& checkCancel);
    // Evaluates the current image without moving it and, like step(), abandons it when it is
    // worse than the best or not finite: the last step's result is otherwise never checked.
    LossBreakdown settle(const Objective& objective);

private:
    struct Snapshot {
        at::Tensor image;
        LossBreakdown losses;
    };

    // A fresh optimiser whose first `warmupSteps` iterations search for their step size.
    void rebuild(int warmupSteps);
    // rebuild() after a start or a change: one searching iteration, five when classic.
    void rebuildForStart();
    // Whether the loss at an image rules it out: not finite, or well above the best.
    bool rejects(const LossBreakdown& losses) const;
    // Returns to the best image (the last finite one when `losses` is not finite) and rebuilds;
    // throws impasto::Error, back at `start`, when there is none.
    LossBreakdown goBack(const LossBreakdown& losses, const at::Tensor& start);
    void remember(const LossBreakdown& losses, const at::Tensor& start);
    // The image's loss was accepted: a step's result is counted as kept.
    void judgedAccepted();
    // Drops the image's gradient rather than zeroing it: the backward pass then hands over its
    // buffer instead of adding it to a zeroed one (an image-sized buffer less at print sizes).
    void clearGradient();
    LossBreakdown lbfgsStep(const Objective& objective, const std::function<void()>& checkCancel);
    LossBreakdown adamStep(const Objective& objective, const std::function<void()>& checkCancel);

    at::Tensor image_;
    OptimizerKind kind_ = OptimizerKind::Lbfgs;
    double learningRate_ = 1.0;
    double requestedLearningRate_ = 0.0;
    std::unique_ptr<torch::optim::Optimizer> optimizer_;
    int warmupStepsLeft_ = 0;
    bool firstStepPending_ = false;  // the optimiser's first iteration since rebuild()
    int resets_ = 0;
    int evaluations_ = 0;
    bool classic_ = false;
    int historySize_ = 0;
    at::ScalarType historyType_ = at::kFloat;
    // Whether image_ is the result of a step not judged yet, and rejections since a kept step.
    bool unjudgedStepResult_ = false;
    int rejectionsSinceKept_ = 0;
    int keptSteps_ = 0;
    Snapshot best_;        // lowest loss since the last rebuild
    Snapshot lastFinite_;  // latest image with a finite loss, kept until reset()
};

}  // namespace impasto
