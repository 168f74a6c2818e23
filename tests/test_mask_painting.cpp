// Painting masks in the desktop app (issue 13), on the real window offscreen with the real
// SqueezeNet weights at a small size: brush strokes as mouse events on the preview land in the
// mask, undo and redo put them back, the brush keys work, a stroke reaches the run's worker as
// a settings change, the strength slider changes the picture shown, and masks go out to files
// and come back.
#include <QAction>
#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QMenu>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QToolButton>
#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include "core/image/EmbeddedMasks.h"
#include "core/image/ImageExport.h"
#include "core/image/ImageLoader.h"
#include "core/image/MaskFile.h"
#include "core/image/PngTextReader.h"
#include "support/MainWindowDriver.h"
#include "support/MaskStrokes.h"
#include "support/PictureDifference.h"
#include "support/TestFiles.h"
#include "support/TestTimeouts.h"
#include "ui/panels/MessageBanner.h"
#include "ui/session/MaskFilesBeside.h"
#include "ui/session/MaskSet.h"
#include "ui/session/RecoveryCoordinator.h"
#include "ui/session/SessionController.h"
#include "ui/widgets/MaskColours.h"
#include "ui/widgets/MaskEditor.h"
#include "ui/widgets/PreviewView.h"
#include "ui/widgets/RecentFilesMenu.h"
#include "ui/widgets/StrengthSlider.h"
#include "ui/widgets/StyleListView.h"
#include "ui/widgets/StyleRow.h"
#include "ui/windows/MainWindow.h"
#include "ui/windows/MaskMode.h"

using namespace impasto;
using namespace impasto::ui;

namespace {

const int kTimeoutMs = test::scaledTimeoutMs(20000);
constexpr int kSize = 80;

using test::drag;
using test::valueAt;

}  // namespace

class TestMaskPainting : public QObject {
    Q_OBJECT

private:
    QTemporaryDir home_;

    std::unique_ptr<MainWindow> readyWindow(int iterations) {
        auto window = test::readyWindow(kSize, iterations, kTimeoutMs);
        if (window) {
            QApplication::setActiveWindow(window.get());
        }
        return window;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(home_.isValid());
        test::useFreshHome(home_);
    }

