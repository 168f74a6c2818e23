#pragma once

#include "core/style/LossBreakdown.h"

namespace impasto {

// What one StyleSession::step() did.
struct StepReport {
    int iteration = 0;     // iterations done, this one included
    LossBreakdown losses;  // at the image this step started from
    double seconds = 0.0;  // wall time of this step (target preparation included)
    // The size the step optimised at and its coarse-to-fine stage (0 = coarsest).
    int width = 0;
    int height = 0;
    int stage = 0;
    double learningRate = 0.0;  // the optimiser's, after any halving for overshooting
    int threads = 0;            // LibTorch's CPU threads during the step, as LibTorch reports it
    int evaluations = 0;        // of the loss with its gradient: L-BFGS's line search makes several
};

}  // namespace impasto
