#include "core/weights/TensorSet.h"

#include <utility>

#include "core/common/Error.h"

namespace impasto {

namespace {

[[noreturn]] void throwMissing(const std::filesystem::path& sourceFile, const std::string& name) {
    const std::string file =
        sourceFile.empty() ? std::string("The weights") : sourceFile.filename().string();
    throw Error(file + " has no tensor named " + name);
}

}  // namespace

int64_t WeightTensor::elementCount() const {
    int64_t count = 1;
    for (const int64_t dimension : shape) {
        count *= dimension;
    }
    return count;
}

bool TensorSet::contains(const std::string& name) const {
    return tensors.contains(name);
}

const WeightTensor& TensorSet::at(const std::string& name) const {
    const auto found = tensors.find(name);
    if (found == tensors.end()) {
        throwMissing(sourceFile, name);
    }
    return found->second;
}

WeightTensor TensorSet::take(const std::string& name) {
    const auto found = tensors.find(name);
    if (found == tensors.end()) {
        throwMissing(sourceFile, name);
    }
    WeightTensor tensor = std::move(found->second);
    tensors.erase(found);
    return tensor;
}

}  // namespace impasto
