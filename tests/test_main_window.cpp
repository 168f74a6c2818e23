// The real main window, offscreen, with real drops, sliders and the real SqueezeNet weights at
// small sizes: a run from dropped images to an exported PNG, changes reaching the running
// session, bad files, pause and resume, the iteration target, closing during a run, and the
// first run's window size.
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QScreen>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

#include <opencv2/core.hpp>

#include "core/image/EmbeddedMasks.h"
#include "core/image/ImageMat.h"
#include "core/image/PngTextReader.h"
#include "core/image/RecipeFile.h"
#include "core/recovery/RecoveryStore.h"
#include "core/settings/PresetFile.h"
#include "core/settings/SettingsJson.h"
#include "support/LocalHttpServer.h"
#include "support/MainWindowDriver.h"
#include "support/TestFiles.h"
#include "support/TestPaths.h"
#include "support/TestTimeouts.h"
#include "ui/panels/MessageBanner.h"
#include "ui/panels/ModelSetupPanel.h"
#include "ui/panels/ParameterPanel.h"
#include "ui/panels/RunStatusBar.h"
#include "ui/session/SessionController.h"
#include "ui/settings/AppSettings.h"
#include "ui/widgets/ImageSlot.h"
#include "ui/widgets/LayerWeightsEditor.h"
#include "ui/widgets/LossCurveView.h"
#include "ui/widgets/MaskEditor.h"
#include "ui/widgets/ParameterControl.h"
#include "ui/widgets/PreviewView.h"
#include "ui/widgets/SnapshotStrip.h"
#include "ui/widgets/StyleListView.h"
#include "ui/windows/MainWindow.h"
#include "ui/windows/MaskMode.h"

using namespace impasto;
using namespace impasto::ui;
using impasto::test::dropFile;
using impasto::test::dropFiles;

namespace {

const int kTimeoutMs = test::scaledTimeoutMs(20000);
constexpr int kSize = 80;

QString squeezeNetFile() {
    return test::sharedWeights("squeezenet1_1-features.safetensors");
}

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private:
    QTemporaryDir home_;

    std::unique_ptr<MainWindow> readyWindow(int iterations) {
        return test::readyWindow(kSize, iterations, kTimeoutMs);
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(home_.isValid());
        test::useFreshHome(home_);
        QTest::failOnWarning(QRegularExpression("QThread: Destroyed while thread"));
    }

    void firstRunOffersADownloadOrAWeightFile() {
        MainWindow window;
        window.show();
        ModelSetupPanel* setup = window.modelSetupPanel();
        QTRY_VERIFY(setup->isVisible());
        // Names for people, never the registry's ids.
        QVERIFY2(setup->downloadButton()->text().startsWith("Download SqueezeNet 1.1"),
                 qPrintable(setup->downloadButton()->text()));
        QVERIFY(!window.startAction()->isEnabled());
        window.loadModel(squeezeNetFile());
        QTRY_VERIFY_WITH_TIMEOUT(window.isModelReady(), kTimeoutMs);
        QVERIFY(!setup->isVisible());
        QVERIFY(window.runStatus()->deviceText().contains("SqueezeNet"));
    }

    // Without a stored geometry the window opens on most of the screen, so the docks leave the
    // preview room; a stored geometry wins.
    void firstRunWindowTakesMostOfTheScreen() {
        AppSettings().setWindowGeometry({});
        const QRect available = QApplication::primaryScreen()->availableGeometry();
        {
            MainWindow window;
            QVERIFY(window.width() >= available.width() * 0.85);
            QVERIFY(window.height() >= available.height() * 0.85);
            QVERIFY(available.contains(window.geometry().center()));
            window.resize(500, 400);
            AppSettings().setWindowGeometry(window.saveGeometry());
        }
        MainWindow restored;
        QCOMPARE(restored.size(), QSize(500, 400));
    }

