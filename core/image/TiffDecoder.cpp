#include "core/image/TiffDecoder.h"

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

// Whether every strip or tile lies inside the file. libtiff's scanline reader (4.5) reads a
// strip in parts, and a strip that claims bytes past the end makes it write outside its own
// buffer; tiles are held to the same rule.
bool strilesInsideFile(TIFF* tiff, uint64_t fileSize) {
    const uint32_t striles = TIFFIsTiled(tiff) ? TIFFNumberOfTiles(tiff) : TIFFNumberOfStrips(tiff);
    for (uint32_t strile = 0; strile < striles; ++strile) {
        const uint64_t offset = TIFFGetStrileOffset(tiff, strile);
        const uint64_t size = TIFFGetStrileByteCount(tiff, strile);
        if (offset > fileSize || size > fileSize - offset) {
            return false;
        }
    }
    return striles > 0;
}

// A band bigger than this (a row of huge tiles, a plane in one strip) is left to OpenCV: reading
// it would not bound memory by the output either.
constexpr uint64_t kMaxBandBytes = 64ull << 20;

// How the samples lie in the file, for the reader of bands: striles (strips or tiles) of
// `strileWidth` x `strileHeight` pixels, one plane each when `planar`.
struct TiffLayout {
    uint32_t width = 0;
    uint32_t height = 0;
    int channels = 1;
    int sampleBytes = 1;
    bool tiled = false;
    bool planar = false;
    uint32_t strileWidth = 0;
    uint32_t strileHeight = 0;

    int samplesPerStrilePixel() const { return planar ? 1 : channels; }
    size_t strileBytes() const {
        return size_t{strileWidth} * strileHeight * samplesPerStrilePixel() * sampleBytes;
    }
    size_t rowBytes() const { return size_t{width} * channels * sampleBytes; }
};

// The striles of a tiled or planar TIFF, whose size libtiff must agree with; nothing when a
// band would be too large to bound memory by.
std::optional<TiffLayout> strileLayout(TIFF* tiff, uint32_t width, uint32_t height, int channels,
                                       int sampleBytes) {
    TiffLayout layout{
        width,
        height,
        channels,
        sampleBytes,
        TIFFIsTiled(tiff) != 0,
        field<uint16_t>(tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) == PLANARCONFIG_SEPARATE};
    if (layout.tiled) {
        layout.strileWidth = field<uint32_t>(tiff, TIFFTAG_TILEWIDTH, 0);
        layout.strileHeight = field<uint32_t>(tiff, TIFFTAG_TILELENGTH, 0);
    } else {
        layout.strileWidth = width;
        layout.strileHeight = std::min(height, field<uint32_t>(tiff, TIFFTAG_ROWSPERSTRIP, height));
    }
    if (layout.strileWidth == 0 || layout.strileHeight == 0 ||
        uint64_t{layout.strileWidth} * layout.strileHeight > kMaxBandBytes ||
        uint64_t{layout.strileHeight} * layout.rowBytes() > kMaxBandBytes ||
        layout.strileBytes() > kMaxBandBytes) {
        return std::nullopt;
    }
    const uint64_t libtiffSize = layout.tiled ? TIFFTileSize64(tiff) : TIFFStripSize64(tiff);
    if (libtiffSize != layout.strileBytes()) {
        return std::nullopt;
    }
    return layout;
}

