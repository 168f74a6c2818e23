#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include <opencv2/core/mat.hpp>

#include "core/image/StreamedRows.h"

namespace impasto {

// Decodes a PNG with libpng itself rather than through cv::imdecode, whose decoder leaves
// libpng's default handlers in place: they print "libpng warning: ..." to stderr for harmless
// faults (a short iCCP profile, a bad ancillary CRC), lines the user can do nothing about. Here
// warnings are dropped and errors end the decode. The samples come as OpenCV's decoder gives
// them: 8 or 16 bits as stored (native byte order), gray (1 channel), gray+alpha (2), BGR (3) or
// BGRA (4); palettes become BGR, and BGRA when a tRNS chunk makes some entries transparent
// (as it does for RGB). Throws impasto::Error naming `name` for a truncated or corrupt file;
// memory running out surfaces as cv::Exception (cv::Error::StsNoMem) or std::bad_alloc.
cv::Mat decodePng(std::span<const uint8_t> bytes, const std::string& name);

// A PNG decoded row by row straight into its shrunk size, so that memory is bounded by the
// output, not by the file's claims: a 10950 x 10950 16-bit PNG never exists at full size. An
// interlaced one (Adam7's passes need the whole image) exists once, at 8 bits per sample.
// Nothing when the longest side is at most `maxSide`. Errors as decodePng's.
std::optional<ShrunkSamples> decodePngShrunk(std::span<const uint8_t> bytes,
                                             const std::string& name, int maxSide);

}  // namespace impasto
