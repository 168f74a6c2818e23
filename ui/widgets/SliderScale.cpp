#include "ui/widgets/SliderScale.h"

#include <algorithm>
#include <cmath>

namespace impasto::ui {

namespace {

double logFloor(const ParameterRange& range) {
    const double smallestStep = std::pow(10.0, -std::max(0, range.decimals));
    return smallestStep < range.maximum ? smallestStep : range.maximum / 1000.0;
}

}  // namespace

SliderScale::SliderScale(const ParameterRange& range)
    : minimum_(range.minimum),
      maximum_(std::max(range.minimum, range.maximum)),
      // A log scale needs a positive maximum; without one it degrades to linear.
      logarithmic_(range.logarithmic && range.maximum > 0.0),
      logLow_(0.0),
      logHigh_(0.0) {
    const bool narrowed = range.sliderMaximum > range.sliderMinimum;
    if (narrowed) {
        maximum_ = std::clamp(range.sliderMaximum, minimum_, maximum_);
        // A log range from zero keeps zero (the term switched off) at the first position.
        if (!startsAtZero()) {
            minimum_ = std::clamp(range.sliderMinimum, minimum_, maximum_);
        }
    }
    if (logarithmic_) {
        const double floor =
            narrowed && range.sliderMinimum > 0.0 ? range.sliderMinimum : logFloor(range);
        logLow_ = std::log10(minimum_ > 0.0 ? minimum_ : floor);
        logHigh_ = std::log10(maximum_);
    }
}

int SliderScale::toPosition(double value) const {
    if (!(value > minimum_) || maximum_ <= minimum_) {  // NaN lands here too
        return 0;
    }
    if (value >= maximum_) {
        return kPositions;
    }
    if (!logarithmic_) {
        return static_cast<int>(
            std::lround((value - minimum_) / (maximum_ - minimum_) * kPositions));
    }
    const int first = startsAtZero() ? 1 : 0;
    if (logHigh_ <= logLow_) {
        return kPositions;
    }
    const double fraction = (std::log10(value) - logLow_) / (logHigh_ - logLow_);
    const long position = first + std::lround(fraction * (kPositions - first));
    return static_cast<int>(std::clamp<long>(position, first, kPositions));
}

double SliderScale::toValue(int position) const {
    position = std::clamp(position, 0, kPositions);
    if (position == kPositions) {
        return maximum_;  // exact, whatever rounding the formulas below do
    }
    if (!logarithmic_) {
        return minimum_ + (maximum_ - minimum_) * position / kPositions;
    }
    const int first = startsAtZero() ? 1 : 0;
    if (position < first) {
        return minimum_;
    }
    const double fraction = double(position - first) / (kPositions - first);
    return std::pow(10.0, logLow_ + fraction * (logHigh_ - logLow_));
}

}  // namespace impasto::ui
