#include "core/image/ImageLoader.h"

#include <algorithm>
#include <charconv>
#include <new>
#include <string>
#include <vector>

#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/common/Error.h"
#include "core/image/ExifOrientation.h"
#include "core/image/FileBytes.h"
#include "core/image/ImageHeader.h"
#include "core/image/ImageMat.h"
#include "core/image/Resize.h"

namespace impasto {

namespace {

// "1600", "12.6", "0.786": whole megapixels for large sizes, three digits for small ones. With a
// decimal point in every locale, unlike printf.
std::string formatMegapixels(double megapixels) {
    char text[32];
    const std::to_chars_result result =
        megapixels >= 100
            ? std::to_chars(text, text + sizeof text, megapixels, std::chars_format::fixed, 0)
            : std::to_chars(text, text + sizeof text, megapixels, std::chars_format::general, 3);
    return std::string(text, result.ptr);
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

// readImageHeader has made sure that the decoder of the file's own format claims it; OpenCV asks
// its decoders in a fixed order and every one before that decoder looks for another signature at
// byte 0, so no other decoder (DICOM, JPEG 2000, OpenEXR, HDR, PxM...) ever sees the bytes.
cv::Mat decodeWithOpenCv(std::span<const uint8_t> bytes, const ImageHeader& header,
                         const std::string& name, int flags) {
    // Decoders' failures are logged to stderr in lines meant for developers; the message below
    // says what went wrong instead.
    static const bool silenced = [] {
        cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
        return true;
    }();
    (void)silenced;
    if (bytes.size() > kMaxImageFileBytes) {
        throw Error(name + " is too large to decode (over 2 GB)");
    }
    // imdecode only reads the buffer; cv::Mat has no constructor for constant data.
    const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1,
                         const_cast<uint8_t*>(bytes.data()));
    cv::Mat decoded;
    try {
        decoded = cv::imdecode(buffer, flags);
    } catch (const cv::Exception& exception) {
        // Running out of memory says nothing about the data; decodeImage reports it.
        if (exception.code == cv::Error::StsNoMem) {
            throw;
        }
        // Other failures are corrupt data, reported with messages meant for developers.
    }
    if (decoded.empty() && !header.unusualSamples.empty()) {
        throw Error(name + " is a TIFF of " + header.unusualSamples +
                    " samples, which Impasto cannot read: save it with 8-bit, 16-bit or 32-bit "
                    "floating-point samples");
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
    cv::Mat alpha;
    if (planes.size() == 2 || planes.size() == 4) {
        alpha = planes.back();
        planes.pop_back();
    }
    cv::Mat rgb;
    if (planes.size() == 1) {
        cv::merge(std::vector{planes[0], planes[0], planes[0]}, rgb);
    } else {
        cv::merge(std::vector{planes[2], planes[1], planes[0]}, rgb);
    }
    if (!alpha.empty()) {
        double minAlpha = 0.0;
        cv::minMaxLoc(alpha, &minAlpha);
        if (minAlpha >= 1.0) {
            // An alpha channel that is opaque everywhere carries nothing to put back on export.
            alpha.release();
        } else {
            cv::Mat alpha3;
            cv::merge(std::vector{alpha, alpha, alpha}, alpha3);
            rgb = rgb.mul(alpha3) + (cv::Scalar::all(1.0) - alpha3);
        }
    }
    return imageFromMats(rgb, alpha);
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

// libjpeg scales by 1/2, 1/4 or 1/8 while it decodes (DCT scaling): a JPEG far larger than the
// size it is used at then never exists at full size in memory. The largest factor that keeps
// the longest side at least `maxSide`; 1 for other formats or without a size.
int jpegReduction(const ImageHeader& header, int maxSide) {
    if (header.format != ImageFormat::Jpeg || maxSide <= 0) {
        return 1;
    }
    const uint64_t longest = std::max(header.width, header.height);
    for (const int factor : {8, 4, 2}) {
        if ((longest + factor - 1) / factor >= static_cast<uint64_t>(maxSide)) {
            return factor;
        }
    }
    return 1;
}

// cv::imdecode's flags for a reduction: colour (libjpeg's own conversion of gray and CMYK, as
// IMREAD_UNCHANGED gives) without applying the orientation, which the loader applies itself.
int decodeFlags(int reduction) {
    switch (reduction) {
        case 2:
            return cv::IMREAD_REDUCED_COLOR_2 | cv::IMREAD_IGNORE_ORIENTATION;
        case 4:
            return cv::IMREAD_REDUCED_COLOR_4 | cv::IMREAD_IGNORE_ORIENTATION;
        case 8:
            return cv::IMREAD_REDUCED_COLOR_8 | cv::IMREAD_IGNORE_ORIENTATION;
        default:
            return cv::IMREAD_UNCHANGED;
    }
}

// Decodes a file whose header has passed the checks, into the engine's image.
LoadedImage decodeChecked(std::span<const uint8_t> bytes, const ImageHeader& header,
                          const std::string& name, const ImageLoadOptions& options) {
    LoadedImage loaded;
    loaded.info.exifOrientation = header.exifOrientation;
    // OpenCV's TIFF decoder applies the Orientation tag itself, even for IMREAD_UNCHANGED; the
    // others leave it to the caller when not asked to apply it, which IMREAD_UNCHANGED forbids.
    const int orientationToApply = header.format == ImageFormat::Tiff ? 1 : header.exifOrientation;
    const int reduction = jpegReduction(header, options.maxSide);
    const cv::Mat decoded = applyExifOrientation(
        decodeWithOpenCv(bytes, header, name, decodeFlags(reduction)), orientationToApply);
    loaded.info.bitDepth = bitDepthOf(decoded);
    loaded.info.channels = header.channels > 0 ? header.channels : decoded.channels();
    // The size as stored, not as decoded: orientations 5 to 8 turn it by a quarter.
    const bool turned = orientationToApply >= 5 && orientationToApply <= 8;
    loaded.info.originalWidth =
        reduction == 1 ? decoded.cols : static_cast<int>(turned ? header.height : header.width);
    loaded.info.originalHeight =
        reduction == 1 ? decoded.rows : static_cast<int>(turned ? header.width : header.height);
    loaded.image = toEngineImage(decoded, name);
    if (options.maxSide > 0) {
        loaded.image = resizeToMaxSide(loaded.image, options.maxSide);
    }
    return loaded;
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
    if (!header->complete) {
        throw Error(name + " is truncated (the file ends before the image data does)");
    }
    if (header->animated) {
        throw Error(name +
                    " is an animated WebP, which Impasto cannot read; save one frame as PNG");
    }

    // Memory can run out in the decoder or in the conversion to float, which needs four times
    // the memory of 8-bit samples; OpenCV reports it as cv::Exception, the library as bad_alloc.
    try {
        return decodeChecked(bytes, *header, name, options);
    } catch (const cv::Exception& exception) {
        if (exception.code != cv::Error::StsNoMem) {
            throw;
        }
    } catch (const std::bad_alloc&) {
        // Reported below, as OpenCV's is.
    }
    throw Error(name + " is " + std::to_string(header->width) + " x " +
                std::to_string(header->height) + " pixels, too large for the memory available");
}

}  // namespace impasto