// Rows [top, top + rows) as interleaved samples, `rowBytes()` each, from the striles that
// hold them (a row of tiles, or a strip of each plane). False when libtiff fails.
bool readBand(TIFF* tiff, const TiffLayout& layout, uint32_t top, uint32_t rows,
              std::vector<uint16_t>& strile, std::vector<uint16_t>& band) {
    const int planes = layout.planar ? layout.channels : 1;
    const size_t pixelBytes = size_t(layout.samplesPerStrilePixel()) * layout.sampleBytes;
    auto* bandBytes = reinterpret_cast<uint8_t*>(band.data());
    const auto* strileBytes = reinterpret_cast<const uint8_t*>(strile.data());
    const auto strileSize = static_cast<tmsize_t>(layout.strileBytes());
    for (int plane = 0; plane < planes; ++plane) {
        for (uint32_t left = 0; left < layout.width; left += layout.strileWidth) {
            const auto sample = static_cast<uint16_t>(plane);
            const tmsize_t read =
                layout.tiled
                    ? TIFFReadEncodedTile(tiff, TIFFComputeTile(tiff, left, top, 0, sample),
                                          strile.data(), strileSize)
                    : TIFFReadEncodedStrip(tiff, TIFFComputeStrip(tiff, top, sample), strile.data(),
                                           strileSize);
            const uint32_t columns = std::min(layout.strileWidth, layout.width - left);
            if (read < static_cast<tmsize_t>(size_t{rows} * layout.strileWidth * pixelBytes)) {
                return false;
            }
            for (uint32_t y = 0; y < rows; ++y) {
                const uint8_t* from = strileBytes + size_t{y} * layout.strileWidth * pixelBytes;
                uint8_t* to = bandBytes + y * layout.rowBytes() +
                              left * layout.channels * size_t(layout.sampleBytes);
                if (!layout.planar) {
                    std::memcpy(to, from, columns * pixelBytes);
                    continue;
                }
                for (uint32_t x = 0; x < columns; ++x) {
                    std::memcpy(to + (size_t{x} * layout.channels + plane) * layout.sampleBytes,
                                from + size_t{x} * layout.sampleBytes, layout.sampleBytes);
                }
            }
        }
    }
    return true;
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
        (bits == 8 || bits == 16) &&
        field<uint16_t>(t, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT) == SAMPLEFORMAT_UINT &&
        ((photometric == PHOTOMETRIC_MINISBLACK && (channels == 1 || channels == 2)) ||
         (photometric == PHOTOMETRIC_RGB && (channels == 3 || channels == 4))) &&
        ((channels != 2 && channels != 4) || alphaIsUnassociated(t));
    if (!streamable || std::max(width, height) > static_cast<uint32_t>(INT_MAX)) {
        return std::nullopt;  // OpenCV's decoder (and the loader's size checks) judge the rest
    }
    // Interleaved strips go through the scanline reader, whatever their height; tiles and
    // planes a band of striles at a time.
    std::optional<TiffLayout> layout;
    if (TIFFIsTiled(t) ||
        field<uint16_t>(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) != PLANARCONFIG_CONTIG) {
        layout = strileLayout(t, width, height, channels, bits / 8);
        if (!layout) {
            return std::nullopt;
        }
    }
    const auto rowBytes = static_cast<size_t>(width) * channels * (bits / 8);
    if ((!layout && static_cast<size_t>(TIFFScanlineSize64(t)) != rowBytes) ||
        !strilesInsideFile(t, bytes.size()) || errors > 0) {
        throw Error(corrupt);
    }
    const ScaledSize size =
        sizeForMaxSide(static_cast<int>(width), static_cast<int>(height), maxSide);
    AreaShrinker shrinker(static_cast<int>(width), static_cast<int>(height), size.width,
                          size.height, channels);
    // Samples are read into uint16_t storage so that 16-bit ones are aligned.
    const uint32_t bandRows = layout ? layout->strileHeight : 1;
    std::vector<uint16_t> band((bandRows * rowBytes + 1) / 2);
    std::vector<uint16_t> strile(layout ? (layout->strileBytes() + 1) / 2 : 0);
    std::vector<float> unitRow(static_cast<size_t>(width) * channels);
    for (uint32_t top = 0; top < height; top += bandRows) {
        const uint32_t rows = std::min(bandRows, height - top);
        const bool read = layout ? readBand(t, *layout, top, rows, strile, band)
                                 : TIFFReadScanline(t, band.data(), top, 0) == 1;
        if (!read || errors > 0) {
            throw Error(corrupt);
        }
        const auto* bandBytes = reinterpret_cast<const uint8_t*>(band.data());
        for (uint32_t y = 0; y < rows; ++y) {
            toCompositedUnitRow(bandBytes + y * rowBytes, bits, static_cast<int>(width), channels,
                                true, unitRow);
            shrinker.addRow(unitRow.data());
        }
    }
    return ShrunkSamples{shrinker.result(), static_cast<int>(width), static_cast<int>(height),
                         bits};
}

}  // namespace impasto
