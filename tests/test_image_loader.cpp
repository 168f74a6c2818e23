#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <png.h>
#include <tiffio.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/image/ImageLoader.h"
#include "core/image/ImageMat.h"
#include "core/image/PngChunks.h"
#include "core/image/Resize.h"
#include "support/TestFiles.h"
#include "support/TestPaths.h"

namespace fs = std::filesystem;
using impasto::ImageLoadOptions;
using impasto::LoadedImage;
using impasto::loadImage;
using impasto::test::Bytes;
using impasto::test::errorFrom;
using impasto::test::readBytes;
using impasto::test::writeBytes;

namespace {

Bytes encode(const cv::Mat& image, const std::string& extension,
             const std::vector<int>& params = {}) {
    Bytes bytes;
    if (!cv::imencode(extension, image, bytes, params)) {
        throw std::runtime_error("OpenCV cannot encode " + extension);
    }
    return bytes;
}

void appendU16(Bytes& out, uint16_t value, bool bigEndian = true) {
    const auto high = uint8_t(value >> 8), low = uint8_t(value);
    out.insert(out.end(), {bigEndian ? high : low, bigEndian ? low : high});
}

void appendU32(Bytes& out, uint32_t value, bool bigEndian = true) {
    appendU16(out, uint16_t(bigEndian ? value >> 16 : value), bigEndian);
    appendU16(out, uint16_t(bigEndian ? value : value >> 16), bigEndian);
}

// Bytes of address space the process holds (VmSize), to cap it a little above.
rlim_t addressSpaceInUse() {
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "VmSize:") {
            rlim_t kilobytes = 0;
            status >> kilobytes;
            return kilobytes * 1024;
        }
    }
    return 0;
}

// The error `load` ends with (empty when it succeeds) while the address space is capped at what
// is in use plus `spareBytes`; nothing when the cap cannot be set.
std::optional<QString> errorUnderAddressCap(rlim_t spareBytes, const std::function<void()>& load) {
    rlimit previous{};
    if (::getrlimit(RLIMIT_AS, &previous) != 0) {
        return std::nullopt;
    }
    rlimit capped = previous;
    capped.rlim_cur = addressSpaceInUse() + spareBytes;
    if (capped.rlim_cur > previous.rlim_max || ::setrlimit(RLIMIT_AS, &capped) != 0) {
        return std::nullopt;
    }
    const QString message = errorFrom(load);
    ::setrlimit(RLIMIT_AS, &previous);
    return message;
}

// An Adam7-interlaced PNG of BGR(A) samples, 8 or 16-bit: OpenCV writes none.
Bytes interlacedPng(const cv::Mat& bgr) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    Bytes out;
    png_set_write_fn(
        png, &out,
        [](png_structp writer, png_bytep data, size_t size) {
            auto* bytes = static_cast<Bytes*>(png_get_io_ptr(writer));
            bytes->insert(bytes->end(), data, data + size);
        },
        nullptr);
    const int colourType = bgr.channels() == 4 ? PNG_COLOR_TYPE_RGBA : PNG_COLOR_TYPE_RGB;
    png_set_IHDR(png, info, bgr.cols, bgr.rows, bgr.depth() == CV_16U ? 16 : 8, colourType,
                 PNG_INTERLACE_ADAM7, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 1);
    png_write_info(png, info);
    png_set_bgr(png);
    if (bgr.depth() == CV_16U && std::endian::native == std::endian::little) {
        png_set_swap(png);
    }
    std::vector<png_bytep> rows;
    for (int y = 0; y < bgr.rows; ++y) {
        rows.push_back(const_cast<png_bytep>(bgr.ptr(y)));
    }
    png_write_image(png, rows.data());  // writes the seven passes
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return out;
}

// A deflated TIFF of BGR(A) samples (8 or 16-bit) in tiles of `tile` pixels, or in strips of 16
// rows when `tile` is 0; in separate planes when `planar`. OpenCV writes neither tiles nor planes.
void writeTiff(const fs::path& file, const cv::Mat& bgr, uint32_t tile, bool planar) {
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, bgr.channels() == 4 ? cv::COLOR_BGRA2RGBA : cv::COLOR_BGR2RGB);
    TIFF* tiff = TIFFOpen(file.c_str(), "w");
    const int channels = rgb.channels();
    const auto sampleBytes = static_cast<int>(rgb.elemSize1());
    TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, uint32_t(rgb.cols));
    TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, uint32_t(rgb.rows));
    TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, uint16_t(8 * sampleBytes));
    TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, uint16_t(channels));
    TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
    TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, planar ? PLANARCONFIG_SEPARATE : PLANARCONFIG_CONTIG);
    TIFFSetField(tiff, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
    if (channels == 4) {
        const uint16_t alpha = EXTRASAMPLE_UNASSALPHA;
        TIFFSetField(tiff, TIFFTAG_EXTRASAMPLES, 1, &alpha);
    }
    const uint32_t strileWidth = tile > 0 ? tile : uint32_t(rgb.cols);
    const uint32_t strileHeight = tile > 0 ? tile : 16;
    if (tile > 0) {
        TIFFSetField(tiff, TIFFTAG_TILEWIDTH, tile);
        TIFFSetField(tiff, TIFFTAG_TILELENGTH, tile);
    } else {
        TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, strileHeight);
    }
    const int perPixel = planar ? 1 : channels;
    std::vector<uint8_t> strile(size_t{strileWidth} * strileHeight * perPixel * sampleBytes);
    for (int plane = 0; plane < (planar ? channels : 1); ++plane) {
        for (uint32_t top = 0; top < uint32_t(rgb.rows); top += strileHeight) {
            for (uint32_t left = 0; left < uint32_t(rgb.cols); left += strileWidth) {
                std::fill(strile.begin(), strile.end(), 0);
                const uint32_t rows = std::min(strileHeight, uint32_t(rgb.rows) - top);
                for (uint32_t y = 0; y < rows; ++y) {
                    for (uint32_t x = 0; x < std::min(strileWidth, uint32_t(rgb.cols) - left);
                         ++x) {
                        const uint8_t* pixel = rgb.ptr(int(top + y)) + (left + x) * rgb.elemSize();
                        std::memcpy(
                            &strile[((size_t{y} * strileWidth + x) * perPixel) * sampleBytes],
                            pixel + (planar ? plane * sampleBytes : 0), perPixel * sampleBytes);
                    }
                }
                const auto sample = uint16_t(plane);
                if (tile > 0) {
                    TIFFWriteEncodedTile(tiff, TIFFComputeTile(tiff, left, top, 0, sample),
                                         strile.data(), tmsize_t(strile.size()));
                } else {
                    TIFFWriteEncodedStrip(
                        tiff, TIFFComputeStrip(tiff, top, sample), strile.data(),
                        tmsize_t(size_t{rows} * strileWidth * perPixel * sampleBytes));
                }
            }
        }
    }
    TIFFClose(tiff);
}

// Writes `bgr` (8 or 16-bit BGR(A)) in one of the layouts decoded into their shrunk size
// (PngDecoder, TiffDecoder, WebpDecoder); WebP takes 8 bits of it.
fs::path writeLayout(const fs::path& stem, const QString& layout, const cv::Mat& bgr) {
    const std::string extension = layout.startsWith("PNG")    ? ".png"
                                  : layout.startsWith("TIFF") ? ".tiff"
                                                              : ".webp";
    const fs::path file =
        stem.string() + "-" + layout.toLower().replace(' ', '-').toStdString() + extension;
    if (layout == "PNG") {
        writeBytes(file, encode(bgr, ".png"));
    } else if (layout == "PNG interlaced") {
        writeBytes(file, interlacedPng(bgr));
    } else if (layout == "TIFF") {
        writeBytes(file, encode(bgr, ".tiff"));
    } else if (layout == "TIFF tiled") {
        writeTiff(file, bgr, 256, false);
    } else if (layout == "TIFF tiled planar") {
        writeTiff(file, bgr, 64, true);
    } else if (layout == "TIFF strips planar") {
        writeTiff(file, bgr, 0, true);
    } else {
        cv::Mat eight;
        bgr.convertTo(eight, CV_8U, bgr.depth() == CV_16U ? 1.0 / 257 : 1.0);
        const int quality = layout == "WebP lossless" ? 101 : 90;
        writeBytes(file, encode(eight, ".webp", {cv::IMWRITE_WEBP_QUALITY, quality}));
    }
    return file;
}

