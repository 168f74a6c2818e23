#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "core/image/ImageLoader.h"
#include "core/image/ImageMat.h"
#include "core/image/PngChunks.h"
#include "core/image/PngExport.h"
#include "core/image/PngTextReader.h"
#include "support/TestFiles.h"

namespace fs = std::filesystem;
using impasto::exportPng;
using impasto::Image;
using impasto::imageFromMats;
using impasto::loadImage;
using impasto::readPngText;
using impasto::test::Bytes;
using impasto::test::errorFrom;
using impasto::test::filesIn;
using impasto::test::readBytes;
using impasto::test::writeBytes;

namespace {

// Where the first chunk after IHDR starts: signature, then IHDR with its 13 data bytes.
constexpr size_t kAfterIhdr = 8 + 12 + 13;

// Random colours, so that every sample value and channel order matters.
Image randomImage(int width, int height, bool withAlpha) {
    cv::Mat rgb(height, width, CV_32FC3);
    cv::randu(rgb, 0.0, 1.0);
    if (!withAlpha) {
        return imageFromMats(rgb);
    }
    // Multiples of 1/255, so that 8-bit storage keeps alpha exactly, opaque to transparent.
    cv::Mat levels(height, width, CV_8UC1);
    cv::randu(levels, 0, 256);
    cv::Mat alpha;
    levels.convertTo(alpha, CV_32F, 1.0 / 255.0);
    // What the loader produces: colour composited over white.
    cv::Mat alpha3;
    cv::merge(std::vector{alpha, alpha, alpha}, alpha3);
    return imageFromMats(rgb.mul(alpha3) + (cv::Scalar::all(1.0) - alpha3), alpha);
}

double maxDifference(const cv::Mat& a, const cv::Mat& b) {
    return cv::norm(a, b, cv::NORM_INF);
}

std::vector<std::string> chunkTypes(const Bytes& png) {
    std::vector<std::string> types;
    for (const impasto::PngChunk& chunk : impasto::readPngChunks(png).chunks) {
        types.emplace_back(chunk.type);
    }
    return types;
}

}  // namespace

class TestPngExport : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    fs::path path(const std::string& name) const {
        return fs::path(dir_.path().toStdString()) / name;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void eightBitRoundTrip() {
        const Image image = randomImage(37, 23, false);
        exportPng(path("8bit.png"), image);
        const impasto::LoadedImage loaded = loadImage(path("8bit.png"));
        QCOMPARE(loaded.info.bitDepth, 8);
        QCOMPARE(loaded.info.channels, 3);
        QVERIFY(alphaView(loaded.image).empty());
        QVERIFY(maxDifference(rgbView(loaded.image), rgbView(image)) <= 0.5 / 255 + 1e-6);
    }

    void sixteenBitRoundTrip() {
        const Image image = randomImage(37, 23, false);
        exportPng(path("16bit.png"), image, {.bitDepth = 16});
        const impasto::LoadedImage loaded = loadImage(path("16bit.png"));
        QCOMPARE(loaded.info.bitDepth, 16);
        QVERIFY(maxDifference(rgbView(loaded.image), rgbView(image)) <= 0.5 / 65535 + 1e-7);
    }

    void rgbaRoundTrip_data() {
        QTest::addColumn<int>("bitDepth");
        QTest::newRow("8 bit") << 8;
        QTest::newRow("16 bit") << 16;
    }
    void rgbaRoundTrip() {
        QFETCH(int, bitDepth);
        const Image image = randomImage(41, 19, true);
        exportPng(path("rgba.png"), image, {.bitDepth = bitDepth});

        const cv::Mat stored = cv::imread(path("rgba.png").string(), cv::IMREAD_UNCHANGED);
        QCOMPARE(stored.channels(), 4);
        QCOMPARE(stored.depth(), bitDepth == 16 ? CV_16U : CV_8U);

        const impasto::LoadedImage loaded = loadImage(path("rgba.png"));
        QCOMPARE(loaded.info.channels, 4);
        const double step = bitDepth == 16 ? 1.0 / 65535 : 1.0 / 255;
        QVERIFY(maxDifference(alphaView(loaded.image), alphaView(image)) <= 0.5 * step + 1e-6);
        // Colour and alpha are each rounded once, hence one step for the composite.
        QVERIFY(maxDifference(rgbView(loaded.image), rgbView(image)) <= step + 1e-6);
    }

