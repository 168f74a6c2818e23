#include "core/settings/SmoothnessScale.h"

#include "core/settings/StyleSettings.h"

namespace impasto {

namespace {

constexpr double kNeuralStyleDefaultTvWeight = 1e-3;

}  // namespace

double tvWeightFromNeuralStyle(double neuralStyleTvWeight) {
    return neuralStyleTvWeight * StyleSettings{}.tvWeight / kNeuralStyleDefaultTvWeight;
}

double tvWeightFromUnscaled(double storedWeight) {
    return storedWeight / kSmoothnessScale;
}

}  // namespace impasto
