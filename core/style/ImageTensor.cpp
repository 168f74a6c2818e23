#include "core/style/ImageTensor.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/Error.h"

namespace impasto {

namespace {

void requireConsistent(const Image& image) {
    if (image.rgb.size() != image.pixelCount() * 3 ||
        (image.hasAlpha() && image.alpha.size() != image.pixelCount())) {
        throw Error("Internal error: an image's samples do not match its size");
    }
}

}  // namespace

at::Tensor imageToTensor(const Image& image) {
    requireConsistent(image);
    // from_blob only reads here: the clone below copies before anything could write.
    float* data = const_cast<float*>(image.rgb.data());
    return at::from_blob(data, {image.height(), image.width(), 3}, at::kFloat)
        .permute({2, 0, 1})
        .unsqueeze(0)
        .clone(at::MemoryFormat::Contiguous);
}

Image tensorToImage(const at::Tensor& tensor) {
    const at::Tensor pixels =
        tensor.squeeze(0).clamp(0.0, 1.0).permute({1, 2, 0}).contiguous().to(at::kCPU);
    Image image(static_cast<int>(pixels.size(1)), static_cast<int>(pixels.size(0)));
    std::copy_n(pixels.data_ptr<float>(), image.rgb.size(), image.rgb.begin());
    return image;
}

at::Tensor alphaToTensor(const Image& image) {
    requireConsistent(image);
    if (!image.hasAlpha()) {
        return {};
    }
    float* data = const_cast<float*>(image.alpha.data());
    return at::from_blob(data, {1, 1, image.height(), image.width()}, at::kFloat).clone();
}

void setAlpha(Image& image, const at::Tensor& alpha) {
    if (!alpha.defined()) {
        image.alpha.clear();
        return;
    }
    const at::Tensor samples = alpha.contiguous().to(at::kCPU);
    if (samples.numel() != static_cast<int64_t>(image.pixelCount())) {
        throw Error("Internal error: an alpha channel does not match its image");
    }
    image.alpha.assign(samples.data_ptr<float>(), samples.data_ptr<float>() + samples.numel());
}

at::Tensor resampled(const at::Tensor& samples, int width, int height) {
    if (width <= 0 || height <= 0) {
        throw Error("Cannot scale an image to " + std::to_string(width) + " x " +
                    std::to_string(height) + " pixels");
    }
    if (samples.size(3) == width && samples.size(2) == height) {
        return samples;
    }
    if (width <= samples.size(3) && height <= samples.size(2)) {
        return at::adaptive_avg_pool2d(samples, {height, width});
    }
    // Bicubic interpolation overshoots at edges.
    return at::upsample_bicubic2d(samples, {height, width}, false).clamp(0.0, 1.0);
}

Image resampled(const Image& image, int width, int height) {
    if (image.empty()) {
        throw Error("Cannot scale an empty image");
    }
    if (image.width() == width && image.height() == height) {
        return image;
    }
    Image result = tensorToImage(resampled(imageToTensor(image), width, height));
    if (image.hasAlpha()) {
        setAlpha(result, resampled(alphaToTensor(image), width, height));
    }
    return result;
}

Image resampledToLongestSide(const Image& image, int side) {
    const double scale = static_cast<double>(side) / std::max(image.width(), image.height());
    return resampled(image, std::max(1, static_cast<int>(std::lround(image.width() * scale))),
                     std::max(1, static_cast<int>(std::lround(image.height() * scale))));
}

at::Tensor transferLuminance(const at::Tensor& stylized, const at::Tensor& colourSource) {
    if (stylized.sizes() != colourSource.sizes()) {
        throw Error("Colour preservation needs images of the same size");
    }
    const at::Tensor lumaWeights =
        at::tensor({0.299f, 0.587f, 0.114f}, stylized.options()).view({1, 3, 1, 1});
    auto luma = [&](const at::Tensor& rgb) { return (rgb * lumaWeights).sum(1, true); };
    return (colourSource + (luma(stylized) - luma(colourSource))).clamp(0.0, 1.0);
}

}  // namespace impasto
