#include "core/image/ImageLoader.h"

#include <algorithm>
#include <charconv>
#include <iostream>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/Error.h"
#include "core/image/ExifOrientation.h"
#include "core/image/FileBytes.h"
#include "core/image/ImageHeader.h"
#include "core/image/ImageMat.h"
#include "core/image/PngDecoder.h"
#include "core/image/Resize.h"
#include "core/image/StreamedRows.h"
#include "core/image/TiffDecoder.h"
#include "core/image/WebpDecoder.h"

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

// cv::imdecode writes the exceptions of failing decoders to std::cerr itself, beside its logger
// (which decodeWithOpenCv silences): std::cerr drops what is written while one of these lives.
// Impasto itself never writes to std::cerr; a count keeps overlapping decodes (the app's threads)
// from restoring it early.
class QuietStandardError {
public:
    QuietStandardError() {
        const std::lock_guard lock(mutex_);
        if (users_++ == 0) {
            saved_ = std::cerr.rdbuf(nullptr);  // a stream without a buffer writes nothing
        }
    }
    ~QuietStandardError() {
        const std::lock_guard lock(mutex_);
        if (--users_ == 0) {
            std::cerr.rdbuf(saved_);
            std::cerr.clear();
        }
    }
    QuietStandardError(const QuietStandardError&) = delete;
    QuietStandardError& operator=(const QuietStandardError&) = delete;

private:
    static inline std::mutex mutex_;
    static inline int users_ = 0;
    static inline std::streambuf* saved_ = nullptr;
};

// TIFF samples that OpenCV fails on or decodes to a depth the engine does not take (signed
// 32-bit integers), named.
void refuseUnusualSamples(const ImageHeader& header, const std::string& name) {
    if (!header.unusualSamples.empty()) {
        throw Error(name + " is a TIFF of " + header.unusualSamples +
                    " samples, which Impasto cannot read: save it with 8-bit, 16-bit or 32-bit "
                    "floating-point samples");
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
        const QuietStandardError quiet;
        decoded = cv::imdecode(buffer, flags);
    } catch (const cv::Exception& exception) {
        // Running out of memory says nothing about the data; decodeImage reports it.
        if (exception.code == cv::Error::StsNoMem) {
            throw;
        }
        // Other failures are corrupt data, reported with messages meant for developers.
    }
    if (decoded.empty()) {
        refuseUnusualSamples(header, name);
    }
    if (decoded.empty()) {
        throw Error(name + " is truncated or corrupt");
    }
    return decoded;
}

// The factor that takes samples of `decoded`'s depth (8-bit, 16-bit or floating point) to [0, 1].
double unitScale(const cv::Mat& decoded, const std::string& name) {
    switch (decoded.depth()) {
        case CV_8U:
            return 1.0 / 255.0;
        case CV_16U:
            return 1.0 / 65535.0;
        case CV_32F:
        case CV_64F:
            return 1.0;
        default:
            throw Error(name + " stores its samples in a format Impasto cannot read");
    }
}

// Samples as float in [0, 1]: floating-point TIFFs may hold values outside it (HDR) or NaN.
cv::Mat toUnitFloat(const cv::Mat& samples, double scale) {
    cv::Mat unit;
    samples.convertTo(unit, CV_32F, scale);
    if (samples.depth() == CV_32F || samples.depth() == CV_64F) {
        cv::patchNaNs(unit, 0.0);
        unit = cv::min(cv::max(unit, 0.0), 1.0);
    }
    return unit;
}

// A large image is shrunk in the depth it was decoded in: as float at full size it would take
// four times its decoded memory (twice for 16-bit), several copies over. Its alpha is
// composited over white first, so that the colours of transparent pixels do not bleed into the
// average, in place and a band of rows at a time; the alpha itself is kept, shrunk too. Returns
// `decoded` itself when it is small enough.
cv::Mat shrinkDecoded(cv::Mat decoded, int maxSide, double scale, bool& composited) {
    composited = false;
    const int longest = std::max(decoded.cols, decoded.rows);
    if (maxSide <= 0 || longest <= maxSide) {
        return decoded;
    }
    if (decoded.channels() == 2 || decoded.channels() == 4) {
        constexpr int kBandRows = 64;
        for (int top = 0; top < decoded.rows; top += kBandRows) {
            cv::Mat band = decoded.rowRange(top, std::min(decoded.rows, top + kBandRows));
            cv::Mat unit = toUnitFloat(band, scale);
            compositeOverWhite(unit.ptr<float>(), unit.total(), unit.channels());
            unit.convertTo(band, band.type(), 1.0 / scale);
        }
        composited = true;
    }
    const ScaledSize size = sizeForMaxSide(decoded.cols, decoded.rows, maxSide);
    cv::Mat shrunk;
    cv::resize(decoded, shrunk, {size.width, size.height}, 0, 0, cv::INTER_AREA);
    return shrunk;
}

