#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "core/weights/TensorSet.h"

namespace impasto {

// Reads a .caffemodel (a serialized Caffe NetParameter) in either encoding: current files list
// `layer` entries with BlobShape sizes, older ones (Oxford's VGG-19) legacy `layers` entries
// with num/channels/height/width. A layer's blobs become "<layer>.weight", "<layer>.bias" and
// "<layer>.blob<i>" for any further ones, shaped as stored (legacy biases are [1,1,1,N]).
// The file is memory-mapped and only blobs `wanted` accepts (all, when it is empty) are
// decoded. Metadata: format=caffemodel, network=<net name>, encoding=layer|V1LayerParameter.
// Throws impasto::Error naming the file and the problem.
TensorSet readCaffeModel(const std::filesystem::path& file, const TensorFilter& wanted = {});
// The same for a file already in memory (fuzzing reads its input from a buffer of exactly its
// size); `name` stands for the file in messages and sourceFile stays empty.
TensorSet readCaffeModel(std::span<const uint8_t> bytes, const std::string& name,
                         const TensorFilter& wanted = {});

}  // namespace impasto
