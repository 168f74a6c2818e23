// The engine's choices of issue 17 on the real weights and the shared photos, at small sizes:
// the average of iterates is what the preview and the export show, the Wasserstein loss
// stylises with several paintings and in bfloat16, no result has a border that differs from its
// interior (with either shared network), and the artist's coarse-to-fine controls set the
// stages.
#include <QTest>

#include <opencv2/imgproc.hpp>

#include <cmath>

#include "core/image/ImageLoader.h"
#include "core/image/ImageMat.h"
#include "core/image/Resize.h"
#include "core/model/ModelLoader.h"
#include "core/style/StyleSession.h"
#include "support/SharedPictures.h"
#include "support/TestPaths.h"

using namespace impasto;
using impasto::test::sharedPicture;

namespace {

LoadedModel partialVgg() {
    return loadModel(test::sharedWeights("vgg19-conv1_1-conv3_4.safetensors").toStdString());
}

std::unique_ptr<StyleSession> sessionFor(LoadedModel model, const char* photo, const char* painting,
                                         StyleSettings settings) {
    auto session = std::make_unique<StyleSession>(std::move(model), DevicePreference::Cpu);
    session->setContent(sharedPicture(photo, 256));
    session->setStyles({sharedPicture(painting, 256)});
    session->applySettings(settings);
    return session;
}

StyleSettings sized(int size) {
    StyleSettings settings;
    settings.outputSize = size;
    return settings;
}

double largestDifference(const Image& a, const Image& b) {
    return cv::norm(rgbView(a), rgbView(b), cv::NORM_INF);
}

// Mean squared Laplacian of the luminance: pixel-level speckle.
double speckle(const Image& image) {
    cv::Mat gray, laplacian;
    cv::cvtColor(rgbView(image), gray, cv::COLOR_RGB2GRAY);
    cv::Laplacian(gray, laplacian, CV_32F);
    return cv::mean(laplacian.mul(laplacian))[0];
}

// Mean of `values` over a band of rows or columns.
double meanOver(const cv::Mat& values, const cv::Rect& band) {
    const cv::Scalar mean = cv::mean(values(band));
    return (mean[0] + mean[1] + mean[2]) / values.channels();
}

struct Side {
    const char* name;
    cv::Rect edge;    // the outermost row or column
    cv::Rect inside;  // the rows or columns 4-8 px inside
};

std::vector<Side> sidesOf(int width, int height) {
    return {{"top", {0, 0, width, 1}, {0, 4, width, 4}},
            {"bottom", {0, height - 1, width, 1}, {0, height - 8, width, 4}},
            {"left", {0, 0, 1, height}, {4, 0, 4, height}},
            {"right", {width - 1, 0, 1, height}, {width - 8, 0, 4, height}}};
}

// The change from the photo along the border against that 4-8 px inside (about 1 when styled
// like the interior, within issue 12's bounds; 0.84-1.50 measured; 0.02-0.04 was its
// unoptimised column), and how much darker the
// border is than inside beyond the photo's own difference (a dark frame), over all four sides;
// each side alone within looser bounds, since one row of a 96 px texture is noisy (0.64-2.09
// measured for a side).
void verifyBorders(const Image& result, const Image& photo, const char* what) {
    const cv::Mat resultRgb = rgbView(result);
    cv::Mat change;
    cv::absdiff(resultRgb, rgbView(photo), change);
    cv::Mat resultGray, photoGray;
    cv::cvtColor(resultRgb, resultGray, cv::COLOR_RGB2GRAY);
    cv::cvtColor(rgbView(photo), photoGray, cv::COLOR_RGB2GRAY);
    double edgeChange = 0.0, insideChange = 0.0, darkening = 0.0;
    for (const Side& side : sidesOf(result.width(), result.height())) {
        const double ratio = meanOver(change, side.edge) / meanOver(change, side.inside);
        QVERIFY2(ratio > 0.3 && ratio < 3.0,
                 qPrintable(QString("%1 %2: change ratio %3").arg(what, side.name).arg(ratio)));
        edgeChange += meanOver(change, side.edge) / 4;
        insideChange += meanOver(change, side.inside) / 4;
        darkening += ((meanOver(resultGray, side.inside) - meanOver(resultGray, side.edge)) -
                      (meanOver(photoGray, side.inside) - meanOver(photoGray, side.edge))) /
                     4;
    }
    const double ratio = edgeChange / insideChange;
    qInfo("%s: change ratio %.2f, darkening %.3f", what, ratio, darkening);
    QVERIFY2(ratio > 0.5 && ratio < 2.0 && darkening < 0.05,
             qPrintable(
                 QString("%1: change ratio %2, darkening %3").arg(what).arg(ratio).arg(darkening)));
}

}  // namespace

class StyleVariantsTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The same run with and without averaging takes the same steps; with it, the image shown
    // and exported is the bias-corrected moving average of the iterates, not the last one, and
    // has less pixel-level speckle.
    void previewAndExportShowTheAverageOfIterates() {
        constexpr double decay = 0.8;
        StyleSettings settings = sized(64);
        auto plain =
            sessionFor(test::sharedSqueezeNet(), "tubingen.jpg", "starry_night.jpg", settings);
        settings.averageDecay = decay;
        auto averaged =
            sessionFor(test::sharedSqueezeNet(), "tubingen.jpg", "starry_night.jpg", settings);
        cv::Mat sum;
        double weight = 0.0;
        for (int i = 0; i < 15; ++i) {
            plain->step();
            averaged->step();
            const cv::Mat iterate = rgbView(plain->currentImage()).clone();
            sum = sum.empty() ? iterate * (1.0 - decay) : sum * decay + iterate * (1.0 - decay);
            weight = weight * decay + (1.0 - decay);
        }
        const Image expected = imageFromMats(sum / weight);
        averaged->settle();
        plain->settle();
        const Image shown = averaged->currentImage();
        const Image exported = averaged->resultImage();
        const Image last = plain->currentImage();
        // Off again, the session shows its last iterate: the two runs took the same steps.
        settings.averageDecay = 0.0;
        averaged->applySettings(settings);
        QVERIFY(largestDifference(averaged->currentImage(), last) < 1e-4);
        QVERIFY2(largestDifference(shown, expected) < 1e-4,
                 qPrintable(QString::number(largestDifference(shown, expected))));
        QVERIFY(largestDifference(exported, expected) < 1e-4);
        QVERIFY(largestDifference(shown, last) > 0.01);
        qInfo("speckle: average %.5f, last iterate %.5f", speckle(shown), speckle(last));
        QVERIFY(speckle(shown) < speckle(last));
    }

    void wassersteinStylisesWithSeveralPaintingsInBfloat16() {
        StyleSettings settings = sized(64);
        settings.styleLoss = StyleLoss::Wasserstein;
        settings.precision = Precision::Bfloat16;
        settings.styleBlend = {3, 1};
        auto session =
            std::make_unique<StyleSession>(test::sharedSqueezeNet(), DevicePreference::Cpu);
        session->setContent(sharedPicture("golden_gate.jpg", 256));
        session->setStyles(
            {sharedPicture("starry_night.jpg", 256), sharedPicture("the_scream.jpg", 256)});
        session->applySettings(settings);
        const double first = session->step().losses.style;
        double last = first;
        for (int i = 0; i < 20; ++i) {
            last = session->step().losses.style;
        }
        qInfo("Wasserstein style loss %.3f -> %.3f", first, last);
        QVERIFY(std::isfinite(last));
        QVERIFY2(last < 0.5 * first, qPrintable(QString("%1 -> %2").arg(first).arg(last)));
        // Another blend is a new objective: the loss changes without a restart.
        settings.styleBlend = {1, 3};
        session->applySettings(settings);
        const double reblended = session->step().losses.style;
        QVERIFY(reblended != last);
        QCOMPARE(session->counters().starts, 1);
    }

    void bordersLookLikeTheInterior_data() {
        QTest::addColumn<bool>("vgg");
        QTest::addColumn<QString>("photo");
        QTest::addColumn<QString>("painting");
        QTest::newRow("SqueezeNet, tubingen") << false << "tubingen.jpg"
                                              << "starry_night.jpg";
        QTest::newRow("SqueezeNet, golden_gate") << false << "golden_gate.jpg"
                                                 << "the_scream.jpg";
        QTest::newRow("VGG-19, tubingen") << true << "tubingen.jpg"
                                          << "starry_night.jpg";
        QTest::newRow("VGG-19, golden_gate") << true << "golden_gate.jpg"
                                             << "the_scream.jpg";
    }

    void bordersLookLikeTheInterior() {
        QFETCH(bool, vgg);
        QFETCH(QString, photo);
        QFETCH(QString, painting);
        auto session = sessionFor(vgg ? partialVgg() : test::sharedSqueezeNet(), qPrintable(photo),
                                  qPrintable(painting), sized(96));
        for (int i = 0; i < 30; ++i) {
            session->step();
        }
        session->settle();
        const Image result = session->currentImage();
        const Image photoAtSize =
            resizeTo(sharedPicture(qPrintable(photo), 256), result.width(), result.height());
        verifyBorders(result, photoAtSize, QTest::currentDataTag());
    }

    void smallestScaleAndIterationsPerScaleSetTheStages() {
        StyleSettings settings = sized(192);
        settings.minScale = 48;
        settings.initialIterations = 5;
        settings.scaleIterations = 3;
        auto session =
            sessionFor(test::sharedSqueezeNet(), "tubingen.jpg", "starry_night.jpg", settings);
        session->prepare();
        QCOMPARE(session->scaleStageCount(), 3);
        QCOMPARE(session->stageWidth(), 48);
        QCOMPARE(session->plannedIterations(), 5 + 3 + 3);
        std::vector<int> widths;
        for (int i = 0; i < session->plannedIterations(); ++i) {
            widths.push_back(session->step().width);
        }
        QCOMPARE(widths, (std::vector<int>{48, 48, 48, 48, 48, 96, 96, 96, 192, 192, 192}));
    }
};

QTEST_MAIN(StyleVariantsTest)
#include "test_style_variants.moc"
