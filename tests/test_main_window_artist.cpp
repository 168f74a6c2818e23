// The desktop app as an artist uses it (issue 14), on the real window offscreen with the real
// SqueezeNet weights at small sizes: a crash restore that keeps the blend and goes on counting,
// Start on a finished picture asking first, the wheel scrolling the Settings panel, the
// snapshot history, one status message at a time and one loss-curve marker per change.
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDropEvent>
#include <QFileInfo>
#include <QImage>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QWheelEvent>

#include <algorithm>
#include <memory>

#include <opencv2/core.hpp>

#include "core/image/ImageMat.h"
#include "core/recovery/RecoveryStore.h"
#include "core/registry/RegisteredModel.h"
#include "support/MainWindowDriver.h"
#include "support/TestFiles.h"
#include "support/TestPaths.h"
#include "support/TestTimeouts.h"
#include "ui/dialogs/PrintSizeDialog.h"
#include "ui/dialogs/ShortcutsDialog.h"
#include "ui/panels/MessageBanner.h"
#include "ui/panels/ModelSelector.h"
#include "ui/panels/ModelSetupPanel.h"
#include "ui/panels/ParameterPanel.h"
#include "ui/panels/RunStatusBar.h"
#include "ui/panels/StyleGallery.h"
#include "ui/session/SessionController.h"
#include "ui/session/SettingsChange.h"
#include "ui/settings/AppSettings.h"
#include "ui/widgets/ElidedLabel.h"
#include "ui/widgets/FileThumbnail.h"
#include "ui/widgets/ImageSlot.h"
#include "ui/widgets/LayerWeightsEditor.h"
#include "ui/widgets/LossCurveView.h"
#include "ui/widgets/ParameterControl.h"
#include "ui/widgets/PreviewView.h"
#include "ui/widgets/RecentFilesMenu.h"
#include "ui/widgets/SnapshotStrip.h"
#include "ui/widgets/StyleListView.h"
#include "ui/windows/MainWindow.h"

using namespace impasto;
using namespace impasto::ui;
using impasto::test::dropFile;

namespace {

const int kTimeoutMs = test::scaledTimeoutMs(20000);
constexpr int kSize = 80;

QString squeezeNetFile() {
    return test::sharedWeights("squeezenet1_1-features.safetensors");
}

// Clicks the button labelled `text` (without its '&') of the next question the window asks.
void answerNextQuestion(const QString& text) {
    auto* poll = new QTimer;
    poll->setInterval(20);
    QObject::connect(poll, &QTimer::timeout, poll, [poll, text] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (box == nullptr) {
            return;
        }
        for (QAbstractButton* button : box->buttons()) {
            if (button->text().remove('&') == text) {
                button->click();
                poll->deleteLater();
                return;
            }
        }
    });
    poll->start();
}

// Fills in the next Render at Print Size dialog as a print `inches` wide at `dpi` and accepts it.
void chooseNextPrintSize(double inches, int dpi) {
    auto* poll = new QTimer;
    poll->setInterval(20);
    QObject::connect(poll, &QTimer::timeout, poll, [poll, inches, dpi] {
        auto* dialog = qobject_cast<PrintSizeDialog*>(QApplication::activeModalWidget());
        if (dialog == nullptr) {
            return;
        }
        dialog->wayBox()->setCurrentIndex(static_cast<int>(PrintSizeDialog::Way::Print));
        dialog->unitBox()->setCurrentIndex(static_cast<int>(PrintSizeDialog::Unit::Inches));
        dialog->edgeBox()->setCurrentIndex(static_cast<int>(PrintSizeDialog::Edge::Width));
        dialog->dpiBox()->setValue(dpi);
        dialog->printLengthBox()->setValue(inches);
        dialog->accept();
        poll->deleteLater();
    });
    poll->start();
}

