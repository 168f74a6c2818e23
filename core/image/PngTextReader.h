#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>

namespace impasto {

// Reads the tEXt and uncompressed iTXt chunks of a PNG file (keyword -> text, both UTF-8; the
// first of repeated keywords wins). Compressed iTXt and zTXt are skipped. Throws
// impasto::Error when the file is missing, too large (kMaxImageFileBytes), not a PNG, truncated,
// or a text chunk fails its CRC.
std::map<std::string, std::string> readPngText(const std::filesystem::path& file);
// The same for a PNG already in memory; `name` stands for the file in messages.
std::map<std::string, std::string> readPngText(std::span<const uint8_t> bytes,
                                               const std::string& name);

}  // namespace impasto
