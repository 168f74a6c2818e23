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

// The steps that may longjmp hold nothing with a destructor: a jump skips destructors.
bool readHeaderAndChooseTransforms(png_structp png, png_infop info) {
    if (setjmp(png_jmpbuf(png))) {
        return false;
    }
    png_read_info(png, info);
    const int colourType = png_get_color_type(png, info);
    const int bitDepth = png_get_bit_depth(png, info);
    const bool colour = (colourType & PNG_COLOR_MASK_COLOR) != 0;
    if (bitDepth == 16 && std::endian::native == std::endian::little) {
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
    if (!readHeaderAndChooseTransforms(reader.png(), reader.info())) {
        throw Error(corrupt);
    }
    const png_uint_32 width = png_get_image_width(reader.png(), reader.info());
    const png_uint_32 height = png_get_image_height(reader.png(), reader.info());
    const int channels = png_get_channels(reader.png(), reader.info());
    const int depth = png_get_bit_depth(reader.png(), reader.info()) == 16 ? CV_16U : CV_8U;
    // libpng refuses sides over a million pixels (its default limits): they fit an int.
    cv::Mat decoded(static_cast<int>(height), static_cast<int>(width),
                    CV_MAKETYPE(depth, channels));
    if (png_get_rowbytes(reader.png(), reader.info()) != decoded.step[0]) {
        throw Error(corrupt);
    }
    std::vector<png_bytep> rows(height);
    for (png_uint_32 row = 0; row < height; ++row) {
        rows[row] = decoded.ptr(static_cast<int>(row));
    }
    if (!readRows(reader.png(), rows.data())) {
        throw Error(corrupt);
    }
    return decoded;
}

std::optional<ShrunkSamples> decodePngShrunk(std::span<const uint8_t> bytes,
                                             const std::string& name, int maxSide) {
    const std::string corrupt = name + " is truncated or corrupt";
    PngReader reader(bytes);
    if (!readHeaderAndChooseTransforms(reader.png(), reader.info())) {
        throw Error(corrupt);
    }
    const auto width = static_cast<int>(png_get_image_width(reader.png(), reader.info()));
    const auto height = static_cast<int>(png_get_image_height(reader.png(), reader.info()));
    if (maxSide <= 0 || std::max(width, height) <= maxSide ||
        png_get_interlace_type(reader.png(), reader.info()) != PNG_INTERLACE_NONE) {
        return std::nullopt;
    }
    const int channels = png_get_channels(reader.png(), reader.info());
    const bool sixteenBits = png_get_bit_depth(reader.png(), reader.info()) == 16;
    const size_t rowBytes = png_get_rowbytes(reader.png(), reader.info());
    if (rowBytes != static_cast<size_t>(width) * channels * (sixteenBits ? 2 : 1)) {
        throw Error(corrupt);
    }
    const ScaledSize size = sizeForMaxSide(width, height, maxSide);
    AreaShrinker shrinker(width, height, size.width, size.height, channels);
    // 16-bit rows are read into uint16_t storage so that their samples are aligned.
    std::vector<uint16_t> row((rowBytes + 1) / 2);
    std::vector<float> unitRow(static_cast<size_t>(width) * channels);
    for (int y = 0; y < height; ++y) {
        auto* bytesOfRow = reinterpret_cast<png_bytep>(row.data());
        if (!readRow(reader.png(), bytesOfRow)) {
            throw Error(corrupt);
        }
        toCompositedUnitRow(bytesOfRow, sixteenBits ? 16 : 8, width, channels, false, unitRow);
        shrinker.addRow(unitRow.data());
    }
    if (!readEnd(reader.png())) {
        throw Error(corrupt);
    }
    return ShrunkSamples{shrinker.result(), width, height, sixteenBits ? 16 : 8};
}

}  // namespace impasto
