#include "core/planning/ScalePlan.h"

#include <cmath>
#include <limits>
#include <utility>

namespace impasto {

ScalePlan::ScalePlan(Inputs inputs) : inputs_(std::move(inputs)) {
    const Extent finalSize = inputs_.finalSize;
    stages_.push_back(finalSize);
    if (!inputs_.coarseToFine) {
        return;
    }
    auto largeEnough = [&](int divisor) {
        if (inputs_.minScale > 0) {
            return std::lround(finalSize.longest() / double(divisor)) >= inputs_.minScale;
        }
        return finalSize.longest() / divisor > kLargestSingleScaleSide / 2;
    };
    for (int divisor = 2; largeEnough(divisor); divisor *= 2) {
        const Extent coarser{static_cast<int>(std::lround(finalSize.width / double(divisor))),
                             static_cast<int>(std::lround(finalSize.height / double(divisor)))};
        if (coarser.shortest() < inputs_.minimumSide ||
            shortestStyleSideAt(coarser).pixels < inputs_.minimumStyleSide) {
            break;
        }
        stages_.insert(stages_.begin(), coarser);
    }
    if (inputs_.iterationBudget > 0 && !givenIterations()) {
        // The stages nearest the final size are kept: a jump from the coarsest (8x at 1024 px)
        // left a blur that the short final stage did not sharpen (README, The look).
        const int coarseStages = static_cast<int>(stages_.size()) - 1;
        const int fitting = std::min(coarseStages, coarseBudget() / int(kMinimumStageSteps));
        stagesLeftOutForBudget_ = coarseStages - fitting;
        stages_.erase(stages_.begin(), stages_.begin() + stagesLeftOutForBudget_);
    }
}

int ScalePlan::coarseBudget() const {
    const int budget = inputs_.iterationBudget;
    return std::max(0, budget - std::max((budget + 1) / 2, kMinimumFinalStageSteps));
}

bool ScalePlan::givenIterations() const {
    return inputs_.initialIterations > 0 || inputs_.scaleIterations > 0;
}

int ScalePlan::stageIterations(std::size_t stage) const {
    if (stage == 0 && inputs_.initialIterations > 0) {
        return inputs_.initialIterations;
    }
    return inputs_.scaleIterations;
}

int ScalePlan::plannedIterations() const {
    long long sum = 0;
    for (std::size_t stage = 0; stage < stages_.size(); ++stage) {
        if (stageIterations(stage) == 0) {
            return 0;
        }
        sum += stageIterations(stage);
    }
    return static_cast<int>(std::min<long long>(sum, std::numeric_limits<int>::max()));
}

int ScalePlan::iterationsToFinish() const {
    if (!givenIterations() || stages_.empty()) {
        return 0;
    }
    long long sum = std::max(stageIterations(stages_.size() - 1), kMinimumFinalStageSteps);
    for (std::size_t stage = 0; stage + 1 < stages_.size(); ++stage) {
        const int given = stageIterations(stage);
        // A stage left to the rules ends by kMaximumStageSteps at the latest.
        sum += given > 0 ? given : static_cast<int>(kMaximumStageSteps);
    }
    return static_cast<int>(std::min<long long>(sum, std::numeric_limits<int>::max()));
}

bool ScalePlan::stageOver(std::size_t stage, int stageStart, int iterationsDone,
                          const std::vector<double>& stageLosses) const {
    if (stage + 1 >= stages_.size()) {
        return false;
    }
    if (const int given = stageIterations(stage); given > 0) {
        return iterationsDone - stageStart >= given;
    }
    if (inputs_.iterationBudget > 0 && !givenIterations()) {
        // Coarse stage k of K ends by iteration (k + 1) / K of the coarse stages' budget.
        const int coarseStages = static_cast<int>(stages_.size()) - 1;
        const int deadline = coarseBudget() * (static_cast<int>(stage) + 1) / coarseStages;
        if (iterationsDone >= deadline) {
            return true;
        }
    }
    return stageLevelledOff(stageLosses);
}

std::size_t ScalePlan::stageCovering(int longest) const {
    for (std::size_t i = 0; i < stages_.size(); ++i) {
        if (stages_[i].longest() >= longest)
            return i;
    }
    return stages_.size() - 1;
}

int ScalePlan::styleSideAt(Extent stage) const {
    const double fraction = static_cast<double>(stage.longest()) / inputs_.finalSize.longest();
    return std::max(1, static_cast<int>(std::lround(inputs_.styleSideAtFinalSize * fraction)));
}

ScalePlan::StyleShortSide ScalePlan::shortestStyleSideAt(Extent stage) const {
    const int side = styleSideAt(stage);
    StyleShortSide shortest{std::numeric_limits<int>::max(), 0};
    for (std::size_t i = 0; i < inputs_.styleSizes.size(); ++i) {
        const Extent style = inputs_.styleSizes[i];
        const int shorter = static_cast<int>(
            std::lround(static_cast<double>(side) * style.shortest() / style.longest()));
        if (shorter < shortest.pixels) {
            shortest = {shorter, i};
        }
    }
    return shortest;
}

bool ScalePlan::stageLevelledOff(const std::vector<double>& stageLosses) {
    const std::size_t steps = stageLosses.size();
    if (steps >= kMaximumStageSteps) {
        return true;
    }
    if (steps < kMinimumStageSteps) {
        return false;
    }
    const double before = stageLosses[steps - 1 - kPlateauWindow];
    const double now = stageLosses.back();
    return before - now < kPlateauDecrease * kPlateauWindow * before;
}

}  // namespace impasto
