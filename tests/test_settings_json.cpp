#include <QTemporaryDir>
#include <QTest>

#include <cstdint>
#include <limits>
#include <string>

#include "core/settings/PresetFile.h"
#include "core/settings/SettingsJson.h"
#include "core/settings/SmoothnessScale.h"
#include "core/settings/StyleSettings.h"
#include "support/TestFiles.h"

using impasto::InitKind;
using impasto::OptimizerKind;
using impasto::PoolingMode;
using impasto::settingsFromJson;
using impasto::StyleSettings;
using impasto::toJson;
using impasto::test::errorFrom;
using impasto::test::requiredErrorFrom;

namespace {

// Every field differs from StyleSettings{}. A field added to toJson without a reader here makes
// settingsFromJson refuse the key, so the round trip below fails until the parser learns it.
StyleSettings everyFieldChanged() {
    StyleSettings s;
    s.contentWeight = 2.5;
    s.styleWeight = 1e-7;
    s.tvWeight = 0.0;
    s.contentLayers = {{"fire6", 1.0}};
    s.styleLayers = {{"relu1", 0.125}, {"fire3", 3.0}, {"na\"me\\\n", 0.0}};
    s.styleBlend = {3.0, 1.0 / 3.0};
    s.styleScale = 0.7;
    s.outputSize = 1234;
    s.optimizer = OptimizerKind::Adam;
    s.learningRate = 0.01;
    s.init = InitKind::Noise;
    s.seed = std::numeric_limits<uint64_t>::max();
    s.preserveColors = true;
    s.pooling = PoolingMode::Average;
    s.coarseToFine = false;
    s.precision = impasto::Precision::Bfloat16;
    s.threads = 3;
    s.styleLoss = impasto::StyleLoss::Wasserstein;
    s.averageDecay = 0.9;
    s.minScale = 128;
    s.initialIterations = 200;
    s.scaleIterations = 100;
    s.tile = 512;
    return s;
}

}  // namespace

