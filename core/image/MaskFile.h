#pragma once

#include <filesystem>

#include "core/image/Mask.h"

namespace impasto {

// Reads a mask from any image loadImage reads: the luminance (BT.601) of the colour, times the
// alpha where there is one. Throws impasto::Error naming the file when it cannot be read or is
// black everywhere (a mask that selects nothing is a mistake worth naming).
Mask loadMask(const std::filesystem::path& file);
// As loadMask, black included: a mask the app stored (beside a preset or the autosave) comes
// back as it was painted, even when it selects nothing yet.
Mask loadMaskAllowingBlack(const std::filesystem::path& file);
// Writes `mask` as an 8-bit greyscale PNG, atomically (core/common/AtomicFile.h).
void saveMask(const Mask& mask, const std::filesystem::path& file);

}  // namespace impasto
