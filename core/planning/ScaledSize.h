#pragma once

namespace impasto {

struct ScaledSize {
    int width = 0;
    int height = 0;
};
// The size whose longest side is `maxSide`, with the aspect ratio of `width` x `height`
// (rounded, at least 1 x 1): how images are resized and how the engine sizes its result.
ScaledSize sizeForMaxSide(int width, int height, int maxSide);

}  // namespace impasto
