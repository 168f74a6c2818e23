#include "core/image/PngExport.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/image/EmbeddedMasks.h"
#include "core/image/ImageMat.h"
#include "core/image/PngChunks.h"
#include "core/image/PngText.h"

namespace impasto {

namespace {

// Below this alpha a pixel is transparent in 16-bit output; its colour cannot be recovered.
constexpr float kMinAlpha = 1.0f / 65535.0f;

// Image::rgb is composited over white; the colour written next to the alpha is the one that,
// composited over white again, gives rgb back (so load -> export -> load is stable).
cv::Mat uncompositeFromWhite(const cv::Mat& rgb, const cv::Mat& alpha) {
    cv::Mat colour(rgb.size(), CV_32FC3);
    for (int y = 0; y < rgb.rows; ++y) {
        const auto* in = rgb.ptr<cv::Vec3f>(y);
        const auto* a = alpha.ptr<float>(y);
        auto* out = colour.ptr<cv::Vec3f>(y);
        for (int x = 0; x < rgb.cols; ++x) {
            const float alphaValue = a[x];
            for (int c = 0; c < 3; ++c) {
                out[x][c] = alphaValue < kMinAlpha ? in[x][c]
                                                   : (in[x][c] - (1.0f - alphaValue)) / alphaValue;
            }
        }
    }
    return colour;
}

// BGR(A) samples of `bitDepth` bits as OpenCV encodes them; convertTo rounds and saturates,
// which clamps out-of-range values.
cv::Mat toStoredSamples(const Image& image, int bitDepth) {
    std::vector<cv::Mat> planes;
    if (!image.hasAlpha()) {
        cv::split(rgbView(image), planes);
    } else {
        cv::split(uncompositeFromWhite(rgbView(image), alphaView(image)), planes);
        planes.push_back(alphaView(image));
    }
    std::swap(planes[0], planes[2]);
    cv::Mat merged;
    cv::merge(planes, merged);
    cv::Mat samples;
    merged.convertTo(samples, bitDepth == 16 ? CV_16U : CV_8U, bitDepth == 16 ? 65535.0 : 255.0);
    return samples;
}

void validate(const std::string& name, const Image& image, const PngExportOptions& options) {
    if (options.bitDepth != 8 && options.bitDepth != 16) {
        throw Error("Cannot export " + name + ": PNG bit depth must be 8 or 16, not " +
                    std::to_string(options.bitDepth));
    }
    if (image.empty() || image.rgb.size() != image.pixelCount() * 3) {
        throw Error("Cannot export " + name + ": the image is empty or not float RGB");
    }
    if (image.hasAlpha() && image.alpha.size() != image.pixelCount()) {
        throw Error("Cannot export " + name +
                    ": the alpha channel does not match the image (size or type)");
    }
}

}  // namespace

void exportPng(const std::filesystem::path& file, const Image& image,
               const PngExportOptions& options) {
    const std::string name = file.string();
    validate(name, image, options);

    // (chunk type, payload) pairs: tEXt for ASCII text, which every tool shows (ImageMagick 6
    // ignores iTXt), iTXt for the rest.
    std::vector<std::pair<const char*, std::vector<uint8_t>>> textPayloads;
    for (const auto& [keyword, text] : options.text) {
        const bool ascii = std::all_of(text.begin(), text.end(),
                                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
        std::optional<std::vector<uint8_t>> payload =
            ascii ? makeTExtPayload(keyword, text) : makeITxtPayload(keyword, text);
        if (!payload) {
            throw Error("Cannot export " + name + ": the text entry \"" + keyword +
                        "\" is invalid (keywords are 1 to 79 Latin-1 characters without "
                        "leading, trailing or double spaces; text must be UTF-8)");
        }
        textPayloads.emplace_back(ascii ? "tEXt" : "iTXt", std::move(*payload));
    }

    std::vector<uint8_t> encoded;
    try {
        if (!cv::imencode(".png", toStoredSamples(image, options.bitDepth), encoded)) {
            throw Error("Cannot export " + name + ": OpenCV could not encode the PNG");
        }
    } catch (const cv::Exception& exception) {
        throw Error("Cannot export " + name + ": OpenCV could not encode the PNG (" +
                    exception.err + ")");
    }

    // Text goes right after IHDR, where readers that stop early still find it.
    const PngChunkList chunks = readPngChunks(encoded);
    if (chunks.chunks.empty() || chunks.chunks.front().type != "IHDR") {
        throw Error("Cannot export " + name + ": OpenCV produced a PNG without a header");
    }
    const size_t afterHeader = chunks.chunks.front().end;
    std::vector<uint8_t> png(encoded.begin(), encoded.begin() + afterHeader);
    for (const auto& [type, payload] : textPayloads) {
        appendPngChunk(png, type, payload);
    }
    // Masks go last, so that viewers reach the picture without reading past them.
    const PngChunk& end = chunks.chunks.back();
    if (end.type != "IEND") {
        throw Error("Cannot export " + name + ": OpenCV produced a PNG without an end");
    }
    const size_t endStart = end.end - end.data.size() - 12;  // its length, type and CRC
    png.insert(png.end(), encoded.begin() + afterHeader, encoded.begin() + endStart);
    for (const std::vector<uint8_t>& mask : maskChunkData(options.masks)) {
        appendPngChunk(png, kMaskChunkType, mask);
    }
    png.insert(png.end(), encoded.begin() + endStart, encoded.end());

    writeFileAtomically(file, png);
}

}  // namespace impasto
