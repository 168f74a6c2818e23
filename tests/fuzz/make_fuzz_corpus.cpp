// Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/): a few tiny valid
// files of every kind each reader knows, from which libFuzzer mutates its way into the parsers.
// Usage: impasto-fuzz-corpus <folder>. Regression inputs of past findings sit beside the seeds
// under their own names and are not touched.
#include <QByteArray>
#include <QDir>
#include <QFile>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/image/ImageExport.h"
#include "core/image/ImageMat.h"
#include "core/image/PngExport.h"
#include "core/recovery/RecoveryStore.h"
#include "core/settings/StyleSettings.h"
#include "support/TestFiles.h"
#include "support/WeightFileWriters.h"

namespace {

using impasto::WeightTensor;
using namespace impasto::test;

std::filesystem::path root;

void write(const std::string& target, const std::string& name, const QByteArray& bytes) {
    const std::filesystem::path folder = root / target;
    std::filesystem::create_directories(folder);
    const std::span<const uint8_t> span(reinterpret_cast<const uint8_t*>(bytes.data()),
                                        static_cast<size_t>(bytes.size()));
    writeBytes(folder / name, span);
}

void write(const std::string& target, const std::string& name, const std::string& text) {
    write(target, name, QByteArray::fromStdString(text));
}

QByteArray encoded(const std::string& extension, const cv::Mat& image,
                   const std::vector<int>& parameters = {}) {
    std::vector<uchar> bytes;
    cv::imencode(extension, image, bytes, parameters);
    return QByteArray(reinterpret_cast<const char*>(bytes.data()), qsizetype(bytes.size()));
}

void appendBigEndian(QByteArray& out, uint32_t value, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) {
        out.append(char((value >> (8 * i)) & 0xFF));
    }
}

// A JPEG with an EXIF APP1 segment holding only Orientation = 6 (big-endian TIFF).
QByteArray withExifOrientation(const QByteArray& jpeg) {
    QByteArray tiff("MM\0\x2a\0\0\0\x08", 8);
    appendBigEndian(tiff, 1, 2);       // one entry
    appendBigEndian(tiff, 0x0112, 2);  // Orientation
    appendBigEndian(tiff, 3, 2);       // SHORT
    appendBigEndian(tiff, 1, 4);       // count
    appendBigEndian(tiff, 6, 2);       // rotated 90 degrees clockwise
    appendBigEndian(tiff, 0, 2);
    appendBigEndian(tiff, 0, 4);  // no next directory
    const QByteArray payload = QByteArray("Exif\0\0", 6) + tiff;
    QByteArray out("\xFF\xD8\xFF\xE1", 4);
    appendBigEndian(out, uint32_t(payload.size() + 2), 2);
    return out + payload + jpeg.mid(2);
}

void writeSafetensorsSeeds() {
    const std::map<std::string, WeightTensor> tensors = {
        {"features.0.weight", {{2, 1, 1, 2}, {0.5f, -1.0f, 2.0f, 0.0f}}},
        {"features.0.bias", {{2}, {0.25f, -0.25f}}}};
    write("safetensors", "f32.safetensors",
          safetensorsBytes(tensors, {{"format", "pt"}, {"network", "test"}}));
    write("safetensors", "f16.safetensors", safetensorsBytes(tensors, {}, SafetensorsDtype::F16));
    write("safetensors", "bf16-f64-i64.safetensors",
          safetensorsBytes(R"({"a":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]},)"
                           R"("b":{"dtype":"F64","shape":[1,1],"data_offsets":[4,12]},)"
                           R"("n":{"dtype":"I64","shape":[],"data_offsets":[12,20]}})",
                           QByteArray(20, '\x3f')));
    write("safetensors", "empty-header.safetensors", safetensorsBytes("{}", {}));
}

void writeCaffeSeeds() {
    const std::vector<CaffeLayer> layers = {
        {"conv1", "Convolution", {{{2, 1, 1, 2}, {1, 2, 3, 4}}, {{2}, {0.5f, -0.5f}}}},
        {"relu1", "ReLU", {}}};
    write("caffemodel", "layer.caffemodel",
          caffeModelBytes("net", layers, CaffeEncoding::Layer, CaffeValues::Packed));
    write("caffemodel", "layer-unpacked.caffemodel",
          caffeModelBytes("net", layers, CaffeEncoding::Layer, CaffeValues::Unpacked));
    write("caffemodel", "v1layer.caffemodel",
          caffeModelBytes("VGG_ILSVRC_19_layers", layers, CaffeEncoding::V1Layer));
    write("caffemodel", "v1layer-doubles.caffemodel",
          caffeModelBytes("net", layers, CaffeEncoding::V1Layer, CaffeValues::PackedDoubles));
}

