#include "core/image/TiffStripDecoder.h"

#include <tiffio.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "core/common/Error.h"
#include "core/image/AreaShrinker.h"
#include "core/image/Resize.h"

namespace impasto {

namespace {

// libtiff reads the file through these, from memory.
struct TiffInput {
    std::span<const uint8_t> bytes;
    toff_t offset = 0;
};

tmsize_t readInput(thandle_t handle, void* out, tmsize_t size) {
    auto* input = static_cast<TiffInput*>(handle);
    if (size < 0 || input->offset > input->bytes.size()) {
        return -1;
    }
    const auto count =
        std::min<toff_t>(static_cast<toff_t>(size), input->bytes.size() - input->offset);
    std::memcpy(out, input->bytes.data() + input->offset, count);
    input->offset += count;
    return static_cast<tmsize_t>(count);
}

tmsize_t refuseWrite(thandle_t, void*, tmsize_t) {
    return -1;
}

toff_t seekInput(thandle_t handle, toff_t offset, int whence) {
    auto* input = static_cast<TiffInput*>(handle);
    const toff_t base = whence == SEEK_CUR   ? input->offset
                        : whence == SEEK_END ? input->bytes.size()
                                             : 0;
    input->offset = base + offset;
    return input->offset;
}

int closeInput(thandle_t) {
    return 0;
}

toff_t inputSize(thandle_t handle) {
    return static_cast<TiffInput*>(handle)->bytes.size();
}

int noMap(thandle_t, void**, toff_t*) {
    return 0;
}

void noUnmap(thandle_t, void*, toff_t) {}

// Errors are counted (and warnings dropped) instead of printed: the caller reports the file.
int countError(TIFF*, void* errors, const char*, const char*, va_list) {
    ++*static_cast<int*>(errors);
    return 1;
}

int dropWarning(TIFF*, void*, const char*, const char*, va_list) {
    return 1;
}

struct TiffCloser {
    void operator()(TIFF* tiff) const { TIFFClose(tiff); }
};

template <typename T>
T field(TIFF* tiff, ttag_t tag, T otherwise) {
    T value{};
    return TIFFGetField(tiff, tag, &value) == 1 ? value : otherwise;
}

// Whether the last of 2 or 4 samples is unassociated alpha (or unspecified, which OpenCV also
// composites as alpha); premultiplied alpha is left to OpenCV.
bool alphaIsUnassociated(TIFF* tiff) {
    uint16_t count = 0;
    uint16_t* kinds = nullptr;
    if (TIFFGetField(tiff, TIFFTAG_EXTRASAMPLES, &count, &kinds) != 1 || count == 0) {
        return true;
    }
    return kinds[count - 1] != EXTRASAMPLE_ASSOCALPHA;
}

// Whether every strip lies inside the file. libtiff's scanline reader (4.5) reads a strip in
// parts, and a strip that claims bytes past the end makes it write outside its own buffer.
bool stripsInsideFile(TIFF* tiff, uint64_t fileSize) {
    const uint32_t strips = TIFFNumberOfStrips(tiff);
    for (uint32_t strip = 0; strip < strips; ++strip) {
        const uint64_t offset = TIFFGetStrileOffset(tiff, strip);
        const uint64_t size = TIFFGetStrileByteCount(tiff, strip);
        if (offset > fileSize || size > fileSize - offset) {
            return false;
        }
    }
    return strips > 0;
}

}  // namespace

std::optional<ShrunkSamples> decodeTiffShrunk(std::span<const uint8_t> bytes,
                                              const std::string& name, int maxSide) {
    int errors = 0;
    TiffInput input{bytes};
    std::unique_ptr<TIFFOpenOptions, decltype(&TIFFOpenOptionsFree)> options(TIFFOpenOptionsAlloc(),
                                                                             &TIFFOpenOptionsFree);
    TIFFOpenOptionsSetErrorHandlerExtR(options.get(), countError, &errors);
    TIFFOpenOptionsSetWarningHandlerExtR(options.get(), dropWarning, nullptr);
    const std::unique_ptr<TIFF, TiffCloser> tiff(
        TIFFClientOpenExt(name.c_str(), "rm", &input, readInput, refuseWrite, seekInput, closeInput,
                          inputSize, noMap, noUnmap, options.get()));
    const std::string corrupt = name + " is truncated or corrupt";
    if (!tiff) {
        throw Error(corrupt);
    }
    TIFF* t = tiff.get();
    const auto width = field<uint32_t>(t, TIFFTAG_IMAGEWIDTH, 0);
    const auto height = field<uint32_t>(t, TIFFTAG_IMAGELENGTH, 0);
    const auto bits = field<uint16_t>(t, TIFFTAG_BITSPERSAMPLE, 1);
    const auto channels = field<uint16_t>(t, TIFFTAG_SAMPLESPERPIXEL, 1);
    const auto photometric = field<uint16_t>(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    const bool streamable =
        maxSide > 0 && std::max(width, height) > static_cast<uint32_t>(maxSide) &&
        !TIFFIsTiled(t) && (bits == 8 || bits == 16) &&
        field<uint16_t>(t, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT) == SAMPLEFORMAT_UINT &&
        field<uint16_t>(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) == PLANARCONFIG_CONTIG &&
        ((photometric == PHOTOMETRIC_MINISBLACK && (channels == 1 || channels == 2)) ||
         (photometric == PHOTOMETRIC_RGB && (channels == 3 || channels == 4))) &&
        ((channels != 2 && channels != 4) || alphaIsUnassociated(t));
    if (!streamable || std::max(width, height) > static_cast<uint32_t>(INT_MAX)) {
        return std::nullopt;  // OpenCV's decoder (and the loader's size checks) judge the rest
    }
    const auto rowBytes = static_cast<size_t>(width) * channels * (bits / 8);
    if (static_cast<size_t>(TIFFScanlineSize64(t)) != rowBytes ||
        !stripsInsideFile(t, bytes.size())) {
        throw Error(corrupt);
    }
    const ScaledSize size =
        sizeForMaxSide(static_cast<int>(width), static_cast<int>(height), maxSide);
    AreaShrinker shrinker(static_cast<int>(width), static_cast<int>(height), size.width,
                          size.height, channels);
    // 16-bit rows are read into uint16_t storage so that their samples are aligned.
    std::vector<uint16_t> row((rowBytes + 1) / 2);
    std::vector<float> unitRow(static_cast<size_t>(width) * channels);
    for (uint32_t y = 0; y < height; ++y) {
        if (TIFFReadScanline(t, row.data(), y, 0) != 1 || errors > 0) {
            throw Error(corrupt);
        }
        toCompositedUnitRow(row.data(), bits, static_cast<int>(width), channels, true, unitRow);
        shrinker.addRow(unitRow.data());
    }
    return ShrunkSamples{shrinker.result(), static_cast<int>(width), static_cast<int>(height),
                         bits};
}

}  // namespace impasto