    void clampsAndRounds() {
        const Image image = imageFromMats(cv::Mat(2, 2, CV_32FC3, cv::Scalar(-0.25, 1.5, 0.5)));
        exportPng(path("clamped.png"), image);
        const cv::Mat stored = cv::imread(path("clamped.png").string(), cv::IMREAD_UNCHANGED);
        QCOMPARE(stored.type(), CV_8UC3);
        // BGR: blue 0.5 * 255 = 127.5 rounds to even, green clamped to 255, red to 0.
        QCOMPARE(stored.at<cv::Vec3b>(1, 1), cv::Vec3b(128, 255, 0));
    }

    void rejectsOtherBitDepthsAndBadImages() {
        const Image image = randomImage(4, 4, false);
        QString message = errorFrom([&] { exportPng(path("12bit.png"), image, {.bitDepth = 12}); });
        QVERIFY2(message.contains("12bit.png") && message.contains("bit depth must be 8 or 16"),
                 qPrintable(message));

        message = errorFrom([&] { exportPng(path("empty.png"), Image{}); });
        QVERIFY2(message.contains("empty.png") && message.contains("empty"), qPrintable(message));

        Image mismatched = image;
        mismatched.alpha.assign(9, 1.0f);
        message = errorFrom([&] { exportPng(path("mismatched.png"), mismatched); });
        QVERIFY2(message.contains("alpha"), qPrintable(message));
        QVERIFY(!fs::exists(path("12bit.png")));
    }

    void textChunksRoundTrip() {
        std::string json = "{\"style\": \"starry_night.jpg\", \"weights\": [";
        for (int i = 0; i < 5000; ++i) {
            json += std::to_string(i * 0.125) + ", ";
        }
        json += "0]}";
        const std::map<std::string, std::string> text{
            {"Software", "Impasto 0.1"},
            {"impasto:settings", json},
            {"Description", "Gemälde nach Ölbild — 油絵 🎨"},
            {"Größe", "Latin-1 keyword"},
            {"Empty", ""},
        };
        const Image image = randomImage(8, 8, false);
        exportPng(path("text.png"), image, {.text = text});

        QCOMPARE(readPngText(path("text.png")), text);
        // The text sits right after IHDR, and OpenCV (libpng) still reads the file.
        const std::vector<std::string> types = chunkTypes(readBytes(path("text.png")));
        QVERIFY(types.size() >= 7);
        QCOMPARE(types[0], "IHDR");
        // ASCII text goes in tEXt, which ImageMagick 6's identify shows (it ignores iTXt).
        size_t index = 1;
        for (const auto& [keyword, value] : text) {
            const bool ascii = std::all_of(value.begin(), value.end(), [](char c) {
                return static_cast<unsigned char>(c) < 0x80;
            });
            QCOMPARE(types[index++], ascii ? "tEXt" : "iTXt");
        }
        const cv::Mat stored = cv::imread(path("text.png").string(), cv::IMREAD_UNCHANGED);
        QCOMPARE(stored.size(), cv::Size(8, 8));
        QVERIFY(maxDifference(rgbView(loadImage(path("text.png")).image), rgbView(image)) <=
                0.5 / 255 + 1e-6);
    }

    void rejectsInvalidText_data() {
        QTest::addColumn<QByteArray>("keyword");
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("empty keyword") << QByteArray("") << QByteArray("x");
        QTest::newRow("80 characters") << QByteArray(80, 'k') << QByteArray("x");
        QTest::newRow("leading space") << QByteArray(" Title") << QByteArray("x");
        QTest::newRow("trailing space") << QByteArray("Title ") << QByteArray("x");
        QTest::newRow("double space") << QByteArray("A  title") << QByteArray("x");
        QTest::newRow("control character") << QByteArray("Tab\there") << QByteArray("x");
        QTest::newRow("beyond Latin-1") << QByteArray("油絵") << QByteArray("x");
        QTest::newRow("invalid UTF-8 text") << QByteArray("Title") << QByteArray("\xC3\x28");
        QTest::newRow("NUL in text") << QByteArray("Title") << QByteArray("a\0b", 3);
    }
    void rejectsInvalidText() {
        QFETCH(QByteArray, keyword);
        QFETCH(QByteArray, text);
        const impasto::PngExportOptions options{
            .text = {{keyword.toStdString(), text.toStdString()}}};
        const QString message =
            errorFrom([&] { exportPng(path("invalid.png"), randomImage(4, 4, false), options); });
        QVERIFY2(message.contains("invalid.png") && message.contains("text entry"),
                 qPrintable(message));
        QVERIFY(!fs::exists(path("invalid.png")));
    }

