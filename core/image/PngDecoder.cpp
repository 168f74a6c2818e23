#include "core/image/PngDecoder.h"

#include <algorithm>
#include <bit>
#include <csetjmp>
#include <cstring>
#include <new>
#include <vector>

#include <png.h>

#include "core/common/Error.h"
#include "core/image/AreaShrinker.h"
#include "core/image/Resize.h"

namespace impasto {

namespace {

struct PngInput {
    std::span<const uint8_t> bytes;
    size_t offset = 0;
};

void readFromMemory(png_structp png, png_bytep out, size_t length) {
    auto* input = static_cast<PngInput*>(png_get_io_ptr(png));
    if (length > input->bytes.size() - input->offset) {
        png_error(png, "the file ends early");
    }
    std::memcpy(out, input->bytes.data() + input->offset, length);
    input->offset += length;
}

// libpng's handlers for its errors must not return: back to the setjmp of the step that failed.
[[noreturn]] void jumpBack(png_structp png, png_const_charp) {
    png_longjmp(png, 1);
}

void dropWarning(png_structp, png_const_charp) {}

// The read and info structures, freed however the decode ends.
class PngReader {
public:
    explicit PngReader(std::span<const uint8_t> bytes) : input_{bytes} {
        png_ = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, jumpBack, dropWarning);
        info_ = png_ ? png_create_info_struct(png_) : nullptr;
        if (!info_) {
            png_destroy_read_struct(&png_, nullptr, nullptr);
            throw std::bad_alloc();
        }
        png_set_read_fn(png_, &input_, readFromMemory);
    }
    ~PngReader() { png_destroy_read_struct(&png_, &info_, nullptr); }
    PngReader(const PngReader&) = delete;
    PngReader& operator=(const PngReader&) = delete;

