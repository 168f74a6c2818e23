// The precision setting: the automatic choice and its cache per machine, and bfloat16
// convolutions against float32 on the real SqueezeNet and partial VGG-19 weights at small sizes:
// the same loss at equal iterations, and no gradient flushed to zero.
#include <c10/core/GradMode.h>
#include <QTemporaryDir>
#include <QTest>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <fstream>
#include <memory>

#include "core/image/ImageLoader.h"
#include "core/model/FeatureNetwork.h"
#include "core/model/ModelLoader.h"
#include "core/model/PrecisionChoice.h"
#include "core/settings/SettingNames.h"
#include "core/style/ImageTensor.h"
#include "core/style/StyleSession.h"
#include "core/style/StyleTargets.h"
#include "support/SharedPictures.h"
#include "support/TestPaths.h"

using namespace impasto;
using impasto::test::sharedPicture;

namespace {

// At equal iterations bfloat16's total loss is within this of float32's (the README states what
// 256 and 512 px give).
constexpr double kLossTolerance = 0.02;
// The same image's total loss in bfloat16 is within this of float32's.
constexpr double kEvaluationTolerance = 0.01;

LoadedModel sharedModel(const char* file) {
    return loadModel(test::sharedWeights(file).toStdString());
}

// A session on tubingen with starry_night at `size` px.
std::unique_ptr<StyleSession> tubingenSession(const char* weights, int size,
                                              StyleSettings settings) {
    auto session = std::make_unique<StyleSession>(sharedModel(weights), DevicePreference::Cpu);
    session->setContent(sharedPicture("tubingen.jpg", size));
    session->setStyles({sharedPicture("starry_night.jpg", size)});
    settings.outputSize = size;
    session->applySettings(settings);
    return session;
}

// The mean total loss of Adam iterations `from` to `to` (counting from 1) in `precision`. Adam
// oscillates by a few percent from one iteration to the next on SqueezeNet: the mean smooths
// that out. (L-BFGS amplifies any rounding, float32's own summation order included, and is
// compared in impasto-bench at 256 and 512 px.)
double meanAdamLoss(const char* weights, int size, Precision precision, int from, int to) {
    StyleSettings settings;
    settings.optimizer = OptimizerKind::Adam;
    settings.precision = precision;
    const auto session = tubingenSession(weights, size, settings);
    double sum = 0.0;
    while (session->iteration() < to) {
        const StepReport step = session->step();
        if (step.iteration >= from) {
            sum += step.losses.total;
        }
    }
    return sum / (to - from + 1);
}

struct Gradients {
    at::Tensor image;
    // The smallest magnitude of the loss's gradient with respect to a requested layer's
    // features, zeros left out.
    double smallestOfFeatures = 0.0;
};

// The gradients of the total loss as the first iteration sees them, its targets and features
// computed in the network's current precision.
Gradients lossGradients(const LoadedModel& model, int size) {
    FeatureNetwork& network = *model.network;
    StyleSettings settings;
    settings.outputSize = size;
    for (const std::string& layer : model.info.defaultContentLayers) {
        settings.contentLayers.push_back({layer, 1.0});
    }
    for (const std::string& layer : model.info.defaultStyleLayers) {
        settings.styleLayers.push_back({layer, 1.0});
    }
    const at::Tensor content = imageToTensor(sharedPicture("tubingen.jpg", size));
    const at::Tensor style = imageToTensor(sharedPicture("starry_night.jpg", size));
    StyleTargets targets;
    {
        const c10::NoGradGuard noGradients;
        targets.setContent(
            network.extract(content, layerNames(settings.contentLayers), settings.pooling));
        targets.setStyles(
            {network.extract(style, layerNames(settings.styleLayers), settings.pooling)});
        targets.blend({});
    }
    // A little noise, as after a few steps: at the photo itself the content term's gradient
    // is zero.
    auto generator = at::detail::createCPUGenerator(7);
    const at::Tensor image =
        (content + 0.02 * at::randn(content.sizes(), generator)).clamp(0, 1).requires_grad_(true);
    std::vector<std::string> layers = layerNames(settings.contentLayers);
    for (const std::string& layer : layerNames(settings.styleLayers)) {
        layers.push_back(layer);
    }
    const auto features = network.extract(image, layers, settings.pooling);
    for (const auto& [layer, activation] : features) {
        activation.retain_grad();
    }
    targets.losses(image, features, settings).first.backward();
    Gradients gradients{image.grad(), INFINITY};
    for (const auto& [layer, activation] : features) {
        const at::Tensor magnitude = activation.grad().to(at::kFloat).abs();
        gradients.smallestOfFeatures =
            std::min(gradients.smallestOfFeatures,
                     magnitude.masked_fill(magnitude == 0, INFINITY).min().item<double>());
    }
    return gradients;
}

void writeText(const std::filesystem::path& file, const std::string& text) {
    std::ofstream(file) << text;
}

}  // namespace

