#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace impasto {

// A width and height in pixels.
struct Extent {
    int width = 0;
    int height = 0;
    int longest() const { return std::max(width, height); }
    int shortest() const { return std::min(width, height); }
    bool operator==(const Extent&) const = default;
};

// The stages of a coarse-to-fine run, worked out from plain sizes: the final size alone, or
// with coarse-to-fine a pyramid of halvings below it, coarsest first, whose coarsest stage has
// its longest side in (kLargestSingleScaleSide / 2, kLargestSingleScaleSide]. A stage too small
// for the layers (the image, or the style images scaled with it) is left out. Also the rule
// that ends a coarse stage. A default-constructed plan has no stages.
//
// Within an iteration budget the final stage gets at least half of the iterations and at least
// kMinimumFinalStageSteps; the coarse stages share the rest, at least kMinimumStageSteps each.
// As many as fit are kept, those nearest the final size: the coarsest are left out (all of them
// below 20 iterations), so that every stage starts from one half its size, never from a blur
// of a far smaller one. A coarse stage then ends by its share of the budget at the latest.
//
// The artist's controls (crowsonkb's --min-scale, --initial-iterations, --iterations): a
// smallest scale puts the coarsest stage at the smallest halving of the final size whose
// longest side is at least that, whatever the output size (the budget rule above still
// shares the iterations). Iterations per stage, when given, replace the rules that end a stage:
// the coarsest stage takes initialIterations (scaleIterations when 0), every later one
// scaleIterations, no stage is left out, and the run's length is their sum
// (plannedIterations()) unless a budget says otherwise.
class ScalePlan {
public:
    // Outputs up to this longest side are optimised at their size only (unless minScale says
    // otherwise): a step there takes a fraction of a second anyway, and at equal iterations a
    // start from 128 px kept less of the photo, with more style loss up to 40 iterations and
    // mostly less from 150 on or at equal time: another balance (README, The look).
    static constexpr int kLargestSingleScaleSide = 512;
    // A coarse stage has levelled off when its total loss fell by less than kPlateauDecrease
    // (relative) per step on average over the last kPlateauWindow steps.
    static constexpr double kPlateauDecrease = 0.01;
    static constexpr std::size_t kPlateauWindow = 5;
    // Not before the optimiser's line-search warm-up and some plain steps are done.
    static constexpr std::size_t kMinimumStageSteps = 10;
    // At the latest then: the full-size loss is mostly fine texture only the last stage makes.
    static constexpr std::size_t kMaximumStageSteps = 50;
    // Fewer iterations at the final size leave its fine texture unformed.
    static constexpr int kMinimumFinalStageSteps = 10;

    struct Inputs {
        Extent finalSize;
        bool coarseToFine = true;
        // The shortest side the layers can read in the optimised image.
        int minimumSide = 1;
        // The style images as given, and the longest side they are scaled to at the final size
        // (they scale with each stage, so that the style looks the same at every stage).
        std::vector<Extent> styleSizes;
        int styleSideAtFinalSize = 0;
        // The shortest side the style layers can read in a style image.
        int minimumStyleSide = 1;
        // Iterations of the whole run; 0 when open-ended (no stage is cut short).
        int iterationBudget = 0;
        // The artist's controls; 0 leaves each to the rules above.
        int minScale = 0;
        int initialIterations = 0;
        int scaleIterations = 0;
    };

    // The shorter side of the smallest style image at a stage, and which image it is.
    struct StyleShortSide {
        int pixels = 0;
        std::size_t image = 0;
    };

    ScalePlan() = default;
    explicit ScalePlan(Inputs inputs);

    // Coarsest first, the final size last.
    const std::vector<Extent>& stages() const { return stages_; }
    // The first stage at least as large as an image whose longest side is `longest` (the final
    // stage for a larger one).
    std::size_t stageCovering(int longest) const;
    // The longest side of the style images at a stage of this size.
    int styleSideAt(Extent stage) const;
    // Without style images: the largest int, so that no stage is too small for them.
    StyleShortSide shortestStyleSideAt(Extent stage) const;

    // Coarse stages that coarse-to-fine would have had but the iteration budget has no room for.
    int stagesLeftOutForBudget() const { return stagesLeftOutForBudget_; }

    // The iterations given for a stage (see above), 0 when its end is left to the rules.
    int stageIterations(std::size_t stage) const;
    // The sum of every stage's given iterations, 0 when any stage's end is left to the rules.
    int plannedIterations() const;
    // With iterations given per stage: the coarse stages' iterations (kMaximumStageSteps for one
    // left to the rules) plus the final stage's (at least kMinimumFinalStageSteps), enough to
    // end at the final size; else 0.
    int iterationsToFinish() const;

    // Whether coarse stage `stage`, begun at iteration `stageStart`, should end after
    // `iterationsDone` iterations of the run, the stage's own total losses (one per step since
    // its objective last changed) being `stageLosses`: it has taken its given iterations, or
    // else its loss has levelled off, it has had its share of steps, or its share of the
    // iteration budget is used up. The final stage never ends.
    bool stageOver(std::size_t stage, int stageStart, int iterationsDone,
                   const std::vector<double>& stageLosses) const;
    // The loss part of that rule: levelled off, or kMaximumStageSteps taken.
    static bool stageLevelledOff(const std::vector<double>& stageLosses);

private:
    // The iterations the coarse stages may take together within the budget.
    int coarseBudget() const;
    // Whether any stage's iterations are given.
    bool givenIterations() const;

    Inputs inputs_;
    std::vector<Extent> stages_;
    int stagesLeftOutForBudget_ = 0;
};

}  // namespace impasto
