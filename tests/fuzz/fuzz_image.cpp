// libFuzzer target: image decoding from memory (format sniffing, EXIF/TIFF/WebP orientation,
// size checks, colour conversion). OpenCV's decoders are not instrumented, so findings inside
// them show only as crashes; our code around them is fully checked.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include <opencv2/core.hpp>

#include "core/common/Error.h"
#include "core/image/ImageLoader.h"
#include "core/image/ImageMat.h"
#include "tests/fuzz/FuzzCheck.h"

using impasto::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // A small pixel limit keeps every run fast and exercises the decompression-bomb check. Inputs
    // of even length are also shrunk (as the CLI and the app load them), odd ones kept whole.
    const int maxSide = size % 2 == 0 ? 48 : 0;
    const impasto::ImageLoadOptions options{.maxSide = maxSide, .maxMegapixels = 0.25};
    try {
        const impasto::LoadedImage loaded = impasto::decodeImage({data, size}, "fuzz", options);
        const cv::Mat& rgb = rgbView(loaded.image);
        require(!rgb.empty() && rgb.type() == CV_32FC3, "the image is float RGB");
        require(rgb.total() <= 250'000, "the pixel limit holds");
        require(maxSide == 0 || std::max(rgb.cols, rgb.rows) <= maxSide, "the image is shrunk");
        require(alphaView(loaded.image).empty() || (alphaView(loaded.image).type() == CV_32FC1 &&
                                                    alphaView(loaded.image).size() == rgb.size()),
                "an alpha matches the image");
        double low = 0.0;
        double high = 0.0;
        cv::minMaxLoc(rgb.reshape(1), &low, &high);
        require(std::isfinite(low) && std::isfinite(high) && low >= 0.0 && high <= 1.0,
                "samples lie in [0, 1]");
    } catch (const impasto::Error&) {
    }
    return 0;
}
