#pragma once

#include <climits>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace impasto {

// cv::imdecode addresses its buffer with an int, so no larger image file can be decoded.
inline constexpr uint64_t kMaxImageFileBytes = INT_MAX;

// The whole content of `file`. Throws impasto::Error saying whether the file does not exist, is
// a folder, a named pipe or a device (judged without blocking, see RegularFile), is larger than
// kMaxImageFileBytes (judged before anything is allocated) or cannot be read (and why).
std::vector<uint8_t> readFileBytes(const std::filesystem::path& file);

}  // namespace impasto
