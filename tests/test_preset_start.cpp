// A loaded preset (or exported picture) brings back the image its run started from: the real
// window, offscreen, with the SqueezeNet weights; a picture start is loaded and shown in the
// parameter panel and the run starts from it, a fast-style start is made again on the photo,
// Save Preset names the start, and a start that is gone is said in the message bar while the
// rest of the preset loads.
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <memory>

#include "core/fast/FastStyleFile.h"
#include "core/image/ImageLoader.h"
#include "core/image/PngTextReader.h"
#include "core/image/RecipeFile.h"
#include "core/image/Resize.h"
#include "core/settings/PresetFile.h"
#include "core/settings/SettingsJson.h"
#include "support/MainWindowDriver.h"
#include "support/SharedPictures.h"
#include "support/TestPaths.h"
#include "support/TestTimeouts.h"
#include "ui/panels/MessageBanner.h"
#include "ui/panels/ParameterPanel.h"
#include "ui/session/SessionController.h"
#include "ui/windows/MainWindow.h"

using namespace impasto;
using namespace impasto::ui;

namespace {

const int kTimeoutMs = test::scaledTimeoutMs(20000);
constexpr int kSize = 64;

// The parameter panel's "Starts from ..." line ("" when hidden).
QString startLine(const MainWindow& window) {
    for (const QLabel* label : window.parameterPanel()->findChildren<QLabel*>()) {
        if (label->text().startsWith("Starts from") && !label->isHidden()) {
            return label->text();
        }
    }
    return {};
}

InitKind chosenInit(const MainWindow& window) {
    return static_cast<InitKind>(window.parameterPanel()->initBox()->currentData().toInt());
}

// A preset whose run started from `start` (a picture, or a fast style's file), style weight
// `styleWeight`, naming no painting (the window's stay).
QString writePreset(const QTemporaryDir& folder, const QString& start, bool fastStyle,
                    double styleWeight) {
    StyleSettings settings;
    settings.init = InitKind::Image;
    settings.styleWeight = styleWeight;
    RunInputs inputs;
    inputs.initImage = start.toStdString();
    inputs.initIsFastStyle = fastStyle;
    const QString file = folder.filePath("preset.json");
    savePreset(file.toStdString(), settings, inputs);
    return file;
}

double meanDifference(const Image& a, const Image& b) {
    double sum = 0.0;
    for (size_t i = 0; i < a.rgb.size(); ++i) {
        sum += std::abs(double(a.rgb[i]) - double(b.rgb[i]));
    }
    return sum / double(a.rgb.size());
}

}  // namespace

class TestPresetStart : public QObject {
    Q_OBJECT