class TestPrecision : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void settingNames() {
        QCOMPARE(toString(Precision::Auto), std::string("auto"));
        QVERIFY(parseChoice<Precision>("bfloat16") == Precision::Bfloat16);
        QVERIFY(parseChoice<Precision>("float32") == Precision::Float32);
        QVERIFY(!parseChoice<Precision>("float16"));
    }

    // Auto takes bfloat16 only when it measured faster by a margin; explicit choices stand.
    void automaticChoiceNeedsBfloat16ToBeFaster() {
        const PrecisionChoice faster = automaticCpuPrecision({10.0, 2.0});
        QVERIFY(faster.precision == Precision::Bfloat16);
        QVERIFY2(QString::fromStdString(faster.reason).contains("5.0x as fast"),
                 faster.reason.c_str());
        QVERIFY(automaticCpuPrecision({10.0, 9.5}).precision == Precision::Float32);
        const PrecisionChoice slower = automaticCpuPrecision({10.0, 30.0});
        QVERIFY(slower.precision == Precision::Float32);
        QVERIFY2(QString::fromStdString(slower.reason).contains("only 0.33x"),
                 slower.reason.c_str());
        for (const Precision chosen : {Precision::Float32, Precision::Bfloat16}) {
            QVERIFY((choosePrecision(chosen, "cpu") ==
                     PrecisionChoice{chosen, "chosen in the settings"}));
        }
        QVERIFY(choosePrecision(Precision::Auto, "cuda").precision == Precision::Bfloat16);
    }

    // The measurement is cached per CPU and library versions, and taken again when either
    // changes or the file is damaged.
    void measurementIsCachedPerMachine() {
        QTemporaryDir home;
        const std::filesystem::path file =
            std::filesystem::path(home.path().toStdString()) / "impasto" / "precision.json";
        const MachineKey machine = thisMachine();
        QVERIFY(!machine.cpu.empty());
        QVERIFY2(QString::fromStdString(machine.libraries).startsWith("LibTorch 1."),
                 machine.libraries.c_str());

        const ConvolutionTiming measured = convolutionTimingForThisMachine(file);
        QVERIFY(measured.float32Ms > 0.0 && measured.bfloat16Ms > 0.0);
        const auto cached = readCachedTiming(file, machine);
        QVERIFY(cached);
        QCOMPARE(cached->float32Ms, measured.float32Ms);

        // No timing could take 123456 ms: that value returning means it was read, not measured.
        writeCachedTiming(file, machine, {123456.0, 1.0});
        QCOMPARE(convolutionTimingForThisMachine(file).float32Ms, 123456.0);
        for (const MachineKey& other : {MachineKey{"Another CPU", machine.libraries},
                                        MachineKey{machine.cpu, "LibTorch 0.1"}}) {
            writeCachedTiming(file, other, {123456.0, 1.0});
            QVERIFY(!readCachedTiming(file, machine));
            QVERIFY(convolutionTimingForThisMachine(file).float32Ms != 123456.0);
            QVERIFY(readCachedTiming(file, machine));
        }
        for (const char* damaged : {"", "{", "[]", R"({"cpu": 5})", "\x80\x81"}) {
            writeText(file, damaged);
            QVERIFY(!readCachedTiming(file, machine));
        }
        writeText(file, R"({"cpu": ")" + machine.cpu + R"(", "libraries": ")" + machine.libraries +
                            R"(", "float32Ms": -1, "bfloat16Ms": 1})");
        QVERIFY(!readCachedTiming(file, machine));
    }

    // The session says what runs, and a change of precision recomputes the targets in it.
    void sessionRunsTheChosenPrecision() {
        StyleSettings settings;
        settings.precision = Precision::Bfloat16;
        const auto session = tubingenSession("squeezenet1_1-features.safetensors", 64, settings);
        QVERIFY((session->precision() ==
                 PrecisionChoice{Precision::Bfloat16, "chosen in the settings"}));
        session->step();
        const SessionCounters before = session->counters();
        settings = session->settings();
        settings.precision = Precision::Float32;
        session->applySettings(settings);
        QVERIFY(session->precision().precision == Precision::Float32);
        QCOMPARE(session->step().iteration, 2);
        QCOMPARE(session->counters().styleTargetComputations, before.styleTargetComputations + 1);
        QCOMPARE(session->counters().contentTargetComputations,
                 before.contentTargetComputations + 1);
        settings.precision = Precision::Auto;
        session->applySettings(settings);
        QVERIFY2(QString::fromStdString(session->precision().reason).startsWith("auto: "),
                 session->precision().reason.c_str());
    }

    void bfloat16LossMatchesFloat32AtEqualIterations_data() {
        QTest::addColumn<QString>("weights");
        QTest::addColumn<int>("size");
        QTest::newRow("SqueezeNet 128 px") << "squeezenet1_1-features.safetensors" << 128;
        QTest::newRow("VGG-19 to relu3_4 64 px") << "vgg19-conv1_1-conv3_4.safetensors" << 64;
    }

    void bfloat16LossMatchesFloat32AtEqualIterations() {
        QFETCH(QString, weights);
        QFETCH(int, size);
        const std::string file = weights.toStdString();
        const double float32 = meanAdamLoss(file.c_str(), size, Precision::Float32, 21, 30);
        const double bfloat16 = meanAdamLoss(file.c_str(), size, Precision::Bfloat16, 21, 30);
        const double difference = std::abs(bfloat16 - float32) / float32;
        qInfo("mean total loss of iterations 21-30: float32 %.5g, bfloat16 %.5g (%.2f%%)", float32,
              bfloat16, 100.0 * difference);
        QVERIFY2(difference <= kLossTolerance, qPrintable(QString::number(difference)));
    }

    // The same image costs the same in either precision (the targets computed in each).
    void bfloat16EvaluatesTheLossLikeFloat32_data() {
        bfloat16LossMatchesFloat32AtEqualIterations_data();
    }

    void bfloat16EvaluatesTheLossLikeFloat32() {
        QFETCH(QString, weights);
        QFETCH(int, size);
        StyleSettings settings;
        settings.precision = Precision::Float32;
        const auto session = tubingenSession(weights.toStdString().c_str(), size, settings);
        for (int i = 0; i < 10; ++i) {
            session->step();
        }
        const LossBreakdown float32 = session->settle();
        settings = session->settings();
        settings.precision = Precision::Bfloat16;
        session->applySettings(settings);
        const LossBreakdown bfloat16 = session->settle();
        const double difference = std::abs(bfloat16.total - float32.total) / float32.total;
        qInfo("total loss of the same image: float32 %.5g, bfloat16 %.5g (%.3f%%)", float32.total,
              bfloat16.total, 100.0 * difference);
        QVERIFY2(difference <= kEvaluationTolerance, qPrintable(QString::number(difference)));
    }

    void noGradientIsFlushedToZero_data() {
        QTest::addColumn<QString>("weights");
        QTest::addColumn<int>("size");
        QTest::newRow("SqueezeNet 96 px") << "squeezenet1_1-features.safetensors" << 96;
        QTest::newRow("VGG-19 to relu3_4 64 px") << "vgg19-conv1_1-conv3_4.safetensors" << 64;
    }

    // bfloat16 keeps float32's exponent range: the normalised losses' smallest gradients, far
    // below float16's (which flushes what is below 6e-8), survive the bfloat16 layers, and the
    // image's gradient points the same way up to the rounding of 8 significant bits
    // (SqueezeNet's ReLUs flip on more of it than VGG's).
    void noGradientIsFlushedToZero() {
        QFETCH(QString, weights);
        QFETCH(int, size);
        const LoadedModel model = sharedModel(weights.toStdString().c_str());
        const Gradients float32 = lossGradients(model, size);
        model.network->setReducedPrecision(true);
        QVERIFY(model.network->reducedPrecision());
        const Gradients bfloat16 = lossGradients(model, size);
        const int64_t flushed =
            ((bfloat16.image == 0) & (float32.image != 0)).sum().item<int64_t>();
        const double cosine =
            (float32.image * bfloat16.image).sum().item<double>() /
            (float32.image.norm().item<double>() * bfloat16.image.norm().item<double>());
        qInfo(
            "smallest feature gradient: float32 %.3g, bfloat16 %.3g; image gradient: %lld "
            "flushed, cosine %.5f",
            float32.smallestOfFeatures, bfloat16.smallestOfFeatures,
            static_cast<long long>(flushed), cosine);
        constexpr double kFloat16Smallest = 6e-8;
        QVERIFY(float32.smallestOfFeatures < kFloat16Smallest);
        QVERIFY(bfloat16.smallestOfFeatures < kFloat16Smallest);
        QCOMPARE(flushed, int64_t{0});
        QVERIFY2(cosine > 0.97, qPrintable(QString::number(cosine)));
    }
};

QTEST_APPLESS_MAIN(TestPrecision)
#include "test_precision.moc"