void writeImageSeeds() {
    cv::Mat bgr(8, 8, CV_8UC3);
    cv::randu(bgr, 0, 255);
    cv::Mat gray;
    cv::extractChannel(bgr, gray, 0);
    cv::Mat bgra;
    cv::Mat channels[] = {bgr, gray};
    cv::merge(channels, 2, bgra);
    cv::Mat deep;
    bgr.convertTo(deep, CV_16UC3, 257);

    write("image", "rgb.png", encoded(".png", bgr));
    write("image", "gray.png", encoded(".png", gray));
    write("image", "rgba.png", encoded(".png", bgra));
    write("image", "rgb16.png", encoded(".png", deep));
    const QByteArray jpeg = encoded(".jpg", bgr, {cv::IMWRITE_JPEG_QUALITY, 50});
    write("image", "rgb.jpg", jpeg);
    write("image", "exif-rotated.jpg", withExifOrientation(jpeg));
    write("image", "gray.jpg", encoded(".jpg", gray, {cv::IMWRITE_JPEG_QUALITY, 50}));
    write("image", "rgb.bmp", encoded(".bmp", bgr));
    write("image", "rgb.tiff", encoded(".tiff", bgr));
    write("image", "lossless.webp", encoded(".webp", bgr, {cv::IMWRITE_WEBP_QUALITY, 101}));
    write("image", "alpha.webp", encoded(".webp", bgra, {cv::IMWRITE_WEBP_QUALITY, 50}));
}

void writeSettingsSeeds() {
    impasto::StyleSettings changed;
    changed.contentLayers = {{"fire6", 1.0}};
    changed.styleLayers = {{"relu1_1", 0.5}, {"relu2_1", 2.0}};
    changed.styleBlend = {3.0, 1.0};
    changed.optimizer = impasto::OptimizerKind::Adam;
    changed.init = impasto::InitKind::Noise;
    changed.pooling = impasto::PoolingMode::Average;
    changed.preserveColors = true;
    changed.seed = 18446744073709551615u;
    write("settings_json", "defaults.json", impasto::toJson({}));
    write("settings_json", "changed.json", impasto::toJson(changed));
    write("settings_json", "partial.json",
          std::string(R"({ "outputSize": 256, "styleWeight": 1e3, "tvWeight": 0.5 })"));
}

void writePngTextSeeds() {
    const std::filesystem::path file = root / "png_text" / "settings.png";
    std::filesystem::create_directories(file.parent_path());
    const impasto::Image image =
        impasto::imageFromMats(cv::Mat(2, 2, CV_32FC3, cv::Scalar(0.25, 0.5, 0.75)));
    impasto::exportPng(file, image,
                       {.bitDepth = 8,
                        .text = {{"impasto:settings", impasto::toJson({})},
                                 {"impasto:iterations", "10"},
                                 {"Title", "caf\xC3\xA9"}}});
    // With masks: a soft one for the first painting, a source region and a keep mask.
    impasto::Mask soft(3, 2);
    soft.values = {0.0f, 0.5f, 1.0f, 1.0f, 0.5f, 0.0f};
    const impasto::MaskSet masks{
        .paintings = {soft}, .keep = impasto::Mask(2, 2, 1.0f), .sources = {std::nullopt, soft}};
    impasto::exportPng(
        root / "png_text" / "masks.png", image,
        {.bitDepth = 8, .text = {{"impasto:settings", impasto::toJson({})}}, .masks = masks});
    // The same masks carried by a JPEG's APP9 segments and a TIFF's tag.
    impasto::ImageExportOptions options;
    options.settings = impasto::toJson({});
    options.masks = masks;
    impasto::exportImage(root / "png_text" / "masks.jpg", image, options);
    impasto::exportImage(root / "png_text" / "masks.tiff", image, options);
}

// A manifest as RecoveryStore writes it, and one from before the settings were nested.
void writeRecoveryManifestSeeds() {
    const std::filesystem::path folder = root / "recovery_manifest" / "store";
    impasto::RecoveryStore store(folder);
    store.save(impasto::imageFromMats(cv::Mat(2, 2, CV_32FC3, cv::Scalar(0.5, 0.5, 0.5))),
               impasto::StyleSettings{}, "/photos/tubingen.jpg", {"/art/starry.jpg", "/art/b.png"},
               42);
    std::filesystem::copy_file(folder / "manifest.json",
                               root / "recovery_manifest" / "manifest.json",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::remove_all(folder);
    write("recovery_manifest", "legacy-settings-text.json",
          std::string(R"({"format":"impasto-recovery-1","image":"image-b.png","iteration":7,)"
                      R"("savedAt":1700000000,"content":"","styles":["s.jpg"],)"
                      R"("settings":"{\"outputSize\":256}"})"));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <corpus folder>\n", argv[0]);
        return 2;
    }
    root = argv[1];
    writeSafetensorsSeeds();
    writeCaffeSeeds();
    writeImageSeeds();
    writeSettingsSeeds();
    writePngTextSeeds();
    writeRecoveryManifestSeeds();
    return 0;
}
