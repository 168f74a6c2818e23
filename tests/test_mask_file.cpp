// Mask files (core/image/MaskFile.h) and the strength blend (core/image/StrengthBlend.h).
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "core/image/ImageLoader.h"
#include "core/image/MaskFile.h"
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
};

QTEST_GUILESS_MAIN(MaskFileTest)
#include "test_mask_file.moc"
