#pragma once

namespace impasto {

// The number format of the network's convolutions (and the layers between them). bfloat16 has
// float32's range with fewer digits: processors with bfloat16 units (AMX, AVX512-BF16) and
// recent GPUs run it several times faster, others emulate it slowly. Gram matrices, losses, the
// image and the optimiser's state stay float32 either way. Auto measures which is faster here.
enum class Precision { Auto, Float32, Bfloat16 };

}  // namespace impasto
