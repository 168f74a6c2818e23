#pragma once

#include "bench/BenchOptions.h"
#include "bench/Measurements.h"
#include "bench/ResultTable.h"
#include "bench/Variant.h"

namespace impasto::bench {

// A CLI-sized run (SqueezeNet, 384 px, 40 L-BFGS iterations from the photo, the model loaded
// and the session made inside the timing) on a quiet machine and with one busy process beside
// it, on all cores (the engine before the thread policy) and with the automatic thread count
// (core/model/ThreadPolicy.h); the four kinds of run alternate. Adds the times to `table`
// (columns: all cores, automatic) and prints the ratios the policy is held to: busy / quiet at
// most 1.6, its quiet time at most 1.1x that of all cores.
void measureLoad(const BenchOptions& options, const BenchImages& images,
                 const BenchNetwork& network, ResultTable& table);

}  // namespace impasto::bench