    // A drag across the middle with the brush paints the first painting's mask white along
    // the line and leaves the corners black; undo takes the stroke back, redo brings it again.
    void aBrushStrokePaintsTheMaskAndUndoesAndRedoes() {
        auto window = readyWindow(20);
        QVERIFY(window);
        MaskMode& mode = window->maskMode();
        MaskEditor& editor = mode.editor();
        QVERIFY(!editor.maskSize().isEmpty());
        QCOMPARE(editor.paintingCount(), 1);
        mode.modeAction()->trigger();
        QVERIFY(window->preview()->maskMode());
        MaskBrush brush = editor.brush();
        brush.size = editor.maskSize().width() / 10.0;
        brush.hardness = 1.0;
        editor.setBrush(brush);

        drag(window->preview(), {0.2, 0.5}, {0.8, 0.5});
        QVERIFY(editor.masks().paintings.at(0).has_value());
        const Mask painted = *editor.masks().paintings[0];
        QCOMPARE(valueAt(painted, {0.5, 0.5}), 1.0f);
        QCOMPARE(valueAt(painted, {0.25, 0.5}), 1.0f);
        QCOMPARE(valueAt(painted, {0.05, 0.05}), 0.0f);
        QCOMPARE(valueAt(painted, {0.5, 0.9}), 0.0f);
        // The overlay shows the stroke in the colour of the painting's card.
        const QColor colour = paintingMaskColour(0);
        QCOMPARE(window->styleList()->row(0)->maskColour(), colour);
        const QImage overlay = window->preview()->overlay();
        QVERIFY(!overlay.isNull());
        const QColor shown = overlay.pixelColor(overlay.width() / 2, overlay.height() / 2);
        QVERIFY2(shown.alpha() > 100 && std::abs(shown.blue() - colour.blue()) < 10 &&
                     std::abs(shown.red() - colour.red()) < 10,
                 qPrintable(shown.name(QColor::HexArgb)));
        QCOMPARE(overlay.pixelColor(2, 2).alpha(), 0);

        // A second stroke, with the eraser, across the first.
        editor.toggleEraser();
        drag(window->preview(), {0.5, 0.2}, {0.5, 0.8});
        QCOMPARE(valueAt(*editor.masks().paintings[0], {0.5, 0.5}), 0.0f);
        QCOMPARE(valueAt(*editor.masks().paintings[0], {0.25, 0.5}), 1.0f);

        QTest::keyClick(window.get(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(*editor.masks().paintings[0], painted);
        mode.undoAction()->trigger();
        QVERIFY(!editor.masks().paintings[0].has_value());  // no mask: everywhere again
        QTest::keyClick(window.get(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(*editor.masks().paintings[0], painted);
        mode.redoAction()->trigger();
        QCOMPARE(valueAt(*editor.masks().paintings[0], {0.5, 0.5}), 0.0f);
    }

    // [ and ] change the brush's size a step, X swaps brush and eraser, M the mask mode.
    void brushKeysChangeTheBrush() {
        auto window = readyWindow(20);
        QVERIFY(window);
        MaskEditor& editor = window->maskMode().editor();
        QTest::keyClick(window->preview(), Qt::Key_M);
        QVERIFY(window->preview()->maskMode());
        const double size = editor.brush().size;
        QTest::keyClick(window->preview(), Qt::Key_BracketRight);
        QVERIFY2(editor.brush().size > size * 1.1,
                 qPrintable(QString::number(editor.brush().size)));
        QTest::keyClick(window->preview(), Qt::Key_BracketLeft);
        QTest::keyClick(window->preview(), Qt::Key_BracketLeft);
        QVERIFY(editor.brush().size < size);
        QVERIFY(!editor.brush().erasing);
        QTest::keyClick(window->preview(), Qt::Key_X);
        QVERIFY(editor.brush().erasing);
        QTest::keyClick(window->preview(), Qt::Key_X);
        QVERIFY(!editor.brush().erasing);
        QTest::keyClick(window->preview(), Qt::Key_M);
        QVERIFY(!window->preview()->maskMode());
    }

    // While the run goes, a stroke reaches the worker as a settings change: masksApplied comes
    // back with the painted mask, at a later iteration, and the run goes on.
    void aStrokeReachesTheRunningWorker() {
        auto window = readyWindow(100000);
        QVERIFY(window);
        QSignalSpy applied(&window->controller().worker(), &SessionWorker::masksApplied);
        window->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->shownIteration() >= 2, kTimeoutMs);
        window->maskMode().modeAction()->trigger();
        drag(window->preview(), {0.1, 0.3}, {0.9, 0.3});
        const Mask painted = *window->maskMode().editor().masks().paintings.at(0);
        const int strokeAt = window->shownIteration();
        QTRY_VERIFY_WITH_TIMEOUT(!applied.isEmpty(), kTimeoutMs);
        const auto masks = applied.last().at(0).value<MaskSet>();
        QCOMPARE(masks.paintings.size(), size_t(1));
        QVERIFY(masks.paintings[0].has_value());
        QCOMPARE(*masks.paintings[0], painted);
        QVERIFY(applied.last().at(1).toInt() >= strokeAt);
        QCOMPARE(applied.last().at(2).toInt(), window->sentSettingsRevision());
        const int after = applied.last().at(1).toInt();
        QTRY_VERIFY_WITH_TIMEOUT(window->shownIteration() > after + 1, kTimeoutMs);
        window->stopAction()->trigger();
    }

    // The strength slider shows the photo at 0 and the result again at 100, without a step.
    void theStrengthSliderChangesThePicture() {
        auto window = readyWindow(6);
        QVERIFY(window);
        const QImage photo = window->preview()->comparisonImage();
        window->startAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Finished, kTimeoutMs);
        QTest::qWait(300);
        const QImage result = window->preview()->image();
        const double resultFromPhoto = test::meanDifference(result, photo);
        QVERIFY2(resultFromPhoto > 0.03, qPrintable(QString::number(resultFromPhoto)));
        const int frames = window->framesShown();
        window->strengthSlider()->slider()->setValue(0);
        QTRY_VERIFY_WITH_TIMEOUT(window->framesShown() > frames, kTimeoutMs);
        const double shownFromPhoto = test::meanDifference(window->preview()->image(), photo);
        QVERIFY2(shownFromPhoto < 0.02, qPrintable(QString::number(shownFromPhoto)));
        QCOMPARE(window->shownIteration(), 6);  // no step: the same picture, blended
        const int framesAtZero = window->framesShown();
        window->strengthSlider()->slider()->setValue(100);
        QTRY_VERIFY_WITH_TIMEOUT(window->framesShown() > framesAtZero, kTimeoutMs);
        QVERIFY(test::meanDifference(window->preview()->image(), result) < 0.002);
    }

    // Export writes the painted mask as a PNG; importing it onto the keep mask gives it back.
    void aMaskGoesToAFileAndComesBack() {
        auto window = readyWindow(20);
        QVERIFY(window);
        MaskMode& mode = window->maskMode();
        MaskEditor& editor = mode.editor();
        mode.modeAction()->trigger();
        drag(window->preview(), {0.3, 0.2}, {0.3, 0.8});
        const Mask painted = *editor.masks().paintings.at(0);
        QTemporaryDir folder;
        const QString file = folder.filePath("mask.png");
        mode.exportMaskFile(file);
        const Mask written = loadMask(file.toStdString());
        QCOMPARE(written.width(), painted.width());
        QCOMPARE(valueAt(written, {0.3, 0.5}), 1.0f);
        editor.setTarget(MaskEditor::kKeepTarget);
        QVERIFY(!editor.masks().keep);
        mode.importMaskFile(file);
        QVERIFY(editor.masks().keep.has_value());
        double largest = 0.0;
        for (size_t i = 0; i < painted.values.size(); ++i) {
            largest = std::max(
                largest, double(std::abs(editor.masks().keep->values[i] - painted.values[i])));
        }
        QVERIFY2(largest <= 0.5 / 255 + 1e-6, qPrintable(QString::number(largest)));
        mode.undoAction()->trigger();
        QVERIFY(!editor.masks().keep);
    }

    // Fill, invert and clear are undo steps each; removing a painting drops its mask and the
    // next painting's mask moves up with it.
    void fillInvertClearAndRemovedPaintings() {
        MaskEditor editor;
        QSignalSpy sent(&editor, &MaskEditor::masksChanged);
        editor.setMaskSize({8, 6});
        editor.setPaintingCount(2);
        QCOMPARE(editor.target(), 0);
        editor.fill();
        QCOMPARE(*editor.masks().paintings[0], Mask(8, 6, 1.0f));
        editor.invert();
        QCOMPARE(*editor.masks().paintings[0], Mask(8, 6, 0.0f));
        editor.clear();
        QVERIFY(!editor.masks().paintings[0]);
        QCOMPARE(editor.undoStack()->count(), 3);
        QCOMPARE(sent.size(), 3);
        editor.clear();  // nothing to clear: no step
        QCOMPARE(editor.undoStack()->count(), 3);
        editor.undoStack()->undo();
        QCOMPARE(*editor.masks().paintings[0], Mask(8, 6, 0.0f));

        editor.setTarget(1);
        editor.fill();
        editor.removePainting(0);
        QCOMPARE(editor.paintingCount(), 1);
        QCOMPARE(editor.masks().paintings.size(), size_t(1));
        QCOMPARE(*editor.masks().paintings[0], Mask(8, 6, 1.0f));
        QCOMPARE(editor.target(), 0);
        QCOMPARE(sent.last().at(0).value<MaskSet>(), editor.masks());

        // A painting without a mask removed: the masks after it move up, and the run hears of it.
        editor.setPaintingCount(2);
        editor.clear();
        editor.setTarget(1);
        editor.fill();
        const qsizetype before = sent.size();
        editor.removePainting(0);
        QCOMPARE(sent.size(), before + 1);
        QCOMPARE(*sent.last().at(0).value<MaskSet>().paintings[0], Mask(8, 6, 1.0f));
    }

    // Masks go beside a preset as PNGs the CLI reads (<stem>.mask-1.png, <stem>.mask-keep.png)
    // and come back; a later save without the keep mask removes its file. The autosave keeps
    // them the same way and a restore gives them back once.
    void masksTravelBesideAPresetAndTheAutosave() {
        QTemporaryDir folder;
        Mask left(40, 30, 0.0f);
        for (int y = 0; y < 30; ++y) {
            std::fill_n(left.values.begin() + y * 40, 20, 1.0f);
        }
        Mask keep(40, 30, 0.0f);
        keep.values[15 * 40 + 30] = 1.0f;
        const MaskSet masks{{std::nullopt, left}, keep};
        const std::filesystem::path preset = test::toPath(folder.filePath("look.json"));
        saveMasksBeside(preset, masks);
        QVERIFY(QFileInfo::exists(folder.filePath("look.mask-2.png")));
        QVERIFY(!QFileInfo::exists(folder.filePath("look.mask-1.png")));
        QVERIFY(QFileInfo::exists(folder.filePath("look.mask-keep.png")));
        QVERIFY(loadMasksBeside(preset, 2) == masks);
        saveMasksBeside(preset, MaskSet{{left}, std::nullopt});
        QVERIFY(!QFileInfo::exists(folder.filePath("look.mask-2.png")));
        QVERIFY(!QFileInfo::exists(folder.filePath("look.mask-keep.png")));
        QVERIFY(loadMasksBeside(preset, 1) == (MaskSet{{left}, std::nullopt}));

        RecoveryCoordinator recovery(test::toPath(folder.filePath("state")));
        QVERIFY(!recovery.saveMasks(masks));
        QVERIFY(recovery.restoreMasks(2) == masks);
        QVERIFY(!recovery.restoreMasks(2).any());  // once
    }

    // "Use only the sky of this painting": a source mask given to a painting's card reaches the
    // running worker (the iterations go on), the card says "Part", and the mask goes beside a
    // preset (<stem>.source-mask-1.png) and into an exported PNG; "Use All" on the card drops
    // it, and loading the preset or the exported image (PNG or JPEG) brings it back.
    void aPaintingsSourceMaskTravelsWithTheRun() {
        QTemporaryDir folder;
        Mask sky(40, 30, 0.0f);
        std::fill_n(sky.values.begin(), 40 * 10, 1.0f);  // the top third
        const QString skyFile = folder.filePath("sky.png");
        saveMask(sky, test::toPath(skyFile));
        auto window = readyWindow(100000);
        QVERIFY(window);
        StyleRow* card = window->styleList()->row(0);
        QVERIFY(card);
        QCOMPARE(card->partButton()->text(), QString("All"));
        QSignalSpy applied(&window->controller().worker(), &SessionWorker::masksApplied);
        window->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->shownIteration() >= 2, kTimeoutMs);

        const int givenAt = window->shownIteration();
        window->maskMode().usePartOfPainting(0, skyFile);
        QCOMPARE(card->partButton()->text(), QString("Part"));
        QTRY_VERIFY_WITH_TIMEOUT(!applied.isEmpty(), kTimeoutMs);
        const auto sent = applied.last().at(0).value<MaskSet>();
        QCOMPARE(sent.sources, std::vector<std::optional<Mask>>{sky});
        QVERIFY(applied.last().at(1).toInt() >= givenAt);  // not started over
        QTRY_VERIFY_WITH_TIMEOUT(window->shownIteration() > applied.last().at(1).toInt() + 1,
                                 kTimeoutMs);

        const QString preset = folder.filePath("sky-look.json");
        window->savePresetTo(preset);
        QCOMPARE(loadMaskAllowingBlack(test::toPath(folder.filePath("sky-look.source-mask-1.png"))),
                 sky);
        const QString exported = folder.filePath("sky-look.png");
        QSignalSpy written(&window->controller().worker(), &SessionWorker::exported);
        window->exportTo(exported, 8);
        QTRY_VERIFY_WITH_TIMEOUT(!written.isEmpty(), kTimeoutMs);
        QCOMPARE(readEmbeddedMasks(test::toPath(exported)).sources,
                 std::vector<std::optional<Mask>>{sky});
        window->stopAction()->trigger();
        // The same picture as a JPEG (as the CLI exports it): its masks load the same way.
        const QString jpeg = folder.filePath("sky-look.jpg");
        ImageExportOptions asJpeg;
        asJpeg.settings = readPngText(test::toPath(exported)).at("impasto:settings");
        asJpeg.masks = readEmbeddedMasks(test::toPath(exported));
        exportImage(test::toPath(jpeg), loadImage(test::toPath(exported)).image, asJpeg);

        const auto partUsed = [&] {
            return window->maskMode().editor().masks().sources.at(0) == std::optional(sky);
        };
        for (const QString& file : {preset, exported, jpeg}) {
            card->partButton()->menu()->actions().at(1)->trigger();  // Use All of This Painting
            QVERIFY(!partUsed());
            QCOMPARE(card->partButton()->text(), QString("All"));
            QVERIFY(test::loadPresetAndWait(*window, file, kTimeoutMs));
            QVERIFY2(partUsed(), qPrintable(file));
            QCOMPARE(card->partButton()->text(), QString("Part"));
        }

        // A damaged mask chunk changes nothing, the settings included.
        const QString damaged = folder.filePath("damaged.png");
        // Its first mask chunk fails its checksum.
        QVERIFY(test::copyWithDamagedMaskChunk(exported, damaged));
        card->partButton()->menu()->actions().at(1)->trigger();
        const int revision = window->sentSettingsRevision();
        QVERIFY(test::loadPresetAndWait(*window, damaged, kTimeoutMs));
        QVERIFY2(window->banner()->text().contains("damaged.png"),
                 qPrintable(window->banner()->text()));
        QCOMPARE(window->sentSettingsRevision(), revision);
        QVERIFY(!partUsed());

        // The preset's painting is gone: its masks are not put on the painting here.
        QFile presetFile(preset);
        QVERIFY(presetFile.open(QIODevice::ReadOnly));
        QByteArray recipe = presetFile.readAll();
        const QByteArray painting = window->styleList()->paths().at(0).toUtf8();
        QVERIFY(recipe.contains(painting));
        recipe.replace(painting, folder.filePath("gone.jpg").toUtf8());
        const QString gone = folder.filePath("gone-look.json");
        QFile goneFile(gone);
        QVERIFY(goneFile.open(QIODevice::WriteOnly) && goneFile.write(recipe) == recipe.size());
        goneFile.close();
        QVERIFY(QFile::copy(folder.filePath("sky-look.source-mask-1.png"),
                            folder.filePath("gone-look.source-mask-1.png")));
        QVERIFY(test::loadPresetAndWait(*window, gone, kTimeoutMs));
        QVERIFY(window->sentSettingsRevision() > revision);  // the preset was loaded
        QVERIFY(!partUsed());

        // Two presets chosen back to back: the one chosen last is shown, though the first (an
        // image with masks, slower to read) may be read after it.
        QSignalSpy read(window.get(), &MainWindow::presetRead);
        Q_EMIT window->recentPresetsMenu()->fileChosen(exported);
        Q_EMIT window->recentPresetsMenu()->fileChosen(gone);
        QVERIFY(read.wait(kTimeoutMs));
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::processEvents();
        QCOMPARE(read.count(), 1);
        QCOMPARE(read.first().at(0).toString(), gone);
        QVERIFY(!partUsed());
    }
};

QTEST_MAIN(TestMaskPainting)
#include "test_mask_painting.moc"