// What a fuzz run found: from byte 128, a DICOM preamble whose data element makes GDCM fail an
// assert (abort) when OpenCV hands it the file.
const Bytes kGdcmAbortAt128{'D',  'I',  'C',  'M',  0x02, 0x00, 0x01, 0x00, 0x10, 0x41,
                            0x1E, 0x7E, 0xC2, 0x73, 0x78, 0xA6, 0x61, 0xC9, 0x35, 0x18};

// Runs `action` in a child process: how it ended, so that an abort shows as a failed check
// rather than ending the suite.
QString outcomeInChild(const std::function<void()>& action) {
    const pid_t child = ::fork();
    if (child == 0) {
        try {
            action();
        } catch (...) {
        }
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    if (WIFSIGNALED(status)) {
        return "killed by signal " + QString::number(WTERMSIG(status));
    }
    return "ended";
}

// RGB in [0, 1] at (x, y).
cv::Vec3f rgbAt(const impasto::Image& image, int x, int y) {
    return rgbView(image).at<cv::Vec3f>(y, x);
}

bool near(const cv::Vec3f& actual, const cv::Vec3f& expected, float tolerance) {
    return cv::norm(actual - expected, cv::NORM_INF) <= tolerance;
}

QByteArray describe(const cv::Vec3f& value) {
    return QByteArray::number(value[0]) + ", " + QByteArray::number(value[1]) + ", " +
           QByteArray::number(value[2]);
}

// 64 x 32 with four coloured quadrants (BGR), so that every flip and rotation shows: A red,
// B green (top row), C blue, D white (bottom row).
cv::Mat quadrants() {
    cv::Mat image(32, 64, CV_8UC3);
    image(cv::Rect(0, 0, 32, 16)).setTo(cv::Scalar(0, 0, 255));
    image(cv::Rect(32, 0, 32, 16)).setTo(cv::Scalar(0, 255, 0));
    image(cv::Rect(0, 16, 32, 16)).setTo(cv::Scalar(255, 0, 0));
    image(cv::Rect(32, 16, 32, 16)).setTo(cv::Scalar(255, 255, 255));
    return image;
}

cv::Vec3f quadrantColour(char name) {
    switch (name) {
        case 'A':
            return {1, 0, 0};
        case 'B':
            return {0, 1, 0};
        case 'C':
            return {0, 0, 1};
        default:
            return {1, 1, 1};
    }
}

// Checks the colours at the centres of the quadrants, given as "TL TR BL BR" letters.
void verifyQuadrants(const impasto::Image& image, const QByteArray& layout, float tolerance) {
    const int w = image.width(), h = image.height();
    const std::array<cv::Point, 4> centres{cv::Point(w / 4, h / 4), cv::Point(3 * w / 4, h / 4),
                                           cv::Point(w / 4, 3 * h / 4),
                                           cv::Point(3 * w / 4, 3 * h / 4)};
    for (int i = 0; i < 4; ++i) {
        const cv::Vec3f actual = rgbAt(image, centres[i].x, centres[i].y);
        QVERIFY2(near(actual, quadrantColour(layout[i]), tolerance),
                 "quadrant " + QByteArray::number(i) + " is " + describe(actual) +
                     ", expected colour " + layout[i]);
    }
}

// An EXIF block (TIFF header and IFD0) holding only the orientation tag.
Bytes exifOrientationBlock(int orientation, bool bigEndian) {
    Bytes tiff = bigEndian ? Bytes{'M', 'M'} : Bytes{'I', 'I'};
    appendU16(tiff, 42, bigEndian);
    appendU32(tiff, 8, bigEndian);  // IFD0 offset
    appendU16(tiff, 1, bigEndian);  // entries
    appendU16(tiff, 0x0112, bigEndian);
    appendU16(tiff, 3, bigEndian);  // SHORT
    appendU32(tiff, 1, bigEndian);  // count
    appendU16(tiff, uint16_t(orientation), bigEndian);
    appendU16(tiff, 0, bigEndian);  // padding of the value field
    appendU32(tiff, 0, bigEndian);  // no next IFD
    return tiff;
}

Bytes withExifApp1(const Bytes& jpeg, int orientation, bool bigEndian) {
    Bytes payload{'E', 'x', 'i', 'f', 0, 0};
    const Bytes tiff = exifOrientationBlock(orientation, bigEndian);
    payload.insert(payload.end(), tiff.begin(), tiff.end());
    Bytes out{0xFF, 0xD8, 0xFF, 0xE1};
    appendU16(out, uint16_t(payload.size() + 2));
    out.insert(out.end(), payload.begin(), payload.end());
    out.insert(out.end(), jpeg.begin() + 2, jpeg.end());
    return out;
}

// A TIFF as OpenCV writes it (little-endian, one directory) with an Orientation tag added: the
// directory is copied to the end with the new entry in tag order, and the header pointed at it.
// Entries that point at values elsewhere keep pointing there.
Bytes withTiffOrientation(Bytes tiff, int orientation) {
    const auto u16At = [&tiff](size_t at) { return uint16_t(tiff[at] | tiff[at + 1] << 8); };
    const size_t directory = tiff[4] | tiff[5] << 8 | tiff[6] << 16 | size_t(tiff[7]) << 24;
    std::vector<Bytes> entries;
    for (size_t i = 0; i < u16At(directory); ++i) {
        const auto entry = tiff.begin() + std::ptrdiff_t(directory + 2 + 12 * i);
        entries.emplace_back(entry, entry + 12);
    }
    Bytes orientationEntry;
    appendU16(orientationEntry, 0x0112, false);
    appendU16(orientationEntry, 3, false);  // SHORT
    appendU32(orientationEntry, 1, false);  // count
    appendU32(orientationEntry, uint32_t(orientation), false);
    entries.push_back(orientationEntry);
    std::sort(entries.begin(), entries.end(), [](const Bytes& a, const Bytes& b) {
        return (a[0] | a[1] << 8) < (b[0] | b[1] << 8);
    });
    if (tiff.size() % 2 != 0) {
        tiff.push_back(0);  // directories start on a word boundary
    }
    const auto newDirectory = uint32_t(tiff.size());
    appendU16(tiff, uint16_t(entries.size()), false);
    for (const Bytes& entry : entries) {
        tiff.insert(tiff.end(), entry.begin(), entry.end());
    }
    appendU32(tiff, 0, false);  // no next directory
    Bytes offset;
    appendU32(offset, newDirectory, false);
    std::copy(offset.begin(), offset.end(), tiff.begin() + 4);
    return tiff;
}

// A simple-format WebP as OpenCV writes it, turned into the extended format with an EXIF chunk:
// VP8X header (EXIF flag, canvas size), the image chunk, then EXIF, the RIFF size updated.
Bytes withWebpExif(const Bytes& webp, int width, int height, const Bytes& exif) {
    Bytes chunks{'V', 'P', '8', 'X'};
    appendU32(chunks, 10, false);
    chunks.insert(chunks.end(), {0x08, 0, 0, 0});  // flags: EXIF present
    for (const int side : {width, height}) {
        Bytes value;
        appendU32(value, uint32_t(side - 1), false);
        chunks.insert(chunks.end(), value.begin(), value.begin() + 3);
    }
    chunks.insert(chunks.end(), webp.begin() + 12, webp.end());
    chunks.insert(chunks.end(), {'E', 'X', 'I', 'F'});
    appendU32(chunks, uint32_t(exif.size()), false);
    chunks.insert(chunks.end(), exif.begin(), exif.end());
    if (exif.size() % 2 != 0) {
        chunks.push_back(0);
    }
    Bytes out{'R', 'I', 'F', 'F'};
    appendU32(out, uint32_t(chunks.size() + 4), false);
    out.insert(out.end(), {'W', 'E', 'B', 'P'});
    out.insert(out.end(), chunks.begin(), chunks.end());
    return out;
}

Bytes withChunkAfterIhdr(const Bytes& png, std::string_view type, const Bytes& data) {
    const size_t afterIhdr = 8 + 12 + 13;  // signature, IHDR with its 13 data bytes
    Bytes out(png.begin(), png.begin() + afterIhdr);
    impasto::appendPngChunk(out, type, data);
    out.insert(out.end(), png.begin() + afterIhdr, png.end());
    return out;
}

Bytes pngStart(uint32_t width, uint32_t height, uint8_t bitDepth, uint8_t colourType) {
    Bytes png(impasto::kPngSignature.begin(), impasto::kPngSignature.end());
    Bytes ihdr;
    appendU32(ihdr, width);
    appendU32(ihdr, height);
    ihdr.insert(ihdr.end(), {bitDepth, colourType, 0, 0, 0});
    impasto::appendPngChunk(png, "IHDR", ihdr);
    return png;
}

// A zlib stream of stored (uncompressed) blocks, for PNGs built by hand.
Bytes storedZlib(const Bytes& raw) {
    Bytes zlib{0x78, 0x01};
    for (size_t position = 0;;) {
        const size_t count = std::min<size_t>(raw.size() - position, 65535);
        const bool last = position + count == raw.size();
        zlib.push_back(last ? 1 : 0);
        appendU16(zlib, uint16_t(count), false);
        appendU16(zlib, uint16_t(~count), false);
        zlib.insert(zlib.end(), raw.begin() + position, raw.begin() + position + count);
        position += count;
        if (last) {
            break;
        }
    }
    uint32_t a = 1, b = 0;
    for (const uint8_t byte : raw) {
        a = (a + byte) % 65521;
        b = (b + a) % 65521;
    }
    appendU32(zlib, (b << 16) | a);
    return zlib;
}

// OpenCV cannot write gray+alpha PNG: built by hand.
Bytes grayAlphaPng(const cv::Mat& grayAlpha) {
    Bytes raw;
    for (int y = 0; y < grayAlpha.rows; ++y) {
        raw.push_back(0);  // filter: none
        const uint8_t* row = grayAlpha.ptr<uint8_t>(y);
        raw.insert(raw.end(), row, row + grayAlpha.cols * 2);
    }
    Bytes png = pngStart(grayAlpha.cols, grayAlpha.rows, 8, 4);
    impasto::appendPngChunk(png, "IDAT", storedZlib(raw));
    impasto::appendPngChunk(png, "IEND", {});
    return png;
}

// Writes bits most significant first, with JPEG's 0xFF byte stuffing.
class JpegBitWriter {
public:
    explicit JpegBitWriter(Bytes& out) : out_(out) {}
    void put(uint32_t bits, int count) {
        for (int i = count - 1; i >= 0; --i) {
            accumulator_ = uint8_t(accumulator_ << 1 | ((bits >> i) & 1));
            if (++filled_ == 8) {
                out_.push_back(accumulator_);
                if (accumulator_ == 0xFF) {
                    out_.push_back(0);
                }
                accumulator_ = 0;
                filled_ = 0;
            }
        }
    }
    void flush() {
        while (filled_ != 0) {
            put(1, 1);
        }
    }

private:
    Bytes& out_;
    uint8_t accumulator_ = 0;
    int filled_ = 0;
};

// Nothing here writes CMYK JPEG (libjpeg through OpenCV cannot, PIL is absent), so this builds a
// baseline one by hand: 8x8 blocks of flat colour, left to right, given as stored CMYK samples
// (inverted, as Photoshop writes them), with an Adobe APP14 marker as real CMYK files have.
// Only DC coefficients are coded; a quantiser of 1 makes DC = 8 * (sample - 128) exact.
Bytes cmykJpeg(const std::vector<std::array<uint8_t, 4>>& blocks) {
    Bytes jpeg{0xFF, 0xD8};
    auto segment = [&jpeg](uint8_t marker, const Bytes& payload) {
        jpeg.insert(jpeg.end(), {0xFF, marker});
        appendU16(jpeg, uint16_t(payload.size() + 2));
        jpeg.insert(jpeg.end(), payload.begin(), payload.end());
    };
    segment(0xEE, {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0});  // transform 0: CMYK
    Bytes quantisation(65, 1);
    quantisation[0] = 0;  // 8-bit table 0
    segment(0xDB, quantisation);
    const auto width = uint16_t(8 * blocks.size());
    segment(0xC0, {8, 0, 8, uint8_t(width >> 8), uint8_t(width), 4, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11,
                   0, 4, 0x11, 0});
    // DC table: categories 0..11 as 4-bit codes 0..11. AC table: only end-of-block, code "0".
    Bytes dcTable{0x00, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    for (uint8_t category = 0; category < 12; ++category) {
        dcTable.push_back(category);
    }
    segment(0xC4, dcTable);
    segment(0xC4, {0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00});
    segment(0xDA, {4, 1, 0x00, 2, 0x00, 3, 0x00, 4, 0x00, 0, 63, 0});
    JpegBitWriter bits(jpeg);
    std::array<int, 4> previous{};
    for (const std::array<uint8_t, 4>& block : blocks) {
        for (int c = 0; c < 4; ++c) {
            const int dc = 8 * (block[c] - 128);
            const int difference = dc - previous[c];
            previous[c] = dc;
            int category = 0;
            while ((std::abs(difference) >> category) != 0) {
                ++category;
            }
            bits.put(uint32_t(category), 4);
            if (category > 0) {
                bits.put(uint32_t(difference > 0 ? difference : difference + (1 << category) - 1),
                         category);
            }
            bits.put(0, 1);  // end of block
        }
    }
    bits.flush();
    jpeg.insert(jpeg.end(), {0xFF, 0xD9});
    return jpeg;
}

}  // namespace

class TestImageLoader : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    fs::path path(const std::string& name) const {
        return fs::path(dir_.path().toStdString()) / name;
    }
    fs::path tubingen() const { return impasto::test::sharedImage("tubingen.jpg").toStdString(); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void loadsJpegAsFloatRgb() {
        const LoadedImage loaded = loadImage(tubingen());
        QCOMPARE(rgbView(loaded.image).type(), CV_32FC3);
        QCOMPARE(loaded.image.width(), 1024);
        QCOMPARE(loaded.image.height(), 768);
        QVERIFY(alphaView(loaded.image).empty());
        QCOMPARE(loaded.info.originalWidth, 1024);
        QCOMPARE(loaded.info.originalHeight, 768);
        QCOMPARE(loaded.info.bitDepth, 8);
        QCOMPARE(loaded.info.channels, 3);
        QCOMPARE(loaded.info.exifOrientation, 1);

        // Same pixels as OpenCV's own reading, in RGB order and scaled to [0, 1].
        cv::Mat expected;
        cv::cvtColor(cv::imread(tubingen().string(), cv::IMREAD_COLOR), expected,
                     cv::COLOR_BGR2RGB);
        expected.convertTo(expected, CV_32F, 1.0 / 255.0);
        QVERIFY(cv::norm(rgbView(loaded.image), expected, cv::NORM_INF) < 1e-6);
    }

    void maxSideScalesDownOnly() {
        const LoadedImage small = loadImage(tubingen(), {.maxSide = 256});
        QCOMPARE(small.image.width(), 256);
        QCOMPARE(small.image.height(), 192);
        QCOMPARE(small.info.originalWidth, 1024);
        QCOMPARE(small.info.originalHeight, 768);

        const LoadedImage large = loadImage(tubingen(), {.maxSide = 4000});
        QCOMPARE(large.image.width(), 1024);
        QCOMPARE(large.image.height(), 768);
    }

    void resizeScalesAlphaToo() {
        const impasto::Image image =
            impasto::imageFromMats(cv::Mat(40, 80, CV_32FC3, cv::Scalar(0.2, 0.4, 0.6)),
                                   cv::Mat(40, 80, CV_32FC1, cv::Scalar(0.5)));

        const impasto::Image down = impasto::resizeToMaxSide(image, 20);
        QCOMPARE(down.width(), 20);
        QCOMPARE(down.height(), 10);
        QCOMPARE(alphaView(down).size(), rgbView(down).size());
        QVERIFY(near(rgbAt(down, 5, 5), {0.2f, 0.4f, 0.6f}, 1e-5f));

        QCOMPARE(impasto::resizeToMaxSide(image, 160).width(), 80);
        const impasto::Image up = impasto::resizeToMaxSide(image, 160, /*allowUpscale=*/true);
        QCOMPARE(up.width(), 160);
        QCOMPARE(up.height(), 80);
        QCOMPARE(alphaView(up).size(), rgbView(up).size());

        const impasto::Image exact = impasto::resizeTo(image, 33, 77);
        QCOMPARE(exact.width(), 33);
        QCOMPARE(exact.height(), 77);
        QCOMPARE(alphaView(exact).size(), rgbView(exact).size());
        QVERIFY(std::abs(alphaView(exact).at<float>(10, 10) - 0.5f) < 1e-5f);

        QVERIFY(errorFrom([&] { impasto::resizeTo(image, 0, 10); }).contains("0 x 10"));
    }

    void grayscaleBecomesRgb() {
        cv::Mat gray(16, 24, CV_8UC1, cv::Scalar(51));
        writeBytes(path("gray.png"), encode(gray, ".png"));
        const LoadedImage loaded = loadImage(path("gray.png"));
        QCOMPARE(loaded.info.channels, 1);
        QVERIFY(alphaView(loaded.image).empty());
        QVERIFY(near(rgbAt(loaded.image, 3, 3), {0.2f, 0.2f, 0.2f}, 1e-6f));
    }

    void sixteenBitPrecisionSurvives() {
        // 1000 is no multiple of 257, so an 8-bit detour would change it.
        cv::Mat deep(8, 8, CV_16UC3, cv::Scalar(1000, 30000, 65535));
        writeBytes(path("deep.png"), encode(deep, ".png"));
        const LoadedImage loaded = loadImage(path("deep.png"));
        QCOMPARE(loaded.info.bitDepth, 16);
        QVERIFY(near(rgbAt(loaded.image, 2, 2),
                     {65535 / 65535.0f, 30000 / 65535.0f, 1000 / 65535.0f}, 1e-7f));
    }

    void rgbaIsCompositedOverWhite() {
        cv::Mat bgra(8, 8, CV_8UC4, cv::Scalar(0, 0, 255, 51));  // red at 20 %
        bgra.at<cv::Vec4b>(0, 0) = {0, 0, 0, 255};               // one opaque black pixel
        writeBytes(path("rgba.png"), encode(bgra, ".png"));
        const LoadedImage loaded = loadImage(path("rgba.png"));
        QCOMPARE(loaded.info.channels, 4);
        QCOMPARE(alphaView(loaded.image).type(), CV_32FC1);
        QVERIFY(std::abs(alphaView(loaded.image).at<float>(3, 3) - 0.2f) < 1e-6f);
        QVERIFY(near(rgbAt(loaded.image, 3, 3), {1.0f, 0.8f, 0.8f}, 1e-6f));
        QVERIFY(near(rgbAt(loaded.image, 0, 0), {0, 0, 0}, 1e-6f));

        // Alpha that is opaque everywhere is dropped: there is nothing to put back.
        cv::Mat opaque(8, 8, CV_8UC4, cv::Scalar(10, 20, 30, 255));
        writeBytes(path("opaque.png"), encode(opaque, ".png"));
        QVERIFY(alphaView(loadImage(path("opaque.png")).image).empty());
    }

    void grayAlphaIsCompositedOverWhite() {
        cv::Mat grayAlpha(6, 10, CV_8UC2, cv::Scalar(0, 102));  // black at 40 %
        writeBytes(path("gray-alpha.png"), grayAlphaPng(grayAlpha));
        const LoadedImage loaded = loadImage(path("gray-alpha.png"));
        QCOMPARE(loaded.info.channels, 2);
        QCOMPARE(loaded.image.width(), 10);
        QVERIFY(std::abs(alphaView(loaded.image).at<float>(2, 2) - 0.4f) < 1e-6f);
        QVERIFY(near(rgbAt(loaded.image, 2, 2), {0.6f, 0.6f, 0.6f}, 1e-6f));
    }

    // Palette entries that tRNS makes transparent become alpha, composited over white.
    void paletteTransparencyIsCompositedOverWhite() {
        Bytes png = pngStart(4, 2, 8, 3);
        impasto::appendPngChunk(png, "PLTE", Bytes{255, 0, 0, 0, 0, 255});  // red, blue
        impasto::appendPngChunk(png, "tRNS", Bytes{255, 0});  // blue fully transparent
        Bytes raw;
        for (int y = 0; y < 2; ++y) {
            raw.insert(raw.end(), {0, 0, 1, 0, 1});  // filter: none, then the palette indices
        }
        impasto::appendPngChunk(png, "IDAT", storedZlib(raw));
        impasto::appendPngChunk(png, "IEND", {});
        writeBytes(path("palette.png"), png);
        const LoadedImage loaded = loadImage(path("palette.png"));
        QCOMPARE(loaded.info.channels, 4);
        QCOMPARE(alphaView(loaded.image).at<float>(1, 1), 0.0f);
        QVERIFY(near(rgbAt(loaded.image, 0, 1), {1.0f, 0.0f, 0.0f}, 1e-6f));
        QVERIFY(near(rgbAt(loaded.image, 1, 1), {1.0f, 1.0f, 1.0f}, 1e-6f));
    }

    void readsEveryFormat_data() {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<int>("quality");  // IMWRITE_WEBP_QUALITY; above 100 is lossless
        QTest::addColumn<bool>("withAlpha");
        QTest::addColumn<float>("tolerance");
        QTest::newRow("PNG") << ".png" << 0 << false << 0.0f;
        QTest::newRow("BMP") << ".bmp" << 0 << false << 0.0f;
        QTest::newRow("TIFF") << ".tiff" << 0 << false << 0.0f;
        QTest::newRow("WebP lossless (VP8L)") << ".webp" << 101 << false << 0.0f;
        QTest::newRow("WebP lossy (VP8)") << ".webp" << 90 << false << 0.1f;
        QTest::newRow("WebP lossy with alpha (VP8X)") << ".webp" << 90 << true << 0.1f;
        QTest::newRow("JPEG") << ".jpg" << 0 << false << 0.1f;
    }
    void readsEveryFormat() {
        QFETCH(QString, extension);
        QFETCH(int, quality);
        QFETCH(bool, withAlpha);
        QFETCH(float, tolerance);
        cv::Mat source = quadrants();
        if (withAlpha) {
            cv::cvtColor(source, source, cv::COLOR_BGR2BGRA);
            source.row(0).setTo(cv::Scalar(0, 0, 0, 0));
        }
        const std::vector<int> params =
            quality > 0 ? std::vector<int>{cv::IMWRITE_WEBP_QUALITY, quality} : std::vector<int>{};
        const fs::path file = path("format" + extension.toStdString());
        writeBytes(file, encode(source, extension.toStdString(), params));

        const LoadedImage loaded = loadImage(file);
        QCOMPARE(loaded.image.width(), 64);
        QCOMPARE(loaded.image.height(), 32);
        QCOMPARE(alphaView(loaded.image).empty(), !withAlpha);
        verifyQuadrants(loaded.image, "ABCD", tolerance);

        // The header parser of each format sees the size before decoding.
        const QString message = errorFrom([&] { loadImage(file, {.maxMegapixels = 0.001}); });
        QVERIFY2(message.contains("is 64 x 32 pixels (0.00205 MP); the limit is 0.001 MP"),
                 qPrintable(message));
    }

    void floatTiffIsClamped() {
        // One channel: OpenCV stores three-channel float TIFF as lossy LogLuv.
        const cv::Mat values = (cv::Mat_<float>(2, 2) << -0.5f, 0.25f, 2.0f, std::nanf(""));
        writeBytes(path("float.tiff"), encode(values, ".tiff"));
        const LoadedImage loaded = loadImage(path("float.tiff"));
        QCOMPARE(loaded.info.bitDepth, 32);
        QCOMPARE(loaded.info.channels, 1);
        QVERIFY(near(rgbAt(loaded.image, 0, 0), {0, 0, 0}, 0));
        QVERIFY(near(rgbAt(loaded.image, 1, 0), {0.25f, 0.25f, 0.25f}, 0));
        QVERIFY(near(rgbAt(loaded.image, 0, 1), {1, 1, 1}, 0));
        QVERIFY(near(rgbAt(loaded.image, 1, 1), {0, 0, 0}, 0));  // NaN
    }

    void appliesExifOrientation_data() {
        QTest::addColumn<int>("orientation");
        QTest::addColumn<bool>("bigEndian");
        QTest::addColumn<QByteArray>("layout");  // quadrants top-left, top-right, bottom-left,
                                                 // bottom-right after orientation
        QTest::newRow("1 as stored") << 1 << true << QByteArray("ABCD");
        QTest::newRow("2 mirrored") << 2 << false << QByteArray("BADC");
        QTest::newRow("3 rotated 180, MM") << 3 << true << QByteArray("DCBA");
        QTest::newRow("3 rotated 180, II") << 3 << false << QByteArray("DCBA");
        QTest::newRow("4 flipped") << 4 << true << QByteArray("CDAB");
        QTest::newRow("5 transposed") << 5 << false << QByteArray("ACBD");
        QTest::newRow("6 rotated 90 cw, MM") << 6 << true << QByteArray("CADB");
        QTest::newRow("6 rotated 90 cw, II") << 6 << false << QByteArray("CADB");
        QTest::newRow("7 transverse") << 7 << true << QByteArray("DBCA");
        QTest::newRow("8 rotated 90 ccw, MM") << 8 << true << QByteArray("BDAC");
        QTest::newRow("8 rotated 90 ccw, II") << 8 << false << QByteArray("BDAC");
    }
    void appliesExifOrientation() {
        QFETCH(int, orientation);
        QFETCH(bool, bigEndian);
        QFETCH(QByteArray, layout);
        const Bytes jpeg = encode(quadrants(), ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95});
        const fs::path file = path("oriented.jpg");
        writeBytes(file, withExifApp1(jpeg, orientation, bigEndian));

        const LoadedImage loaded = loadImage(file);
        QCOMPARE(loaded.info.exifOrientation, orientation);
        const bool turned = orientation >= 5;
        QCOMPARE(loaded.image.width(), turned ? 32 : 64);
        QCOMPARE(loaded.image.height(), turned ? 64 : 32);
        QCOMPARE(loaded.info.originalWidth, loaded.image.width());
        verifyQuadrants(loaded.image, layout, 0.1f);
    }

    void appliesPngExifOrientation() {
        const Bytes png = encode(quadrants(), ".png");
        writeBytes(path("oriented.png"),
                   withChunkAfterIhdr(png, "eXIf", exifOrientationBlock(6, false)));
        const LoadedImage loaded = loadImage(path("oriented.png"));
        QCOMPARE(loaded.info.exifOrientation, 6);
        QCOMPARE(loaded.image.width(), 32);
        QCOMPARE(loaded.image.height(), 64);
        verifyQuadrants(loaded.image, "CADB", 0.0f);
    }

    void appliesTiffOrientation_data() {
        QTest::addColumn<int>("orientation");
        QTest::addColumn<QByteArray>("layout");
        QTest::newRow("2 mirrored") << 2 << QByteArray("BADC");
        QTest::newRow("6 rotated 90 cw") << 6 << QByteArray("CADB");
        QTest::newRow("8 rotated 90 ccw") << 8 << QByteArray("BDAC");
    }
    void appliesTiffOrientation() {
        QFETCH(int, orientation);
        QFETCH(QByteArray, layout);
        // OpenCV's TIFF decoder turns the image itself: the loader must not turn it again.
        const Bytes tiff = withTiffOrientation(encode(quadrants(), ".tiff"), orientation);
        writeBytes(path("oriented.tiff"), tiff);
        const LoadedImage loaded = loadImage(path("oriented.tiff"));
        QCOMPARE(loaded.info.exifOrientation, orientation);
        QCOMPARE(loaded.image.width(), orientation >= 5 ? 32 : 64);
        verifyQuadrants(loaded.image, layout, 0.0f);
        // Shrunk while decoded (row by row, not by OpenCV), it is turned all the same.
        const LoadedImage shrunk = loadImage(path("oriented.tiff"), {.maxSide = 32});
        QCOMPARE(shrunk.image.width(), orientation >= 5 ? 16 : 32);
        verifyQuadrants(shrunk.image, layout, 0.0f);
    }

    void appliesWebpExifOrientation_data() {
        QTest::addColumn<int>("orientation");
        QTest::addColumn<bool>("bigEndian");
        QTest::addColumn<bool>("withPrefix");  // "Exif\0\0", which some writers copy from JPEG
        QTest::addColumn<QByteArray>("layout");
        QTest::newRow("6, II") << 6 << false << false << QByteArray("CADB");
        QTest::newRow("8, MM, prefixed") << 8 << true << true << QByteArray("BDAC");
        QTest::newRow("3, II") << 3 << false << false << QByteArray("DCBA");
    }
    void appliesWebpExifOrientation() {
        QFETCH(int, orientation);
        QFETCH(bool, bigEndian);
        QFETCH(bool, withPrefix);
        QFETCH(QByteArray, layout);
        Bytes exif = withPrefix ? Bytes{'E', 'x', 'i', 'f', 0, 0} : Bytes{};
        const Bytes tiff = exifOrientationBlock(orientation, bigEndian);
        exif.insert(exif.end(), tiff.begin(), tiff.end());
        const Bytes lossless = encode(quadrants(), ".webp", {cv::IMWRITE_WEBP_QUALITY, 101});
        writeBytes(path("oriented.webp"), withWebpExif(lossless, 64, 32, exif));
        const LoadedImage loaded = loadImage(path("oriented.webp"));
        QCOMPARE(loaded.info.exifOrientation, orientation);
        QCOMPARE(loaded.image.width(), orientation >= 5 ? 32 : 64);
        verifyQuadrants(loaded.image, layout, 0.0f);
    }

    void decodesCmykJpeg() {
        // Stored (inverted) CMYK: red = no cyan, full magenta and yellow; blue = full cyan and
        // magenta; gray = only half black.
        const Bytes jpeg = cmykJpeg({{255, 0, 0, 255}, {0, 0, 255, 255}, {255, 255, 255, 128}});
        writeBytes(path("cmyk.jpg"), jpeg);
        const LoadedImage loaded = loadImage(path("cmyk.jpg"));
        QCOMPARE(loaded.image.width(), 24);
        QCOMPARE(loaded.image.height(), 8);
        QCOMPARE(loaded.info.channels, 3);
        QVERIFY2(near(rgbAt(loaded.image, 4, 4), {1, 0, 0}, 0.02f),
                 describe(rgbAt(loaded.image, 4, 4)));
        QVERIFY2(near(rgbAt(loaded.image, 12, 4), {0, 0, 1}, 0.02f),
                 describe(rgbAt(loaded.image, 12, 4)));
        QVERIFY2(near(rgbAt(loaded.image, 20, 4), {0.5f, 0.5f, 0.5f}, 0.02f),
                 describe(rgbAt(loaded.image, 20, 4)));
    }

    void refusesDecompressionBombs() {
        // Headers only: decoding would need tens of gigabytes.
        Bytes png = pngStart(100000, 100000, 8, 2);
        impasto::appendPngChunk(png, "IEND", {});
        writeBytes(path("bomb.png"), png);

        Bytes jpeg{0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8};
        appendU16(jpeg, 60000);  // height
        appendU16(jpeg, 60000);  // width
        jpeg.insert(jpeg.end(), {3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 0xFF, 0xD9});
        writeBytes(path("bomb.jpg"), jpeg);

        // Within OpenCV's own limit (2^30 pixels), so only Impasto's check stops it.
        Bytes medium = pngStart(20000, 20000, 8, 6);
        impasto::appendPngChunk(medium, "IEND", {});
        writeBytes(path("medium.png"), medium);

        QElapsedTimer timer;
        timer.start();
        QString message = errorFrom([&] { loadImage(path("bomb.png")); });
        QVERIFY2(message.endsWith("bomb.png is 100000 x 100000 pixels (10000 MP); the limit is "
                                  "120 MP"),
                 qPrintable(message));
        message = errorFrom([&] { loadImage(path("bomb.jpg")); });
        QVERIFY2(
            message.endsWith("bomb.jpg is 60000 x 60000 pixels (3600 MP); the limit is 120 MP"),
            qPrintable(message));
        message = errorFrom([&] { loadImage(path("medium.png"), {.maxMegapixels = 200}); });
        QVERIFY2(
            message.endsWith("medium.png is 20000 x 20000 pixels (400 MP); the limit is 200 MP"),
            qPrintable(message));
        QVERIFY(timer.elapsed() < 500);

        // 0 disables the check.
        QCOMPARE(loadImage(tubingen(), {.maxMegapixels = 0}).image.width(), 1024);
    }

    void explainsUnreadableFiles() {
        writeBytes(path("empty.jpg"), {});
        QString message = errorFrom([&] { loadImage(path("empty.jpg")); });
        QVERIFY2(message.endsWith("empty.jpg is empty"), qPrintable(message));

        const std::string html = "<!DOCTYPE html>\n<html><body>Not found</body></html>\n";
        writeBytes(path("page.jpg"), Bytes(html.begin(), html.end()));
        message = errorFrom([&] { loadImage(path("page.jpg")); });
        QVERIFY2(message.endsWith("page.jpg is not an image OpenCV can read (it looks like text)"),
                 qPrintable(message));

        writeBytes(path("noise.jpg"), Bytes{0x00, 0x01, 0x02, 0xFE, 0x80, 0x00});
        message = errorFrom([&] { loadImage(path("noise.jpg")); });
        QVERIFY2(message.endsWith("noise.jpg is not a JPEG, PNG, TIFF, WebP or BMP image"),
                 qPrintable(message));

        const Bytes photo = readBytes(tubingen());
        writeBytes(path("cut.jpg"), Bytes(photo.begin(), photo.begin() + photo.size() * 6 / 10));
        message = errorFrom([&] { loadImage(path("cut.jpg")); });
        QVERIFY2(message.contains("cut.jpg is truncated"), qPrintable(message));

        cv::Mat noise(128, 128, CV_8UC3);
        cv::randu(noise, 0, 256);
        const Bytes png = encode(noise, ".png");
        writeBytes(path("cut.png"), Bytes(png.begin(), png.begin() + png.size() / 2));
        message = errorFrom([&] { loadImage(path("cut.png")); });
        QVERIFY2(message.contains("cut.png is truncated"), qPrintable(message));

        // Whole structure, but image data that is not zlib: only the decoder can tell.
        Bytes corrupt = pngStart(16, 16, 8, 2);
        impasto::appendPngChunk(corrupt, "IDAT", Bytes(64, 0xAB));
        impasto::appendPngChunk(corrupt, "IEND", {});
        writeBytes(path("corrupt.png"), corrupt);
        message = errorFrom([&] { loadImage(path("corrupt.png")); });
        QVERIFY2(message.endsWith("corrupt.png is truncated or corrupt"), qPrintable(message));

        message = errorFrom([&] { loadImage(path("missing.png")); });
        QVERIFY2(message.endsWith("missing.png does not exist"), qPrintable(message));

        message = errorFrom([&] { loadImage(dir_.path().toStdString()); });
        QVERIFY2(message.endsWith("is a folder, not a file"), qPrintable(message));
    }

    void judgesFilesByContentNotName() {
        cv::Mat picture(8, 8, CV_8UC3, cv::Scalar(0, 0, 255));
        // A PNG that calls itself a JPEG is still read.
        writeBytes(path("actually-png.jpg"), encode(picture, ".png"));
        QCOMPARE(loadImage(path("actually-png.jpg")).image.width(), 8);
        // Formats OpenCV reads but whose size Impasto cannot check before decoding are refused.
        writeBytes(path("picture.ppm"), encode(picture, ".ppm"));
        const QString message = errorFrom([&] { loadImage(path("picture.ppm")); });
        QVERIFY2(message.endsWith("picture.ppm is not a JPEG, PNG, TIFF, WebP or BMP image"),
                 qPrintable(message));
    }

    void onlyTheDecoderOfItsFormatSeesAFile_data() {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<int>("quality");  // IMWRITE_WEBP_QUALITY; 0 for other formats
        QTest::addColumn<QByteArray>("damage");
        QTest::newRow("JPEG") << ".jpg" << 0 << QByteArray();
        QTest::newRow("PNG") << ".png" << 0 << QByteArray();
        QTest::newRow("TIFF") << ".tiff" << 0 << QByteArray();
        QTest::newRow("BMP") << ".bmp" << 0 << QByteArray();
        QTest::newRow("WebP") << ".webp" << 101 << QByteArray();
        // Headers that Impasto's chunk reader accepts but libwebp (so OpenCV's WebP decoder)
        // declines: before, OpenCV went on to its DICOM decoder.
        QTest::newRow("WebP, RIFF size 0") << ".webp" << 101 << QByteArray("riff-size");
        QTest::newRow("WebP, VP8X of 12 bytes") << ".webp" << 101 << QByteArray("vp8x-size");
    }
    void onlyTheDecoderOfItsFormatSeesAFile() {
        QFETCH(QString, extension);
        QFETCH(int, quality);
        QFETCH(QByteArray, damage);
        const std::vector<int> params =
            quality > 0 ? std::vector<int>{cv::IMWRITE_WEBP_QUALITY, quality} : std::vector<int>{};
        Bytes bytes = encode(quadrants(), extension.toStdString(), params);
        if (damage == "vp8x-size") {
            bytes = withWebpExif(bytes, 64, 32, exifOrientationBlock(1, false));
            bytes[16] = 12;
        }
        if (damage == "riff-size") {
            std::fill(bytes.begin() + 4, bytes.begin() + 8, 0);
        }
        // Small WebPs end before byte 128; what follows their RIFF payload is ignored.
        bytes.resize(std::max(bytes.size(), 128 + kGdcmAbortAt128.size()), 0);
        std::copy(kGdcmAbortAt128.begin(), kGdcmAbortAt128.end(), bytes.begin() + 128);
        // Decoded (the damage lands in pixel data) or refused, but never handed to GDCM.
        const QString outcome = outcomeInChild([&] { impasto::decodeImage(bytes, "crafted"); });
        QCOMPARE(outcome, QString("ended"));
        if (!damage.isEmpty()) {
            const QString message = errorFrom([&] { impasto::decodeImage(bytes, "crafted"); });
            QCOMPARE(message,
                     QString("crafted is truncated or corrupt (its header cannot be read)"));
        }
    }

    void refusesAnimatedWebpByName() {
        // The extended header's animation flag; OpenCV has no decoder for the frames (ANMF).
        Bytes webp = withWebpExif(encode(quadrants(), ".webp", {cv::IMWRITE_WEBP_QUALITY, 101}), 64,
                                  32, exifOrientationBlock(1, false));
        webp[20] |= 0x02;
        const QString message = errorFrom([&] { impasto::decodeImage(webp, "moving.webp"); });
        QCOMPARE(message, QString("moving.webp is an animated WebP, which Impasto cannot read; "
                                  "save one frame as PNG"));
    }

    void namesTiffSamplesOpenCvCannotRead() {
        // Three channels of 8-bit samples as OpenCV writes them, declared 64-bit floating point
        // instead: OpenCV's decoder fails on them ("truncated or corrupt" before).
        Bytes tiff = encode(cv::Mat(4, 4, CV_8UC3, cv::Scalar::all(100)), ".tiff");
        auto u16 = [&](size_t at) { return uint16_t(tiff[at] | tiff[at + 1] << 8); };
        auto u32 = [&](size_t at) { return uint32_t(u16(at) | uint32_t(u16(at + 2)) << 16); };
        const size_t directory = u32(4);
        for (size_t entry = directory + 2; entry < directory + 2 + 12 * u16(directory);
             entry += 12) {
            const uint16_t tag = u16(entry);
            if (tag == 258 || tag == 339) {  // BitsPerSample, SampleFormat: three SHORTs
                for (size_t value = u32(entry + 8); value < u32(entry + 8) + 6; value += 2) {
                    tiff[value] = tag == 258 ? 64 : 3;
                }
            }
        }
        const QString message = errorFrom([&] { impasto::decodeImage(tiff, "float64.tiff"); });
        QCOMPARE(message, QString("float64.tiff is a TIFF of 64-bit floating-point samples, "
                                  "which Impasto cannot read: save it with 8-bit, 16-bit or "
                                  "32-bit floating-point samples"));
    }

    void namesInt32TiffThatOpenCvDecodes() {
        // OpenCV decodes one channel of signed 32-bit integers (as CV_32S), which have no
        // agreed range of values; refused by name ("a format Impasto cannot read" before).
        cv::Mat samples(4, 6, CV_32SC1, cv::Scalar(100000));
        const Bytes tiff = encode(samples, ".tiff");
        const QString message = errorFrom([&] { impasto::decodeImage(tiff, "int32.tiff"); });
        QCOMPARE(message, QString("int32.tiff is a TIFF of 32-bit integer samples, which Impasto "
                                  "cannot read: save it with 8-bit, 16-bit or 32-bit "
                                  "floating-point samples"));
    }

    void readsGrayFloat64Tiff() {
        cv::Mat samples(4, 6, CV_64FC1, cv::Scalar(0.25));
        samples.at<double>(0, 0) = 7.0;  // clamped to 1
        const LoadedImage loaded = impasto::decodeImage(encode(samples, ".tiff"), "float64.tiff");
        QCOMPARE(loaded.info.bitDepth, 64);
        QVERIFY2(near(rgbAt(loaded.image, 3, 2), {0.25f, 0.25f, 0.25f}, 1e-6f),
                 describe(rgbAt(loaded.image, 3, 2)));
        QVERIFY2(near(rgbAt(loaded.image, 0, 0), {1, 1, 1}, 0),
                 describe(rgbAt(loaded.image, 0, 0)));
    }

    void refusesOtherFormatsOpenCvReads_data() {
        QTest::addColumn<QByteArray>("signature");
        // OpenCV's other decoders here; each looks for its signature at byte 0 (DICOM at 128,
        // GDAL only when asked by a flag Impasto never passes).
        QTest::newRow("HDR") << QByteArray("#?RADIANCE\n");
        QTest::newRow("Sun raster") << QByteArray("\x59\xA6\x6A\x95", 4);
        QTest::newRow("PxM") << QByteArray("P6\n2 2\n255\n");
        QTest::newRow("PFM") << QByteArray("PF\n2 2\n-1\n");
        QTest::newRow("JPEG 2000 codestream") << QByteArray("\xFF\x4F\xFF\x51", 4);
        QTest::newRow("JPEG 2000 JP2") << QByteArray("\0\0\0\x0CjP  \r\n\x87\n", 12);
        QTest::newRow("OpenEXR") << QByteArray("\x76\x2F\x31\x01", 4);
        QTest::newRow("DICOM") << QByteArray(128, '\0') + "DICM";
    }
    void refusesOtherFormatsOpenCvReads() {
        QFETCH(QByteArray, signature);
        Bytes bytes(signature.begin(), signature.end());
        bytes.resize(256, 0);
        const QString message = errorFrom([&] { impasto::decodeImage(bytes, "other"); });
        QCOMPARE(message, QString("other is not a JPEG, PNG, TIFF, WebP or BMP image"));
    }

    void refusesFilesTooLargeToDecode() {
        // Sparse, so the test costs no disk: the size must be judged before anything is read.
        const fs::path huge = path("huge.png");
        writeBytes(huge, encode(quadrants(), ".png"));
        fs::resize_file(huge, 3'000'000'000);
        const QString message = errorFrom([&] { loadImage(huge); });
        fs::remove(huge);
        QVERIFY2(message.endsWith("huge.png is too large to read (3000 MB; the limit is 2147 MB)"),
                 qPrintable(message));
    }

    void explainsOutOfMemory() {
        // 100 megapixels, under the pixel limit, with the address space capped so that OpenCV
        // cannot allocate the 300 MB of pixels.
        // libpng wants an IDAT before it reports the header; what it holds never gets decoded.
        Bytes png = pngStart(10000, 10000, 8, 2);
        impasto::appendPngChunk(png, "IDAT", Bytes(16, 0));
        impasto::appendPngChunk(png, "IEND", {});
        writeBytes(path("big.png"), png);
        const std::optional<QString> message =
            errorUnderAddressCap(100'000'000, [&] { loadImage(path("big.png")); });
        if (!message) {
            QSKIP("Cannot cap the address space");
        }
        QVERIFY2(message->endsWith(
                     "big.png is 10000 x 10000 pixels, too large for the memory available"),
                 qPrintable(*message));
    }

    void largeJpegIsDecodedAtTheSizeNeeded() {
        // 6000 x 4000: 72 MB of 8-bit samples, 288 MB as float. With 100 MB of address space to
        // spare, only a decode that libjpeg shrinks (1/8 here) fits.
        cv::Mat big(4000, 6000, CV_8UC3, cv::Scalar(40, 120, 200));
        big(cv::Rect(0, 0, 3000, 4000)).setTo(cv::Scalar(255, 255, 255));
        writeBytes(path("big.jpg"), withExifApp1(encode(big, ".jpg"), 6, true));
        big.release();
        LoadedImage loaded;
        const std::optional<QString> message = errorUnderAddressCap(
            100'000'000, [&] { loaded = loadImage(path("big.jpg"), {.maxSide = 500}); });
        if (!message) {
            QSKIP("Cannot cap the address space");
        }
        QVERIFY2(message->isEmpty(), qPrintable(*message));
        // Orientation 6 turns it upright: 4000 x 6000 as stored turned, 333 x 500 loaded.
        QCOMPARE(loaded.image.width(), 333);
        QCOMPARE(loaded.image.height(), 500);
        QCOMPARE(loaded.info.originalWidth, 4000);
        QCOMPARE(loaded.info.originalHeight, 6000);
        QCOMPARE(loaded.info.channels, 3);
        // The white half was the left one; turned clockwise it is the top.
        QVERIFY2(near(rgbAt(loaded.image, 166, 100), {1, 1, 1}, 0.02f),
                 describe(rgbAt(loaded.image, 166, 100)));
        QVERIFY2(near(rgbAt(loaded.image, 166, 400), {200 / 255.f, 120 / 255.f, 40 / 255.f}, 0.03f),
                 describe(rgbAt(loaded.image, 166, 400)));
    }

    void largeImagesAreShrunkBeforeFloat_data() {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<int>("type");
        QTest::newRow("PNG, 8-bit with alpha") << ".png" << CV_8UC4;
        QTest::newRow("PNG, 16-bit") << ".png" << CV_16UC3;
        QTest::newRow("TIFF, 8-bit") << ".tiff" << CV_8UC3;
        QTest::newRow("WebP") << ".webp" << CV_8UC3;
    }
    void largeImagesAreShrunkBeforeFloat() {
        // 6000 x 4000: as float, with its copies, several times its decoded size. With the
        // decoded size and 100 MB of address space to spare, only a loader that shrinks the
        // decoded samples before it converts them fits.
        QFETCH(QString, extension);
        QFETCH(int, type);
        const double white = CV_MAT_DEPTH(type) == CV_16U ? 65535 : 255;
        cv::Mat big(4000, 6000, type, cv::Scalar(40, 120, 200, white) * (white / 255));
        big(cv::Rect(0, 0, 3000, 4000)).setTo(cv::Scalar::all(white));
        if (CV_MAT_CN(type) == 4) {
            // Transparent black at the bottom, from half-way through the rows that make row 300:
            // composited before it is shrunk, it leaves no dark seam there.
            big(cv::Rect(0, 3005, 6000, 995)).setTo(cv::Scalar::all(0));
        }
        const fs::path file = path("big" + extension.toStdString());
        writeBytes(file, encode(big, extension.toStdString(), {cv::IMWRITE_WEBP_QUALITY, 90}));
        const rlim_t decodedBytes = big.total() * big.elemSize();
        big.release();
        LoadedImage loaded;
        const std::optional<QString> message = errorUnderAddressCap(
            decodedBytes + 100'000'000, [&] { loaded = loadImage(file, {.maxSide = 600}); });
        if (!message) {
            QSKIP("Cannot cap the address space");
        }
        QVERIFY2(message->isEmpty(), qPrintable(*message));
        QCOMPARE(loaded.image.width(), 600);
        QCOMPARE(loaded.image.height(), 400);
        QCOMPARE(loaded.info.originalWidth, 6000);
        QCOMPARE(loaded.info.bitDepth, CV_MAT_DEPTH(type) == CV_16U ? 16 : 8);
        QVERIFY2(near(rgbAt(loaded.image, 150, 150), {1, 1, 1}, 0.02f),
                 describe(rgbAt(loaded.image, 150, 150)));
        QVERIFY2(near(rgbAt(loaded.image, 450, 150), {200 / 255.f, 120 / 255.f, 40 / 255.f}, 0.03f),
                 describe(rgbAt(loaded.image, 450, 150)));
        if (CV_MAT_CN(type) == 4) {
            QVERIFY2(loaded.image.hasAlpha(), "the alpha was dropped");
            QVERIFY2(near(rgbAt(loaded.image, 450, 350), {1, 1, 1}, 0.02f),
                     describe(rgbAt(loaded.image, 450, 350)));
            // Half colour, half transparent: half-way between the colour and white.
            const cv::Vec3f halfway{(255 + 200) / 510.f, (255 + 120) / 510.f, (255 + 40) / 510.f};
            QVERIFY2(near(rgbAt(loaded.image, 450, 300), halfway, 0.03f),
                     describe(rgbAt(loaded.image, 450, 300)));
        }
    }

    void largeImagesAreShrunkWhileDecoded_data() {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<qint64>("spareBytes");
        QTest::addColumn<int>("bitDepth");
        QTest::addColumn<float>("tolerance");
        // 6000 x 4000 16-bit RGB: 144 MB of samples. With 60 MB of address space to spare, only
        // a decoder that shrinks row by row, never holding the whole image, fits. Interlaced PNG
        // is held whole once, at 8 bits (72 MB): 40 MB beside that.
        QTest::newRow("PNG") << "PNG" << qint64(60'000'000) << 16 << 1e-4f;
        QTest::newRow("PNG interlaced") << "PNG interlaced" << qint64(112'000'000) << 16 << 1e-4f;
        QTest::newRow("TIFF") << "TIFF" << qint64(60'000'000) << 16 << 1e-4f;
        QTest::newRow("TIFF tiled") << "TIFF tiled" << qint64(60'000'000) << 16 << 1e-4f;
        // 8-bit lossy: 72 MB decoded whole.
        QTest::newRow("WebP") << "WebP" << qint64(60'000'000) << 8 << 0.02f;
    }
    void largeImagesAreShrunkWhileDecoded() {
        QFETCH(QString, layout);
        QFETCH(qint64, spareBytes);
        QFETCH(int, bitDepth);
        QFETCH(float, tolerance);
        cv::Mat big(4000, 6000, CV_16UC3, cv::Scalar(40, 120, 200) * 257.0);
        big(cv::Rect(0, 0, 3000, 4000)).setTo(cv::Scalar::all(65535));
        const fs::path file = writeLayout(path("big16"), layout, big);
        big.release();
        LoadedImage loaded;
        const std::optional<QString> message = errorUnderAddressCap(
            rlim_t(spareBytes), [&] { loaded = loadImage(file, {.maxSide = 600}); });
        fs::remove(file);
        if (!message) {
            QSKIP("Cannot cap the address space");
        }
        QVERIFY2(message->isEmpty(), qPrintable(*message));
        QCOMPARE(loaded.image.width(), 600);
        QCOMPARE(loaded.info.originalWidth, 6000);
        QCOMPARE(loaded.info.bitDepth, bitDepth);
        QVERIFY2(
            near(rgbAt(loaded.image, 450, 150), {200 / 255.f, 120 / 255.f, 40 / 255.f}, tolerance),
            describe(rgbAt(loaded.image, 450, 150)));
    }

    void shrinkingWhileDecodingMatchesAreaAveraging_data() {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<double>("tolerance");
        // Streamed 16-bit samples give cv::resize's result to float rounding.
        QTest::newRow("PNG") << "PNG" << 2e-3;
        QTest::newRow("TIFF") << "TIFF" << 2e-3;
        QTest::newRow("TIFF tiled") << "TIFF tiled" << 2e-3;
        QTest::newRow("TIFF tiled planar") << "TIFF tiled planar" << 2e-3;
        QTest::newRow("TIFF strips planar") << "TIFF strips planar" << 2e-3;
        // Held whole at 8 bits before it is shrunk: at most half an 8-bit step (2e-3) more.
        QTest::newRow("PNG interlaced") << "PNG interlaced" << 4e-3;
        // libwebp's scaler (fixed-point, 8-bit output; lossy WebP rescaled in YUV, its colour at
        // half resolution, before the conversion to RGB): measured at most 2.6e-2 (7 steps of
        // 255), 1.5e-3 on average lossy; 7.1e-3 and 1.4e-3 lossless.
        QTest::newRow("WebP") << "WebP" << 3.5e-2;
        QTest::newRow("WebP lossless") << "WebP lossless" << 1e-2;
    }
    void shrinkingWhileDecodingMatchesAreaAveraging() {
        // A real photo with a soft alpha, shrunk by a ratio that is not a whole number: the same
        // pixels as decoding the whole file, compositing it and then cv::resize's area averaging.
        QFETCH(QString, layout);
        QFETCH(double, tolerance);
        const cv::Mat photo = cv::imread(impasto::test::sharedImage("tubingen.jpg").toStdString());
        QVERIFY(!photo.empty());
        cv::Mat rgba;
        cv::cvtColor(photo, rgba, cv::COLOR_BGR2BGRA);
        rgba.convertTo(rgba, CV_16U, 257.0);
        for (int y = 0; y < rgba.rows; ++y) {
            for (int x = 0; x < rgba.cols; ++x) {
                rgba.at<cv::Vec4w>(y, x)[3] = static_cast<uint16_t>(65535 * x / (rgba.cols - 1));
            }
        }
        const fs::path file = writeLayout(path("soft"), layout, rgba);
        const LoadedImage loaded = loadImage(file, {.maxSide = 301});

        // Lossy WebP is compared with its own whole decode, the rest with what was written.
        const cv::Mat whole =
            layout == "WebP" ? cv::imread(file.string(), cv::IMREAD_UNCHANGED) : rgba;
        QCOMPARE(whole.channels(), 4);
        cv::Mat unit;
        whole.convertTo(unit, CV_32F, whole.depth() == CV_16U ? 1.0 / 65535 : 1.0 / 255);
        std::vector<cv::Mat> planes;
        cv::split(unit, planes);
        for (int c = 0; c < 3; ++c) {
            planes[c] = planes[c].mul(planes[3]) + (1.0 - planes[3]);
        }
        cv::Mat composited;
        cv::merge(std::vector{planes[2], planes[1], planes[0]}, composited);
        cv::Mat expected;
        cv::resize(composited, expected, {loaded.image.width(), loaded.image.height()}, 0, 0,
                   cv::INTER_AREA);
        QCOMPARE(loaded.image.width(), 301);
        cv::Mat difference = cv::abs(impasto::rgbView(loaded.image) - expected);
        double largest = 0.0;
        cv::minMaxLoc(difference.reshape(1), nullptr, &largest);
        qInfo("%s: largest difference %.2e, mean %.2e", qPrintable(layout), largest,
              cv::mean(difference.reshape(1))[0]);
        QVERIFY2(largest < tolerance, qPrintable(QString::number(largest)));
        QVERIFY2(loaded.image.hasAlpha(), "the alpha was dropped");
    }

    void decodesBytesInMemory() {
        const Bytes png = encode(quadrants(), ".png");
        const LoadedImage loaded = impasto::decodeImage(png, "clipboard");
        verifyQuadrants(loaded.image, "ABCD", 0.0f);
        const QString message = errorFrom([] {
            impasto::decodeImage(Bytes{'h', 'i', '\n'}, "clipboard");
        });
        QVERIFY2(message.startsWith("clipboard is not an image"), qPrintable(message));
    }
};

QTEST_APPLESS_MAIN(TestImageLoader)
#include "test_image_loader.moc"
