// exportImage(): the format by the extension, the recipe where each format keeps text (PNG tEXt,
// JPEG comment, TIFF ImageDescription) and read back by loadRecipe, and refusals that leave an
// existing file alone.
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <string>

#include <opencv2/imgcodecs.hpp>

#include "core/common/Error.h"
#include "core/image/FileBytes.h"
#include "core/image/ImageExport.h"
#include "core/image/RecipeFile.h"
#include "core/image/TiffTags.h"

using namespace impasto;

namespace {

// A smooth gradient, so that 16-bit samples are not all 8-bit values stretched.
Image gradient(int width, int height) {
    Image image(width, height);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            float* pixel = &image.rgb[(static_cast<size_t>(y) * width + x) * 3];
            pixel[0] = static_cast<float>(x) / (width - 1);
            pixel[1] = static_cast<float>(y) / (height - 1);
            pixel[2] = 0.3f;
        }
    }
    return image;
}

// A recipe of `padding` extra characters in a style file name, to make it as long as needed.
std::string recipeJson(size_t padding) {
    return R"({"outputSize":40,"content":"photo.jpg","styles":[{"file":")" +
           std::string(padding, 'p') + R"(.jpg","blend":1.0}],"iterations":7})";
}

std::string errorFrom(const auto& action) {
    try {
        action();
    } catch (const Error& error) {
        return error.what();
    }
    return {};
}

}  // namespace

class TestImageExport : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::filesystem::path file(const char* name) const { return dir_.filePath(name).toStdString(); }

private Q_SLOTS:
    void formatFollowsTheExtension() {
        QCOMPARE(imageFormatFor("a.PNG"), std::optional(ImageFormat::Png));
        QCOMPARE(imageFormatFor("a.jpeg"), std::optional(ImageFormat::Jpeg));
        QCOMPARE(imageFormatFor("a.Tif"), std::optional(ImageFormat::Tiff));
        QCOMPARE(imageFormatFor("a.bmp"), std::nullopt);
        QCOMPARE(exportBitDepth(ImageFormat::Tiff, 0), 16);
        QCOMPARE(exportBitDepth(ImageFormat::Png, 0), 8);
    }

    void jpegAndTiffHoldTheirRecipe_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("depth");
        QTest::addColumn<int>("padding");
        QTest::newRow("JPEG") << "recipe.jpg" << CV_8U << 10;
        // Longer than one JPEG comment segment (65533 bytes): it spans two.
        QTest::newRow("JPEG, long recipe") << "long.jpg" << CV_8U << 70000;
        QTest::newRow("TIFF") << "recipe.tif" << CV_16U << 10;
        QTest::newRow("PNG") << "recipe.png" << CV_8U << 10;
    }

    void jpegAndTiffHoldTheirRecipe() {
        QFETCH(QString, name);
        QFETCH(int, depth);
        QFETCH(int, padding);
        const std::filesystem::path output = file(qPrintable(name));
        ImageExportOptions options;
        options.settings = recipeJson(static_cast<size_t>(padding));
        exportImage(output, gradient(40, 30), options);

        const cv::Mat written = cv::imread(output.string(), cv::IMREAD_UNCHANGED);
        QCOMPARE(written.depth(), depth);
        QCOMPARE(written.channels(), 3);
        QCOMPARE(written.cols, 40);
        QCOMPARE(written.rows, 30);
        const Recipe recipe = loadRecipe(output);
        QCOMPARE(recipe.settings.outputSize, 40);
        QCOMPARE(recipe.inputs.iterations, std::optional<int>(7));
        QCOMPARE(recipe.inputs.styles.at(0).size(), static_cast<size_t>(padding) + 4);
    }

    void tiffDescriptionIsTheRecipe() {
        const std::filesystem::path output = file("described.tif");
        ImageExportOptions options;
        options.settings = recipeJson(3);
        options.bitDepth = 8;
        exportImage(output, gradient(8, 8), options);
        const std::vector<uint8_t> bytes = readFileBytes(output);
        QCOMPARE(readTiffText(bytes, 270), std::optional(options.settings));  // ImageDescription
        QCOMPARE(readTiffTag(bytes, 258), std::optional<uint64_t>(8));        // BitsPerSample
    }

    // What cannot be written is refused before anything is: an existing file stays.
    void refusalsLeaveTheFileAlone() {
        const std::filesystem::path output = file("kept.jpg");
        exportImage(output, gradient(8, 8));
        const std::vector<uint8_t> before = readFileBytes(output);
        ImageExportOptions sixteen;
        sixteen.bitDepth = 16;
        QVERIFY(errorFrom([&] {
                    exportImage(output, gradient(8, 8), sixteen);
                }).find("JPEG holds 8 bits") != std::string::npos);
        QCOMPARE(readFileBytes(output), before);
        QVERIFY(errorFrom([&] {
                    exportImage(file("picture.bmp"), gradient(8, 8));
                }).find(".png, .jpg, .jpeg, .tif or .tiff") != std::string::npos);
        QVERIFY(!std::filesystem::exists(file("picture.bmp")));
    }
};

QTEST_GUILESS_MAIN(TestImageExport)
#include "test_image_export.moc"
