#include "core/fast/ReflectionPad.h"

namespace impasto {

at::Tensor reflectionPadded(const at::Tensor& x, int64_t pad) {
    const int64_t height = x.size(2);
    const int64_t width = x.size(3);
    at::Tensor padded = at::empty({x.size(0), x.size(1), height + 2 * pad, width + 2 * pad},
                                  x.options().memory_format(x.suggest_memory_format()));
    if (pad == 0) {
        return padded.copy_(x);
    }
    // The columns first, then whole rows, so that the corners reflect the reflected columns.
    const at::Tensor rows = padded.narrow(2, pad, height);
    rows.narrow(3, pad, width).copy_(x);
    rows.narrow(3, 0, pad).copy_(x.narrow(3, 1, pad).flip(3));
    rows.narrow(3, pad + width, pad).copy_(x.narrow(3, width - 1 - pad, pad).flip(3));
    padded.narrow(2, 0, pad).copy_(padded.narrow(2, pad + 1, pad).flip(2));
    padded.narrow(2, pad + height, pad).copy_(padded.narrow(2, height - 1, pad).flip(2));
    return padded;
}

}  // namespace impasto