// Decoded samples (8-bit, 16-bit or floating point; 1 to 4 channels, BGR order) as the engine's
// float RGB in [0, 1], alpha composited over white (unless `composited` says it is already) and
// kept.
Image toEngineImage(const cv::Mat& decoded, double scale, bool composited) {
    cv::Mat unit = toUnitFloat(decoded, scale);
    if (!composited) {
        compositeOverWhite(unit.ptr<float>(), unit.total(), unit.channels());
    }
    std::vector<cv::Mat> planes;
    cv::split(unit, planes);
    cv::Mat alpha;
    if (planes.size() == 2 || planes.size() == 4) {
        alpha = planes.back();
        planes.pop_back();
    }
    double minAlpha = 1.0;
    if (!alpha.empty()) {
        cv::minMaxLoc(alpha, &minAlpha);
    }
    if (minAlpha >= 1.0) {
        // An alpha channel that is opaque everywhere carries nothing to put back on export.
        alpha.release();
    }
    cv::Mat rgb;
    if (planes.size() == 1) {
        cv::merge(std::vector{planes[0], planes[0], planes[0]}, rgb);
    } else {
        cv::merge(std::vector{planes[2], planes[1], planes[0]}, rgb);
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

// An image that was shrunk while it was decoded, already composited, as the engine's image.
LoadedImage fromShrunkSamples(ShrunkSamples shrunk, const ImageHeader& header, int orientation) {
    LoadedImage loaded;
    loaded.info.exifOrientation = header.exifOrientation;
    loaded.info.bitDepth = shrunk.bitDepth;
    loaded.info.channels = header.channels > 0 ? header.channels : shrunk.samples.channels();
    const bool turned = orientation >= 5 && orientation <= 8;
    loaded.info.originalWidth = turned ? shrunk.storedHeight : shrunk.storedWidth;
    loaded.info.originalHeight = turned ? shrunk.storedWidth : shrunk.storedHeight;
    loaded.image = toEngineImage(applyExifOrientation(std::move(shrunk.samples), orientation), 1.0,
                                 /*composited=*/true);
    return loaded;
}

// Decodes a file whose header has passed the checks, into the engine's image.
LoadedImage decodeChecked(std::span<const uint8_t> bytes, const ImageHeader& header,
                          const std::string& name, const ImageLoadOptions& options) {
    LoadedImage loaded;
    loaded.info.exifOrientation = header.exifOrientation;
    // OpenCV's TIFF decoder applies the Orientation tag itself, even for IMREAD_UNCHANGED; the
    // others leave it to the caller when not asked to apply it, which IMREAD_UNCHANGED forbids.
    const int orientationToApply = header.format == ImageFormat::Tiff ? 1 : header.exifOrientation;
    // PNG, WebP and the common TIFF layouts are decoded into their shrunk size, JPEG by
    // libjpeg's factors below. BMP is decoded whole, at 8 bits per channel: one such copy is
    // the most a decode may cost beside the working size.
    std::optional<ShrunkSamples> shrunk;
    if (header.format == ImageFormat::Png) {
        shrunk = decodePngShrunk(bytes, name, options.maxSide);
    } else if (header.format == ImageFormat::Tiff) {
        shrunk = decodeTiffShrunk(bytes, name, options.maxSide);
    } else if (header.format == ImageFormat::WebP) {
        shrunk = decodeWebpShrunk(bytes, name, options.maxSide);
    }
    if (shrunk) {
        // OpenCV would have applied a TIFF's orientation itself; here it is still to do.
        return fromShrunkSamples(std::move(*shrunk), header, header.exifOrientation);
    }
    const int reduction = jpegReduction(header, options.maxSide);
    cv::Mat decoded = header.format == ImageFormat::Png
                          ? decodePng(bytes, name)
                          : decodeWithOpenCv(bytes, header, name, decodeFlags(reduction));
    if (decoded.channels() > 4) {
        throw Error(name + " has " + std::to_string(decoded.channels()) +
                    " channels; Impasto reads 1 to 4");
    }
    loaded.info.bitDepth = bitDepthOf(decoded);
    loaded.info.channels = header.channels > 0 ? header.channels : decoded.channels();
    // The size as stored, not as decoded: orientations 5 to 8 turn it by a quarter.
    const bool turned = orientationToApply >= 5 && orientationToApply <= 8;
    const int storedWidth = reduction == 1 ? decoded.cols : static_cast<int>(header.width);
    const int storedHeight = reduction == 1 ? decoded.rows : static_cast<int>(header.height);
    loaded.info.originalWidth = turned ? storedHeight : storedWidth;
    loaded.info.originalHeight = turned ? storedWidth : storedHeight;
    if (decoded.depth() == CV_32S) {
        refuseUnusualSamples(header, name);
    }
    const double scale = unitScale(decoded, name);
    bool composited = false;
    // Shrunk before it is turned: the longest side is the same either way, and turning a small
    // image costs little.
    decoded = applyExifOrientation(
        shrinkDecoded(std::move(decoded), options.maxSide, scale, composited), orientationToApply);
    loaded.image = toEngineImage(decoded, scale, composited);
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
