#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace impasto {

// The whole content of `file`. Throws impasto::Error saying whether the file does not exist,
// is a folder or cannot be read (and why).
std::vector<uint8_t> readFileBytes(const std::filesystem::path& file);

}  // namespace impasto
