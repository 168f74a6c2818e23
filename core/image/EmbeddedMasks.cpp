#include "core/image/EmbeddedMasks.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

#include <opencv2/imgproc.hpp>

#include "core/common/Error.h"
#include "core/common/RegularFile.h"
#include "core/image/FileBytes.h"
#include "core/image/JpegMaskSegments.h"
#include "core/image/MaskFile.h"
#include "core/image/TiffTags.h"

namespace impasto {

namespace {

constexpr double kMaxMaskPixels = kMaxEmbeddedMaskMegapixels * 1e6;

// A mask with more pixels than a reader takes, shrunk (area averaging) to fit.
Mask fitForReaders(const Mask& mask) {
    const double pixels = double(mask.width()) * mask.height();
    if (pixels <= kMaxMaskPixels) {
        return mask;
    }
    const double scale = std::sqrt(kMaxMaskPixels / pixels);
    const int width = std::max(1, int(mask.width() * scale));
    const int height = std::max(1, int(mask.height() * scale));
    Mask shrunk(width, height);
    cv::resize(
        cv::Mat(mask.height(), mask.width(), CV_32FC1, const_cast<float*>(mask.values.data())),
        cv::Mat(height, width, CV_32FC1, shrunk.values.data()), cv::Size(width, height), 0, 0,
        cv::INTER_AREA);
    return shrunk;
}

void appendMask(std::vector<std::vector<uint8_t>>& data, const std::string& name,
                const Mask& mask) {
    std::vector<uint8_t> chunk(name.begin(), name.end());
    chunk.push_back(0);
    const std::vector<uint8_t> png = encodeMaskPng(fitForReaders(mask), "the mask " + name);
    chunk.insert(chunk.end(), png.begin(), png.end());
    data.push_back(std::move(chunk));
}

void appendEach(std::vector<std::vector<uint8_t>>& data, const std::string& prefix,
                const std::vector<std::optional<Mask>>& masks) {
    for (size_t i = 0; i < masks.size(); ++i) {
        if (masks[i]) {
            appendMask(data, prefix + std::to_string(i + 1), *masks[i]);
        }
    }
}

// The painting number after `prefix` in `name` ("style-2" -> 2), if in range.
std::optional<int> paintingNumber(std::string_view name, std::string_view prefix) {
    if (!name.starts_with(prefix)) {
        return std::nullopt;
    }
    name.remove_prefix(prefix.size());
    int number = 0;
    const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), number);
    if (error != std::errc() || end != name.data() + name.size() || number < 1 ||
        number > kMaxEmbeddedMaskPainting) {
        return std::nullopt;
    }
    return number;
}

// Where a mask of `name` goes in `masks`; null for names this version does not know.
std::optional<Mask>* slotFor(MaskSet& masks, std::string_view name) {
    if (name == "keep") {
        return &masks.keep;
    }
    for (auto [prefix, list] :
         {std::pair{"style-", &masks.paintings}, std::pair{"source-", &masks.sources}}) {
        if (const std::optional<int> number = paintingNumber(name, prefix)) {
            if (list->size() < size_t(*number)) {
                list->resize(size_t(*number));
            }
            return &(*list)[size_t(*number - 1)];
        }
    }
    return nullptr;
}

}  // namespace

std::vector<std::vector<uint8_t>> maskChunkData(const MaskSet& masks) {
    std::vector<std::vector<uint8_t>> data;
    appendEach(data, "style-", masks.paintings);
    appendEach(data, "source-", masks.sources);
    if (masks.keep) {
        appendMask(data, "keep", *masks.keep);
    }
    return data;
}

std::vector<uint8_t> maskChunkStream(const MaskSet& masks) {
    const std::vector<std::vector<uint8_t>> data = maskChunkData(masks);
    if (data.empty()) {
        return {};
    }
    std::vector<uint8_t> stream(kPngSignature.begin(), kPngSignature.end());
    for (const std::vector<uint8_t>& chunk : data) {
        appendPngChunk(stream, kMaskChunkType, chunk);
    }
    appendPngChunk(stream, "IEND", {});
    return stream;
}