    void readsLatin1TextChunks() {
        // tEXt is Latin-1; what readPngText returns is UTF-8.
        exportPng(path("plain.png"), randomImage(4, 4, false));
        const Bytes png = readBytes(path("plain.png"));
        const Bytes payload{'A', 'u', 't', 'h', 'o', 'r', 0, 'R', 'e', 'n', 0xE9};
        Bytes withText(png.begin(), png.begin() + kAfterIhdr);
        impasto::appendPngChunk(withText, "tEXt", payload);
        withText.insert(withText.end(), png.begin() + kAfterIhdr, png.end());
        writeBytes(path("latin1.png"), withText);
        const std::map<std::string, std::string> expected{{"Author", "Ren\xC3\xA9"}};
        QCOMPARE(readPngText(path("latin1.png")), expected);

        // A damaged text chunk is reported, not silently dropped.
        withText[kAfterIhdr + 8 + 3] ^= 0x20;  // "Author" becomes "AuThor"
        writeBytes(path("damaged.png"), withText);
        const QString message = errorFrom([&] { readPngText(path("damaged.png")); });
        QVERIFY2(message.contains("damaged.png is corrupt"), qPrintable(message));
    }

    void readPngTextRefusesOtherFiles() {
        cv::Mat pixels(4, 4, CV_8UC3, cv::Scalar(1, 2, 3));
        cv::imwrite(path("photo.jpg").string(), pixels);
        QString message = errorFrom([&] { readPngText(path("photo.jpg")); });
        QVERIFY2(message.endsWith("photo.jpg is not a PNG file"), qPrintable(message));

        message = errorFrom([&] { readPngText(path("absent.png")); });
        QVERIFY2(message.endsWith("absent.png does not exist"), qPrintable(message));

        exportPng(path("whole.png"), randomImage(16, 16, false), {.text = {{"k", "v"}}});
        const Bytes whole = readBytes(path("whole.png"));
        writeBytes(path("half.png"), Bytes(whole.begin(), whole.begin() + whole.size() / 2));
        message = errorFrom([&] { readPngText(path("half.png")); });
        QVERIFY2(message.contains("half.png is truncated"), qPrintable(message));
    }

    void failedExportLeavesExistingFileAlone() {
        const fs::path folder = path("locked");
        fs::create_directory(folder);
        const fs::path file = folder / "result.png";
        exportPng(file, randomImage(8, 8, false));
        const Bytes before = readBytes(file);

        // A folder that does not exist.
        QString message =
            errorFrom([&] { exportPng(path("nowhere") / "result.png", randomImage(8, 8, false)); });
        QVERIFY2(message.contains("result.png"), qPrintable(message));

        // A read-only folder.
        ::chmod(folder.c_str(), 0555);
        const bool permissionsApply = ::access(folder.c_str(), W_OK) != 0;
        if (permissionsApply) {
            message = errorFrom([&] { exportPng(file, randomImage(8, 8, false)); });
            QVERIFY2(message.contains("result.png"), qPrintable(message));
        }
        ::chmod(folder.c_str(), 0755);
        QCOMPARE(readBytes(file), before);
        QCOMPARE(filesIn(folder), std::vector<std::string>{"result.png"});
        if (!permissionsApply) {
            QSKIP(
                "Running as root: a read-only folder is still writable, so that case is untested");
        }
    }
};

QTEST_APPLESS_MAIN(TestPngExport)
#include "test_png_export.moc"
