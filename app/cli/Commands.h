#pragma once

#include "app/cli/CliOptions.h"

namespace impasto::cli {

// Each runs one command and returns the process exit code; they throw impasto::Error for
// failures the user should read about.
int runStylize(const CliOptions& options);
int runDownloadModel(const CliOptions& options);
int runListModels();

}  // namespace impasto::cli
