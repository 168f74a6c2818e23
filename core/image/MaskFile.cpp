#include "core/image/MaskFile.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/image/ImageLoader.h"

namespace impasto {

namespace {

// The weight of each pixel: BT.601 luminance of the colour, times its alpha. Image::rgb is
// composited over white, so luminance(colour) * alpha = luminance(rgb) - (1 - alpha).
Mask maskFromImage(const Image& image) {
    Mask mask(image.width(), image.height());
    for (size_t i = 0; i < mask.values.size(); ++i) {
        const float* pixel = &image.rgb[i * 3];
        float value = 0.299f * pixel[0] + 0.587f * pixel[1] + 0.114f * pixel[2];
        if (image.hasAlpha()) {
            value -= 1.0f - image.alpha[i];
        }
        mask.values[i] = std::clamp(value, 0.0f, 1.0f);
    }
    return mask;
}

}  // namespace

std::vector<uint8_t> encodeMaskPng(const Mask& mask, const std::string& name) {
    if (mask.empty() || mask.values.size() != static_cast<size_t>(mask.width()) * mask.height()) {
        throw Error("Cannot write " + name + ": the mask is empty or its size is inconsistent");
    }
    cv::Mat samples;
    cv::Mat(mask.height(), mask.width(), CV_32FC1, const_cast<float*>(mask.values.data()))
        .convertTo(samples, CV_8U, 255.0);  // rounds and saturates
    std::vector<uint8_t> png;
    try {
        if (!cv::imencode(".png", samples, png)) {
            throw Error("Cannot write " + name + ": OpenCV could not encode the PNG");
        }
    } catch (const cv::Exception& exception) {
        throw Error("Cannot write " + name + ": OpenCV could not encode the PNG (" + exception.err +
                    ")");
    }
    return png;
}

Mask decodeMaskAllowingBlack(std::span<const uint8_t> bytes, const std::string& name,
                             double maxMegapixels) {
    ImageLoadOptions options;
    options.maxMegapixels = maxMegapixels;
    return maskFromImage(decodeImage(bytes, name, options).image);
}

Mask loadMaskAllowingBlack(const std::filesystem::path& file) {
    return maskFromImage(loadImage(file).image);
}

Mask loadMask(const std::filesystem::path& file) {
    Mask mask = loadMaskAllowingBlack(file);
    if (std::all_of(mask.values.begin(), mask.values.end(), [](float v) { return v <= 0.0f; })) {
        throw Error("The mask " + file.string() +
                    " is black everywhere, so it selects no pixel (white marks the region)");
    }
    return mask;
}

void saveMask(const Mask& mask, const std::filesystem::path& file) {
    writeFileAtomically(file, encodeMaskPng(mask, file.string()));
}

}  // namespace impasto
