#pragma once

#include <filesystem>
#include <string>

#include "app/cli/CliOptions.h"

namespace impasto::cli {

// Checks the run's outputs (the result, the report, the intermediate images of --save-every)
// before the run starts rather than after it, and throws impasto::Error naming the output:
// - each must be writable: not a folder, a name the file system allows, in a folder that exists
//   and takes new files (tried by creating one, which also catches read-only file systems);
// - none may be one of the run's inputs (content, style and starting images, the model file),
//   compared by identity (device and inode), so that any other name for the same file (a hard
//   or symbolic link, "./photo.png") is caught as well.
void checkOutputs(const CliOptions& options);

// The same checks for one output of another command (--train-style's style file and its
// checkpoint): writable, and none of the run's inputs (which include --photos' images).
void checkOutput(const CliOptions& options, const std::filesystem::path& output,
                 const std::string& flag);

}  // namespace impasto::cli
