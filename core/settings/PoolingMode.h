#pragma once

namespace impasto {

// Gatys et al. found average pooling gives smoother, more painterly results; max pooling is
// what the networks were trained with.
enum class PoolingMode { Max, Average };

}  // namespace impasto
