#pragma once

#include "core/style/LossBreakdown.h"

namespace impasto {

// What one StyleSession::step() did.
struct StepReport {
    int iteration = 0;     // iterations done, this one included
    LossBreakdown losses;  // at the image this step started from
    double seconds = 0.0;  // wall time of this step (target preparation included)
};

}  // namespace impasto
