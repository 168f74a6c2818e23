#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "core/weights/TensorSet.h"

namespace impasto {

// Reads a .safetensors file: an 8-byte little-endian header length, a JSON header naming each
// tensor's dtype, shape and byte range, then the data. F32 is taken as is; F16, BF16 and F64
// are converted to float32. Every entry of the header is checked for its form and for a byte
// range inside the data; the tensors `wanted` accepts (all, when it is empty) must also have a
// float dtype and a byte count that matches their shape, and only they are decoded, so that a
// file is not refused for a tensor nobody reads (e.g. an I64 num_batches_tracked). Throws
// impasto::Error naming the file and the problem.
TensorSet readSafetensors(const std::filesystem::path& file, const TensorFilter& wanted = {});
// The same for a file already in memory (fuzzing reads its input from a buffer of exactly its
// size); `name` stands for the file in messages and sourceFile stays empty.
TensorSet readSafetensors(std::span<const uint8_t> bytes, const std::string& name,
                          const TensorFilter& wanted = {});

// Whether the first bytes of a file (at least 9) start like a safetensors file: a header length
// readSafetensors accepts, then the header's '{'. The length is not checked against the file
// size, so that a truncated file is still recognised and its error says what is wrong.
bool looksLikeSafetensors(std::span<const uint8_t> start);

}  // namespace impasto
