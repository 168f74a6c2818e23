// Painting a painting's source region in the desktop app (issue 13: "use only the sky of this
// painting"), offscreen on the real widgets with the shared paintings: strokes as mouse events
// over the painting in the SourceMaskDialog land in the region and nowhere else, the brush keys
// and undo/redo work there, the region goes out to a file, and from a painting's card OK hands
// the region to the running worker (the run goes on) while Cancel sends nothing.
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QImage>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>  // MainWindowDriver.h sets the panel's boxes
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <memory>

#include "core/image/MaskFile.h"
#include "support/MainWindowDriver.h"
#include "support/MaskStrokes.h"
#include "support/TestFiles.h"
#include "support/TestTimeouts.h"
#include "ui/dialogs/SourceMaskDialog.h"
#include "ui/panels/MaskToolBar.h"
#include "ui/session/MaskSet.h"
#include "ui/session/SessionController.h"
#include "ui/widgets/MaskColours.h"
#include "ui/widgets/MaskEditor.h"
#include "ui/widgets/PreviewView.h"
#include "ui/widgets/StyleListView.h"
#include "ui/widgets/StyleRow.h"
#include "ui/windows/MainWindow.h"
#include "ui/windows/MaskMode.h"

using namespace impasto;
using namespace impasto::ui;

namespace {

const int kTimeoutMs = test::scaledTimeoutMs(20000);
constexpr int kPaintingSide = 128;

using test::drag;
using test::valueAt;

QImage sharedPainting(const char* name) {
    return QImage(test::sharedImage(name))
        .scaled(kPaintingSide, kPaintingSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}

// A hard brush a tenth of the painting wide, so that a stroke's edges are where the test says.
void useHardBrush(MaskEditor& editor) {
    MaskBrush brush = editor.brush();
    brush.size = editor.maskSize().width() / 10.0;
    brush.hardness = 1.0;
    editor.setBrush(brush);
}

// The card's "Paint Region of This Painting..." and the dialog it opens.
SourceMaskDialog* openRegionDialog(MainWindow& window) {
    const QList<QAction*> choices = window.styleList()->row(0)->partButton()->menu()->actions();
    choices.at(2)->trigger();
    SourceMaskDialog* dialog = nullptr;
    const bool opened = QTest::qWaitFor(
        [&] {
            dialog = window.findChild<SourceMaskDialog*>();
            return dialog && dialog->isVisible();
        },
        kTimeoutMs);
    return opened ? dialog : nullptr;
}

}  // namespace

class TestSourceMaskDialog : public QObject {
    Q_OBJECT

private:
    QTemporaryDir home_;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(home_.isValid());
        test::useFreshHome(home_);
    }

