#include "core/image/ImageLoader.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/Error.h"
#include "core/image/ExifOrientation.h"
#include "core/image/FileBytes.h"
#include "core/image/ImageHeader.h"
#include "core/image/JpegSegments.h"
#include "core/image/PngChunks.h"

namespace impasto {

namespace {

// "1600", "12.6", "0.786": whole megapixels for large sizes, three digits for small ones.
std::string formatMegapixels(double megapixels) {
    char text[32];
    std::snprintf(text, sizeof text, megapixels >= 100 ? "%.0f" : "%.3g", megapixels);
    return text;
}

// Printable ASCII or UTF-8 without control characters, judged on the first bytes: a file that
// is text is most often a web page or an error message saved under an image name.
bool looksLikeText(std::span<const uint8_t> bytes) {
    const std::span<const uint8_t> start = bytes.first(std::min<size_t>(bytes.size(), 512));
    return std::all_of(start.begin(), start.end(), [](uint8_t byte) {
        return byte >= 0x20 ? byte != 0x7F : byte == '\t' || byte == '\n' || byte == '\r';
    });
}

void refuseDecompressionBomb(const ImageHeader& header, const std::string& name,
                             const ImageLoadOptions& options) {
    const double megapixels = double(header.width) * double(header.height) / 1e6;
    if (options.maxMegapixels > 0 && megapixels > options.maxMegapixels) {
        throw Error(name + " is " + std::to_string(header.width) + " x " +
                    std::to_string(header.height) + " pixels (" + formatMegapixels(megapixels) +
                    " MP); the limit is " + formatMegapixels(options.maxMegapixels) + " MP");
    }
}

// libjpeg decodes a truncated JPEG without an error and libpng may not reach the missing part,
// so truncation is found in the file's structure.
bool endsEarly(std::span<const uint8_t> bytes, ImageFormat format) {
    switch (format) {
        case ImageFormat::Jpeg:
            return !hasJpegEndMarker(bytes, readJpegHeader(bytes));
        case ImageFormat::Png:
            return !readPngChunks(bytes).complete;
        default:
            return false;
    }
}

cv::Mat decodeWithOpenCv(std::span<const uint8_t> bytes, const std::string& name) {
    if (bytes.size() > size_t{INT_MAX}) {
        throw Error(name + " is too large to decode (over 2 GB)");
    }
    // imdecode only reads the buffer; cv::Mat has no constructor for constant data.
    const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1,
                         const_cast<uint8_t*>(bytes.data()));
    cv::Mat decoded;
    try {
        decoded = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception&) {
        // OpenCV reports corrupt data this way too, with messages meant for developers.
    }
    if (decoded.empty()) {
        throw Error(name + " is truncated or corrupt");
    }
    return decoded;
}

// Decoded samples (8-bit, 16-bit or floating point; 1 to 4 channels, BGR order) as the engine's
// float RGB in [0, 1], alpha composited over white and kept.
Image toEngineImage(const cv::Mat& decoded, const std::string& name) {
    double scale = 1.0;
    switch (decoded.depth()) {
        case CV_8U:
            scale = 1.0 / 255.0;
            break;
        case CV_16U:
            scale = 1.0 / 65535.0;
            break;
        case CV_32F:
        case CV_64F:
            break;
        default:
            throw Error(name + " stores its samples in a format Impasto cannot read");
    }
    if (decoded.channels() > 4) {
        throw Error(name + " has " + std::to_string(decoded.channels()) +
                    " channels; Impasto reads 1 to 4");
    }
    cv::Mat samples;
    decoded.convertTo(samples, CV_32F, scale);
    if (decoded.depth() == CV_32F || decoded.depth() == CV_64F) {
        // Floating-point TIFFs may hold values outside [0, 1] (HDR) or NaN.
        cv::patchNaNs(samples, 0.0);
        samples = cv::min(cv::max(samples, 0.0), 1.0);
    }

    std::vector<cv::Mat> planes;
    cv::split(samples, planes);
    Image image;
    if (planes.size() == 2 || planes.size() == 4) {
        image.alpha = planes.back();
        planes.pop_back();
    }
    if (planes.size() == 1) {
        cv::merge(std::vector{planes[0], planes[0], planes[0]}, image.rgb);
    } else {
        cv::merge(std::vector{planes[2], planes[1], planes[0]}, image.rgb);
    }
    if (!image.alpha.empty()) {
        double minAlpha = 0.0;
        cv::minMaxLoc(image.alpha, &minAlpha);
        if (minAlpha >= 1.0) {
            // An alpha channel that is opaque everywhere carries nothing to put back on export.
            image.alpha.release();
        } else {
            cv::Mat alpha3;
            cv::merge(std::vector{image.alpha, image.alpha, image.alpha}, alpha3);
            image.rgb = image.rgb.mul(alpha3) + (cv::Scalar::all(1.0) - alpha3);
        }
    }
    return image;
}

int bitDepthOf(const cv::Mat& decoded) {
    switch (decoded.depth()) {
        case CV_16U:
            return 16;
        case CV_32F:
            return 32;
        case CV_64F:
            return 64;
        default:
            return 8;
    }
}

}  // namespace

