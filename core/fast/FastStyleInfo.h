#pragma once

#include <filesystem>
#include <string>

#include "core/image/Image.h"

namespace impasto {

// What a fast style file says about itself, as plain values for lists that must not see
// LibTorch (the app's fast-style list).
struct FastStyleInfo {
    std::string paintingName;
    Image thumbnail;
    int steps = 0;
    double width = 0.0;
};

// Reads and validates `file` as readFastStyle does; throws impasto::Error as it does.
FastStyleInfo readFastStyleInfo(const std::filesystem::path& file);

}  // namespace impasto