    // Over the second painting, a stroke across the middle marks that band of the painting and
    // leaves the rest; it shows in the painting's colour. ] and X change the brush, an erasing
    // stroke cuts the band, Ctrl+Z and Ctrl+Shift+Z step back and forth, the region goes to a
    // PNG, and OK gives the region as painted.
    void strokesPaintTheRegionAndUndo() {
        const QImage picture = sharedPainting("starry_night.jpg");
        QVERIFY(!picture.isNull());
        SourceMaskDialog dialog(picture, 1, "starry_night.jpg", std::nullopt);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        MaskMode& mode = dialog.maskMode();
        MaskEditor& editor = mode.editor();
        QCOMPARE(editor.maskSize(), picture.size());
        QCOMPARE(editor.target(), 1);
        QVERIFY(dialog.preview()->maskMode());
        QVERIFY(!mode.toolBar()->targetBox()->isVisible());  // one mask only
        QVERIFY(!dialog.region().has_value());
        useHardBrush(editor);

        drag(dialog.preview(), {0.2, 0.5}, {0.8, 0.5});
        const std::optional<Mask> painted = dialog.region();
        QVERIFY(painted.has_value());
        QCOMPARE(painted->width(), picture.width());
        QCOMPARE(valueAt(*painted, {0.5, 0.5}), 1.0f);
        QCOMPARE(valueAt(*painted, {0.25, 0.5}), 1.0f);
        QCOMPARE(valueAt(*painted, {0.05, 0.05}), 0.0f);
        QCOMPARE(valueAt(*painted, {0.5, 0.9}), 0.0f);
        QCOMPARE(valueAt(*painted, {0.95, 0.5}), 0.0f);
        const QColor colour = paintingMaskColour(1);
        const QImage overlay = dialog.preview()->overlay();
        const QColor shown = overlay.pixelColor(overlay.width() / 2, overlay.height() / 2);
        QVERIFY2(shown.alpha() > 100 && std::abs(shown.red() - colour.red()) < 10 &&
                     std::abs(shown.blue() - colour.blue()) < 10,
                 qPrintable(shown.name(QColor::HexArgb)));
        QCOMPARE(overlay.pixelColor(2, 2).alpha(), 0);

        const double size = editor.brush().size;
        QTest::keyClick(dialog.preview(), Qt::Key_BracketRight);
        QVERIFY(editor.brush().size > size * 1.1);
        QTest::keyClick(dialog.preview(), Qt::Key_BracketLeft);
        QTest::keyClick(dialog.preview(), Qt::Key_X);
        QVERIFY(editor.brush().erasing);
        drag(dialog.preview(), {0.5, 0.1}, {0.5, 0.9});
        QCOMPARE(valueAt(*dialog.region(), {0.5, 0.5}), 0.0f);
        QCOMPARE(valueAt(*dialog.region(), {0.25, 0.5}), 1.0f);

        QTest::keyClick(&dialog, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(dialog.region(), painted);
        QTest::keyClick(&dialog, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!dialog.region().has_value());  // all of the painting again
        QTest::keyClick(&dialog, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(dialog.region(), painted);

        QTemporaryDir folder;
        const QString file = folder.filePath("sky.png");
        mode.exportMaskFile(file);
        QCOMPARE(loadMaskAllowingBlack(test::toPath(file)), *painted);

        QTest::mouseClick(dialog.okButton(), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.region(), painted);
    }

    // A region of another size (an imported file) stays as it was when OK changes nothing;
    // Clear Region closes with none.
    void anUntouchedRegionStaysAndClearRegionDropsIt() {
        Mask given(40, 30, 0.0f);
        std::fill_n(given.values.begin(), 40 * 10, 1.0f);  // the top third
        SourceMaskDialog dialog(sharedPainting("the_scream.jpg"), 0, "the_scream.jpg", given);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(dialog.region(), std::optional(given));
        const Mask shown = *dialog.maskMode().editor().masks().paintings.at(0);
        QCOMPARE(valueAt(shown, {0.5, 0.1}), 1.0f);  // resampled over the painting
        QCOMPARE(valueAt(shown, {0.5, 0.9}), 0.0f);
        QTest::mouseClick(dialog.clearRegionButton(), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY(!dialog.region().has_value());
    }

    // From the painting's card, while the run goes: OK hands the painted region to the worker
    // (masksApplied with it as the painting's source mask, the iterations going on) and the
    // card says "Part"; Cancel after more strokes sends nothing; Clear Region drops it.
    void okReachesTheRunningWorkerAndCancelDoesNot() {
        auto window = test::readyWindow(80, 100000, kTimeoutMs);
        QVERIFY(window);
        StyleRow* card = window->styleList()->row(0);
        QCOMPARE(card->partButton()->text(), QString("All"));
        QSignalSpy applied(&window->controller().worker(), &SessionWorker::masksApplied);
        window->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->shownIteration() >= 2, kTimeoutMs);

        SourceMaskDialog* dialog = openRegionDialog(*window);
        QVERIFY(dialog);
        QVERIFY(dialog->preview()->image().width() > 0);
        useHardBrush(dialog->maskMode().editor());
        drag(dialog->preview(), {0.1, 0.2}, {0.9, 0.2});
        const std::optional<Mask> painted = dialog->region();
        QVERIFY(painted.has_value());
        const int paintedAt = window->shownIteration();
        QTest::mouseClick(dialog->okButton(), Qt::LeftButton);
        QCOMPARE(window->maskMode().editor().masks().sources.at(0), painted);
        QCOMPARE(card->partButton()->text(), QString("Part"));
        QTRY_VERIFY_WITH_TIMEOUT(!applied.isEmpty(), kTimeoutMs);
        const auto sent = applied.last().at(0).value<MaskSet>();
        QCOMPARE(sent.sources, std::vector<std::optional<Mask>>{painted});
        QVERIFY(applied.last().at(1).toInt() >= paintedAt);  // not started over
        QTRY_VERIFY_WITH_TIMEOUT(window->shownIteration() > applied.last().at(1).toInt() + 1,
                                 kTimeoutMs);

        // Opened again it shows the region; strokes then Cancel change nothing.
        QTRY_VERIFY_WITH_TIMEOUT(!window->findChild<SourceMaskDialog*>(), kTimeoutMs);
        dialog = openRegionDialog(*window);
        QVERIFY(dialog);
        QCOMPARE(dialog->region(), painted);
        const int revision = window->sentSettingsRevision();
        const qsizetype appliedBefore = applied.size();
        drag(dialog->preview(), {0.1, 0.8}, {0.9, 0.8});
        QVERIFY(dialog->region() != painted);
        QTest::mouseClick(dialog->cancelButton(), Qt::LeftButton);
        QCOMPARE(window->maskMode().editor().masks().sources.at(0), painted);
        QCOMPARE(window->sentSettingsRevision(), revision);
        QTest::qWait(300);
        QCOMPARE(applied.size(), appliedBefore);

        QTRY_VERIFY_WITH_TIMEOUT(!window->findChild<SourceMaskDialog*>(), kTimeoutMs);
        dialog = openRegionDialog(*window);
        QVERIFY(dialog);
        QTest::mouseClick(dialog->clearRegionButton(), Qt::LeftButton);
        QVERIFY(!window->maskMode().editor().masks().sources.at(0).has_value());
        QCOMPARE(card->partButton()->text(), QString("All"));
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const auto sources = applied.last().at(0).value<MaskSet>().sources;
                return sources.empty() || !sources[0].has_value();
            }(),
            kTimeoutMs);
        window->stopAction()->trigger();
    }