// A wheel notch (down) over the middle of `widget`, as the mouse sends it.
void wheelDown(QWidget* widget) {
    const QPointF centre = QRectF(widget->rect()).center();
    QWheelEvent wheel(centre, widget->mapToGlobal(centre), QPoint(), QPoint(0, -120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(widget, &wheel);
}

}  // namespace

class TestMainWindowArtist : public QObject {
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
    }

    // Item 1: a restored run comes back with its blend weights, exports at once and goes on
    // counting from its iteration.
    void aRestoredRunKeepsItsBlendExportsAndCountsOn() {
        qputenv("XDG_STATE_HOME", (home_.path() + "/state-restore").toUtf8());
        StyleSettings settings;
        settings.outputSize = kSize;
        settings.styleBlend = {0.0, 1.0};
        settings.styleWeight = 321.0;
        const Image image = imageFromMats(cv::Mat(60, 80, CV_32FC3, cv::Scalar(0.2, 0.4, 0.6)));
        RecoveryStore().save(image, settings, test::toPath(test::sharedImage("tubingen.jpg")),
                             {test::toPath(test::sharedImage("starry_night.jpg")),
                              test::toPath(test::sharedImage("the_scream.jpg"))},
                             7);

        MainWindow window;
        window.show();
        window.loadModel(squeezeNetFile());
        QTRY_VERIFY_WITH_TIMEOUT(window.banner()->acceptButton()->isVisible(), kTimeoutMs);
        // A painting loaded meanwhile gives way to the run's own.
        window.openUrls({QUrl::fromLocalFile(test::sharedImage("golden_gate.jpg"))},
                        MainWindow::DropTarget::Style);
        QTRY_COMPARE_WITH_TIMEOUT(window.styleList()->count(), 1, kTimeoutMs);
        QTest::mouseClick(window.banner()->acceptButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(window.styleList()->paths().join(",").contains("the_scream"),
                                 kTimeoutMs);
        QCOMPARE(window.styleList()->count(), 2);
        QVERIFY(!window.styleList()->paths().join(",").contains("golden_gate"));
        QTRY_COMPARE_WITH_TIMEOUT(window.styleList()->weights(), (QList<double>{0.0, 1.0}),
                                  kTimeoutMs);
        QCOMPARE(window.parameterPanel()->styleWeightControl()->value(), 321.0);

        // Export works at once, without clicking the snapshot first.
        QTRY_VERIFY_WITH_TIMEOUT(window.exportAction()->isEnabled(), kTimeoutMs);
        QTemporaryDir output;
        const QString file = output.filePath("restored.png");
        bool exported = false;
        connect(&window.controller().worker(), &SessionWorker::exported, this,
                [&] { exported = true; });
        window.exportTo(file, 8);
        QTRY_VERIFY_WITH_TIMEOUT(exported, kTimeoutMs);
        QCOMPARE(QImage(file).size(), QSize(80, 60));

        // Continue goes on from iteration 7, not from 1.
        QList<int> iterations;
        connect(&window.controller().worker(), &SessionWorker::frameReady, this,
                [&](const SessionFrame& frame) { iterations.append(frame.iteration); });
        QVERIFY(window.continueAction()->isEnabled());
        window.continueAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!iterations.isEmpty(), kTimeoutMs);
        QVERIFY2(iterations.first() > 7, qPrintable(QString::number(iterations.first())));
        window.stopAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window.controller().state() != RunState::Running, kTimeoutMs);
    }

    // Item 2: Start on a finished picture asks; Continue goes on, Cancel keeps it, Start Over
    // begins again and keeps the picture so far in the history.
    void startOnAFinishedPictureAsksFirst() {
        auto window = readyWindow(4);
        QVERIFY(window);
        window->startAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Finished, kTimeoutMs);
        QCOMPARE(window->shownIteration(), 4);

        answerNextQuestion("Cancel");
        window->startAction()->trigger();
        QCOMPARE(window->controller().state(), RunState::Finished);
        QCOMPARE(window->shownIteration(), 4);

        answerNextQuestion("Continue");
        window->startAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->shownIteration(), 8, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Finished, kTimeoutMs);

        const int snapshots = window->snapshotStrip()->count();
        QList<int> iterations;
        connect(&window->controller().worker(), &SessionWorker::frameReady, this,
                [&](const SessionFrame& frame) { iterations.append(frame.iteration); });
        answerNextQuestion("Start Over");
        window->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!iterations.isEmpty(), kTimeoutMs);
        QVERIFY(iterations.first() <= 4);
        QTRY_COMPARE_WITH_TIMEOUT(window->snapshotStrip()->count(), snapshots + 1, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Finished, kTimeoutMs);
    }

    // Item 3: the wheel over a field scrolls the Settings panel; it changes the field only once
    // the field has focus.
    void theWheelScrollsTheSettingsUnlessAFieldHasFocus() {
        MainWindow window;
        window.resize(1000, 420);
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QSpinBox* size = window.parameterPanel()->outputSizeBox();
        QScrollArea* scroll = nullptr;
        for (QWidget* at = size; at != nullptr && scroll == nullptr; at = at->parentWidget()) {
            scroll = qobject_cast<QScrollArea*>(at);
        }
        QVERIFY(scroll);
        QScrollBar* bar = scroll->verticalScrollBar();
        QVERIFY2(bar->maximum() > 0, "the panel should scroll at this height");
        bar->setValue(0);
        size->setValue(512);
        const int sizeBefore = size->value();
        wheelDown(size);
        QCOMPARE(size->value(), sizeBefore);
        QVERIFY(bar->value() > 0);

        const double weightBefore = window.parameterPanel()->styleWeightControl()->value();
        wheelDown(window.parameterPanel()->styleWeightControl()->slider());
        QCOMPARE(window.parameterPanel()->styleWeightControl()->value(), weightBefore);

        size->setFocus();
        QTRY_VERIFY(size->hasFocus());
        wheelDown(size);
        QVERIFY(size->value() < sizeBefore);
    }

    // Item 4: snapshots of two runs say which run they belong to, and bring back the settings
    // they were made with.
    void snapshotsAreAHistoryOfRunsWithTheirSettings() {
        auto window = readyWindow(4);
        QVERIFY(window);
        ParameterPanel* panel = window->parameterPanel();
        panel->setSnapshotInterval(2);  // snapshots at 2 and 4 in each run
        panel->styleWeightControl()->setValue(250.0);
        window->startAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Finished, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(window->snapshotStrip()->count(), 2, kTimeoutMs);

        panel->styleWeightControl()->setValue(4000.0);
        answerNextQuestion("Start Over");
        window->startAction()->trigger();
        // Starting over keeps no second copy of run 1's last picture.
        QTRY_COMPARE_WITH_TIMEOUT(window->snapshotStrip()->count(), 4, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Finished, kTimeoutMs);

        QListWidget* list = window->snapshotStrip()->list();
        QStringList captions;
        for (int row = 0; row < list->count(); ++row) {
            captions.append(list->item(row)->text());
        }
        QCOMPARE(captions.removeDuplicates(), 0);
        QVERIFY2(captions.first().contains("Run 1") && captions.last().contains("Run 2"),
                 qPrintable(captions.join(", ")));

        // The first run's picture and settings back: one double-click, one button.
        const QRect first = list->visualItemRect(list->item(0));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, first.center());
        QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, first.center());
        QAction* restore = window->snapshotStrip()->restoreSettingsAction();
        QVERIFY(restore->isEnabled());
        restore->trigger();
        QCOMPARE(panel->styleWeightControl()->value(), 250.0);
    }

    // Item 4: the history survives a crash with the autosave: a restore brings every snapshot
    // back with its run and settings.
    void theHistoryIsAutosavedToo() {
        qputenv("XDG_STATE_HOME", (home_.path() + "/state-history").toUtf8());
        {
            auto window = readyWindow(4);
            QVERIFY(window);
            window->parameterPanel()->setSnapshotInterval(2);
            window->parameterPanel()->styleWeightControl()->setValue(777.0);
            window->startAction()->trigger();
            QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Finished, kTimeoutMs);
            QTRY_COMPARE_WITH_TIMEOUT(window->snapshotStrip()->count(), 2, kTimeoutMs);
        }  // closed without an export, as a crash would leave it
        MainWindow window;
        window.show();
        window.loadModel(squeezeNetFile());
        QTRY_VERIFY_WITH_TIMEOUT(window.banner()->acceptButton()->isVisible(), kTimeoutMs);
        window.parameterPanel()->styleWeightControl()->setValue(5.0);
        QTest::mouseClick(window.banner()->acceptButton(), Qt::LeftButton);
        // The snapshots at 2 and 4; the run ended at 4, which is not kept twice.
        QTRY_COMPARE_WITH_TIMEOUT(window.snapshotStrip()->count(), 2, kTimeoutMs);
        QListWidget* list = window.snapshotStrip()->list();
        QVERIFY2(list->item(0)->text().contains("Run 1") && list->item(0)->text().endsWith("2"),
                 qPrintable(list->item(0)->text()));
        window.snapshotStrip()->setSelectedId(list->item(0)->data(Qt::UserRole).toInt());
        window.parameterPanel()->styleWeightControl()->setValue(5.0);
        window.snapshotStrip()->restoreSettingsAction()->trigger();
        QCOMPARE(window.parameterPanel()->styleWeightControl()->value(), 777.0);
        QTRY_VERIFY_WITH_TIMEOUT(window.exportAction()->isEnabled(), kTimeoutMs);
    }

    // Item 5: the preparation's message goes when the run has its first frame; a long message
    // is cut to fit, whole in the tooltip.
    void theStatusBarShowsOneMessageClearedWhenDone() {
        auto window = readyWindow(100000);
        QVERIFY(window);
        window->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->framesShown() >= 2, kTimeoutMs);
        QVERIFY(!window->runStatus()->messageText().contains("Preparing"));
        window->stopAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Stopped, kTimeoutMs);

        const QString longMessage = QString("A long message ").repeated(40);
        window->runStatus()->showMessage(longMessage);
        ElidedLabel* label = window->runStatus()->messageLabel();
        QVERIFY(label->isElided());
        QCOMPARE(label->toolTip(), longMessage);
        QVERIFY(label->text().size() < longMessage.size());
    }

    // Item 6: a quick series of changes of one setting (a drag) is one marker that says what
    // changed, from before the drag to after it.
    void aDragIsOneMarkerSayingWhatChanged() {
        auto window = readyWindow(100000);
        QVERIFY(window);
        ParameterControl* styleWeight = window->parameterPanel()->styleWeightControl();
        styleWeight->setValue(100.0);
        window->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->framesShown() >= 2, kTimeoutMs);
        for (int notch = 0; notch < 3; ++notch) {
            QTest::keyClick(styleWeight->slider(), Qt::Key_PageUp);
            QTest::qWait(150);
        }
        const double after = styleWeight->value();
        QVERIFY(after > 100.0);
        const QString expected = QString("style weight 100 -> %1").arg(after, 0, 'g', 4);
        QTRY_COMPARE_WITH_TIMEOUT(window->lossCurve()->markerCount(), 1, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(window->lossCurve()->markerLabel(0), expected, kTimeoutMs);
        window->stopAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Stopped, kTimeoutMs);
    }

    void changesAreDescribedInThePanelsWords() {
        StyleSettings before;
        StyleSettings after = before;
        QCOMPARE(describeChange(before, after), QString());
        after.styleWeight = 1000.0;
        QCOMPARE(describeChange(before, after), QString("style weight 100 -> 1000"));
        after.outputSize = 640;
        after.preserveColors = true;
        after.styleBlend = {0.0, 1.0};
        QCOMPARE(describeChange(before, after),
                 QString("style weight 100 -> 1000; output size 512 -> 640 px; painting blend "
                         "equal -> 0.00/1.00; preserve colours on"));
        StyleSettings seedOnly = before;
        seedOnly.seed = 7;
        QCOMPARE(describeChange(before, seedOnly), QString("other settings"));
    }

    // Item 7: a tenth of a weight slider's travel is at most a factor of about two; the spin box
    // still reaches the whole range.
    void aShortDragIsASmallChange() {
        ParameterPanel panel;
        for (ParameterControl* control : {panel.contentWeightControl(), panel.styleWeightControl(),
                                          panel.smoothnessControl(), panel.styleScaleControl()}) {
            QSlider* slider = control->slider();
            slider->setValue(slider->maximum() / 2);
            const double middle = control->value();
            slider->setValue(slider->maximum() / 2 + slider->maximum() / 10);
            const double tenthOn = control->value();
            QVERIFY2(tenthOn / middle <= 2.05, qPrintable(QString("%1: %2 -> %3")
                                                              .arg(control->label()->text())
                                                              .arg(middle)
                                                              .arg(tenthOn)));
            control->spinBox()->setValue(control->range().maximum);
            QCOMPARE(control->value(), control->range().maximum);
        }
    }

    // Item 15: Continue counts towards its own target; Quit with a picture not exported says it
    // is kept; an all-zero blend is refused in the window's words; the resets look alike.
    void theSmallerThings() {
        auto window = readyWindow(4);
        QVERIFY(window);
        window->startAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Finished, kTimeoutMs);
        window->continueAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Finished, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(window->shownIteration(), 8, kTimeoutMs);
        QCOMPARE(window->runStatus()->iterationText(), QString("Iteration 8 of 8"));
        window->continueAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->shownIteration() > 8, kTimeoutMs);
        QVERIFY2(window->runStatus()->iterationText().endsWith("of 12"),
                 qPrintable(window->runStatus()->iterationText()));
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Finished, kTimeoutMs);

        QString question;
        auto* poll = new QTimer(this);
        connect(poll, &QTimer::timeout, this, [&] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                question = box->text();
            }
        });
        poll->start(10);
        answerNextQuestion("Cancel");
        window->quitAction()->trigger();
        delete poll;
        QVERIFY(window->isVisible());
        QVERIFY2(question.contains("offered back"), qPrintable(question));

        window->styleList()->setWeight(0, 0.0);
        QTRY_VERIFY_WITH_TIMEOUT(window->banner()->isVisible(), kTimeoutMs);
        QVERIFY2(window->banner()->text().contains("painting's weight is 0"),
                 qPrintable(window->banner()->text()));
        window->styleList()->setWeight(0, 1.0);
        QTRY_VERIFY_WITH_TIMEOUT(!window->banner()->isVisible(), kTimeoutMs);

        QList<QImage> icons;
        for (QToolButton* button : window->parameterPanel()->findChildren<QToolButton*>()) {
            if (button->accessibleName().startsWith("Reset")) {
                icons.append(button->icon().pixmap(16).toImage());
            }
        }
        QVERIFY(icons.size() > 4);
        QVERIFY(std::all_of(icons.begin(), icons.end(),
                            [&](const QImage& icon) { return icon == icons.first(); }));
    }

    // Item 16: a draft runs small; Render at Full Size goes on from it at the output size.
    void aDraftRendersAtFullSize() {
        auto window = readyWindow(100000);
        QVERIFY(window);
        window->parameterPanel()->outputSizeBox()->setValue(320);
        QList<int> sides;
        connect(&window->controller().worker(), &SessionWorker::frameReady, this,
                [&](const SessionFrame& frame) {
                    sides.append(std::max(frame.image.width(), frame.image.height()));
                });
        QVERIFY(window->draftAction()->isEnabled());
        window->draftAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->shownIteration() >= 2, kTimeoutMs);
        QVERIFY(window->windowTitle().contains("Draft"));
        QCOMPARE(sides.last(), MainWindow::kDraftSize);
        QVERIFY(window->fullSizeAction()->isEnabled());
        const int draftIterations = window->shownIteration();
        window->fullSizeAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(sides.last(), 320, kTimeoutMs);
        QVERIFY(window->shownIteration() > draftIterations);  // went on, did not start again
        QVERIFY(!window->windowTitle().contains("Draft"));
        window->stopAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Stopped, kTimeoutMs);
    }

    // Issue 16: Render at Print Size goes on from the picture at the size chosen; Stop cancels
    // it, Continue resumes it there, and the result exports at that size.
    void aPictureRendersAtPrintSize() {
        auto window = readyWindow(100000);
        QVERIFY(window);
        QVERIFY(!window->printSizeAction()->isEnabled());  // no picture to enlarge yet
        QList<int> sides;
        connect(&window->controller().worker(), &SessionWorker::frameReady, this,
                [&](const SessionFrame& frame) {
                    sides.append(std::max(frame.image.width(), frame.image.height()));
                });
        window->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->shownIteration() >= 2, kTimeoutMs);
        window->stopAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Stopped, kTimeoutMs);
        QCOMPARE(sides.last(), kSize);
        QVERIFY(window->printSizeAction()->isEnabled());
        const int before = window->shownIteration();

        chooseNextPrintSize(0.4, 320);  // 128 px wide
        window->printSizeAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(sides.last(), 128, kTimeoutMs);
        QVERIFY(window->shownIteration() > before);  // went on, did not start again
        QCOMPARE(window->parameterPanel()->outputSizeBox()->value(), 128);
        window->stopAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Stopped, kTimeoutMs);

        QTemporaryDir folder;
        const QString file = folder.filePath("print.png");
        bool exported = false;
        connect(&window->controller().worker(), &SessionWorker::exported, this,
                [&] { exported = true; });
        window->exportTo(file, 8);
        QTRY_VERIFY_WITH_TIMEOUT(exported, kTimeoutMs);
        QCOMPARE(QImage(file).size(), QSize(128, 96));

        const int stopped = window->shownIteration();
        QVERIFY(window->continueAction()->isEnabled());
        window->continueAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->shownIteration() > stopped, kTimeoutMs);
        QCOMPARE(sides.last(), 128);
        window->stopAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Stopped, kTimeoutMs);
    }

    // Item 18: paintings used and pictures exported come back from the Recent menus, with
    // thumbnails, in one click.
    void recentPaintingsAndPresetsAreAtHand() {
        QTemporaryDir output;
        const QString exportedFile = output.filePath("kept.png");
        {
            auto window = readyWindow(3);
            QVERIFY(window);
            window->parameterPanel()->styleWeightControl()->setValue(432.0);
            window->startAction()->trigger();
            QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Finished, kTimeoutMs);
            bool exported = false;
            connect(&window->controller().worker(), &SessionWorker::exported, this,
                    [&] { exported = true; });
            window->exportTo(exportedFile, 8);
            QTRY_VERIFY_WITH_TIMEOUT(exported, kTimeoutMs);
        }
        MainWindow window;
        window.show();
        window.loadModel(squeezeNetFile());
        QTRY_VERIFY_WITH_TIMEOUT(window.isModelReady(), kTimeoutMs);
        RecentFilesMenu* paintings = window.recentPaintingsMenu();
        paintings->refresh();
        QAction* starry = paintings->actions().first();
        QCOMPARE(starry->text(), QString("starry_night.jpg"));
        // Decoded off the window's thread, then shown.
        QTRY_VERIFY_WITH_TIMEOUT(!starry->icon().isNull(), kTimeoutMs);
        // Kept for the next opening while the file is unchanged: shown at once.
        paintings->refresh();
        starry = paintings->actions().first();
        QVERIFY(!starry->icon().isNull());
        starry->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window.styleList()->count(), 1, kTimeoutMs);

        RecentFilesMenu* presets = window.recentPresetsMenu();
        presets->refresh();
        QAction* kept = presets->actions().first();
        QCOMPARE(kept->text(), QString("kept.png"));
        QTRY_VERIFY_WITH_TIMEOUT(!kept->icon().isNull(), kTimeoutMs);
        window.parameterPanel()->styleWeightControl()->setValue(5.0);
        QSignalSpy read(&window, &MainWindow::presetRead);
        kept->trigger();
        // Read with its masks off the window's thread, which goes on meanwhile; then shown.
        QCOMPARE(read.count(), 0);
        QCOMPARE(window.parameterPanel()->styleWeightControl()->value(), 5.0);
        QVERIFY(read.wait(kTimeoutMs));
        QCOMPARE(window.parameterPanel()->styleWeightControl()->value(), 432.0);
    }

    // Item 18: the gallery restores a preset with its paintings, blend weights and picture.
    void theGalleryRestoresAPresetWithItsPaintings() {
        QTemporaryDir output;
        const QString preset = output.filePath("two paintings.json");
        {
            auto window = readyWindow(3);
            QVERIFY(window);
            QVERIFY(dropFile(*window, window->styleList(), test::sharedImage("the_scream.jpg")));
            QTRY_COMPARE_WITH_TIMEOUT(window->styleList()->count(), 2, kTimeoutMs);
            window->styleList()->setWeight(1, 0.25);
            window->startAction()->trigger();
            QTRY_COMPARE_WITH_TIMEOUT(window->controller().state(), RunState::Finished, kTimeoutMs);
            window->savePresetTo(preset);
        }
        QVERIFY(QFileInfo::exists(impasto::ui::presetThumbnailFile(preset)));
        MainWindow window;
        window.show();
        window.loadModel(squeezeNetFile());
        QTRY_VERIFY_WITH_TIMEOUT(window.isModelReady(), kTimeoutMs);
        QVERIFY(dropFile(window, window.styleList(), test::sharedImage("tubingen.jpg")));
        QTRY_COMPARE_WITH_TIMEOUT(window.styleList()->count(), 1, kTimeoutMs);

        StyleGallery* gallery = window.gallery();
        QSignalSpy loaded(gallery, &StyleGallery::thumbnailsLoaded);
        gallery->refresh();
        QVERIFY(loaded.wait(kTimeoutMs));
        QListWidget* presets = gallery->presets();
        QCOMPARE(presets->item(0)->text(), QString("two paintings"));
        QVERIFY2(!presets->item(0)->icon().isNull(), "the preset shows no picture of its result");
        gallery->parentWidget()->show();  // its dock tab
        presets->scrollToItem(presets->item(0));
        QTest::mouseClick(presets->viewport(), Qt::LeftButton, {},
                          presets->visualItemRect(presets->item(0)).center());
        const QStringList expected{test::sharedImage("starry_night.jpg"),
                                   test::sharedImage("the_scream.jpg")};
        QTRY_COMPARE_WITH_TIMEOUT(window.styleList()->paths(), expected, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(window.styleList()->weights(), (QList<double>{1.0, 0.25}),
                                  kTimeoutMs);
    }

    // Issue 18: the CLI's --memory-limit, as a setting of the app that it keeps.
    void aMemoryLimitStopsARunThatNeedsMore() {
        {
            auto window = readyWindow(3);
            QVERIFY(window);
            window->parameterPanel()->outputSizeBox()->setValue(512);
            window->parameterPanel()->memoryLimitBox()->setValue(16);
            window->startAction()->trigger();
            QTRY_VERIFY_WITH_TIMEOUT(window->banner()->text().contains("memory"), kTimeoutMs);
            QVERIFY2(window->controller().state() != RunState::Running,
                     qPrintable(window->banner()->text()));
            window->close();
        }
        MainWindow window;
        QCOMPARE(window.parameterPanel()->memoryLimitBox()->value(), 16);
        window.parameterPanel()->memoryLimitBox()->setValue(0);  // the limit is process-wide
        QTRY_COMPARE_WITH_TIMEOUT(AppSettings().memoryLimitMiB(), 0, kTimeoutMs);
    }

    // Item 9: layers read as what they do; the name is in the tooltip; the list is as tall as
    // its rows.
    void layersAreNamedByWhatTheyDo() {
        MainWindow window;
        window.resize(1280, 1000);
        window.show();
        window.loadModel(squeezeNetFile());
        QTRY_VERIFY_WITH_TIMEOUT(window.isModelReady(), kTimeoutMs);
        LayerWeightsEditor* layers = window.parameterPanel()->styleLayersEditor();
        const QStringList names = layers->availableLayers();
        QVERIFY(names.size() > 4);
        QStringList labels;
        for (int row = 0; row < names.size(); ++row) {
            QCheckBox* box = layers->checkBox(row);
            QVERIFY2(!box->text().contains(names[row]), qPrintable(box->text()));
            QVERIFY(box->toolTip().contains(names[row]));
            labels.append(box->text());
        }
        QVERIFY(labels.first().contains("Finest") && labels.last().contains("Large shapes"));
        QCOMPARE(labels.removeDuplicates(), 0);
        QScrollArea* list = layers->findChild<QScrollArea*>();
        QVERIFY(list);
        QTRY_COMPARE(list->verticalScrollBar()->maximum(), 0);  // every row shows
        QComboBox* content = window.parameterPanel()->contentLayerBox();
        QVERIFY(!names.contains(content->currentText()));
        QVERIFY(names.contains(content->currentData().toString()));
        QCOMPARE(window.parameterPanel()->settings().contentLayers.front().layer,
                 content->currentData().toString().toStdString());
    }

    // Item 10: the picker lists a weight file opened before by a name for people, with its size.
    void theModelPickerListsEveryModelFound() {
        {
            MainWindow window;
            window.loadModel(squeezeNetFile());
            QTRY_VERIFY_WITH_TIMEOUT(window.isModelReady(), kTimeoutMs);
        }
        ModelSelector selector;
        QComboBox* box = selector.comboBox();
        QStringList items;
        for (int index = 0; index < box->count(); ++index) {
            items.append(box->itemText(index));
        }
        const QString listed = items.join(" | ");
        QVERIFY2(listed.contains("SqueezeNet 1.1"), qPrintable(listed));
        QVERIFY2(listed.contains(QRegularExpression("\\d+(\\.\\d+)? [KMG]i?B")),
                 qPrintable(listed));
        QVERIFY2(!listed.contains("squeezenet1_1") && !listed.contains("size unknown"),
                 qPrintable(listed));
    }

    // Item 11: a server that cannot be found reads as no connection, with the weight file as
    // the way on.
    void anOfflineDownloadSaysThereIsNoConnection() {
        RegisteredModel model;
        model.name = "tiny";
        model.title = "Tiny";
        model.fileName = "tiny.safetensors";
        model.sizeBytes = 1000;
        QTemporaryDir destination;
        ModelSetupPanel panel;
        panel.setModels({model});
        panel.setDownloadLocation(destination.path(), "http://impasto-test.invalid/tiny");
        panel.show();
        QTest::mouseClick(panel.downloadButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(panel.messageLabel()->isVisible(), kTimeoutMs);
        const QString message = panel.messageLabel()->text();
        QVERIFY2(message.contains("no connection") && message.contains("weight file") &&
                     !message.contains("http://"),
                 qPrintable(message));
    }

    // Item 12: the file dialogs start in a folder that exists (a missing one ends up typed into
    // the file-name box).
    void fileDialogsStartInAFolderThatExists() {
        const QByteArray home = qgetenv("HOME");
        QTemporaryDir bareHome;  // no Pictures folder
        qputenv("HOME", bareHome.path().toUtf8());
        const QString folder = AppSettings().lastFolder("models");
        qputenv("HOME", home);
        QVERIFY2(QFileInfo(folder).isDir(), qPrintable(folder));
    }

    // Item 13: Start waits for a photo or a painting; a complaint about a file goes when a
    // good one comes.
    void startNeedsAPictureAndStaleComplaintsGo() {
        MainWindow window;
        window.show();
        window.loadModel(squeezeNetFile());
        QTRY_VERIFY_WITH_TIMEOUT(window.isModelReady(), kTimeoutMs);
        QVERIFY(!window.startAction()->isEnabled());
        QTemporaryDir folder;
        const QString notAnImage = folder.filePath("notes.jpg");
        QVERIFY(test::writeBytes(notAnImage, "just words"));
        QVERIFY(dropFile(window, window.contentSlot(), notAnImage));
        QTRY_VERIFY_WITH_TIMEOUT(window.banner()->isVisible(), kTimeoutMs);
        QVERIFY(!window.startAction()->isEnabled());
        QVERIFY(dropFile(window, window.contentSlot(), test::sharedImage("tubingen.jpg")));
        QTRY_VERIFY_WITH_TIMEOUT(window.startAction()->isEnabled(), kTimeoutMs);
        QVERIFY(!window.banner()->isVisible());
    }

    // Item 14: the shortcuts dialog lists every action with a shortcut, from the actions.
    void theShortcutsDialogListsTheActions() {
        MainWindow window;
        window.show();
        window.shortcutsAction()->trigger();
        ShortcutsDialog* dialog = window.findChild<ShortcutsDialog*>();
        QVERIFY(dialog);
        QStringList rows;
        for (int row = 0; row < dialog->table()->rowCount(); ++row) {
            rows.append(dialog->table()->item(row, 0)->text() + '=' +
                        dialog->table()->item(row, 1)->text());
        }
        int withShortcut = 0;
        for (const QAction* action : window.findChildren<QAction*>(Qt::FindDirectChildrenOnly)) {
            withShortcut += action->shortcut().isEmpty() ? 0 : 1;
        }
        QCOMPARE(rows.size(), withShortcut);
        QVERIFY2(rows.contains("Export PNG=" + window.exportAction()->shortcut().toString(
                                                   QKeySequence::NativeText)),
                 qPrintable(rows.join(", ")));
        dialog->close();
    }
};

QTEST_MAIN(TestMainWindowArtist)
#include "test_main_window_artist.moc"
