#include "core/weights/Shape.h"

namespace impasto {

std::optional<uint64_t> checkedByteCount(std::span<const int64_t> shape, uint64_t elementSize) {
    int64_t product = static_cast<int64_t>(elementSize);
    for (const int64_t dimension : shape) {
        if (dimension < 0 || __builtin_mul_overflow(product, dimension, &product)) {
            return std::nullopt;
        }
    }
    return static_cast<uint64_t>(product);
}

std::string shapeToString(std::span<const int64_t> shape) {
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) {
            text += ',';
        }
        text += std::to_string(shape[i]);
    }
    return text + "]";
}

}  // namespace impasto
