#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace impasto {

// product(shape) * elementSize, or nothing when a dimension is negative or the product, or any
// partial product in order, exceeds int64_t (what element counts are kept in): shapes come from
// untrusted files, and a wrapped product would pass bounds checks. [2^62, 2, 0] is refused,
// though its product is 0: WeightTensor::elementCount() would overflow on the way.
std::optional<uint64_t> checkedByteCount(std::span<const int64_t> shape, uint64_t elementSize);

// "[64,3,3,3]", as error messages show shapes.
std::string shapeToString(std::span<const int64_t> shape);

}  // namespace impasto
