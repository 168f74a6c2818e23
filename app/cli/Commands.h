#pragma once

#include "app/cli/CliOptions.h"

namespace impasto::cli {

// Each runs one command and returns the process exit code; they throw impasto::Error for
// failures the user should read about.

// A run that failed after some iterations (out of memory at a larger stage, diverged) and wrote
// the image it had reached: scripts can tell it from a failure that wrote nothing (1).
inline constexpr int kPartialResultExitCode = 3;
int runStylize(const CliOptions& options);
int runDownloadModel(const CliOptions& options);
int runListModels();
// Trains a fast style (TrainStyleCommand.cpp) and applies one (FastStyleCommand.cpp).
int runTrainStyle(const CliOptions& options);
int runFastStyle(const CliOptions& options);

}  // namespace impasto::cli
