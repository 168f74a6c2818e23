#include "core/image/StreamedRows.h"

#include <utility>

namespace impasto {

void compositeOverWhite(float* samples, size_t pixels, int channels) {
    if (channels != 2 && channels != 4) {
        return;
    }
    const size_t count = pixels * channels;
    for (size_t pixel = 0; pixel < count; pixel += channels) {
        const float alpha = samples[pixel + channels - 1];
        for (int c = 0; c + 1 < channels; ++c) {
            samples[pixel + c] = samples[pixel + c] * alpha + (1.0f - alpha);
        }
    }
}

void toCompositedUnitRow(const void* row, int bitDepth, int width, int channels, bool rgbOrder,
                         std::vector<float>& out) {
    const size_t count = static_cast<size_t>(width) * channels;
    out.resize(count);
    if (bitDepth == 16) {
        const auto* samples = static_cast<const uint16_t*>(row);
        for (size_t i = 0; i < count; ++i) {
            out[i] = samples[i] / 65535.0f;
        }
    } else {
        const auto* samples = static_cast<const uint8_t*>(row);
        for (size_t i = 0; i < count; ++i) {
            out[i] = samples[i] / 255.0f;
        }
    }
    if (rgbOrder && channels >= 3) {
        for (size_t pixel = 0; pixel < count; pixel += channels) {
            std::swap(out[pixel], out[pixel + 2]);
        }
    }
    compositeOverWhite(out.data(), static_cast<size_t>(width), channels);
}

}  // namespace impasto