    // The region's history outlives its dialog, as an image editor keeps a document's: opened
    // again, Ctrl+Z takes back the strokes of an earlier opening, and Ctrl+Shift+Z redoes them,
    // until the region changes otherwise (an imported one), which starts a new history.
    void strokesOfAnEarlierOpeningCanBeUndone() {
        auto window = test::readyWindow(80, 10, kTimeoutMs);
        QVERIFY(window);
        // A stroke across the painting at height `y`, then OK: the region it gave.
        const auto paint = [&](double y) -> std::optional<Mask> {
            SourceMaskDialog* dialog = openRegionDialog(*window);
            if (!dialog) {
                return std::nullopt;
            }
            useHardBrush(dialog->maskMode().editor());
            drag(dialog->preview(), {0.1, y}, {0.9, y});
            const std::optional<Mask> painted = dialog->region();
            QTest::mouseClick(dialog->okButton(), Qt::LeftButton);
            const bool closed =
                QTest::qWaitFor([&] { return !window->findChild<SourceMaskDialog*>(); });
            return closed ? painted : std::nullopt;
        };
        const std::optional<Mask> first = paint(0.2);
        const std::optional<Mask> second = paint(0.8);
        QVERIFY(first && second && first != second);
        QCOMPARE(window->maskMode().editor().masks().sources.at(0), second);

        SourceMaskDialog* dialog = openRegionDialog(*window);
        QVERIFY(dialog);
        QCOMPARE(dialog->region(), second);
        QTest::keyClick(dialog, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(dialog->region(), first);
        QTest::keyClick(dialog, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!dialog->region().has_value());
        QTest::mouseClick(dialog->okButton(), Qt::LeftButton);
        QVERIFY(!window->maskMode().editor().masks().sources.at(0).has_value());

        QTRY_VERIFY(!window->findChild<SourceMaskDialog*>());
        dialog = openRegionDialog(*window);
        QVERIFY(dialog);
        QTest::keyClick(dialog, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(dialog->region(), first);
        QTest::mouseClick(dialog->cancelButton(), Qt::LeftButton);
        QVERIFY(!window->maskMode().editor().masks().sources.at(0).has_value());

        Mask imported(20, 20, 1.0f);
        window->maskMode().editor().setSourceMask(0, imported);
        QTRY_VERIFY(!window->findChild<SourceMaskDialog*>());
        dialog = openRegionDialog(*window);
        QVERIFY(dialog);
        QCOMPARE(dialog->maskMode().editor().undoStack()->count(), 0);
        QCOMPARE(dialog->region(), std::optional(imported));
        QTest::mouseClick(dialog->cancelButton(), Qt::LeftButton);
    }

    // Each step holds two whole masks: a carried history keeps the newest kUndoLimit of them.
    void aCarriedHistoryIsCapped() {
        MaskEditor editor;
        MaskEditor::History history;
        for (int i = 0; i < MaskEditor::kUndoLimit + 10; ++i) {
            history.steps.push_back({QString("step %1").arg(i), std::nullopt, std::nullopt});
        }
        history.done = MaskEditor::kUndoLimit + 5;
        QVERIFY(editor.adoptHistory(history));
        QCOMPARE(editor.undoStack()->count(), MaskEditor::kUndoLimit);
        QCOMPARE(editor.undoStack()->index(), MaskEditor::kUndoLimit - 5);
        QCOMPARE(editor.undoStack()->text(0), QString("step 10"));
        QCOMPARE(editor.undoStack()->undoLimit(), MaskEditor::kUndoLimit);
        QCOMPARE(int(editor.history().steps.size()), MaskEditor::kUndoLimit);
    }

    // Masks set from outside the dialog (here a recovered session's, the same region) leave
    // no strokes to undo to.
    void masksFromOutsideForgetTheRegionHistory() {
        auto window = test::readyWindow(80, 10, kTimeoutMs);
        QVERIFY(window);
        SourceMaskDialog* dialog = openRegionDialog(*window);
        QVERIFY(dialog);
        useHardBrush(dialog->maskMode().editor());
        drag(dialog->preview(), {0.1, 0.5}, {0.9, 0.5});
        QTest::mouseClick(dialog->okButton(), Qt::LeftButton);
        QTRY_VERIFY(!window->findChild<SourceMaskDialog*>());

        Q_EMIT window->controller().worker().masksRestored(window->maskMode().editor().masks());
        dialog = openRegionDialog(*window);
        QVERIFY(dialog);
        QVERIFY(dialog->region().has_value());
        QCOMPARE(dialog->maskMode().editor().undoStack()->count(), 0);
        QTest::mouseClick(dialog->cancelButton(), Qt::LeftButton);
    }
};

QTEST_MAIN(TestSourceMaskDialog)
#include "test_source_mask_dialog.moc"
