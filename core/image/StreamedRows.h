#pragma once

#include <cstdint>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace impasto {

// What a decoder that shrinks while it decodes (PngDecoder, TiffDecoder, WebpDecoder) gives back.
struct ShrunkSamples {
    cv::Mat samples;  // CV_32F in [0, 1], gray/BGR(A) as OpenCV orders them, alpha composited
    int storedWidth = 0;
    int storedHeight = 0;
    int bitDepth = 8;  // of the samples as stored
};

// Colour samples of `pixels` interleaved pixels composited over white by their alpha (the last
// of 2 or 4 channels; nothing to do for 1 or 3), in place, so that transparent pixels' colours
// do not bleed into an average. The alpha itself stays.
void compositeOverWhite(float* samples, size_t pixels, int channels);

// One decoded row of 8 or 16-bit samples (native byte order) as unit floats in OpenCV's channel
// order (`rgbOrder`: the row is RGB(A), swapped to BGR(A)), composited over white.
void toCompositedUnitRow(const void* row, int bitDepth, int width, int channels, bool rgbOrder,
                         std::vector<float>& out);

}  // namespace impasto
