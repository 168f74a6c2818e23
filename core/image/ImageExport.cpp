#include "core/image/ImageExport.h"

#include <tiffio.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/image/EmbeddedMasks.h"
#include "core/image/ImageMat.h"
#include "core/image/JpegMaskSegments.h"
#include "core/image/JpegSegments.h"
#include "core/image/PngExport.h"

namespace impasto {

namespace {

constexpr uint8_t kJpegCommentMarker = 0xFE;
constexpr uint8_t kJpegApp0Marker = 0xE0;

std::string lowercaseExtension(const std::filesystem::path& file) {
    std::string extension = file.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension;
}

// RGB samples of `bitDepth` bits, rounded and clamped (convertTo saturates).
cv::Mat rgbSamples(const Image& image, int bitDepth) {
    cv::Mat samples;
    rgbView(image).convertTo(samples, bitDepth == 16 ? CV_16UC3 : CV_8UC3,
                             bitDepth == 16 ? 65535.0 : 255.0);
    return samples;
}

// `segments` (marker, payload) right after SOI and the JFIF header (which must come first).
std::vector<uint8_t> withJpegSegments(
    const std::vector<uint8_t>& jpeg,
    const std::vector<std::pair<uint8_t, std::vector<uint8_t>>>& segments,
    const std::string& name) {
    const JpegHeader header = readJpegHeader(jpeg);
    if (header.segments.empty()) {
        throw Error("Cannot export " + name + ": OpenCV produced a JPEG without segments");
    }
    size_t insertAt = 2;  // after SOI
    const JpegSegment& first = header.segments.front();
    if (first.marker == kJpegApp0Marker) {
        insertAt = static_cast<size_t>(first.data.data() + first.data.size() - jpeg.data());
    }
    std::vector<uint8_t> result(jpeg.begin(), jpeg.begin() + static_cast<ptrdiff_t>(insertAt));
    for (const auto& [marker, payload] : segments) {
        appendJpegSegment(result, marker, payload);
    }
    result.insert(result.end(), jpeg.begin() + static_cast<ptrdiff_t>(insertAt), jpeg.end());
    return result;
}

// The recipe as comment segments (one that is too long for a segment continues in the next,
// and readers join them), then the masks in APP9 segments (core/image/JpegMaskSegments.h).
std::vector<std::pair<uint8_t, std::vector<uint8_t>>> recipeSegments(
    const ImageExportOptions& options) {
    std::vector<std::pair<uint8_t, std::vector<uint8_t>>> segments;
    const std::string& text = options.settings;
    for (size_t offset = 0; offset < text.size(); offset += kMaxJpegSegmentPayload) {
        const size_t length = std::min(kMaxJpegSegmentPayload, text.size() - offset);
        segments.emplace_back(
            kJpegCommentMarker,
            std::vector<uint8_t>(text.begin() + static_cast<ptrdiff_t>(offset),
                                 text.begin() + static_cast<ptrdiff_t>(offset + length)));
    }
    for (std::vector<uint8_t>& part : jpegMaskSegments(maskChunkStream(options.masks))) {
        segments.emplace_back(kJpegMaskMarker, std::move(part));
    }
    return segments;
}

std::vector<uint8_t> encodeJpeg(const Image& image, const ImageExportOptions& options,
                                const std::string& name) {
    cv::Mat bgr;
    cv::cvtColor(rgbSamples(image, 8), bgr, cv::COLOR_RGB2BGR);
    std::vector<uint8_t> encoded;
    try {
        if (!cv::imencode(".jpg", bgr, encoded, {cv::IMWRITE_JPEG_QUALITY, options.jpegQuality})) {
            throw Error("Cannot export " + name + ": OpenCV could not encode the JPEG");
        }
    } catch (const cv::Exception& exception) {
        throw Error("Cannot export " + name + ": OpenCV could not encode the JPEG (" +
                    exception.err + ")");
    }
    const auto segments = recipeSegments(options);
    return segments.empty() ? encoded : withJpegSegments(encoded, segments, name);
}

// libtiff reports through handlers; this one keeps the first message for the exception.
int keepTiffError(TIFF*, void* userData, const char* module, const char* format, va_list args) {
    auto* message = static_cast<std::string*>(userData);
    if (message->empty()) {
        char text[512];
        std::vsnprintf(text, sizeof text, format, args);
        *message = std::string(module ? module : "libtiff") + ": " + text;
    }
    return 1;
}

int ignoreTiffWarning(TIFF*, void*, const char*, const char*, va_list) {
    return 1;
}

// Deflate-compressed RGB with the recipe in ImageDescription and the masks in their tag, written by
// libtiff into an anonymous temporary file and read back, so that the real file is written
// atomically.
std::vector<uint8_t> encodeTiff(const Image& image, const ImageExportOptions& options, int bitDepth,
                                const std::string& name) {
    const cv::Mat samples = rgbSamples(image, bitDepth);
    const std::unique_ptr<FILE, int (*)(FILE*)> scratch(std::tmpfile(), &std::fclose);
    if (!scratch) {
        throw Error("Cannot export " + name + ": no temporary file for the TIFF encoder");
    }
    std::string failure;
    TIFFOpenOptions* openOptions = TIFFOpenOptionsAlloc();
    TIFFOpenOptionsSetErrorHandlerExtR(openOptions, keepTiffError, &failure);
    TIFFOpenOptionsSetWarningHandlerExtR(openOptions, ignoreTiffWarning, nullptr);
    // libtiff closes the descriptor it is given; the scratch file keeps its own.
    TIFF* tiff = TIFFFdOpenExt(::dup(::fileno(scratch.get())), name.c_str(), "w", openOptions);
    TIFFOpenOptionsFree(openOptions);
    if (!tiff) {
        throw Error("Cannot export " + name + ": " + failure);
    }
    TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, static_cast<uint32_t>(samples.cols));
    TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, static_cast<uint32_t>(samples.rows));
    TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, 3);
    TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, bitDepth);
    TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
    TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tiff, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
    TIFFSetField(tiff, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
    TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(tiff, 0));
    TIFFSetField(tiff, TIFFTAG_SOFTWARE, "Impasto");
    if (!options.settings.empty()) {
        TIFFSetField(tiff, TIFFTAG_IMAGEDESCRIPTION, options.settings.c_str());
    }
    const std::vector<uint8_t> masks = maskChunkStream(options.masks);
    if (!masks.empty()) {
        // Any number of bytes, counted by TIFFSetField's 32-bit argument (TIFF_VARIABLE2).
        static const TIFFFieldInfo maskField = {kTiffMaskTag,
                                                TIFF_VARIABLE2,
                                                TIFF_VARIABLE2,
                                                TIFF_UNDEFINED,
                                                FIELD_CUSTOM,
                                                1,
                                                1,
                                                const_cast<char*>("ImpastoMasks")};
        if (TIFFMergeFieldInfo(tiff, &maskField, 1) != 0 ||
            TIFFSetField(tiff, kTiffMaskTag, static_cast<uint32_t>(masks.size()), masks.data()) !=
                1) {
            TIFFClose(tiff);
            throw Error("Cannot export " + name + ": libtiff cannot store the masks" +
                        (failure.empty() ? "" : " (" + failure + ")"));
        }
    }
    bool written = true;
    for (int row = 0; row < samples.rows && written; ++row) {
        // libtiff's predictor works in place on the row it is given.
        cv::Mat copy = samples.row(row).clone();
        written = TIFFWriteScanline(tiff, copy.data, static_cast<uint32_t>(row), 0) == 1;
    }
    written = TIFFWriteDirectory(tiff) == 1 && written;
    TIFFClose(tiff);
    if (!written) {
        throw Error("Cannot export " + name + ": " +
                    (failure.empty() ? "libtiff failed" : failure));
    }
    std::vector<uint8_t> bytes;
    std::rewind(scratch.get());
    uint8_t buffer[1 << 16];
    size_t count = 0;
    while ((count = std::fread(buffer, 1, sizeof buffer, scratch.get())) > 0) {
        bytes.insert(bytes.end(), buffer, buffer + count);
    }
    if (std::ferror(scratch.get())) {
        throw Error("Cannot export " + name + ": cannot read back the encoded TIFF");
    }
    return bytes;
}

}  // namespace