    // The status bar names the precision the convolutions run in and why; the Precision
    // setting changes it.
    void statusBarSaysWhichPrecisionRunsAndWhy() {
        auto window = readyWindow(10);
        QVERIFY(window);
        RunStatusBar* status = window->runStatus();
        const QRegularExpression automatic("^(float32|bfloat16) \\(auto: .+\\)$");
        QTRY_VERIFY2_WITH_TIMEOUT(status->precisionText().contains(automatic),
                                  qPrintable(status->precisionText()), kTimeoutMs);
        QComboBox* precision = window->parameterPanel()->precisionBox();
        precision->setCurrentIndex(precision->findData(static_cast<int>(Precision::Float32)));
        QTRY_COMPARE_WITH_TIMEOUT(status->precisionText(),
                                  QString("float32 (chosen in the settings)"), kTimeoutMs);
        window->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->framesShown() >= 1, kTimeoutMs);
        precision->setCurrentIndex(precision->findData(static_cast<int>(Precision::Bfloat16)));
        QTRY_COMPARE_WITH_TIMEOUT(status->precisionText(),
                                  QString("bfloat16 (chosen in the settings)"), kTimeoutMs);
    }

    // The Threads setting reaches the engine: the status bar shows the count the run uses.
    void threadsSettingShowsInTheStatusBar() {
        auto window = readyWindow(10);
        QVERIFY(window);
        QSpinBox* threads = window->parameterPanel()->threadsBox();
        QCOMPARE(threads->value(), 0);
        QCOMPARE(threads->text(), QString("Automatic"));
        threads->setValue(1);
        QCOMPARE(window->parameterPanel()->settings().threads, 1);
        window->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->framesShown() >= 1, kTimeoutMs);
        QTRY_VERIFY2_WITH_TIMEOUT(window->runStatus()->deviceText().endsWith("CPU, 1 thread"),
                                  qPrintable(window->runStatus()->deviceText()), kTimeoutMs);
    }

    // The first-run panel downloads through the engine's downloader, with progress and cancel.
    void firstRunDownloadShowsProgressAndCancels() {
        test::LocalHttpServer server;
        const QByteArray body(3 * 1024 * 1024, 'w');
        server.serve("/model", body);
        RegisteredModel model;
        model.name = "tiny";
        model.title = "Tiny";
        model.fileName = "tiny.safetensors";
        model.sizeBytes = body.size();
        QTemporaryDir destination;
        ModelSetupPanel panel;
        panel.setModels({model});
        panel.setDownloadLocation(destination.path(), server.url("/model"));
        panel.show();
        QVERIFY(panel.downloadButton()->text().startsWith("Download Tiny, 3"));

        QSignalSpy installed(&panel, &ModelSetupPanel::modelInstalled);
        QTest::mouseClick(panel.downloadButton(), Qt::LeftButton);
        QVERIFY(installed.wait(kTimeoutMs));
        QCOMPARE(installed.first().at(0).toString(), QString("tiny"));
        const QString file = installed.first().at(1).toString();
        QCOMPARE(file, destination.filePath("tiny.safetensors"));
        QCOMPARE(QFileInfo(file).size(), body.size());
        QCOMPARE(panel.progressBar()->maximum(), body.size() / 1024);
        QVERIFY(QFile::remove(file));

        // A transfer that stalls: Cancel ends it with the downloader's message.
        server.stallNextResponseAfter(1024 * 1024);
        QTest::mouseClick(panel.downloadButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(panel.progressBar()->value() > 0, kTimeoutMs);
        QVERIFY(panel.cancelButton()->isVisible());
        QTest::mouseClick(panel.cancelButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(panel.messageLabel()->isVisible(), kTimeoutMs);
        QCOMPARE(panel.messageLabel()->text(), QString("Download cancelled"));
        QVERIFY(panel.downloadButton()->isEnabled());
        QVERIFY(!QFileInfo::exists(file));
    }

    void presetsRoundTripAndNameTheirFaults() {
        QTemporaryDir folder;
        StyleSettings settings;
        settings.styleWeight = 2500.0;
        settings.styleLayers = {{"fire2", 0.5}, {"fire5", 1.5}};
        settings.outputSize = 640;
        settings.preserveColors = true;
        const QString file = folder.filePath("soft.json");
        savePreset(file.toStdString(), settings);
        QCOMPARE(loadPreset(file.toStdString()), settings);

        QVERIFY(test::writeBytes(file, R"({"styleWeight": "strong"})"));
        const QString message = test::requiredErrorFrom([&] { loadPreset(file.toStdString()); });
        QVERIFY2(message.contains("soft.json") && message.contains("styleWeight"),
                 qPrintable(message));
        QVERIFY(test::requiredErrorFrom([&] {
                    loadPreset(folder.filePath("missing.json").toStdString());
                }).contains("missing.json"));
    }

    void runChangeStopExportAndScreenshot() {
        auto window = readyWindow(100000);
        QVERIFY(window);
        QCOMPARE(window->styleList()->count(), 1);
        QVERIFY(window->contentSlot()->path().endsWith("tubingen.jpg"));

        QList<StyleSettings> applied;
        QList<SessionCounters> counters;
        QList<int> appliedIterations;
        connect(&window->controller().worker(), &SessionWorker::settingsApplied, this,
                [&](const StyleSettings& settings, const SessionCounters& count, int iteration) {
                    applied.append(settings);
                    counters.append(count);
                    appliedIterations.append(iteration);
                });
        QImage firstPreview;
        window->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->framesShown() >= 1, kTimeoutMs);
        firstPreview = window->preview()->image();
        QTRY_VERIFY_WITH_TIMEOUT(window->framesShown() >= 4, kTimeoutMs);
        QVERIFY(window->preview()->image() != firstPreview);
        QCOMPARE(qMax(window->preview()->image().width(), window->preview()->image().height()),
                 kSize);
        QVERIFY(window->runStatus()->iterationText().contains("of 100000"));
        QVERIFY(!window->runStatus()->speedText().isEmpty());

        // A style weight change from the slider, mid-run.
        applied.clear();
        const int iterationBefore = window->shownIteration();
        ParameterControl* styleWeight = window->parameterPanel()->styleWeightControl();
        const double before = styleWeight->value();
        QTest::keyClick(styleWeight->slider(), Qt::Key_PageUp);
        QVERIFY(styleWeight->value() > before);
        QTRY_VERIFY_WITH_TIMEOUT(
            !applied.isEmpty() && applied.last().styleWeight == styleWeight->value(), kTimeoutMs);
        // The running session took it without a restart and without new targets.
        QCOMPARE(counters.last().starts, 1);
        QCOMPARE(counters.last().styleTargetComputations, 1);
        QVERIFY(appliedIterations.last() >= iterationBefore);
        QTRY_VERIFY_WITH_TIMEOUT(window->lossCurve()->markerCount() >= 1, kTimeoutMs);
        QVERIFY(window->lossCurve()->pointCount() >= window->shownIteration() - 1);

        window->stopAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Stopped, kTimeoutMs);
        QVERIFY(window->exportAction()->isEnabled());
        const int iterations = window->shownIteration();

        QTemporaryDir output;
        const QString file = output.filePath("result.png");
        bool exported = false;
        connect(&window->controller().worker(), &SessionWorker::exported, this,
                [&] { exported = true; });
        window->exportTo(file, 16);
        QTRY_VERIFY_WITH_TIMEOUT(exported, kTimeoutMs);
        const QImage result(file);
        QCOMPARE(qMax(result.width(), result.height()), kSize);
        QCOMPARE(result.depth(), 64);  // 16 bits per channel
        const auto text = readPngText(file.toStdString());
        QCOMPARE(text.at("impasto:iterations"), std::to_string(iterations));
        const StyleSettings stored = settingsFromJson(text.at("impasto:settings"));
        QCOMPARE(stored.styleWeight, styleWeight->value());
        QCOMPARE(stored.outputSize, kSize);
        // A complete recipe: the photo, the painting and the iterations are named too.
        const RunInputs inputs = runInputsFromJson(text.at("impasto:settings"));
        QVERIFY(inputs.content && inputs.content->ends_with("tubingen.jpg"));
        QCOMPARE(inputs.styles.size(), size_t(1));
        QVERIFY(inputs.styles.front().ends_with("starry_night.jpg"));
        QCOMPARE(inputs.iterations, std::optional<int>(iterations));
        // Load Preset reads the exported image's settings.
        QCOMPARE(loadRecipe(file.toStdString()).settings, stored);
        // Exported, the run is safe: no autosave is offered next time.
        QVERIFY(!RecoveryStore().load());

        const QString screenshot = test::binaryDir() + "/main_window.png";
        QVERIFY(window->grab().save(screenshot));
    }

    // A snapshot exports the masks and the starting image it was made with, not those of now
    // (it used to embed the masks of the moment of the export with its own settings).
    void aSnapshotExportsItsOwnMasksAndStart() {
        auto window = readyWindow(100000);
        QVERIFY(window);
        Mask left(40, 30, 0.0f);
        for (int y = 0; y < 30; ++y) {
            std::fill_n(left.values.begin() + y * 40, 20, 1.0f);
        }
        Mask top(40, 30, 0.0f);
        std::fill_n(top.values.begin(), 40 * 15, 1.0f);
        window->maskMode().editor().setMasks(MaskSet{{left}, std::nullopt, {}});
        const auto leftMasks = window->maskMode().editor().masks().paintings;  // at its size
        const QString start = test::sharedImage("the_scream.jpg");
        window->controller().post([start](SessionWorker& worker) { worker.loadInitImage(start); });
        {
            // Chosen without its file dialog; the next change sends it.
            const QSignalBlocker quiet(window->parameterPanel()->initBox());
            window->parameterPanel()->initBox()->setCurrentIndex(
                window->parameterPanel()->initBox()->findData(static_cast<int>(InitKind::Image)));
        }
        QTest::keyClick(window->parameterPanel()->styleWeightControl()->slider(), Qt::Key_PageUp);
        window->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->shownIteration() >= 2, kTimeoutMs);
        QSignalSpy taken(&window->controller().worker(), &SessionWorker::snapshotTaken);
        window->controller().post([](SessionWorker& worker) { worker.takeSnapshot(); });
        QTRY_COMPARE_WITH_TIMEOUT(taken.count(), 1, kTimeoutMs);
        const int id = taken.first().at(0).toInt();
        window->stopAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Stopped, kTimeoutMs);

        window->maskMode().editor().setMasks(MaskSet{{top}, std::nullopt, {}});
        const auto topMasks = window->maskMode().editor().masks().paintings;
        QVERIFY(topMasks != leftMasks);
        QTemporaryDir output;
        const QString now = output.filePath("now.png");
        const QString kept = output.filePath("kept.png");
        QSignalSpy written(&window->controller().worker(), &SessionWorker::exported);
        window->exportTo(now, 8);
        window->controller().post(
            [id, kept](SessionWorker& worker) { worker.exportSnapshot(id, kept, 8); });
        QTRY_COMPARE_WITH_TIMEOUT(written.count(), 2, kTimeoutMs);
        const auto paintingMasks = [](const QString& file) {
            return readEmbeddedMasks(test::toPath(file)).paintings;
        };
        QCOMPARE(paintingMasks(now), topMasks);
        QCOMPARE(paintingMasks(kept), leftMasks);
        for (const QString& file : {now, kept}) {
            const std::string recipe = readPngText(file.toStdString()).at("impasto:settings");
            QCOMPARE(settingsFromJson(recipe).init, InitKind::Image);
            QCOMPARE(runInputsFromJson(recipe).initImage, std::optional(start.toStdString()));
        }
    }

    // A run is autosaved as it goes; the next start offers it back, and restoring brings the
    // photo, the painting, the settings and the image (as a snapshot) back.
    void anUnexportedRunIsAutosavedAndRestored() {
        qputenv("XDG_STATE_HOME", (home_.path() + "/state-restore").toUtf8());
        double styleWeight = 0.0;
        {
            auto window = readyWindow(100000);
            QVERIFY(window);
            window->parameterPanel()->styleWeightControl()->setValue(321.0);
            styleWeight = window->parameterPanel()->styleWeightControl()->value();
            window->startAction()->trigger();
            QTRY_VERIFY_WITH_TIMEOUT(window->shownIteration() >= 3, kTimeoutMs);
            window->stopAction()->trigger();
            QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Stopped, kTimeoutMs);
        }  // closed without an export, as a crash would leave it
        const auto saved = RecoveryStore().load();
        QVERIFY(saved);
        QVERIFY(saved->iteration >= 3);
        QCOMPARE(QFileInfo(QString::fromStdString(saved->contentFile.string())).canonicalFilePath(),
                 QFileInfo(test::sharedImage("tubingen.jpg")).canonicalFilePath());
        QCOMPARE(saved->settings.styleWeight, styleWeight);

        MainWindow window;
        window.show();
        window.loadModel(squeezeNetFile());
        QTRY_VERIFY_WITH_TIMEOUT(window.banner()->acceptButton()->isVisible(), kTimeoutMs);
        QVERIFY2(window.banner()->text().contains(QString("iteration %1").arg(saved->iteration)),
                 qPrintable(window.banner()->text()));
        window.parameterPanel()->styleWeightControl()->setValue(1.0);
        QTest::mouseClick(window.banner()->acceptButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(window.contentSlot()->hasImage() &&
                                     window.styleList()->count() == 1 &&
                                     window.snapshotStrip()->count() == 1,
                                 kTimeoutMs);
        QVERIFY(window.contentSlot()->path().endsWith("tubingen.jpg"));
        QCOMPARE(window.parameterPanel()->styleWeightControl()->value(), styleWeight);
        QTRY_COMPARE_WITH_TIMEOUT(window.preview()->image().size(),
                                  QSize(saved->image.width(), saved->image.height()), kTimeoutMs);

        // The restored image exports with the settings it was made with, not the panel's now.
        window.parameterPanel()->styleWeightControl()->setValue(2.0);
        QTemporaryDir output;
        const QString file = output.filePath("restored.png");
        bool exported = false;
        connect(&window.controller().worker(), &SessionWorker::exported, this,
                [&] { exported = true; });
        const int id = window.snapshotStrip()->list()->item(0)->data(Qt::UserRole).toInt();
        window.controller().post(
            [id, file](SessionWorker& worker) { worker.exportSnapshot(id, file, 8); });
        QTRY_VERIFY_WITH_TIMEOUT(exported, kTimeoutMs);
        const StyleSettings stored =
            settingsFromJson(readPngText(file.toStdString()).at("impasto:settings"));
        QCOMPARE(stored.styleWeight, styleWeight);
        QCOMPARE(QImage(file).size(), QSize(saved->image.width(), saved->image.height()));
    }

    void decliningTheRestoreForgetsTheAutosave() {
        qputenv("XDG_STATE_HOME", (home_.path() + "/state-decline").toUtf8());
        const Image image = imageFromMats(cv::Mat(24, 32, CV_32FC3, cv::Scalar(0.2, 0.4, 0.6)));
        RecoveryStore().save(image, StyleSettings{},
                             test::toPath(test::sharedImage("tubingen.jpg")), {}, 7);
        QVERIFY(RecoveryStore().load());
        MainWindow window;
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.banner()->declineButton()->isVisible(), kTimeoutMs);
        QTest::mouseClick(window.banner()->declineButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!RecoveryStore().load(), kTimeoutMs);
        QVERIFY(!window.banner()->isVisible());
        QCOMPARE(window.snapshotStrip()->count(), 0);
        QVERIFY(!window.contentSlot()->hasImage());
    }

    void unreadableDropIsRefusedWithAMessage() {
        auto window = readyWindow(10);
        QVERIFY(window);
        QTemporaryDir folder;
        const QString notAnImage = folder.filePath("notes.jpg");
        QVERIFY(test::writeBytes(notAnImage, "just some words, not a picture"));
        QVERIFY(dropFile(*window, window->contentSlot(), notAnImage));
        QTRY_VERIFY_WITH_TIMEOUT(window->banner()->isVisible(), kTimeoutMs);
        QVERIFY2(window->banner()->text().contains("notes.jpg"),
                 qPrintable(window->banner()->text()));
        QVERIFY(window->contentSlot()->path().endsWith("tubingen.jpg"));
        // The session still has the photo: a run works.
        window->startAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Finished, kTimeoutMs);
        QCOMPARE(window->shownIteration(), 10);
    }

    // Files dropped together fail one by one: the banner lists each with its reason (it showed
    // the last alone), and a painting that loads among them does not hide the others' errors.
    void everyFailedLoadIsListed() {
        auto window = readyWindow(10);
        QVERIFY(window);
        QTemporaryDir folder;
        auto bad = [&](const QString& name, const QByteArray& bytes) {
            const QString file = folder.filePath(name);
            return test::writeBytes(file, bytes) ? file : QString();
        };
        const QStringList paintings = {bad("notes.png", "just some words, not a picture"),
                                       bad("empty.jpg", ""),
                                       bad("fake.png", "\x89PNG\r\n\x1a\nnot really")};
        QVERIFY(!paintings.contains(QString()));
        QVERIFY(dropFiles(*window, window->styleList(), paintings));
        auto listsAll = [&](const QStringList& files) {
            return window->banner()->isVisible() &&
                   std::all_of(files.begin(), files.end(), [&](const QString& file) {
                       return window->banner()->text().contains(QFileInfo(file).fileName());
                   });
        };
        QTRY_VERIFY2_WITH_TIMEOUT(listsAll(paintings), qPrintable(window->banner()->text()),
                                  kTimeoutMs);
        QCOMPARE(window->banner()->text().count('\n'), 2);  // one line each
        QCOMPARE(window->styleList()->count(), 1);

        // A bad photo and a bad painting, then a good painting: a new list of the two.
        const QStringList photoAndPaintings = {bad("photo.jpg", "no photo here"),
                                               bad("painting.webp", "no painting either"),
                                               test::sharedImage("the_scream.jpg")};
        QVERIFY(dropFiles(*window, window->contentSlot(), photoAndPaintings));
        QTRY_COMPARE_WITH_TIMEOUT(window->styleList()->count(), 2, kTimeoutMs);
        QCoreApplication::processEvents();
        QVERIFY2(listsAll(photoAndPaintings.mid(0, 2)), qPrintable(window->banner()->text()));
        QVERIFY2(!window->banner()->text().contains("notes.png"),
                 qPrintable(window->banner()->text()));
        QVERIFY(window->contentSlot()->path().endsWith("tubingen.jpg"));
    }

    void pauseAndResumeContinueTheCount() {
        auto window = readyWindow(100000);
        QVERIFY(window);
        QList<int> frameIterations;
        connect(&window->controller().worker(), &SessionWorker::frameReady, this,
                [&](const SessionFrame& frame) { frameIterations.append(frame.iteration); });
        window->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->shownIteration() >= 3, kTimeoutMs);
        window->pauseAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Paused, kTimeoutMs);
        QVERIFY(window->resumeAction()->isEnabled());
        const int pausedAt = window->shownIteration();
        frameIterations.clear();
        window->resumeAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->shownIteration() >= pausedAt + 3, kTimeoutMs);
        QVERIFY(frameIterations.first() > pausedAt);
        QVERIFY(std::is_sorted(frameIterations.begin(), frameIterations.end()));
        window->stopAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Stopped, kTimeoutMs);
    }

    // A photo and no painting runs as feature inversion, and the status bar says so while it
    // runs (after the preparation's message).
    void photoAloneRunsAsFeatureInversion() {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        window.loadModel(squeezeNetFile());
        QTRY_VERIFY_WITH_TIMEOUT(window.isModelReady(), kTimeoutMs);
        window.parameterPanel()->outputSizeBox()->setValue(kSize);
        window.parameterPanel()->iterationsBox()->setValue(100000);
        QVERIFY(dropFile(window, window.preview(), test::sharedImage("tubingen.jpg")));
        QTRY_VERIFY_WITH_TIMEOUT(window.contentSlot()->hasImage(), kTimeoutMs);
        window.startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window.framesShown() >= 1, kTimeoutMs);
        const QString message = window.runStatus()->messageText();
        QVERIFY2(message.contains("Feature inversion") && message.contains("from noise") &&
                     message.contains("fire3"),
                 qPrintable(message));
        window.controller().stop();
        QTRY_COMPARE_WITH_TIMEOUT(window.controller().state(), RunState::Stopped, kTimeoutMs);
    }

    void reachingTheTargetStopsAndContinueGoesOn() {
        auto window = readyWindow(6);
        QVERIFY(window);
        window->startAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Finished, kTimeoutMs);
        QCOMPARE(window->shownIteration(), 6);
        QVERIFY(window->exportAction()->isEnabled());
        QVERIFY(window->continueAction()->isEnabled());
        window->continueAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->shownIteration(), 12, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Finished, kTimeoutMs);
    }

    void pasteTakesThePhotoThenPaintings() {
        MainWindow window;
        window.show();
        QImage pasted(120, 90, QImage::Format_RGB32);
        pasted.fill(QColor(40, 90, 160));
        QApplication::clipboard()->setImage(pasted);
        QTRY_VERIFY(QApplication::clipboard()->mimeData()->hasImage());
        QCOMPARE(window.pasteAction()->shortcut(), QKeySequence(QKeySequence::Paste));
        window.pasteAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window.contentSlot()->hasImage(), kTimeoutMs);
        QCOMPARE(window.contentSlot()->path(), QString("Pasted photo"));
        QCOMPARE(window.styleList()->count(), 0);
        window.pasteAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window.styleList()->count(), 1, kTimeoutMs);
        QCOMPARE(window.styleList()->paths(), QStringList{"Pasted painting"});
    }

    void closingDuringARunIsClean() {
        auto window = readyWindow(100000);
        QVERIFY(window);
        window->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->framesShown() >= 2, kTimeoutMs);
        QVERIFY(window->close());
        window.reset();  // joins the worker thread; a warning about it fails the test
    }

    // Settings, layer choice included, the run length and the model come back next time.
    void settingsSurviveARestart() {
        StyleSettings expected;
        {
            auto window = std::make_unique<MainWindow>();
            window->show();
            window->loadModel(squeezeNetFile());
            QTRY_VERIFY_WITH_TIMEOUT(window->isModelReady(), kTimeoutMs);
            ParameterPanel* panel = window->parameterPanel();
            panel->styleWeightControl()->setValue(1234.5);
            panel->iterationsBox()->setValue(77);
            panel->precisionBox()->setCurrentIndex(
                panel->precisionBox()->findData(static_cast<int>(Precision::Bfloat16)));
            // Issue 17's choices: style statistics, averaging, the coarse-to-fine controls.
            panel->styleLossBox()->setCurrentIndex(
                panel->styleLossBox()->findData(static_cast<int>(StyleLoss::Wasserstein)));
            panel->averageDecayBox()->setValue(0.9);
            panel->minScaleBox()->setValue(128);
            panel->initialIterationsBox()->setValue(40);
            panel->scaleIterationsBox()->setValue(20);
            LayerWeightsEditor* layers = panel->styleLayersEditor();
            const QString dropped = layers->chosenLayers().first().first;
            layers->checkBox(layers->availableLayers().indexOf(dropped))->click();
            expected = panel->settings();
            QCOMPARE(expected.styleWeight, 1234.5);
            QVERIFY(expected.precision == Precision::Bfloat16);
            QVERIFY(expected.styleLoss == StyleLoss::Wasserstein);
            QCOMPARE(expected.averageDecay, 0.9);
            QCOMPARE(expected.minScale, 128);
            QCOMPARE(expected.initialIterations, 40);
            QCOMPARE(expected.scaleIterations, 20);
            QVERIFY(!expected.styleLayers.empty());
            QVERIFY(std::none_of(
                expected.styleLayers.begin(), expected.styleLayers.end(),
                [&](const LayerWeight& layer) { return layer.layer == dropped.toStdString(); }));
            QVERIFY(window->close());
        }
        MainWindow second;
        second.show();
        QTRY_VERIFY_WITH_TIMEOUT(second.isModelReady(), kTimeoutMs);
        QVERIFY(second.parameterPanel()->settings() == expected);
        QCOMPARE(second.parameterPanel()->iterationTarget(), 77);
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
