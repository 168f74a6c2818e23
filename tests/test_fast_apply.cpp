// Applying fast styles (core/fast): the inference network against the training one, bfloat16
// against float32, tiled against whole, the CLI's report of both, and a strength that mixes as
// the strength slider does.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "core/fast/FastStyleApply.h"
#include "core/fast/FastStyleFile.h"
#include "core/fast/FastStyleTiles.h"
#include "core/fast/ReflectionPad.h"
#include "core/image/ImageExport.h"
#include "core/image/ImageLoader.h"
#include "core/image/StrengthBlend.h"
#include "core/model/TensorMemoryLimit.h"
#include "core/style/ImageTensor.h"
#include "support/SharedPictures.h"
#include "support/TestFiles.h"
#include "support/TestPaths.h"

using namespace impasto;

namespace {

// Mean and largest absolute difference of two images of one size, over columns
// [firstColumn, endColumn), in [0, 1] units.
struct Difference {
    double mean = 0.0;
    double largest = 0.0;
};
Difference difference(const Image& a, const Image& b, int firstColumn = 0, int endColumn = -1) {
    if (endColumn < 0) {
        endColumn = a.width();
    }
    Difference d;
    int64_t count = 0;
    for (int y = 0; y < a.height(); ++y) {
        for (int x = firstColumn; x < endColumn; ++x) {
            for (int c = 0; c < 3; ++c) {
                const size_t i = (size_t(y) * a.width() + x) * 3 + c;
                const double e = std::abs(double(a.rgb[i]) - double(b.rgb[i]));
                d.mean += e;
                d.largest = std::max(d.largest, e);
                ++count;
            }
        }
    }
    d.mean /= double(count);
    return d;
}

// Half width, as the CPU default; untrained, but with instance normalisation between every
// layer its activations are those of any style.
TransformNetwork network() {
    return TransformNetwork(0.5, 11);
}

// An untrained style file in `folder` for the CLI.
QString writeStyle(const QTemporaryDir& folder) {
    FastStyle style;
    style.network = std::make_shared<TransformNetwork>(0.25, 5);
    style.lossNetwork = "squeezenet1_1";
    style.paintingName = "starry_night";
    style.thumbnail = test::sharedPicture("starry_night.jpg", kThumbnailSide);
    const QString file = folder.filePath("style.safetensors");
    writeFastStyle(file.toStdString(), style);
    return file;
}

Image apply(Precision precision, int tile, const Image& photo) {
    FastStyleApplier applier(network(), {.precision = precision, .tile = tile});
    const Image result = applier.apply(photo);
    if (applier.lastTileSide() != tile) {
        throw std::runtime_error("the tile side asked for was not used");
    }
    return result;
}

}  // namespace

class FastApplyTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void reflectionPadIsLibTorchs() {
        const at::Tensor x = at::rand({1, 5, 13, 17});
        QVERIFY(at::equal(reflectionPadded(x, 4), at::reflection_pad2d(x, {4, 4, 4, 4})));
        const at::Tensor last = x.to(at::kBFloat16).contiguous(at::MemoryFormat::ChannelsLast);
        const at::Tensor padded = reflectionPadded(last, 1);
        QVERIFY(padded.is_contiguous(at::MemoryFormat::ChannelsLast));
        QCOMPARE(padded.scalar_type(), at::kBFloat16);
        QVERIFY(at::equal(padded.to(at::kFloat),
                          at::reflection_pad2d(last.to(at::kFloat), {1, 1, 1, 1})));
    }

    // The float32 inference pass is the training network's, up to the order of float sums.
    void float32IsTheTrainingNetwork() {
        const Image photo = test::sharedPicture("tubingen.jpg", 96);
        const Image trained = tensorToImage(network().forward(imageToTensor(photo)).detach());
        const Difference d = difference(apply(Precision::Float32, 0, photo), trained);
        qInfo("float32 inference against training: largest difference %.2g", d.largest);
        QVERIFY(d.largest < 1e-4);
    }

    void bfloat16IsCloseToFloat32() {
        const Image photo = test::sharedPicture("tubingen.jpg", 128);
        FastStyleApplier reduced(network(), {.precision = Precision::Bfloat16, .tile = 0});
        QCOMPARE(reduced.precision().precision, Precision::Bfloat16);
        QCOMPARE(reduced.precision().reason, std::string("chosen in the settings"));
        const Image full = apply(Precision::Float32, 0, photo);
        const Difference d = difference(reduced.apply(photo), full);
        qInfo("bfloat16 against float32: mean difference %.4f, largest %.3f", d.mean, d.largest);
        // Measured 0.005 mean: bfloat16's 8 bits of mantissa through 16 layers.
        QVERIFY(d.mean < 0.01);
        QVERIFY(d.mean > 0.0);  // it did run in bfloat16
        // Auto resolves to one of the two and says why.
        const PrecisionChoice automatic = FastStyleApplier(network()).precision();
        QVERIFY(automatic.precision != Precision::Auto);
        QVERIFY(automatic.reason.starts_with("auto"));
    }

    // Statistics of the whole picture and halos as deep as the network sees: tiles give the
    // whole picture's result, with no seam at a tile border.
    void tilesAreTheWholePicture() {
        const Image photo = test::sharedPicture("tubingen.jpg", 128);
        constexpr int kTile = 32;
        for (const Precision precision : {Precision::Float32, Precision::Bfloat16}) {
            const Image whole = apply(precision, 0, photo);
            const Image tiled = apply(precision, kTile, photo);
            const Difference all = difference(tiled, whole);
            const Difference border = difference(tiled, whole, kTile - 4, kTile + 4);
            qInfo(
                "%s, tiles of %d px against whole: mean %.2g, largest %.2g; at a border "
                "%.2g, %.2g",
                precision == Precision::Float32 ? "float32" : "bfloat16", kTile, all.mean,
                all.largest, border.mean, border.largest);
            if (precision == Precision::Float32) {
                QVERIFY(all.largest < 1e-4);
            } else {
                // bfloat16 convolutions round differently on tiles of another size (measured
                // 0.002 mean), the border no worse than elsewhere.
                QVERIFY(all.mean < 0.005);
                QVERIFY(border.mean < 2 * all.mean + 1e-3);
            }
        }
    }

    void automaticTilesFollowMemory() {
        const InferenceNetwork inference(network(), at::kFloat);
        constexpr uint64_t kGigabyte = uint64_t{1} << 30;
        QCOMPARE(automaticFastTileSide(inference, 1024, 768, 16 * kGigabyte), 0);
        const int side = automaticFastTileSide(inference, 4096, 3072, 8 * kGigabyte);
        qInfo("4096 x 3072 in 8 GiB: tiles of %d px", side);
        QVERIFY(side > 256 && side < 3072);
        // Not even what tiling keeps whole fits: an error that says what to do.
        const QString refused = test::requiredErrorFrom(
            [&] { automaticFastTileSide(inference, 4096, 3072, 256 * (uint64_t{1} << 20)); });
        QVERIFY2(refused.contains("--size") && refused.contains("--memory-limit"),
                 qPrintable(refused));
        // --memory-limit counts.
        // Above the smallest automatic tile, 256 px.
        const Image photo = test::sharedPicture("tubingen.jpg", 320);
        limitTensorMemory(48 << 20);
        FastStyleApplier applier(network(), {.precision = Precision::Float32});
        const Image limited = applier.apply(photo);
        limitTensorMemory(0);
        QVERIFY(applier.lastTileSide() > 0);
        QVERIFY(difference(limited, apply(Precision::Float32, 0, photo)).largest < 1e-4);
    }

    // Strength 0.5 is the full-strength result over the photo as blendStrength (the strength
    // slider's mix, in linear light) puts it, not an sRGB mix, which is visibly darker.
    void strengthMixesAsTheStrengthSlider() {
        const TransformNetwork network(0.25, 3);
        const Image photo = test::sharedPicture("tubingen.jpg", 64);
        const Image full = applyFastStyle(network, photo);
        const Image slider = blendStrength(photo, full, 0.5);
        Image srgbMix = photo;
        for (size_t i = 0; i < srgbMix.rgb.size(); ++i) {
            srgbMix.rgb[i] = std::clamp(photo.rgb[i], 0.0f, 1.0f) * 0.5f + full.rgb[i] * 0.5f;
        }
        QVERIFY2(difference(srgbMix, slider).largest > 0.02, "the two mixes must differ here");
        const Difference half =
            difference(applyFastStyle(network, photo, {.strength = 0.5}), slider);
        QVERIFY2(half.largest < 1e-5, qPrintable(QString::number(half.largest)));
    }

    // The CLI's --fast-style --strength mixes the same way (within the 8-bit files' rounding).
    void cliStrengthMixesAsTheStrengthSlider() {
        QTemporaryDir folder;
        const QString styleFile = writeStyle(folder);
        const QString photoFile = folder.filePath("photo.png");
        exportImage(photoFile.toStdString(), test::sharedPicture("tubingen.jpg", 64));
        const auto stylise = [&](const QString& strength) {
            const QString output = folder.filePath("out-" + strength + ".png");
            QProcess cli;
            cli.start(test::binaryDir() + "/app/impasto-cli",
                      {"--fast-style", styleFile, "--content", photoFile, "--output", output,
                       "--strength", strength});
            if (!cli.waitForFinished(60000) || cli.exitCode() != 0) {
                qWarning("%s", cli.readAllStandardError().constData());
                return Image();
            }
            return loadImage(output.toStdString()).image;
        };
        const Image photo = loadImage(photoFile.toStdString()).image;
        const Image full = stylise("1");
        const Image half = stylise("0.5");
        QVERIFY(!full.empty() && !half.empty());
        const Difference d = difference(half, blendStrength(photo, full, 0.5));
        QVERIFY2(d.largest < 2.5 / 255 && d.mean < 0.5 / 255,
                 qPrintable(QString("largest %1, mean %2").arg(d.largest).arg(d.mean)));
    }

    void cliSaysPrecisionAndTiles() {
        QTemporaryDir folder;
        const QString file = writeStyle(folder);
        QProcess cli;
        cli.start(test::binaryDir() + "/app/impasto-cli",
                  {"--fast-style", file, "--content", test::sharedImage("tubingen.jpg"), "--output",
                   folder.filePath("out.png"), "--size", "128", "--precision", "bfloat16", "--tile",
                   "64"});
        QVERIFY(cli.waitForFinished(60000));
        const QString log = cli.readAllStandardError();
        QVERIFY2(cli.exitCode() == 0, qPrintable(log));
        QVERIFY2(log.contains("Fast style in bfloat16 (chosen in the settings)"), qPrintable(log));
        QVERIFY2(log.contains("128 x 96") && log.contains("tiles of 64 px"), qPrintable(log));
    }
};

QTEST_GUILESS_MAIN(FastApplyTest)
#include "test_fast_apply.moc"
