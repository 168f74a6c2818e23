#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace impasto {

bool hasTiffSignature(std::span<const uint8_t> bytes);

// The first value of an integer tag (BYTE, SHORT, LONG or LONG8) of the first image file
// directory of a TIFF structure: a TIFF or BigTIFF file, or the EXIF block of a JPEG, PNG or WebP,
// which starts with the same "II"/"MM" header. Empty when the tag is absent or the structure
// is malformed.
std::optional<uint64_t> readTiffTag(std::span<const uint8_t> tiff, uint16_t tag);

// The text of an ASCII tag (such as ImageDescription, 270) of the same directory, without its
// closing NUL; empty when absent or malformed.
std::optional<std::string> readTiffText(std::span<const uint8_t> tiff, uint16_t tag);

// The values of a BYTE or UNDEFINED tag of the same directory (private data, say): empty when
// absent or malformed, and an empty span when the tag is there but its values lie past the end
// of `tiff` (a truncated file), which a reader should report rather than take for no data.
std::optional<std::span<const uint8_t>> readTiffBytes(std::span<const uint8_t> tiff, uint16_t tag);

}  // namespace impasto