std::optional<ImageFormat> imageFormatFor(const std::filesystem::path& file) {
    const std::string extension = lowercaseExtension(file);
    if (extension == ".png")
        return ImageFormat::Png;
    if (extension == ".jpg" || extension == ".jpeg")
        return ImageFormat::Jpeg;
    if (extension == ".tif" || extension == ".tiff")
        return ImageFormat::Tiff;
    return std::nullopt;
}

int exportBitDepth(ImageFormat format, int requested) {
    if (requested != 0) {
        return requested;
    }
    return format == ImageFormat::Tiff ? 16 : 8;
}

void exportImage(const std::filesystem::path& file, const Image& image,
                 const ImageExportOptions& options) {
    const std::string name = file.string();
    const std::optional<ImageFormat> format = imageFormatFor(file);
    if (!format) {
        throw Error("Cannot export " + name +
                    ": the name must end in .png, .jpg, .jpeg, .tif or .tiff (the format)");
    }
    const int bitDepth = exportBitDepth(*format, options.bitDepth);
    if (*format == ImageFormat::Png) {
        PngExportOptions png;
        png.bitDepth = bitDepth;
        png.text = options.pngText;
        png.masks = options.masks;
        if (!options.settings.empty()) {
            png.text["impasto:settings"] = options.settings;
        }
        exportPng(file, image, png);
        return;
    }
    if (bitDepth != 8 && (bitDepth != 16 || *format == ImageFormat::Jpeg)) {
        throw Error("Cannot export " + name + ": " +
                    (*format == ImageFormat::Jpeg ? "JPEG holds 8 bits per channel only"
                                                  : "TIFF is written with 8 or 16 bits") +
                    ", not " + std::to_string(bitDepth) + " (PNG and TIFF hold 16)");
    }
    if (image.empty() || image.rgb.size() != image.pixelCount() * 3) {
        throw Error("Cannot export " + name + ": the image is empty or not float RGB");
    }
    const std::vector<uint8_t> bytes = *format == ImageFormat::Jpeg
                                           ? encodeJpeg(image, options, name)
                                           : encodeTiff(image, options, bitDepth, name);
    writeFileAtomically(file, bytes);
}

}  // namespace impasto
