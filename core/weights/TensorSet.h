#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace impasto {

// One float32 weight tensor as read from a file, independent of LibTorch so that readers and
// their tests build without it. The model takes the values over without copying.
struct WeightTensor {
    std::vector<int64_t> shape;
    std::vector<float> values;

    int64_t elementCount() const;
};

// Decides which tensors a reader keeps; others are skipped without being decoded (the fully
// connected layers of VGG are 90% of its file and never used).
using TensorFilter = std::function<bool(const std::string& name)>;

// A validated name -> tensor set, plus the file's free-form metadata.
class TensorSet {
public:
    std::map<std::string, WeightTensor> tensors;
    std::map<std::string, std::string> metadata;

    bool contains(const std::string& name) const;
    // Throws impasto::Error naming the tensor and the file when it is absent.
    const WeightTensor& at(const std::string& name) const;
    // Moves a tensor out of the set and drops its entry (so the model can own it without a
    // second copy). Throws like at() when it is absent.
    WeightTensor take(const std::string& name);

    std::filesystem::path sourceFile;
};

}  // namespace impasto
