#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "core/image/Image.h"

namespace impasto::bench {

// Named RGB images as float32 [height, width, 3] tensors in a safetensors file: how the engine
// check gets its photos on machines without OpenCV, and how it hands back its results.
using NamedImages = std::map<std::string, Image>;

// Writes atomically; throws impasto::Error.
void writeEngineImages(const std::filesystem::path& file, const NamedImages& images);
// Throws impasto::Error for a file that is not such a set (names the tensor at fault).
NamedImages readEngineImages(const std::filesystem::path& file);

}  // namespace impasto::bench
