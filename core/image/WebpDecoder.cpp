#include "core/image/WebpDecoder.h"

#include <webp/decode.h>

#include <algorithm>
#include <new>

#include <opencv2/core.hpp>

#include "core/common/Error.h"
#include "core/planning/ScaledSize.h"

namespace impasto {

namespace {

// The decoder's buffer is the caller's memory: freeing it only releases libwebp's own state.
struct OutputRelease {
    WebPDecBuffer* output;
    ~OutputRelease() { WebPFreeDecBuffer(output); }
};

}  // namespace

std::optional<ShrunkSamples> decodeWebpShrunk(std::span<const uint8_t> bytes,
                                              const std::string& name, int maxSide) {
    const std::string corrupt = name + " is truncated or corrupt";
    WebPDecoderConfig config;
    if (!WebPInitDecoderConfig(&config)) {
        throw Error(name + " cannot be decoded by this libwebp");
    }
    if (WebPGetFeatures(bytes.data(), bytes.size(), &config.input) != VP8_STATUS_OK) {
        throw Error(corrupt);
    }
    const int width = config.input.width;
    const int height = config.input.height;
    if (maxSide <= 0 || std::max(width, height) <= maxSide || config.input.has_animation) {
        return std::nullopt;
    }
    const ScaledSize size = sizeForMaxSide(width, height, maxSide);
    const bool alpha = config.input.has_alpha != 0;
    cv::Mat decoded(size.height, size.width, alpha ? CV_8UC4 : CV_8UC3);
    config.options.use_scaling = 1;
    config.options.scaled_width = size.width;
    config.options.scaled_height = size.height;
    config.output.colorspace = alpha ? MODE_BGRA : MODE_BGR;
    config.output.is_external_memory = 1;
    config.output.u.RGBA.rgba = decoded.data;
    config.output.u.RGBA.stride = static_cast<int>(decoded.step[0]);
    config.output.u.RGBA.size = decoded.total() * decoded.elemSize();
    VP8StatusCode status = VP8_STATUS_OK;
    {
        const OutputRelease release{&config.output};
        status = WebPDecode(bytes.data(), bytes.size(), &config);
    }
    if (status == VP8_STATUS_OUT_OF_MEMORY) {
        throw std::bad_alloc();
    }
    if (status != VP8_STATUS_OK) {
        throw Error(corrupt);
    }
    cv::Mat unit;
    decoded.convertTo(unit, CV_32F, 1.0 / 255.0);
    compositeOverWhite(unit.ptr<float>(), unit.total(), unit.channels());
    return ShrunkSamples{unit, width, height, 8};
}

}  // namespace impasto
