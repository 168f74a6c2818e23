#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "core/image/Mask.h"

namespace impasto {

// Reads a mask from any image loadImage reads: the luminance (BT.601) of the colour, times the
// alpha where there is one. Throws impasto::Error naming the file when it cannot be read or is
// black everywhere (a mask that selects nothing is a mistake worth naming).
Mask loadMask(const std::filesystem::path& file);
// As loadMask, black included: a mask the app stored (beside a preset or the autosave) comes
// back as it was painted, even when it selects nothing yet.
Mask loadMaskAllowingBlack(const std::filesystem::path& file);
// A mask in memory (an image file's bytes, e.g. one embedded in an exported PNG), decoded by
// decodeImage, which refuses images over `maxMegapixels` before decoding them; `name` stands
// for it in messages.
Mask decodeMaskAllowingBlack(std::span<const uint8_t> bytes, const std::string& name,
                             double maxMegapixels);
// `mask` as the bytes of an 8-bit greyscale PNG; `name` stands for it in messages.
std::vector<uint8_t> encodeMaskPng(const Mask& mask, const std::string& name);
// Writes `mask` as an 8-bit greyscale PNG, atomically (core/common/AtomicFile.h).
void saveMask(const Mask& mask, const std::filesystem::path& file);

}  // namespace impasto