    png_structp png() const { return png_; }
    png_infop info() const { return info_; }

private:
    PngInput input_;
    png_structp png_ = nullptr;
    png_infop info_ = nullptr;
};

// Whether a PNG is shrunk to `maxSide` (0: kept whole) by a real factor.
bool shrinks(png_structp png, png_infop info, int maxSide) {
    return maxSide > 0 &&
           std::max(png_get_image_width(png, info), png_get_image_height(png, info)) >
               static_cast<unsigned>(maxSide);
}

// The steps that may longjmp hold nothing with a destructor: a jump skips destructors.
// `storedBitDepth` is the file's, before the transforms.
bool readHeaderAndChooseTransforms(png_structp png, png_infop info, int maxSide,
                                   int& storedBitDepth) {
    if (setjmp(png_jmpbuf(png))) {
        return false;
    }
    png_read_info(png, info);
    const int colourType = png_get_color_type(png, info);
    const int bitDepth = png_get_bit_depth(png, info);
    storedBitDepth = bitDepth;
    const bool colour = (colourType & PNG_COLOR_MASK_COLOR) != 0;
    const bool interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
    if (bitDepth == 16 && interlaced && shrinks(png, info, maxSide)) {
        // Adam7 needs the whole image at once; scaled to 8 bits it takes half the memory, and
        // the precision lost is below what shrinking by a real factor averages away.
        png_set_scale_16(png);
    } else if (bitDepth == 16 && std::endian::native == std::endian::little) {
        png_set_swap(png);
    }
    if (colourType == PNG_COLOR_TYPE_PALETTE) {
        png_set_palette_to_rgb(png);
    }
    if (!colour && bitDepth < 8) {
        png_set_expand_gray_1_2_4_to_8(png);
    }
    // As OpenCV does: transparency from tRNS for colour images; a gray one's is not applied.
    if (colour && png_get_valid(png, info, PNG_INFO_tRNS)) {
        png_set_tRNS_to_alpha(png);
    }
    if (colour) {
        png_set_bgr(png);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    return true;
}

bool readRows(png_structp png, png_bytepp rows) {
    if (setjmp(png_jmpbuf(png))) {
        return false;
    }
    png_read_image(png, rows);
    png_read_end(png, nullptr);
    return true;
}

// The whole image, after the transforms chosen, as one cv::Mat.
cv::Mat decodeRows(const PngReader& reader, int width, int height, int channels, int bitDepth,
                   const std::string& corrupt) {
    cv::Mat decoded(height, width, CV_MAKETYPE(bitDepth == 16 ? CV_16U : CV_8U, channels));
    if (png_get_rowbytes(reader.png(), reader.info()) != decoded.step[0]) {
        throw Error(corrupt);
    }
    std::vector<png_bytep> rows(static_cast<size_t>(height));
    for (int row = 0; row < height; ++row) {
        rows[static_cast<size_t>(row)] = decoded.ptr(row);
    }
    if (!readRows(reader.png(), rows.data())) {
        throw Error(corrupt);
    }
    return decoded;
}

bool readRow(png_structp png, png_bytep row) {
    if (setjmp(png_jmpbuf(png))) {
        return false;
    }
    png_read_row(png, row, nullptr);
    return true;
}

bool readEnd(png_structp png) {
    if (setjmp(png_jmpbuf(png))) {
        return false;
    }
    png_read_end(png, nullptr);
    return true;
}

}  // namespace

cv::Mat decodePng(std::span<const uint8_t> bytes, const std::string& name) {
    const std::string corrupt = name + " is truncated or corrupt";
    PngReader reader(bytes);
    int storedBitDepth = 0;
    if (!readHeaderAndChooseTransforms(reader.png(), reader.info(), 0, storedBitDepth)) {
        throw Error(corrupt);
    }
    const png_uint_32 width = png_get_image_width(reader.png(), reader.info());
    const png_uint_32 height = png_get_image_height(reader.png(), reader.info());
    const int channels = png_get_channels(reader.png(), reader.info());
    // libpng refuses sides over a million pixels (its default limits): they fit an int.
    return decodeRows(reader, static_cast<int>(width), static_cast<int>(height), channels,
                      png_get_bit_depth(reader.png(), reader.info()) == 16 ? 16 : 8, corrupt);
}

std::optional<ShrunkSamples> decodePngShrunk(std::span<const uint8_t> bytes,
                                             const std::string& name, int maxSide) {
    const std::string corrupt = name + " is truncated or corrupt";
    PngReader reader(bytes);
    int storedBitDepth = 0;
    if (!readHeaderAndChooseTransforms(reader.png(), reader.info(), maxSide, storedBitDepth)) {
        throw Error(corrupt);
    }
    if (!shrinks(reader.png(), reader.info(), maxSide)) {
        return std::nullopt;
    }
    const auto width = static_cast<int>(png_get_image_width(reader.png(), reader.info()));
    const auto height = static_cast<int>(png_get_image_height(reader.png(), reader.info()));
    const int channels = png_get_channels(reader.png(), reader.info());
    const int bitDepth = png_get_bit_depth(reader.png(), reader.info()) == 16 ? 16 : 8;
    const size_t rowBytes = png_get_rowbytes(reader.png(), reader.info());
    if (rowBytes != static_cast<size_t>(width) * channels * (bitDepth / 8)) {
        throw Error(corrupt);
    }
    const ScaledSize size = sizeForMaxSide(width, height, maxSide);
    AreaShrinker shrinker(width, height, size.width, size.height, channels);
    std::vector<float> unitRow(static_cast<size_t>(width) * channels);
    if (png_get_interlace_type(reader.png(), reader.info()) != PNG_INTERLACE_NONE) {
        // Adam7's passes each cover the whole image: decoded whole (8-bit, see above), then
        // shrunk row by row.
        const cv::Mat whole = decodeRows(reader, width, height, channels, bitDepth, corrupt);
        for (int y = 0; y < height; ++y) {
            toCompositedUnitRow(whole.ptr(y), bitDepth, width, channels, false, unitRow);
            shrinker.addRow(unitRow.data());
        }
        return ShrunkSamples{shrinker.result(), width, height, storedBitDepth == 16 ? 16 : 8};
    }
    // 16-bit rows are read into uint16_t storage so that their samples are aligned.
    std::vector<uint16_t> row((rowBytes + 1) / 2);
    for (int y = 0; y < height; ++y) {
        auto* bytesOfRow = reinterpret_cast<png_bytep>(row.data());
        if (!readRow(reader.png(), bytesOfRow)) {
            throw Error(corrupt);
        }
        toCompositedUnitRow(bytesOfRow, bitDepth, width, channels, false, unitRow);
        shrinker.addRow(unitRow.data());
    }
    if (!readEnd(reader.png())) {
        throw Error(corrupt);
    }
    return ShrunkSamples{shrinker.result(), width, height, bitDepth};
}

}  // namespace impasto
