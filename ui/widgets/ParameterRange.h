#pragma once

#include <QString>

namespace impasto::ui {

// What a ParameterControl edits: its bounds, its default, how many decimals the spin box shows,
// whether the slider is log-spaced (for weights spanning decades), a unit suffix (" px") and
// the slider's own span.
struct ParameterRange {
    double minimum = 0.0;
    double maximum = 1.0;
    double defaultValue = 0.0;
    int decimals = 2;
    bool logarithmic = false;
    QString suffix;
    // The slider's span when narrower than the range (both 0: the whole range), so that a short
    // drag is a small change; the spin box still takes any value of the range.
    double sliderMinimum = 0.0;
    double sliderMaximum = 0.0;
};

}  // namespace impasto::ui
