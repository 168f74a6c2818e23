#pragma once

#include "core/image/Image.h"

namespace impasto {

// Keeps the brightness of `stylized` and takes the colour (YCrCb chroma) of `colourSource`,
// which must have the same size: Gatys et al.'s luminance-only transfer, so the result keeps
// the photo's colours. Alpha comes from `stylized`.
Image transferLuminance(const Image& stylized, const Image& colourSource);

}  // namespace impasto
