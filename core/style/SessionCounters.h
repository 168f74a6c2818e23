#pragma once

namespace impasto {

// How often the session has done its expensive work, so callers and tests can see that a change
// recomputed only what depended on it.
struct SessionCounters {
    int contentTargetComputations = 0;
    int styleTargetComputations = 0;  // all style images at once
    int starts = 0;                   // (re)initialisations of the image
    int optimizerResets = 0;
    int evaluations = 0;  // of the loss with its gradient (forward and backward passes)
    int keptSteps = 0;    // steps whose result was not undone as overshooting (ImageOptimizer)
};

}  // namespace impasto
