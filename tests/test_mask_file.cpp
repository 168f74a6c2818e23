// Mask files (core/image/MaskFile.h) and the strength blend (core/image/StrengthBlend.h).
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "core/image/EmbeddedMasks.h"
#include "core/image/FileBytes.h"
#include "core/image/ImageExport.h"
#include "core/image/ImageLoader.h"
#include "core/image/JpegMaskSegments.h"
#include "core/image/MaskFile.h"
#include "core/image/PngExport.h"
#include "core/image/PngTextReader.h"
#include "core/image/RecipeFile.h"
#include "core/image/StrengthBlend.h"
#include "support/TestFiles.h"

using namespace impasto;
using impasto::test::requiredErrorFrom;

namespace {

// A horizontal ramp, every 8-bit level once per row.
Mask ramp() {
    Mask mask(256, 3);
    for (int y = 0; y < 3; ++y) {
        for (int x = 0; x < 256; ++x) {
            mask.values[size_t(y) * 256 + x] = float(x) / 255.0f;
        }
    }
    return mask;
}

Image uniform(float r, float g, float b) {
    Image image(2, 2);
    for (size_t i = 0; i < image.pixelCount(); ++i) {
        image.rgb[i * 3] = r;
        image.rgb[i * 3 + 1] = g;
        image.rgb[i * 3 + 2] = b;
    }
    return image;
}

// Largest difference between samples; 8-bit storage and float arithmetic round.
template <typename Samples>
float largestDifference(const Samples& a, const Samples& b) {
    if (a.size() != b.size()) {
        return 1e9f;
    }
    float largest = 0.0f;
    for (size_t i = 0; i < a.size(); ++i) {
        largest = std::max(largest, std::abs(a[i] - b[i]));
    }
    return largest;
}

// A mask of 8-bit noise (PNG cannot compress it: a 400 x 300 one needs two JPEG segments).
Mask noise(int width, int height, unsigned seed) {
    Mask mask(width, height);
    for (float& value : mask.values) {
        seed = seed * 1103515245u + 12345u;
        value = float((seed >> 16) & 0xFF) / 255.0f;
    }
    return mask;
}

// Whether `read` holds the masks of `written`, each within 8-bit rounding.
bool sameMasks(const std::vector<std::optional<Mask>>& read,
               const std::vector<std::optional<Mask>>& written) {
    return std::equal(read.begin(), read.end(), written.begin(), written.end(),
                      [](const std::optional<Mask>& a, const std::optional<Mask>& b) {
                          return a.has_value() == b.has_value() &&
                                 (!a || (a->width() == b->width() &&
                                         largestDifference(a->values, b->values) < 1e-6f));
                      });
}

// Where the payloads of a JPEG's mask segments begin and end in `jpeg`.
std::vector<std::pair<size_t, size_t>> maskSegmentsIn(const std::vector<uint8_t>& jpeg) {
    std::vector<std::pair<size_t, size_t>> found;
    for (const JpegSegment& segment : readJpegHeader(jpeg).segments) {
        if (segment.marker == kJpegMaskMarker) {
            const size_t start = size_t(segment.data.data() - jpeg.data());
            found.emplace_back(start, start + segment.data.size());
        }
    }
    return found;
}

// `png` with `chunks` (type, data) put before its IEND.
std::vector<uint8_t> withChunksBeforeEnd(
    const std::vector<uint8_t>& png,
    const std::vector<std::pair<std::string, std::vector<uint8_t>>>& chunks) {
    const size_t endStart = png.size() - 12;  // IEND: length, type and CRC around no data
    std::vector<uint8_t> result(png.begin(), png.begin() + ptrdiff_t(endStart));
    for (const auto& [type, data] : chunks) {
        appendPngChunk(result, type, data);
    }
    result.insert(result.end(), png.begin() + ptrdiff_t(endStart), png.end());
    return result;
}

// A mask chunk's data: the name, a NUL and the PNG.
std::vector<uint8_t> maskChunk(const std::string& name, const std::vector<uint8_t>& png) {
    std::vector<uint8_t> data(name.begin(), name.end());
    data.push_back(0);
    data.insert(data.end(), png.begin(), png.end());
    return data;
}

uint32_t bigEndianAt(std::span<const uint8_t> bytes, size_t offset) {
    return uint32_t(bytes[offset]) << 24 | uint32_t(bytes[offset + 1]) << 16 |
           uint32_t(bytes[offset + 2]) << 8 | bytes[offset + 3];
}

}  // namespace

class MaskFileTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void savedMaskLoadsBackAsGreyPng() {
        QTemporaryDir dir;
        const std::filesystem::path file = dir.filePath("mask.png").toStdString();
        saveMask(ramp(), file);
        const LoadedImage stored = loadImage(file);
        QCOMPARE(stored.info.channels, 1);
        QCOMPARE(stored.info.bitDepth, 8);
        QVERIFY(largestDifference(loadMask(file).values, ramp().values) < 1e-5f);
    }

    void aStoredBlackMaskComesBackAsPainted() {
        QTemporaryDir dir;
        const std::filesystem::path file = dir.filePath("black.png").toStdString();
        saveMask(impasto::Mask(8, 6), file);
        QVERIFY(requiredErrorFrom([&] { loadMask(file); }).contains("black everywhere"));
        const impasto::Mask stored = impasto::loadMaskAllowingBlack(file);
        QCOMPARE(stored.width(), 8);
        QCOMPARE(stored.height(), 6);
        QVERIFY(std::all_of(stored.values.begin(), stored.values.end(),
                            [](float v) { return v == 0.0f; }));
    }

    // Colour counts by its luminance, and transparency takes weight away.
    void colourAndAlphaMakeTheWeight() {
        QTemporaryDir dir;
        const std::string file = dir.filePath("rgba.png").toStdString();
        // BGRA: pure red opaque, white half transparent.
        cv::Mat pixels(1, 2, CV_8UC4);
        pixels.at<cv::Vec4b>(0, 0) = {0, 0, 255, 255};
        pixels.at<cv::Vec4b>(0, 1) = {255, 255, 255, 128};
        QVERIFY(cv::imwrite(file, pixels));
        const Mask mask = loadMask(file);
        QVERIFY(std::abs(mask.values[0] - 0.299f) < 0.01f);
        QVERIFY(std::abs(mask.values[1] - 128.0f / 255.0f) < 0.01f);
    }

    void blackOrUnreadableMasksAreNamed() {
        QTemporaryDir dir;
        const std::string black = dir.filePath("black.png").toStdString();
        saveMask(Mask(4, 4), black);
        QVERIFY(requiredErrorFrom([&] { loadMask(black); }).contains("black everywhere"));
        const std::string missing = dir.filePath("missing.png").toStdString();
        QVERIFY(requiredErrorFrom([&] { loadMask(missing); }).contains("missing.png"));
    }

    // 0 gives the photo, 1 the result, 0.5 the mean in linear light (brighter than the sRGB
    // mean of black and white, 0.5, at 0.735).
    void strengthBlendsInLinearLight() {
        const Image photo = uniform(0.0f, 1.0f, 0.2f);
        const Image result = uniform(1.0f, 1.0f, 0.6f);
        QVERIFY(largestDifference(blendStrength(photo, result, 0.0).rgb, photo.rgb) < 1e-5f);
        QVERIFY(largestDifference(blendStrength(photo, result, 1.0).rgb, result.rgb) < 1e-5f);
        const Image half = blendStrength(photo, result, 0.5);
        QVERIFY(std::abs(half.rgb[0] - 0.7354f) < 0.001f);
        QVERIFY(std::abs(half.rgb[1] - 1.0f) < 1e-5f);
        QVERIFY(requiredErrorFrom([&] { blendStrength(photo, result, 1.5); }).contains("strength"));
    }

    // Masks travel inside an exported PNG (soft values at 8 bits exactly, painting numbers
    // kept), which viewers and the recipe reader still read as before; a mask file holds none.
    void masksTravelInsideAnExportedPng() {
        QTemporaryDir dir;
        const std::filesystem::path file = dir.filePath("exported.png").toStdString();
        Mask keep(5, 4);
        keep.values[6] = 1.0f;
        const MaskSet masks{
            .paintings = {std::nullopt, ramp()}, .keep = keep, .sources = {Mask(3, 3, 1.0f)}};
        exportPng(file, uniform(0.2f, 0.4f, 0.6f),
                  {.bitDepth = 8, .text = {{"impasto:settings", "{}"}}, .masks = masks});
        const MaskSet read = readEmbeddedMasks(file);
        QCOMPARE(read.paintings.size(), size_t(2));
        QVERIFY(!read.paintings[0]);
        QVERIFY(read.paintings[1] &&
                largestDifference(read.paintings[1]->values, ramp().values) < 1e-5f);
        QCOMPARE(read.keep, std::optional(keep));
        QCOMPARE(read.sources, masks.sources);
        QCOMPARE(loadImage(file).image.width(), 2);
        QCOMPARE(readPngText(file).at("impasto:settings"), std::string("{}"));

        // A mask file is no export.
        const std::filesystem::path plain = dir.filePath("plain.png").toStdString();
        saveMask(ramp(), plain);
        QVERIFY(!readEmbeddedMasks(plain).any());
    }

    // Every format Impasto exports carries the masks beside its recipe, the same 8-bit values
    // as a PNG; the picture and the recipe read as before, and an export without masks holds
    // none.
    void masksTravelInEveryExportFormat() {
        QTemporaryDir dir;
        const MaskSet masks{.paintings = {noise(400, 300, 1), std::nullopt, ramp()},
                            .keep = noise(64, 48, 2),
                            .sources = {std::nullopt, Mask(3, 3, 1.0f)}};
        ImageExportOptions options;
        options.settings = R"({"styleWeight": 7})";
        options.masks = masks;
        MaskSet fromPng;
        for (const std::string extension : {".png", ".jpg", ".tiff"}) {
            const std::filesystem::path file = dir.filePath("exported").toStdString() + extension;
            exportImage(file, uniform(0.2f, 0.4f, 0.6f), options);
            const MaskSet read = readEmbeddedMasks(file);
            QVERIFY2(sameMasks(read.paintings, masks.paintings) &&
                         sameMasks(read.sources, masks.sources) && read.keep &&
                         sameMasks({read.keep}, {masks.keep}),
                     extension.c_str());
            if (extension == ".png") {
                fromPng = read;
            } else {
                QVERIFY2(read == fromPng, extension.c_str());  // exactly the PNG's values
            }
            QCOMPARE(loadImage(file).image.width(), 2);
            QCOMPARE(loadRecipe(file).settings.styleWeight, 7.0);

            ImageExportOptions plain;
            plain.settings = "{}";
            const std::filesystem::path without = dir.filePath("plain").toStdString() + extension;
            exportImage(without, uniform(0.2f, 0.4f, 0.6f), plain);
            QVERIFY2(!readEmbeddedMasks(without).any(), extension.c_str());
        }
        const size_t segments =
            maskSegmentsIn(readFileBytes(dir.filePath("exported.jpg").toStdString())).size();
        QVERIFY2(segments >= 2, qPrintable(QString("%1 mask segments").arg(segments)));
    }

    // A JPEG or TIFF whose masks are damaged, cut short or missing a part is refused with a
    // message that says so, rather than read in part.
    void damagedMasksInJpegAndTiffAreRefused() {
        QTemporaryDir dir;
        ImageExportOptions options;
        options.settings = "{}";
        options.masks = {.paintings = {noise(400, 300, 3)}, .keep = {}, .sources = {}};
        const std::filesystem::path jpegFile = dir.filePath("exported.jpg").toStdString();
        exportImage(jpegFile, uniform(0.5f, 0.5f, 0.5f), options);
        const std::vector<uint8_t> jpeg = readFileBytes(jpegFile);
        const auto parts = maskSegmentsIn(jpeg);
        QCOMPARE(parts.size(), size_t(2));
        const auto errorFor = [](const std::vector<uint8_t>& bytes) {
            return requiredErrorFrom([&] { embeddedMasks(bytes, "crafted"); });
        };

        std::vector<uint8_t> flipped = jpeg;
        flipped[parts[0].first + 100] ^= 0x01;  // inside the first mask's chunk
        const QString checksum = errorFor(flipped);
        QVERIFY2(checksum.contains("checksum"), qPrintable(checksum));

        // Without its second segment (its marker and length are the 4 bytes before it).
        std::vector<uint8_t> missing(jpeg.begin(), jpeg.begin() + ptrdiff_t(parts[1].first - 4));
        missing.insert(missing.end(), jpeg.begin() + ptrdiff_t(parts[1].second), jpeg.end());
        const QString partMissing = errorFor(missing);
        QVERIFY2(partMissing ==
                     "crafted is truncated or damaged: it holds 1 of the 2 segments "
                     "of its masks",
                 qPrintable(partMissing));

        // The second segment twice.
        std::vector<uint8_t> repeated(jpeg.begin(), jpeg.begin() + ptrdiff_t(parts[1].second));
        repeated.insert(repeated.end(), jpeg.begin() + ptrdiff_t(parts[1].first - 4), jpeg.end());
        QVERIFY2(errorFor(repeated).contains("out of order"), qPrintable(errorFor(repeated)));

        const std::vector<uint8_t> cut(jpeg.begin(), jpeg.begin() + ptrdiff_t(parts[1].first + 10));
        QVERIFY2(errorFor(cut).contains("1 of the 2 segments"), qPrintable(errorFor(cut)));

        const std::filesystem::path tiffFile = dir.filePath("exported.tiff").toStdString();
        exportImage(tiffFile, uniform(0.5f, 0.5f, 0.5f), options);
        const std::vector<uint8_t> tiff = readFileBytes(tiffFile);
        const auto stream =
            std::search(tiff.begin(), tiff.end(), kPngSignature.begin(), kPngSignature.end());
        QVERIFY(stream != tiff.end());
        const size_t at = size_t(stream - tiff.begin());
        std::vector<uint8_t> damagedTiff = tiff;
        damagedTiff[at + 100] ^= 0x01;
        QVERIFY2(errorFor(damagedTiff).contains("checksum"), qPrintable(errorFor(damagedTiff)));
        const std::vector<uint8_t> cutTiff(tiff.begin(), tiff.begin() + ptrdiff_t(at + 100));
        const QString endsEarly = errorFor(cutTiff);
        QVERIFY2(endsEarly == "crafted is truncated or corrupt (its masks end early)",
                 qPrintable(endsEarly));
    }

    // What a reader takes is bounded: a mask whose header claims more pixels than Impasto
    // writes is refused before decoding, as are a damaged chunk and too many masks; a mask
    // larger than that is shrunk to fit when written.
    void embeddedMasksAreBounded() {
        QTemporaryDir dir;
        const std::filesystem::path file = dir.filePath("plain.png").toStdString();
        exportPng(file, uniform(0.5f, 0.5f, 0.5f));
        const std::vector<uint8_t> png = readFileBytes(file);
        const std::vector<uint8_t> small = encodeMaskPng(Mask(2, 2, 1.0f), "small");

        // The small mask's IHDR claims 5000 x 5000 pixels.
        std::vector<uint8_t> header(small.begin() + 16, small.begin() + 29);
        for (const size_t at : {size_t(0), size_t(4)}) {
            header[at] = 0;
            header[at + 1] = 0;
            header[at + 2] = 5000 >> 8;
            header[at + 3] = 5000 & 0xFF;
        }
        std::vector<uint8_t> huge(small.begin(), small.begin() + 8);
        appendPngChunk(huge, "IHDR", header);
        huge.insert(huge.end(), small.begin() + 33, small.end());
        const auto errorFor = [&](const std::vector<uint8_t>& bytes) {
            return requiredErrorFrom(
                [&] { masksFromPngChunks(readPngChunks(bytes), "crafted.png"); });
        };
        QVERIFY(masksFromPngChunks(
                    readPngChunks(withChunksBeforeEnd(png, {{"maSk", maskChunk("keep", small)}})),
                    "fine.png")
                    .keep);
        const QString tooLarge =
            errorFor(withChunksBeforeEnd(png, {{"maSk", maskChunk("keep", huge)}}));
        QVERIFY2(tooLarge.contains("5000 x 5000") && tooLarge.contains("limit"),
                 qPrintable(tooLarge));

        std::vector<uint8_t> damaged =
            withChunksBeforeEnd(png, {{"maSk", maskChunk("keep", small)}});
        damaged[damaged.size() - 12 - 5] ^= 0x01;  // a byte of the mask chunk's PNG
        QVERIFY(errorFor(damaged).contains("checksum"));

        // Only PNG is decoded there, though the decoder reads other formats too.
        cv::Mat grey(2, 2, CV_8UC1, cv::Scalar(255));
        std::vector<uint8_t> bmp;
        QVERIFY(cv::imencode(".bmp", grey, bmp));
        const QString notPng =
            errorFor(withChunksBeforeEnd(png, {{"maSk", maskChunk("keep", bmp)}}));
        QVERIFY2(notPng.contains("not a PNG"), qPrintable(notPng));

        std::vector<std::pair<std::string, std::vector<uint8_t>>> many(
            kMaxEmbeddedMasks + 1, {"maSk", maskChunk("unknown", small)});
        QVERIFY(errorFor(withChunksBeforeEnd(png, many)).contains("more or larger masks"));

        const std::vector<std::vector<uint8_t>> written =
            maskChunkData({.paintings = {}, .keep = Mask(4200, 4200, 1.0f), .sources = {}});
        QCOMPARE(written.size(), size_t(1));
        const std::span<const uint8_t> stored = std::span(written[0]).subspan(5);  // "keep\0"
        const uint32_t side = bigEndianAt(stored, 16);
        QVERIFY2(side < 4200 &&
                     double(side) * bigEndianAt(stored, 20) <= kMaxEmbeddedMaskMegapixels * 1e6,
                 qPrintable(QString("stored at %1 pixels wide").arg(side)));
    }
};

QTEST_GUILESS_MAIN(MaskFileTest)
#include "test_mask_file.moc"
