#pragma once

#include "ui/widgets/ParameterRange.h"

namespace impasto::ui {

// The mapping between a slider position (0..kPositions) and a value of a ParameterRange.
// Linear ranges are evenly spaced. Logarithmic ranges are evenly spaced in log10; when the
// minimum is zero (or negative, which a logarithmic range does not otherwise allow), position 0
// means exactly the minimum and positions 1..kPositions are log-spaced from a floor to the
// maximum. The floor is the smallest step the spin box can show (10^-decimals), or a thousandth
// of the maximum when that step is not below the maximum, so the slider never offers a
// value the spin box would print as zero. A range with a slider span maps the positions onto
// that span instead (a log span from zero keeps zero at position 0 and starts its log-spaced
// positions at the span's minimum).
class SliderScale {
public:
    static constexpr int kPositions = 1000;

    // Spans the range's slider span when it has one (values beyond it sit at the ends).
    explicit SliderScale(const ParameterRange& range);

    // Out-of-range values clamp to the ends.
    int toPosition(double value) const;
    // Out-of-range positions clamp to the ends.
    double toValue(int position) const;

private:
    bool startsAtZero() const { return logarithmic_ && minimum_ <= 0.0; }

    double minimum_;
    double maximum_;
    bool logarithmic_;
    double logLow_;  // log10 of the value at the first log-spaced position
    double logHigh_;
};

}  // namespace impasto::ui