class TestSettingsJson : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTripsTheDefaults() {
        QVERIFY(settingsFromJson(toJson(StyleSettings{})) == StyleSettings{});
    }

    void roundTripsEveryField() {
        const StyleSettings changed = everyFieldChanged();
        QVERIFY(!(changed == StyleSettings{}));
        QVERIFY(settingsFromJson(toJson(changed)) == changed);
        StyleSettings imageInit = changed;
        imageInit.init = InitKind::Image;
        QVERIFY(settingsFromJson(toJson(imageInit)) == imageInit);
    }

    // The Threads setting travels with a preset; 0 is automatic, and a preset without it (saved
    // before it existed) is automatic too.
    void threadsSurviveAPresetFile() {
        const QTemporaryDir folder;
        const std::string file = folder.filePath("threads.json").toStdString();
        StyleSettings oneThread;
        oneThread.threads = 1;
        impasto::savePreset(file, oneThread);
        QCOMPARE(impasto::loadPreset(file).threads, 1);
        QCOMPARE(settingsFromJson(toJson(StyleSettings{})).threads, 0);
        QCOMPARE(settingsFromJson(R"({"outputSize": 256})").threads, 0);
    }

    // Settings written before the smoothness scale (no "version") give the picture they gave:
    // their tvWeight is divided by the scale. Today's carry "version" and are read as written.
    void unversionedTvWeightIsConverted() {
        QVERIFY(toJson(StyleSettings{}).starts_with("{\"version\":2,"));
        QCOMPARE(settingsFromJson(R"({"tvWeight": 10})").tvWeight,
                 10.0 / impasto::kSmoothnessScale);
        QCOMPARE(settingsFromJson(R"({"version": 1, "tvWeight": 10})").tvWeight,
                 10.0 / impasto::kSmoothnessScale);
        QCOMPARE(settingsFromJson(R"({"version": 2, "tvWeight": 10})").tvWeight, 10.0);
        QCOMPARE(settingsFromJson(R"({"contentWeight": 2})").tvWeight, StyleSettings{}.tvWeight);
        const QString newer = requiredErrorFrom([] { settingsFromJson(R"({"version": 3})"); });
        QVERIFY2(newer.contains("newer Impasto"), qPrintable(newer));
    }

    // jcjohnson/neural-style's -tv_weight: his default is Impasto's default, and it scales
    // linearly.
    void neuralStyleTvWeightMapsOntoTheScale() {
        QCOMPARE(impasto::tvWeightFromNeuralStyle(1e-3), StyleSettings{}.tvWeight);
        QCOMPARE(impasto::tvWeightFromNeuralStyle(1e-2), 10 * StyleSettings{}.tvWeight);
        QCOMPARE(impasto::tvWeightFromNeuralStyle(0.0), 0.0);
    }

    void missingKeysKeepTheirDefaults() {
        QVERIFY(settingsFromJson("{}") == StyleSettings{});
        StyleSettings expected;
        expected.outputSize = 256;
        expected.styleLayers = {{"relu2_1", 1.0}};
        QVERIFY(settingsFromJson(R"( { "outputSize" : 256 ,
                                       "styleLayers": [{"layer": "relu2_1"}] } )") == expected);
    }

    void refusesBadSettings_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown key") << R"({"styleWieght": 5})"
                                     << "Unknown setting \"styleWieght\"";
        QTest::newRow("not JSON") << "outputSize=5"
                                  << "not valid JSON";
        QTest::newRow("truncated") << R"({"outputSize": 5)"
                                   << "not valid JSON";
        QTest::newRow("trailing comma") << R"({"outputSize": 512,})"
                                        << "not valid JSON";
        QTest::newRow("duplicate key") << R"({"seed": 1, "seed": 2})"
                                       << "duplicate key \"seed\"";
        QTest::newRow("array document") << "[1]"
                                        << "must be a JSON object";
        for (const char* number : {"1.", ".5", "1e", "1e+", "-", "+1", "01", "1.5.2", "0x10"}) {
            QTest::newRow(number) << QString(R"({"styleWeight": %1})").arg(number)
                                  << "not valid JSON";
        }
        QTest::newRow("misspelt true") << R"({"preserveColors": tru})"
                                       << "not valid JSON";
        QTest::newRow("misspelt null") << R"({"tvWeight": nul})"
                                       << "not valid JSON";
        QTest::newRow("string for a number") << R"({"styleWeight": "5"})"
                                             << "\"styleWeight\" must be a number";
        QTest::newRow("null weight") << R"({"tvWeight": null})"
                                     << "\"tvWeight\" must be a number";
        QTest::newRow("overflowing number") << R"({"contentWeight": 1e999})"
                                            << "\"contentWeight\" must be a finite number";
        QTest::newRow("negative weight") << R"({"styleWeight": -1})"
                                         << "style weight";
        QTest::newRow("fractional size") << R"({"outputSize": 512.5})"
                                         << "\"outputSize\" must be a whole number";
        QTest::newRow("size out of int") << R"({"outputSize": 99999999999})"
                                         << "\"outputSize\" is out of range";
        QTest::newRow("size too small") << R"({"outputSize": 8})"
                                        << "output size must be between";
        QTest::newRow("negative seed") << R"({"seed": -1})"
                                       << "\"seed\" must be a whole number";
        QTest::newRow("seed beyond 64 bits") << R"({"seed": 18446744073709551616})"
                                             << "\"seed\" is out of range";
        QTest::newRow("bool as number") << R"({"preserveColors": 1})"
                                        << "\"preserveColors\" must be true or false";
        QTest::newRow("unknown optimizer") << R"({"optimizer": "sgd"})"
                                           << "must be one of adam, lbfgs, not \"sgd\"";
        QTest::newRow("unknown pooling") << R"({"pooling": "average"})"
                                         << "avg, max";
        QTest::newRow("unknown precision") << R"({"precision": "float16"})"
                                           << "must be one of auto, bfloat16, float32";
        QTest::newRow("unknown style loss") << R"({"styleLoss": "w2"})"
                                            << "Setting \"styleLoss\" must be one of gram, "
                                               "wasserstein, not \"w2\"";
        QTest::newRow("average decay 1") << R"({"averageDecay": 1})"
                                         << "The averaging decay must be between 0 (off) and "
                                            "0.9999, not 1";
        QTest::newRow("min scale 8") << R"({"minScale": 8})"
                                     << "The smallest scale must be 0 (automatic) or between 16 "
                                        "and 8192 pixels, not 8";
        QTest::newRow("negative scale iterations")
            << R"({"scaleIterations": -1})"
            << "The iterations per scale must be 0 (automatic) or up to 1000000, not -1";
        QTest::newRow("negative threads") << R"({"threads": -1})"
                                          << "thread count must be 0 (automatic) or up to";
        QTest::newRow("layers not a list") << R"({"styleLayers": "relu1_1"})"
                                           << "\"styleLayers\" must be a list";
        QTest::newRow("layer without name") << R"({"styleLayers": [{"weight": 2}]})"
                                            << "without a name";
        QTest::newRow("layer unknown key") << R"({"contentLayers": [{"layer": "a", "w": 2}]})"
                                           << "unknown key \"w\"";
        QTest::newRow("negative layer weight")
            << R"({"styleLayers": [{"layer": "fire2", "weight": -0.5}]})"
            << "layer fire2";
        QTest::newRow("blend not numbers") << R"({"styleBlend": [1, "2"]})"
                                           << "\"styleBlend\" must be a number";
        QTest::newRow("style scale too big") << R"({"styleScale": 9})"
                                             << "style scale";
        // Finite, but beyond what the engine's float32 arithmetic holds.
        QTest::newRow("learning rate 1e308") << R"({"learningRate": 1e308})"
                                             << "learning rate must be at most 1e+06, not 1e+308";
        QTest::newRow("style weight 1e12") << R"({"styleWeight": 1e12})"
                                           << "style weight must be at most 1e+09, not 1e+12";
        QTest::newRow("tile too small")
            << R"({"tile": 8})"
            << "tile size must be automatic (auto; -1 in a preset), 0 (off) or between";
    }

    void refusesBadSettings() {
        QFETCH(QString, json);
        QFETCH(QString, message);
        const QString error = requiredErrorFrom([&] { settingsFromJson(json.toStdString()); });
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY2(!error.contains('\n'), qPrintable(error));
    }

    void normalisedWeightsNeverOverflow() {
        const std::vector<double> huge = impasto::normalisedWeights({1e308, 1e308, 0.0});
        QCOMPARE(huge, (std::vector<double>{0.5, 0.5, 0.0}));
        QCOMPARE(impasto::normalisedWeights({3.0, 1.0}), (std::vector<double>{0.75, 0.25}));
        QCOMPARE(impasto::normalisedWeights({0.0, 0.0}), (std::vector<double>{0.5, 0.5}));
        QCOMPARE(impasto::normalisedWeights({}), std::vector<double>{});
    }

    // A recipe names the image its run started from, or the fast style whose result it was;
    // recipes written before say only "init": "image", and still read.
    void recipeNamesTheStartingImage() {
        impasto::RunInputs inputs;
        inputs.content = "photo.jpg";
        inputs.initImage = "start.png";
        StyleSettings settings;
        settings.init = InitKind::Image;
        std::string json = impasto::recipeToJson(settings, inputs);
        QVERIFY2(json.find(R"("initImage":"start.png")") != std::string::npos, json.c_str());
        QCOMPARE(impasto::runInputsFromJson(json), inputs);
        QCOMPARE(settingsFromJson(json), settings);

        inputs.initImage = "starry.safetensors";
        inputs.initIsFastStyle = true;
        json = impasto::recipeToJson(settings, inputs);
        QVERIFY2(json.find(R"("initFastStyle":"starry.safetensors")") != std::string::npos,
                 json.c_str());
        QCOMPARE(impasto::runInputsFromJson(json), inputs);

        const impasto::RunInputs old = impasto::runInputsFromJson(R"({"init": "image"})");
        QVERIFY(!old.initImage);
        const QString both = requiredErrorFrom([] {
            impasto::runInputsFromJson(R"({"initImage": "a.png", "initFastStyle": "b.st"})");
        });
        QVERIFY2(both.contains("initFastStyle"), qPrintable(both));
    }

    void refusesDeepNestingWithoutCrashing() {
        const std::string deep(100000, '[');
        QVERIFY(errorFrom([&] { settingsFromJson(deep); }).contains("nested too deeply"));
    }
};

QTEST_APPLESS_MAIN(TestSettingsJson)
#include "test_settings_json.moc"
