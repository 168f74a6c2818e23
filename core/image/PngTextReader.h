#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace impasto {

// Reads the tEXt and uncompressed iTXt chunks of a PNG file (keyword -> text, both UTF-8; the
// first of repeated keywords wins). Compressed iTXt and zTXt are skipped. Throws
// impasto::Error when the file is missing, too large (kMaxImageFileBytes), not a PNG, truncated,
// or a text chunk fails its CRC.
std::map<std::string, std::string> readPngText(const std::filesystem::path& file);

}  // namespace impasto