MaskSet masksFromPngChunks(const PngChunkList& chunks, const std::string& name) {
    MaskSet masks;
    size_t count = 0;
    double megapixels = 0.0;
    for (const PngChunk& chunk : chunks.chunks) {
        if (chunk.type != kMaskChunkType) {
            continue;
        }
        if (++count > kMaxEmbeddedMasks || chunk.data.size() > kMaxMaskChunkBytes) {
            throw Error(name + " holds more or larger masks than Impasto writes (at most " +
                        std::to_string(kMaxEmbeddedMasks) + ", " +
                        std::to_string(kMaxMaskChunkBytes >> 20) + " MB each)");
        }
        if (!chunk.crcMatches()) {
            throw Error(name + " is corrupt (a mask chunk fails its checksum)");
        }
        const auto nul = std::find(chunk.data.begin(), chunk.data.end(), uint8_t{0});
        if (nul == chunk.data.end()) {
            continue;  // no name: not one of ours
        }
        const std::string maskName(chunk.data.begin(), nul);
        std::optional<Mask>* slot = slotFor(masks, maskName);
        if (slot == nullptr || slot->has_value()) {
            continue;
        }
        const std::span<const uint8_t> png(nul + 1, chunk.data.end());
        if (!hasPngSignature(png)) {  // Impasto writes PNG only: no other decoder sees the bytes
            throw Error("The mask " + maskName + " in " + name + " is not a PNG image");
        }
        *slot = decodeMaskAllowingBlack(png, "the mask " + maskName + " in " + name,
                                        kMaxEmbeddedMaskMegapixels);
        megapixels += double((*slot)->width()) * (*slot)->height() / 1e6;
        if (megapixels > kMaxEmbeddedMasksMegapixels) {
            throw Error(name + " holds masks of more than " +
                        std::to_string(int(kMaxEmbeddedMasksMegapixels)) +
                        " megapixels together, more than Impasto writes");
        }
    }
    return masks;
}

namespace {

// The masks in a whole chunk stream: a PNG file, or the stream a JPEG or TIFF carries;
// `truncated` is the message for one that ends early.
MaskSet masksFromChunkStream(std::span<const uint8_t> stream, const std::string& name,
                             const std::string& truncated) {
    const PngChunkList chunks = readPngChunks(stream);
    if (!chunks.complete) {
        throw Error(truncated);
    }
    return masksFromPngChunks(chunks, name);
}

}  // namespace

MaskSet embeddedMasks(std::span<const uint8_t> bytes, const std::string& name) {
    if (hasPngSignature(bytes)) {
        return masksFromChunkStream(bytes, name, name + " is truncated or corrupt");
    }
    const std::string truncated = name + " is truncated or corrupt (its masks end early)";
    if (hasJpegSignature(bytes)) {
        const std::vector<uint8_t> stream = joinJpegMaskSegments(readJpegHeader(bytes), name);
        return stream.empty() ? MaskSet{} : masksFromChunkStream(stream, name, truncated);
    }
    const std::optional<std::span<const uint8_t>> stream = readTiffBytes(bytes, kTiffMaskTag);
    return stream ? masksFromChunkStream(*stream, name, truncated) : MaskSet{};
}

MaskSet readEmbeddedMasks(const std::filesystem::path& file) {
    // Only images are read whole: a preset or a large unrelated file costs its first bytes.
    const std::vector<uint8_t> start = RegularFile(file).readStart(kPngSignature.size());
    if (!hasPngSignature(start) && !hasJpegSignature(start) && !hasTiffSignature(start)) {
        return {};
    }
    return embeddedMasks(readFileBytes(file), file.string());
}

}  // namespace impasto