LoadedImage loadImage(const std::filesystem::path& file, const ImageLoadOptions& options) {
    return decodeImage(readFileBytes(file), file.string(), options);
}

LoadedImage decodeImage(std::span<const uint8_t> bytes, const std::string& name,
                        const ImageLoadOptions& options) {
    if (bytes.empty()) {
        throw Error(name + " is empty");
    }
    const std::optional<ImageFormat> format = detectImageFormat(bytes);
    if (!format) {
        if (looksLikeText(bytes)) {
            throw Error(name + " is not an image OpenCV can read (it looks like text)");
        }
        throw Error(name + " is not a JPEG, PNG, TIFF, WebP or BMP image");
    }
    const std::optional<ImageHeader> header = readImageHeader(bytes, *format);
    if (!header) {
        throw Error(name + " is truncated or corrupt (its header cannot be read)");
    }
    refuseDecompressionBomb(*header, name, options);
    if (endsEarly(bytes, *format)) {
        throw Error(name + " is truncated (the file ends before the image data does)");
    }

    LoadedImage loaded;
    loaded.info.exifOrientation = readExifOrientation(bytes);
    const cv::Mat decoded =
        applyExifOrientation(decodeWithOpenCv(bytes, name), loaded.info.exifOrientation);
    loaded.info.bitDepth = bitDepthOf(decoded);
    loaded.info.channels = header->channels > 0 ? header->channels : decoded.channels();
    loaded.info.originalWidth = decoded.cols;
    loaded.info.originalHeight = decoded.rows;
    loaded.image = toEngineImage(decoded, name);
    if (options.maxSide > 0) {
        loaded.image = resizeToMaxSide(loaded.image, options.maxSide);
    }
    return loaded;
}

Image resizeToMaxSide(const Image& image, int maxSide, bool allowUpscale) {
    if (maxSide <= 0) {
        throw Error("Cannot scale an image to a longest side of " + std::to_string(maxSide) +
                    " pixels");
    }
    const int longest = std::max(image.width(), image.height());
    if (longest == 0 || longest == maxSide || (longest < maxSide && !allowUpscale)) {
        return image;
    }
    const double scale = double(maxSide) / longest;
    const int width = std::max(1, int(std::lround(image.width() * scale)));
    const int height = std::max(1, int(std::lround(image.height() * scale)));
    return resizeTo(image, width, height);
}

Image resizeTo(const Image& image, int width, int height) {
    if (width <= 0 || height <= 0) {
        throw Error("Cannot scale an image to " + std::to_string(width) + " x " +
                    std::to_string(height) + " pixels");
    }
    if (image.empty()) {
        throw Error("Cannot scale an empty image");
    }
    if (width == image.width() && height == image.height()) {
        return image;
    }
    const bool shrinking = width <= image.width() && height <= image.height();
    const int interpolation = shrinking ? cv::INTER_AREA : cv::INTER_CUBIC;
    Image resized;
    cv::resize(image.rgb, resized.rgb, cv::Size(width, height), 0, 0, interpolation);
    if (!image.alpha.empty()) {
        cv::resize(image.alpha, resized.alpha, cv::Size(width, height), 0, 0, interpolation);
    }
    if (!shrinking) {
        // Cubic interpolation overshoots at edges.
        resized.rgb = cv::min(cv::max(resized.rgb, 0.0), 1.0);
        if (!resized.alpha.empty()) {
            resized.alpha = cv::min(cv::max(resized.alpha, 0.0), 1.0);
        }
    }
    return resized;
}

}  // namespace impasto
