#pragma once

#include <QString>

#include "core/settings/StyleSettings.h"

namespace impasto::ui {

// What changed between two settings, in the words of the Settings panel, for the loss curve's
// markers: "style weight 100 -> 1000", "output size 512 -> 640 px; preserve colours on".
// Several changes are joined with "; "; a change the panel has no words for reads "other
// settings"; no change at all gives an empty text.
QString describeChange(const StyleSettings& before, const StyleSettings& after);

}  // namespace impasto::ui
