#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/weights/TensorSet.h"

namespace impasto {

// A .safetensors file holding float32 `tensors` (dtype F32, stored in name order) and
// `metadata` (the header's "__metadata__", left out when empty): an 8-byte little-endian
// header length, the JSON header padded with spaces to a multiple of 8 bytes, then the raw
// little-endian data. readSafetensors gives back exactly what was written. Throws
// impasto::Error for a tensor whose values do not match its shape, a tensor named
// "__metadata__" and names or metadata that are not UTF-8.
std::vector<uint8_t> safetensorsBytes(const std::map<std::string, WeightTensor>& tensors,
                                      const std::map<std::string, std::string>& metadata = {});
// The same, written atomically to `file` (core/common/AtomicFile.h); throws impasto::Error.
void writeSafetensors(const std::filesystem::path& file,
                      const std::map<std::string, WeightTensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace impasto
