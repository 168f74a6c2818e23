#pragma once

#include <filesystem>

#include "core/weights/TensorSet.h"

namespace impasto {

// Reads a weight file of any supported format, recognised by its content since downloaded files
// are often renamed: safetensors when the first 8 bytes are a plausible header length followed
// by '{' (or the name ends in .safetensors), a .caffemodel otherwise. Throws impasto::Error
// naming the file when it is missing, unreadable, empty or invalid.
TensorSet readWeightFile(const std::filesystem::path& file, const TensorFilter& wanted = {});

}  // namespace impasto
