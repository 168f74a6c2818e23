#pragma once

#include <QString>

namespace impasto::ui {

// What a ParameterControl edits: its bounds, its default, how many decimals the spin box shows,
// whether the slider is log-spaced (for weights spanning decades) and a unit suffix (" px").
struct ParameterRange {
    double minimum = 0.0;
    double maximum = 1.0;
    double defaultValue = 0.0;
    int decimals = 2;
    bool logarithmic = false;
    QString suffix;
};

}  // namespace impasto::ui