    QTemporaryDir home_;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(home_.isValid());
        test::useFreshHome(home_);
    }

    // The start is loaded, named in the panel, and the run starts from it: after one
    // iteration the picture is still the scream, and its export names the start again.
    void aPictureStartIsLoadedAndRunFrom() {
        auto window = test::readyWindow(kSize, 1, kTimeoutMs);
        QVERIFY(window);
        QTemporaryDir folder;
        const QString start = test::sharedImage("the_scream.jpg");
        QSignalSpy loaded(&window->controller().worker(), &SessionWorker::initImageLoaded);
        QVERIFY(test::loadPresetAndWait(*window, writePreset(folder, start, false, 1234.0),
                                        kTimeoutMs));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kTimeoutMs);
        QCOMPARE(loaded.first().at(0).toString(), start);
        QTRY_COMPARE_WITH_TIMEOUT(startLine(*window), QString("Starts from the_scream.jpg"),
                                  kTimeoutMs);
        QCOMPARE(chosenInit(*window), InitKind::Image);
        QCOMPARE(window->parameterPanel()->settings().styleWeight, 1234.0);
        // Saved again, the preset names it too.
        const QString again = folder.filePath("again.json");
        window->savePresetTo(again);
        QCOMPARE(loadRecipe(again.toStdString()).inputs.initImage,
                 std::optional(start.toStdString()));

        window->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->shownIteration() >= 1, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Finished, kTimeoutMs);
        const QString output = folder.filePath("out.png");
        QSignalSpy written(&window->controller().worker(), &SessionWorker::exported);
        window->exportTo(output, 8);
        QTRY_COMPARE_WITH_TIMEOUT(written.count(), 1, kTimeoutMs);
        const std::string recipe = readPngText(output.toStdString()).at("impasto:settings");
        QCOMPARE(runInputsFromJson(recipe).initImage, std::optional(start.toStdString()));
        const Image result = loadImage(output.toStdString()).image;
        const auto like = [&](const char* name) {
            return resizeTo(test::sharedPicture(name, 2 * kSize), result.width(), result.height());
        };
        const double fromScream = meanDifference(result, like("the_scream.jpg"));
        const double fromPhoto = meanDifference(result, like("tubingen.jpg"));
        qInfo("after one iteration: %.3f from the scream, %.3f from the photo", fromScream,
              fromPhoto);
        QVERIFY(fromScream < 0.5 * fromPhoto);
    }

    // A fast-style start is made again: that style applied to the photo.
    void aFastStyleStartIsMadeAgainOnThePhoto() {
        auto window = test::readyWindow(kSize, 1, kTimeoutMs);
        QVERIFY(window);
        QTemporaryDir folder;
        FastStyle style;
        style.network = std::make_shared<TransformNetwork>(0.25, 5);
        style.lossNetwork = "squeezenet1_1";
        style.paintingName = "starry_night";
        style.thumbnail = test::sharedPicture("starry_night.jpg", kThumbnailSide);
        const QString styleFile = folder.filePath("starry.safetensors");
        writeFastStyle(styleFile.toStdString(), style);
        QSignalSpy made(&window->controller().worker(), &SessionWorker::fastStyleStartMade);
        QVERIFY(test::loadPresetAndWait(*window, writePreset(folder, styleFile, true, 1000.0),
                                        kTimeoutMs));
        QTRY_COMPARE_WITH_TIMEOUT(made.count(), 1, kTimeoutMs);
        QCOMPARE(made.first().at(0).toString(), QString("starry_night"));
        QTRY_COMPARE_WITH_TIMEOUT(
            startLine(*window), QString("Starts from the fast style of starry_night"), kTimeoutMs);
        QCOMPARE(chosenInit(*window), InitKind::Image);
        const QString again = folder.filePath("again.json");
        window->savePresetTo(again);
        const RunInputs saved = loadRecipe(again.toStdString()).inputs;
        QCOMPARE(saved.initImage, std::optional(styleFile.toStdString()));
        QVERIFY(saved.initIsFastStyle);
    }

    // A start that is gone: said in the message bar; the rest of the preset loads and the run
    // starts from the photo.
    void aMissingStartIsSaidAndTheRestLoads() {
        auto window = test::readyWindow(kSize, 1, kTimeoutMs);
        QVERIFY(window);
        QTemporaryDir folder;
        QVERIFY(test::loadPresetAndWait(
            *window, writePreset(folder, folder.filePath("gone.png"), false, 777.0), kTimeoutMs));
        const QString message = window->banner()->text();
        QVERIFY2(message.contains("gone.png") && message.contains("no longer there"),
                 qPrintable(message));
        QCOMPARE(window->parameterPanel()->settings().styleWeight, 777.0);
        QCOMPARE(chosenInit(*window), InitKind::Content);
        QCOMPARE(startLine(*window), QString());
    }

    // A start that is there but does not read leaves no earlier start behind: the run starts
    // from the photo, the banner says so, and Save Preset names no start.
    void aStartThatDoesNotReadReplacesTheEarlierOne() {
        auto window = test::readyWindow(kSize, 1, kTimeoutMs);
        QVERIFY(window);
        QTemporaryDir folder;
        QSignalSpy loaded(&window->controller().worker(), &SessionWorker::initImageLoaded);
        QVERIFY(test::loadPresetAndWait(
            *window, writePreset(folder, test::sharedImage("the_scream.jpg"), false, 1.0),
            kTimeoutMs));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kTimeoutMs);

        QTemporaryDir other;
        const QString broken = other.filePath("broken.png");
        QFile file(broken);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a picture at all");
        file.close();
        QSignalSpy dropped(&window->controller().worker(), &SessionWorker::startDropped);
        QVERIFY(
            test::loadPresetAndWait(*window, writePreset(other, broken, false, 2.0), kTimeoutMs));
        QTRY_COMPARE_WITH_TIMEOUT(dropped.count(), 1, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(chosenInit(*window), InitKind::Content, kTimeoutMs);
        const QString message = window->banner()->text();
        QVERIFY2(message.contains("broken.png") && message.contains("starts from the photo"),
                 qPrintable(message));
        const QString again = other.filePath("again.json");
        window->savePresetTo(again);
        const Recipe saved = loadRecipe(again.toStdString());
        QCOMPARE(saved.settings.init, InitKind::Content);
        QCOMPARE(saved.inputs.initImage, std::optional<std::string>());
    }
};

QTEST_MAIN(TestPresetStart)
#include "test_preset_start.moc"
