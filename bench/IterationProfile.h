#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "core/style/StyleSession.h"

namespace impasto::bench {

// Where the time of a session's steps goes, by LibTorch operator (autograd's backward functions
// included), from LibTorch's own profiler.
struct OperatorTime {
    std::string name;            // "aten::convolution_backward", "aten::mm", ...
    double selfMsPerStep = 0.0;  // excluding the operators it called
    double callsPerStep = 0.0;
};

struct StepProfile {
    double msPerStep = 0.0;               // wall time, profiler overhead included
    std::vector<OperatorTime> operators;  // largest self time first
};

// Profiles `steps` steps of `session` (already prepared and warmed up).
StepProfile profileSteps(StyleSession& session, int steps);

// A Markdown table of the `rows` largest operators and the rest, with shares of the step.
void printProfile(std::FILE* out, const std::string& title, const StepProfile& profile,
                  size_t rows);

}  // namespace impasto::bench
